import { readdir, readFile } from "node:fs/promises";
import { join } from "node:path";
import { sql } from "drizzle-orm";
import { PDFDocument, PDFName, PDFString } from "pdf-lib";
import sharp from "sharp";
import { afterAll, beforeAll, describe, expect, it } from "vitest";
import { revokeServiceCredential } from "@an/db";
import { seedProjectChat } from "@an/db/testing";
import type { ChatStreamEvent } from "../live/chat-stream";
import { liveChatClient } from "../live/live-client";
import { assistantKey } from "../routers/chat/test-fixtures";
import { call, startTestApi, type TestApi, tokenFor } from "../testing";
import { attachmentUrls, DEV_ATTACHMENT_URL_SECRET } from "./attachment-urls";
import { chatUploadPrefix } from "./chat-attachments";

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

type Uploaded = {
  attachmentId: string;
  url: string;
  urlExpiresAt: string;
  contentType: string;
  bytes: number;
  name: string;
};

/** What a PDF's metadata says in the test files: none of it may be stored. */
const SECRETS = {
  Author: "Jane Q. Spyworth",
  Creator: "SecretWriter Pro 7",
  Producer: "LeakyPDF Engine 3.1",
  Title: "Acquisition of Rival Corp",
  Subject: "Confidential merger memo",
  Keywords: "merger, codename-bluebird",
  CreationDate: "D:20240102030405Z",
  ModDate: "D:20240607080910Z",
};
const XMP = "<x:xmpmeta><dc:creator>xmp-catalog-creator-marker</dc:creator></x:xmpmeta>";
const PAGE_XMP = "<x:xmpmeta>xmp-page-marker</x:xmpmeta>";
const MARKERS = [
  ...Object.values(SECRETS),
  "xmp-catalog-creator-marker",
  "xmp-page-marker",
  "pieceinfo-marker",
];

/**
 * A real one-page PDF whose Info dictionary, catalog and page carry metadata, written without
 * compression so the values are in the file as plain bytes. `encrypt` adds an /Encrypt
 * dictionary, as a password-protected file has.
 */
async function pdfWithMetadata(options: { encrypt?: boolean } = {}): Promise<Buffer> {
  const doc = await PDFDocument.create({ updateMetadata: false });
  const page = doc.addPage([200, 100]);
  page.drawText("Project brief", { x: 10, y: 50, size: 12 });
  const ctx = doc.context;
  ctx.trailerInfo.Info = ctx.register(
    ctx.obj(Object.fromEntries(Object.entries(SECRETS).map(([k, v]) => [k, PDFString.of(v)]))),
  );
  doc.catalog.set(
    PDFName.of("Metadata"),
    ctx.register(ctx.stream(XMP, { Type: "Metadata", Subtype: "XML" })),
  );
  page.node.set(
    PDFName.of("PieceInfo"),
    ctx.obj({ Editor: ctx.obj({ Private: PDFString.of("pieceinfo-marker") }) }),
  );
  page.node.set(
    PDFName.of("Metadata"),
    ctx.register(ctx.stream(PAGE_XMP, { Type: "Metadata", Subtype: "XML" })),
  );
  if (options.encrypt) {
    ctx.trailerInfo.Encrypt = ctx.register(ctx.obj({ Filter: "Standard", V: 1, R: 2, P: -4 }));
  }
  return Buffer.from(await doc.save({ useObjectStreams: false }));
}

let PDF: Buffer;
beforeAll(async () => {
  PDF = await pdfWithMetadata();
});

/** The files stored under a user's chat folder. */
async function storedFiles(userId: string): Promise<string[]> {
  const dir = join(api.uploadDir, chatUploadPrefix(`user:${userId}`));
  try {
    return (await readdir(dir, { recursive: true, withFileTypes: true }))
      .filter((e) => e.isFile())
      .map((e) => join(e.parentPath, e.name));
  } catch {
    return [];
  }
}

