import { describe, expect, it } from "vitest";
import {
  CHAT_BODY_MAX_CHARS,
  CHAT_MAX_ATTACHMENTS,
  chatSenderName,
  detectFlagReasons,
  normalizeMessageBody,
} from "./chat-message";

describe("message body", () => {
  it.each([
    ["plain text is trimmed", "  hello  ", 0, { ok: true, value: "hello" }],
    ["empty is refused", "", 0, { ok: false, error: { code: "CHAT_BODY_EMPTY" } }],
    ["only whitespace is empty", " \n\t ", 0, { ok: false, error: { code: "CHAT_BODY_EMPTY" } }],
    ["empty is fine with an attachment", "  ", 1, { ok: true, value: "" }],
    [
      "a NUL byte is refused",
      "a\u0000b",
      0,
      { ok: false, error: { code: "TEXT_INVALID_CHARACTERS" } },
    ],
    [
      "a lone surrogate is refused",
      "ok \uD83D",
      0,
      { ok: false, error: { code: "TEXT_INVALID_CHARACTERS" } },
    ],
    [
      "exactly the limit is fine",
      "a".repeat(CHAT_BODY_MAX_CHARS),
      0,
      { ok: true, value: "a".repeat(CHAT_BODY_MAX_CHARS) },
    ],
    [
      "one over the limit is refused",
      "a".repeat(CHAT_BODY_MAX_CHARS + 1),
      0,
      {
        ok: false,
        error: {
          code: "CHAT_BODY_TOO_LONG",
          max: CHAT_BODY_MAX_CHARS,
          length: CHAT_BODY_MAX_CHARS + 1,
        },
      },
    ],
    [
      "emoji count once each (4000 of them fit)",
      "👋".repeat(CHAT_BODY_MAX_CHARS),
      0,
      { ok: true, value: "👋".repeat(CHAT_BODY_MAX_CHARS) },
    ],
    [
      "too many attachments",
      "see files",
      CHAT_MAX_ATTACHMENTS + 1,
      { ok: false, error: { code: "CHAT_TOO_MANY_ATTACHMENTS", max: CHAT_MAX_ATTACHMENTS } },
    ],
  ] as const)("%s", (_name, body, attachments, expected) => {
    expect(normalizeMessageBody(body, attachments)).toEqual(expected);
  });
});

describe("contact details and off-platform payment", () => {
  it.each([
    ["a plain message", "Let's look at the onboarding flow tomorrow.", []],
    ["an email address", "write to sam.carter+dev@example.co.uk", ["email"]],
    ["an email spelled out", "mail me: sam at example dot com", ["email"]],
    ["an email with brackets", "sam [at] example (dot) io", ["email"]],
    ["a mention is not an email", "@amira can you check?", []],
    ["an international phone number", "call +33 6 12 34 56 78", ["phone"]],
    ["a US phone number", "my cell is (555) 123-4567", ["phone"]],
    ["a French number with dots", "06.12.34.56.78", ["phone"]],
    ["a dialled bare number", "0612345678", ["phone"]],
    ["a version number", "upgrade to 10.4.12 then 2.0.0-beta.3", []],
    ["an IP address", "the server at 192.168.100.200 is down", []],
    ["an ISO date", "due 2026-12-02, then 2027-01-15", []],
    ["a European date", "on 02/12/2026 or 02.12.2026", []],
    ["a year range", "we ran it 2020-2025", []],
    ["an amount with thousands", "budget is 10 000 000 or 1.250.000", []],
    ["an order id", "order 123456789 failed", []],
    ["a time", "at 10:30:45 UTC", []],
    ["a PayPal link", "pay me at paypal.me/samc instead", ["payment_link"]],
    ["a Stripe payment link", "https://buy.stripe.com/test_abc123", ["payment_link"]],
    ["Wise and Revolut", "wise.com/pay/me/sam or revolut.me/sam", ["payment_link"]],
    ["a cashtag", "send it to $samcarter", ["payment_link"]],
    ["a Venmo handle", "venmo @sam-c", ["payment_link"]],
    ["a dollar amount is not a cashtag", "it costs $150 per day", []],
    ["a valid IBAN", "IBAN: DE89 3704 0044 0532 0130 00", ["payment_link"]],
    ["an IBAN-shaped token failing the check", "ref DE00 3704 0044 0532 0130 00", []],
    [
      "everything at once",
      "sam@example.com, +1 555 123 4567, paypal.me/sam",
      ["email", "phone", "payment_link"],
    ],
  ] as const)("%s", (_name, body, expected) => {
    expect(detectFlagReasons(body)).toEqual(expected);
  });
});

describe("sender names", () => {
  const client = {
    actorType: "client",
    firstName: "Sam",
    lastName: "Carter",
    advisorDisplayName: null,
  } as const;
  const advisor = {
    actorType: "advisor",
    firstName: "Amira",
    lastName: "H.",
    advisorDisplayName: "Amira Haddad",
  } as const;
  it.each([
    ["an advisor sees a client's first name only", client, "advisor", "Sam"],
    ["the owner sees the full name", client, "owner", "Sam Carter"],
    ["an admin sees the full name", client, "admin", "Sam Carter"],
    [
      "a client without a first name is 'Client' to an advisor",
      { ...client, firstName: null },
      "advisor",
      "Client",
    ],
    ["an advisor is known by their public name", advisor, "owner", "Amira Haddad"],
    ["the assistant has no personal name", { ...client, actorType: "assistant" }, "owner", null],
  ] as const)("%s", (_name, sender, viewer, expected) => {
    expect(chatSenderName(sender, viewer)).toBe(expected);
  });
});
