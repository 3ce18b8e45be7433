import { describe, expect, it } from "vitest";
import { attachmentUrls } from "./attachment-urls";

const ID = "chat/0123456789abcdef/4f0c5a8e-1d2b-4c3a-9e8f-0a1b2c3d4e5f/brief.pdf";
const urls = attachmentUrls({
  secret: "s".repeat(40),
  ttlSeconds: 600,
  baseUrl: () => "https://api.example.com/",
});
const at = new Date("2026-03-01T12:00:00.000Z");
const signed = urls.sign(ID, at);
const query = new URL(signed.url).searchParams;
const expires = query.get("expires")!;
const signature = query.get("signature")!;

describe("attachment links", () => {
  it("name the file under /chat-attachments with an expiry ttlSeconds ahead", () => {
    expect(signed.url).toMatch(
      /^https:\/\/api\.example\.com\/chat-attachments\/0123456789abcdef\/4f0c5a8e-[0-9a-f-]+\/brief\.pdf\?expires=\d+&signature=[A-Za-z0-9_-]{43}$/,
    );
    expect(signed.expiresAt.toISOString()).toBe("2026-03-01T12:10:00.000Z");
    expect(Number(expires)).toBe(signed.expiresAt.getTime() / 1000);
  });

  const flip = (s: string) => `${s.slice(0, -1)}${s.endsWith("A") ? "B" : "A"}`;
  it.each([
    ["the link as signed, just before it expires", ID, expires, signature, 599_999, "ok"],
    ["the link at its expiry", ID, expires, signature, 600_000, "expired"],
    ["another file", ID.replace("brief", "other"), expires, signature, 0, "invalid"],
    ["a later expiry", ID, String(Number(expires) + 1), signature, 0, "invalid"],
    ["an altered signature", ID, expires, flip(signature), 0, "invalid"],
    ["a truncated signature", ID, expires, signature.slice(0, 42), 0, "invalid"],
    ["a non-numeric expiry", ID, "12e3", signature, 0, "invalid"],
    ["an empty signature", ID, expires, "", 0, "invalid"],
    // A forged link past its expiry is still "invalid": expiry is told only of genuine links.
    ["an expired forgery", ID, expires, flip(signature), 700_000, "invalid"],
  ])("%s → %s", (_name, id, exp, sig, afterMs, outcome) => {
    expect(urls.check(id, exp, sig, new Date(at.getTime() + afterMs))).toBe(outcome);
  });

  it("another secret's links are refused", () => {
    const other = attachmentUrls({ secret: "t".repeat(40), ttlSeconds: 600, baseUrl: () => "x" });
    expect(other.check(ID, expires, signature, at)).toBe("invalid");
  });

  it("every attachment of a message gets its own link", () => {
    const views = urls.view(
      [
        { path: ID, contentType: "application/pdf", bytes: 10, name: "brief.pdf" },
        { path: ID.replace("brief", "notes"), contentType: "text/plain", bytes: 3, name: "n.txt" },
      ],
      at,
    );
    expect(views.map((v) => new URL(v.url).pathname)).toEqual([
      "/chat-attachments/0123456789abcdef/4f0c5a8e-1d2b-4c3a-9e8f-0a1b2c3d4e5f/brief.pdf",
      "/chat-attachments/0123456789abcdef/4f0c5a8e-1d2b-4c3a-9e8f-0a1b2c3d4e5f/notes.pdf",
    ]);
    expect(views[0]).toMatchObject({ path: ID, bytes: 10, urlExpiresAt: signed.expiresAt });
  });
});
