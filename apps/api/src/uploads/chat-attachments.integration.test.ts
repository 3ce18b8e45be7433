import { readFile } from "node:fs/promises";
import { join } from "node:path";
import { sql } from "drizzle-orm";
import sharp from "sharp";
import { afterAll, beforeAll, describe, expect, it } from "vitest";
import { revokeServiceCredential } from "@an/db";
import { seedProjectChat } from "@an/db/testing";
import { assistantKey } from "../routers/chat/test-fixtures";
import { call, startTestApi, type TestApi, tokenFor } from "../testing";

let api: TestApi;
let sam: string;
let diego: string;
beforeAll(async () => {
  api = await startTestApi({ env: { CHAT_ATTACHMENT_MAX_BYTES: String(256 * 1024) } });
  sam = await tokenFor({ id: "demo|client-sam" });
  diego = await tokenFor({ id: "demo|client-diego" });
});
afterAll(async () => {
  await api.close();
  await api.db.drop();
});

const upload = (body: Buffer, token: string | null, name = "file") =>
  fetch(`${api.url}/uploads/chat-attachment?name=${encodeURIComponent(name)}`, {
    method: "POST",
    body,
    headers: {
      "content-type": "application/octet-stream",
      ...(token ? { authorization: `Bearer ${token}` } : {}),
    },
  });

type Uploaded = { attachmentId: string; contentType: string; bytes: number; name: string };

const PDF = Buffer.from("%PDF-1.4\n1 0 obj << /Type /Catalog >> endobj\ntrailer << >>\n%%EOF\n");

describe("chat attachments", () => {
  it("stores a photo without its metadata, a PDF and a text file, each checked by its bytes", async () => {
    const photo = await sharp({
      create: { width: 64, height: 48, channels: 3, background: { r: 10, g: 90, b: 200 } },
    })
      .jpeg()
      .withExif({ IFD0: { Make: "SpyCam" }, IFD3: { GPSLatitudeRef: "N" } })
      .toBuffer();
    expect((await sharp(photo).metadata()).exif).toBeDefined();
    const res = await upload(photo, sam, "Holiday photo.JPG");
    expect(res.status).toBe(201);
    const image = (await res.json()) as Uploaded;
    expect(image).toMatchObject({ contentType: "image/jpeg", name: "Holiday-photo.jpg" });
    expect(image.attachmentId).toMatch(/^chat\/[0-9a-f]{16}\/[0-9a-f-]{36}\/Holiday-photo\.jpg$/);
    const stored = await readFile(join(api.uploadDir, image.attachmentId));
    const meta = await sharp(stored).metadata();
    expect(meta).toMatchObject({ format: "jpeg", width: 64, height: 48 });
    expect(meta.exif).toBeUndefined();

    const pdf = await upload(PDF, sam, "spec.pdf");
    expect(pdf.status).toBe(201);
    expect(await pdf.json()).toMatchObject({ contentType: "application/pdf", name: "spec.pdf" });
    const txt = await upload(Buffer.from("line one\nline two\n"), sam, "notes");
    expect(await txt.json()).toMatchObject({ contentType: "text/plain; charset=utf-8" });
  });

  it.each([
    ["a zip archive", Buffer.from([0x50, 0x4b, 0x03, 0x04, 0, 0, 0, 0, 0xff, 0xfe]), 415],
    ["binary bytes", Buffer.from([0x00, 0x01, 0x02, 0x03]), 415],
    ["a PNG header that doesn't decode", Buffer.from("89504e470d0a1a0a00000000", "hex"), 415],
    ["an empty body", Buffer.alloc(0), 415],
    ["a file over the limit", Buffer.alloc(300 * 1024, 0x61), 413],
  ])("refuses %s, storing nothing", async (_name, body, status) => {
    const res = await upload(body, sam);
    expect(res.status).toBe(status);
    const json = (await res.json()) as { error: { appCode: string; message: string } };
    expect(json.error.appCode).toMatch(/^CHAT_ATTACHMENT_(TYPE|TOO_LARGE)$/);
    expect(json.error.message.length).toBeGreaterThan(10);
  });

  it("refuses anonymous uploads", async () => {
    expect((await upload(PDF, null)).status).toBe(401);
  });

  it("a message carries its author's uploads only, at most five", async () => {
    const { conversationId } = await seedProjectChat(api.db.db, { ownerId: "demo|client-sam" });
    const mine = (await (await upload(PDF, sam, "brief")).json()) as Uploaded;
    const sent = await call(api.url, "mutation", "chat.send", {
      token: sam,
      input: {
        conversationId,
        clientMsgId: "with-file",
        body: "",
        attachments: [mine.attachmentId],
      },
    });
    expect(sent.status).toBe(200);
    expect(sent.body.result?.data).toMatchObject({
      message: {
        body: "",
        attachments: [
          {
            path: mine.attachmentId,
            contentType: "application/pdf",
            bytes: PDF.length,
            name: "brief.pdf",
          },
        ],
      },
    });
    const theirs = (await (await upload(PDF, diego, "other")).json()) as Uploaded;
    const refusals = [
      [[theirs.attachmentId], 400, "CHAT_ATTACHMENT_UNKNOWN"],
      [[mine.attachmentId.replace(/[0-9a-f]{8}-/, "00000000-")], 400, "CHAT_ATTACHMENT_UNKNOWN"],
      [["../../etc/passwd"], 400, "CHAT_ATTACHMENT_UNKNOWN"],
    ] as const;
    for (const [attachments, status, appCode] of refusals) {
      const res = await call(api.url, "mutation", "chat.send", {
        token: sam,
        input: {
          conversationId,
          clientMsgId: `bad-${appCode}-${Math.random()}`,
          body: "x",
          attachments,
        },
      });
      expect([res.status, res.body.error?.data.appCode]).toEqual([status, appCode]);
    }
    const six = await Promise.all(
      Array.from(
        { length: 6 },
        async (_, i) => ((await (await upload(PDF, sam, `f${i}`)).json()) as Uploaded).attachmentId,
      ),
    );
    const tooMany = await call(api.url, "mutation", "chat.send", {
      token: sam,
      input: { conversationId, clientMsgId: "six", body: "files", attachments: six },
    });
    expect([tooMany.status, tooMany.body.error?.data.appCode]).toEqual([
      400,
      "CHAT_TOO_MANY_ATTACHMENTS",
    ]);
    const [stored] = await api.db.db.execute<{ n: number }>(
      sql`select count(*)::int as n from messages where conversation_id = ${conversationId}`,
    );
    expect(stored).toEqual({ n: 1 });
  });
});