/** A signed link: `/chat-attachments/…?expires=<seconds>&signature=<43 base64url>`. */
const SIGNED =
  /^http:\/\/127\.0\.0\.1:\d+\/chat-attachments\/[0-9a-f]{16}\/[0-9a-f-]{36}\/[A-Za-z0-9._-]+\?expires=\d+&signature=[A-Za-z0-9_-]{43}$/;

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
    const uploaded = (await pdf.json()) as Uploaded;
    expect(uploaded).toMatchObject({ contentType: "application/pdf", name: "spec.pdf" });
    expect(uploaded.url).toMatch(SIGNED);
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
    const before = await storedFiles("demo|client-sam");
    const res = await upload(body, sam);
    expect(res.status).toBe(status);
    const json = (await res.json()) as { error: { appCode: string; message: string } };
    expect(json.error.appCode).toMatch(/^CHAT_ATTACHMENT_(TYPE|TOO_LARGE)$/);
    expect(json.error.message.length).toBeGreaterThan(10);
    expect(await storedFiles("demo|client-sam")).toEqual(before);
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
            bytes: mine.bytes,
            name: "brief.pdf",
            url: expect.stringMatching(SIGNED),
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

describe("PDF attachments", () => {
  it("are stored without their Info dictionary or XMP metadata, still a readable PDF", async () => {
    const original = PDF.toString("latin1");
    // The test file really carries every value, as plain bytes, before the upload.
    for (const value of MARKERS) {
      expect(original).toContain(value);
    }
    const res = await upload(PDF, sam, "memo.pdf");
    expect(res.status).toBe(201);
    const uploaded = (await res.json()) as Uploaded;
    const stored = await readFile(join(api.uploadDir, uploaded.attachmentId));
    expect(uploaded.bytes).toBe(stored.length);
    // The listing the "nothing stored" checks compare does see stored files.
    expect(await storedFiles("demo|client-sam")).toContain(
      join(api.uploadDir, uploaded.attachmentId),
    );
    const text = stored.toString("latin1");
    for (const value of MARKERS) {
      expect(text).not.toContain(value);
    }
    expect(text).not.toMatch(
      /\/(Author|Creator|Producer|Title|Subject|Keywords|CreationDate|ModDate|Metadata|PieceInfo)\b/,
    );
    const reread = await PDFDocument.load(stored, { updateMetadata: false });
    expect(reread.getPageCount()).toBe(1);
    expect(reread.getAuthor()).toBeUndefined();
    expect(reread.getTitle()).toBeUndefined();
    expect(reread.catalog.get(PDFName.of("Metadata"))).toBeUndefined();
    expect(reread.getPage(0).node.get(PDFName.of("Metadata"))).toBeUndefined();
  });

  it.each([
    [
      "an encrypted PDF",
      () => pdfWithMetadata({ encrypt: true }),
      "CHAT_ATTACHMENT_PDF_ENCRYPTED",
      /password/,
    ],
    [
      "a PDF header over junk",
      () => Promise.resolve(Buffer.from("%PDF-1.7\nnot really a pdf\n")),
      "CHAT_ATTACHMENT_PDF_UNREADABLE",
      /can't be read/,
    ],
    [
      "a PDF without a page tree",
      () =>
        Promise.resolve(
          Buffer.from(
            "%PDF-1.4\n1 0 obj << /Type /Catalog >> endobj\ntrailer << /Root 1 0 R >>\n%%EOF\n",
          ),
        ),
      "CHAT_ATTACHMENT_PDF_UNREADABLE",
      /can't be read/,
    ],
  ])("refuses %s with a clear message, storing nothing", async (_name, make, appCode, wording) => {
    const uploader = "demo|client-sam";
    const before = await storedFiles(uploader);
    const res = await upload(await make(), sam, "locked.pdf");
    expect(res.status).toBe(415);
    const json = (await res.json()) as { error: { appCode: string; message: string } };
    expect(json.error.appCode).toBe(appCode);
    expect(json.error.message).toMatch(wording);
    expect(await storedFiles(uploader)).toEqual(before);
  });

  it("words the refusal in the caller's language", async () => {
    const res = await fetch(`${api.url}/uploads/chat-attachment?name=x`, {
      method: "POST",
      body: await pdfWithMetadata({ encrypt: true }),
      headers: { authorization: `Bearer ${sam}`, "x-locale": "de" },
    });
    expect(res.status).toBe(415);
    expect(((await res.json()) as { error: { message: string } }).error.message).toContain(
      "passwortgeschützt",
    );
  });
});

