import { translator } from "@an/domain";
import { describe, expect, it } from "vitest";
import { type ChatDigestParams, renderChatDigest } from "./chat-digest";

const params: ChatDigestParams = {
  conversationId: "00000000-0000-4000-8000-000000000001",
  projectName: "Mobile shop",
  count: 5,
  toSeq: 9,
  messages: [
    { actorType: "client", name: "Sam", snippet: "Hello" },
    { actorType: "system", name: null, snippet: "Amira joined" },
    { actorType: "advisor", name: "Amira Haddad", snippet: "" },
  ],
};

describe("renderChatDigest", () => {
  it("names the system, marks a message with no text, and counts the rest", () => {
    const { subject, body } = renderChatDigest({
      params,
      recipient: { firstName: null, email: "sam@example.com" },
      t: translator("en"),
    });
    expect(subject).toBe("Unread messages in Mobile shop");
    expect(body).toContain("Hello sam@example.com,");
    expect(body).toContain(
      "Sam: Hello\nAdvisor Network: Amira joined\nAmira Haddad: (attachment)\n… and 2 more",
    );
  });

  it.each(["fr", "es", "de", "ar"] as const)("renders every line in %s", (locale) => {
    const { subject, body } = renderChatDigest({
      params,
      recipient: { firstName: "Sam", email: null },
      t: translator(locale),
    });
    expect(subject).toContain("Mobile shop");
    expect(body).toContain("Sam");
    expect(body).toContain("2");
    expect(body).not.toMatch(/chat_digest|Unread|attachment/);
  });
});
