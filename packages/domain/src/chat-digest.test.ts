import { describe, expect, it } from "vitest";
import { chatDigestDue, digestExcerpt, digestSenderName, type DigestSender } from "./chat-digest";

const now = new Date("2026-12-01T10:00:00Z");
const ago = (minutes: number) => new Date(now.getTime() - minutes * 60_000);

describe("chatDigestDue", () => {
  it.each([
    { name: "nothing unread", oldest: null, due: false },
    { name: "oldest unread 4 minutes old", oldest: ago(4), due: false },
    { name: "oldest unread exactly 5 minutes old", oldest: ago(5), due: true },
    { name: "oldest unread an hour old", oldest: ago(60), due: true },
  ])("$name → $due", ({ oldest, due }) => {
    expect(chatDigestDue({ oldestUnreadAt: oldest, now, delayMs: 5 * 60_000 })).toBe(due);
  });
});

const client: DigestSender = {
  actorType: "client",
  firstName: "Sam",
  lastName: "Rivera",
  advisorDisplayName: null,
};
const advisor: DigestSender = {
  actorType: "advisor",
  firstName: "Amira",
  lastName: "Haddad",
  advisorDisplayName: "Amira H.",
};

describe("digestSenderName", () => {
  it.each([
    {
      name: "an advisor sees a client by first name only",
      role: "advisor",
      sender: client,
      is: "Sam",
    },
    { name: "the owner sees a client in full", role: "owner", sender: client, is: "Sam Rivera" },
    {
      name: "anyone sees an advisor's display name",
      role: "owner",
      sender: advisor,
      is: "Amira H.",
    },
    {
      name: "a client without a first name is 'Client' to an advisor",
      role: "advisor",
      sender: { ...client, firstName: null },
      is: "Client",
    },
    {
      name: "the assistant is named by the template",
      role: "owner",
      sender: { ...client, actorType: "assistant", firstName: null, lastName: null },
      is: null,
    },
    {
      name: "the system is named by the template",
      role: "advisor",
      sender: { ...client, actorType: "system", firstName: null, lastName: null },
      is: null,
    },
  ] as const)("$name", ({ role, sender, is }) => {
    expect(digestSenderName(role, sender)).toBe(is);
  });
});

describe("digestExcerpt", () => {
  it.each([
    { name: "short text stays", text: "Hello there", max: 20, is: "Hello there" },
    { name: "line breaks fold to spaces", text: "a\n\n  b\tc", max: 20, is: "a b c" },
    { name: "long text is cut with an ellipsis", text: "abcdefghij", max: 5, is: "abcd…" },
    { name: "never splits a surrogate pair", text: "😀😀😀😀😀😀", max: 3, is: "😀😀…" },
  ])("$name", ({ text, max, is }) => {
    expect(digestExcerpt(text, max)).toBe(is);
  });
});