describe("attachment links", () => {
  const sign = (secret: string, ttlSeconds: number) =>
    attachmentUrls({ secret, ttlSeconds, baseUrl: () => api.url });

  it("a signed link downloads the exact stored bytes with safe headers", async () => {
    const pdf = (await (await upload(PDF, sam, "plan")).json()) as Uploaded;
    const res = await fetch(pdf.url);
    expect(res.status).toBe(200);
    const body = Buffer.from(await res.arrayBuffer());
    expect(body.equals(await readFile(join(api.uploadDir, pdf.attachmentId)))).toBe(true);
    expect(res.headers.get("content-type")).toBe("application/pdf");
    expect(res.headers.get("content-disposition")).toBe('attachment; filename="plan.pdf"');
    expect(res.headers.get("x-content-type-options")).toBe("nosniff");
    expect(res.headers.get("cache-control")).toMatch(/^private, max-age=\d+$/);

    const photo = await sharp({
      create: { width: 8, height: 8, channels: 3, background: { r: 1, g: 2, b: 3 } },
    })
      .png()
      .toBuffer();
    const image = (await (await upload(photo, sam, "dot")).json()) as Uploaded;
    const shown = await fetch(image.url);
    expect(shown.status).toBe(200);
    expect(shown.headers.get("content-type")).toBe("image/png");
    expect(shown.headers.get("content-disposition")).toBe('inline; filename="dot.png"');
    const text = (await (
      await upload(Buffer.from("<script>alert(1)</script>\n"), sam, "page.html")
    ).json()) as Uploaded;
    const served = await fetch(text.url);
    expect(served.headers.get("content-type")).toBe("text/plain; charset=utf-8");
    expect(served.headers.get("content-disposition")).toBe('attachment; filename="page.txt"');
  });

  it("refuses tampered, foreign-signed and expired links, and the bare storage address", async () => {
    const other = (await (await upload(PDF, diego, "other")).json()) as Uploaded;
    const mine = (await (await upload(PDF, sam, "mine")).json()) as Uploaded;
    const url = new URL(mine.url);
    const otherUrl = new URL(other.url);
    const withQuery = (path: string, q: URLSearchParams) => `${api.url}${path}?${q.toString()}`;
    const tamperedSig = new URLSearchParams(url.search);
    const sig = tamperedSig.get("signature")!;
    tamperedSig.set("signature", `${sig[0] === "A" ? "B" : "A"}${sig.slice(1)}`);
    const laterExpiry = new URLSearchParams(url.search);
    laterExpiry.set("expires", String(Number(laterExpiry.get("expires")) + 3600));
    const now = new Date();
    const forged = sign("x".repeat(40), 3600).sign(mine.attachmentId, now).url;
    const refused: [string, string, number, string][] = [
      [
        "another signature",
        withQuery(url.pathname, tamperedSig),
        403,
        "CHAT_ATTACHMENT_LINK_INVALID",
      ],
      ["a later expiry", withQuery(url.pathname, laterExpiry), 403, "CHAT_ATTACHMENT_LINK_INVALID"],
      [
        "another file's signature",
        withQuery(otherUrl.pathname, url.searchParams),
        403,
        "CHAT_ATTACHMENT_LINK_INVALID",
      ],
      ["no signature", `${api.url}${url.pathname}`, 403, "CHAT_ATTACHMENT_LINK_INVALID"],
      ["another secret", forged, 403, "CHAT_ATTACHMENT_LINK_INVALID"],
      [
        "an expired link",
        sign(DEV_ATTACHMENT_URL_SECRET, 60).sign(
          mine.attachmentId,
          new Date(now.getTime() - 3_600_000),
        ).url,
        410,
        "CHAT_ATTACHMENT_LINK_EXPIRED",
      ],
    ];
    for (const [name, link, status, appCode] of refused) {
      const res = await fetch(link);
      const json = (await res.json()) as { error: { appCode: string; message: string } };
      expect([name, res.status, json.error.appCode]).toEqual([name, status, appCode]);
      expect(json.error.message.length).toBeGreaterThan(20);
    }
    // A genuine link still works, so the refusals above are about the changes alone.
    expect((await fetch(mine.url)).status).toBe(200);
    // The storage address isn't served, however it is spelled.
    const key = mine.attachmentId;
    for (const path of [
      `/uploads/${key}`,
      `/uploads/${key.replace(/^chat/, "%63hat")}`,
      `/uploads/avatars/../${key}`,
      `/uploads/${key.replace(/^chat/, "CHAT")}`,
    ]) {
      const res = await fetch(`${api.url}${path}`);
      expect([path, res.status]).toEqual([path, 404]);
    }
  });

  it("a link to a file no longer stored is a 404 with a clear message", async () => {
    const id = `${chatUploadPrefix("user:demo|client-sam")}00000000-0000-4000-8000-000000000000/gone.pdf`;
    const res = await fetch(sign(DEV_ATTACHMENT_URL_SECRET, 60).sign(id, new Date()).url);
    expect(res.status).toBe(404);
    expect(((await res.json()) as { error: { appCode: string } }).error.appCode).toBe(
      "CHAT_ATTACHMENT_MISSING",
    );
  });

  it("every chat output carries attachments with signed links only", async () => {
    const { conversationId } = await seedProjectChat(api.db.db, { ownerId: "demo|client-sam" });
    const file = (await (await upload(PDF, sam, "shared")).json()) as Uploaded;
    const outputs: [string, unknown][] = [];
    const live = liveChatClient({ origin: () => api.url, token: () => sam });
    const events: ChatStreamEvent[] = [];
    const sub = live.chat.onEvents.subscribe(
      { conversationId },
      {
        onData: (data) => {
          const d = data as { data?: ChatStreamEvent } & ChatStreamEvent;
          events.push(d.data ?? d);
        },
      },
    );
    try {
      const sent = await call(api.url, "mutation", "chat.send", {
        token: sam,
        input: {
          conversationId,
          clientMsgId: "links-1",
          body: "see file",
          attachments: [file.attachmentId],
        },
      });
      outputs.push(["chat.send", sent.body]);
      const messageId = (sent.body.result?.data as { message: { id: string } }).message.id;
      outputs.push([
        "chat.edit",
        (
          await call(api.url, "mutation", "chat.edit", {
            token: sam,
            input: { messageId, body: "see the file" },
          })
        ).body,
      ]);
      outputs.push([
        "chat.listHistory",
        (
          await call(api.url, "query", "chat.listHistory", {
            token: sam,
            input: { conversationId },
          })
        ).body,
      ]);
      outputs.push([
        "chatAdmin.readConversation",
        (
          await call(api.url, "query", "chatAdmin.readConversation", {
            token: await tokenFor({ id: "demo|admin" }),
            input: { conversationId },
          })
        ).body,
      ]);
      const deadline = Date.now() + 10_000;
      while (!events.some((e) => e.type === "message") && Date.now() < deadline) {
        await new Promise((r) => setTimeout(r, 50));
      }
      outputs.push(["chat.onEvents", events]);
    } finally {
      sub.unsubscribe();
    }
    for (const [name, output] of outputs) {
      const json = JSON.stringify(output);
      const attachments = [...json.matchAll(/"attachments":(\[[^\]]*\])/g)].flatMap(
        (m) => JSON.parse(m[1]!) as { path: string; url: string }[],
      );
      expect([name, attachments.length > 0]).toEqual([name, true]);
      for (const a of attachments) {
        expect([name, a.url]).toEqual([name, expect.stringMatching(SIGNED)]);
        const res = await fetch(a.url);
        expect([name, res.status]).toEqual([name, 200]);
      }
      // No other address of the file: every URL in the output is a signed link.
      for (const [url] of json.matchAll(/https?:\/\/[^"\\]+/g)) {
        expect([name, url]).toEqual([name, expect.stringMatching(SIGNED)]);
      }
    }
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
