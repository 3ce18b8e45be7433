import fc from "fast-check";
import { describe, expect, it } from "vitest";
import { findUnstorableText, isStorableText, unstorableReason } from "./text";

/** Strings of raw UTF-16 code units, surrogates (paired or not) drawn often. */
const codeUnits = fc
  .array(
    fc.oneof(
      fc.integer({ min: 0x20, max: 0x7e }),
      fc.integer({ min: 0xd800, max: 0xdfff }),
      fc.integer({ min: 1, max: 0xffff }),
    ),
    { maxLength: 12 },
  )
  .map((units) => String.fromCharCode(...units));

describe("storable text", () => {
  it.each([
    ["plain text", "Hello, world", null],
    ["Arabic and an emoji (a full surrogate pair)", "مرحبا 👋", null],
    ["a NUL byte", "a\u0000b", "nul"],
    ["a lone high surrogate", "a\uD83Db", "lone_surrogate"],
    ["a high surrogate at the end (a truncated emoji)", "ok \uD83D", "lone_surrogate"],
    ["a lone low surrogate", "\uDC4Bok", "lone_surrogate"],
    ["two high surrogates then a low one", "\uD83D\uD83D\uDC4B", "lone_surrogate"],
  ])("%s", (_name, value, reason) => {
    expect(unstorableReason(value)).toBe(reason);
    expect(isStorableText(value)).toBe(reason === null);
  });

  it("agrees with what UTF-8 can carry, for any string without NUL", () => {
    fc.assert(
      fc.property(codeUnits, (value) => {
        const roundTrips = Buffer.from(value, "utf8").toString("utf8") === value;
        expect(isStorableText(value)).toBe(roundTrips && !value.includes("\u0000"));
      }),
      { numRuns: 2000 },
    );
  });

  it("finds the first unstorable string in a JSON value, keys included", () => {
    expect(findUnstorableText({ a: ["ok", { b: "x\u0000" }] })).toEqual({
      path: ["a", 1, "b"],
      reason: "nul",
    });
    expect(findUnstorableText({ meta: { "k\uD800": 1 } })).toEqual({
      path: ["meta", "k\uD800"],
      reason: "lone_surrogate",
    });
    expect(findUnstorableText("\u0000")).toEqual({ path: [], reason: "nul" });
    expect(findUnstorableText({ a: [1, true, null, "fine"] })).toBeNull();
  });
});

describe("findUnstorableText on deep values", () => {
  it("walks a body nested 100,000 deep without overflowing the stack, and names the path", () => {
    const depth = 100_000;
    const body = JSON.parse(`${"[".repeat(depth)}"\\u0000"${"]".repeat(depth)}`);
    const found = findUnstorableText(body);
    expect(found?.reason).toBe("nul");
    expect(found?.path).toHaveLength(depth);
  });

  it("reports in document order: an earlier value before a later key", () => {
    expect(findUnstorableText({ a: { b: "\u0000" }, "c\u0000": 1 })?.path).toEqual(["a", "b"]);
    expect(findUnstorableText({ "a\u0000": "\u0000" })?.path).toEqual(["a\u0000"]);
  });
});
