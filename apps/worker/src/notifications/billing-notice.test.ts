import { BILLING_NOTICES, formatMoney, translator } from "@an/domain";
import { describe, expect, it } from "vitest";
import { renderBillingNotice } from "./billing-notice";

const recipient = { firstName: "Noor", email: "noor@example.test", timeZone: "Asia/Dubai" };
const params = (notice: (typeof BILLING_NOTICES)[number], currency = "USD", amount = 1_500) => ({
  notice,
  plan: "Pro",
  amount,
  currency,
  at: "2026-04-01T08:00:00.000Z",
  url: "https://invoice.test/in_1",
});

describe("renderBillingNotice", () => {
  it("has its own text for every notice in every base locale, with nothing left to fill", () => {
    for (const locale of ["en", "de", "es", "fr", "ar"] as const) {
      const t = translator(locale);
      for (const notice of BILLING_NOTICES) {
        const { subject, body } = renderBillingNotice({
          params: params(notice),
          recipient,
          locale,
          t,
        });
        expect(subject).not.toContain("notifications.");
        expect(`${subject}${body}`).not.toMatch(/\{\{|\}\}/);
        expect(subject).toContain("Pro");
        expect(body).toContain("Noor");
      }
    }
  });

  it("formats amounts with the currency's exponent in the recipient's locale", () => {
    const yen = renderBillingNotice({
      params: params("payment_failed", "JPY", 1_500),
      recipient,
      locale: "en",
      t: translator("en"),
    });
    expect(yen.body).toContain("¥1,500");
    const dirham = renderBillingNotice({
      params: params("payment_failed", "AED", 1_500),
      recipient,
      locale: "ar",
      t: translator("ar"),
    });
    expect(dirham.body).toContain(formatMoney({ amount: 1_500, currency: "AED" }, "ar"));
    expect(formatMoney({ amount: 1_500, currency: "AED" }, "ar")).not.toContain("1500");
    const euro = renderBillingNotice({
      params: params("plan_changed", "EUR", 1_500),
      recipient,
      locale: "fr",
      t: translator("fr"),
    });
    expect(euro.body).toMatch(/15,00\s€/u);
  });

  it("states the date in the recipient's time zone and gives the link to fix the card", () => {
    const { subject, body } = renderBillingNotice({
      params: params("subscription_canceling"),
      recipient,
      locale: "en",
      t: translator("en"),
    });
    // 08:00 UTC is noon in Dubai.
    expect(subject).toMatch(/April 1, 2026.*12:00/);
    const failed = renderBillingNotice({
      params: params("payment_failed"),
      recipient,
      locale: "de",
      t: translator("de"),
    });
    expect(failed.body).toContain("https://invoice.test/in_1");
    expect(body).toContain("Noor");
  });
});