describe("the chat over HTTP", () => {
  it("takes the assistant's API key as its bearer token, and refuses it once revoked", async () => {
    const { conversationId } = await seedProjectChat(api.db.db, { ownerId: "demo|client-sam" });
    const key = await assistantKey(api.db.db);
    const sent = await call(api.url, "mutation", "chat.send", {
      token: key.key,
      input: { conversationId, clientMsgId: "bot-1", body: "Hello, I'm the assistant." },
    });
    expect(sent.status).toBe(200);
    expect(sent.body.result?.data).toMatchObject({ message: { actorType: "assistant" } });
    await revokeServiceCredential(api.db.db, { id: key.id, revokedBy: null, now: new Date() });
    const refused = await call(api.url, "query", "chat.listHistory", {
      token: key.key,
      input: { conversationId },
    });
    expect(refused.status).toBe(401);
    expect(refused.body.error?.data.appCode).toBe("SERVICE_KEY_INVALID");
    expect(refused.body.error?.message).toContain("revoked");
  });

  it("words chat errors in the caller's language", async () => {
    const { conversationId } = await seedProjectChat(api.db.db, { ownerId: "demo|client-sam" });
    const send = (body: string) =>
      call(api.url, "mutation", "chat.send", {
        token: sam,
        headers: { "x-locale": "fr" },
        input: { conversationId, clientMsgId: "same-id", body },
      });
    expect((await send("Bonjour")).status).toBe(200);
    const conflict = await send("Autre chose");
    expect(conflict.status).toBe(409);
    expect(conflict.body.error?.message).toContain("Un autre message a déjà été envoyé");
    const empty = await call(api.url, "mutation", "chat.send", {
      token: sam,
      headers: { "x-locale": "de" },
      input: { conversationId, clientMsgId: "empty", body: " " },
    });
    expect([empty.status, empty.body.error?.message]).toEqual([
      400,
      "Schreiben Sie eine Nachricht (oder hängen Sie eine Datei an), bevor Sie senden.",
    ]);
  });
});
