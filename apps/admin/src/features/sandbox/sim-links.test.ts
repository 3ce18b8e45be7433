import { describe, expect, it } from "vitest";
import { withLocale } from "./sim-links";

describe("withLocale", () => {
  it("adds the locale to a simulator page's query", () => {
    expect(withLocale("http://127.0.0.1:4000/sim/checkout/cs_1", "ar")).toBe(
      "http://127.0.0.1:4000/sim/checkout/cs_1?locale=ar",
    );
  });

  it("keeps the existing parameters, brackets included, and the fragment", () => {
    const url =
      "http://api.test/sim/book/lucas-60?metadata%5BbookingToken%5D=tok&name=Sam+Carter&email=sam%40demo.test#top";
    const out = new URL(withLocale(url, "ar-EG"));
    expect(out.pathname).toBe("/sim/book/lucas-60");
    expect(out.searchParams.get("metadata[bookingToken]")).toBe("tok");
    expect(out.searchParams.get("name")).toBe("Sam Carter");
    expect(out.searchParams.get("email")).toBe("sam@demo.test");
    expect(out.searchParams.get("locale")).toBe("ar-EG");
    expect(out.hash).toBe("#top");
  });

  it("replaces a locale already there rather than adding a second", () => {
    const out = new URL(withLocale("http://api.test/sim/billing/portal/bps_1?locale=en", "fr"));
    expect(out.searchParams.getAll("locale")).toEqual(["fr"]);
  });

  it("leaves real provider URLs, relative and unparsable URLs alone", () => {
    expect(withLocale("https://checkout.stripe.com/c/pay/cs_live_1", "de")).toBe(
      "https://checkout.stripe.com/c/pay/cs_live_1",
    );
    expect(withLocale("https://api.test/simulate/x", "de")).toBe("https://api.test/simulate/x");
    expect(withLocale("/sim/checkout/cs_1", "de")).toBe("/sim/checkout/cs_1");
    expect(withLocale(null, "de")).toBeNull();
    expect(withLocale(undefined, "de")).toBeNull();
  });
});
