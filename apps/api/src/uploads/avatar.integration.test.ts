import { readFile } from "node:fs/promises";
import { createServer, type IncomingMessage, type Server } from "node:http";
import type { AddressInfo } from "node:net";
import { join } from "node:path";
import { afterAll, beforeAll, describe, expect, it } from "vitest";
import { startTestApi, type TestApi, tokenFor } from "../testing";
import { detectImageType } from "./image-type";
import { s3Storage } from "./storage";

const PNG = Buffer.from(
  "89504e470d0a1a0a0000000d49484452000000010000000108060000001f15c4890000000d4944415478da63f8cfc0f01f0005000201a5d9d6b50000000049454e44ae426082",
  "hex",
);
const JPEG = Buffer.from([0xff, 0xd8, 0xff, 0xe0, 0, 16, 0x4a, 0x46, 0x49, 0x46, 0]);
const WEBP = Buffer.concat([
  Buffer.from("RIFF"),
  Buffer.from([0, 0, 0, 0]),
  Buffer.from("WEBPVP8 "),
]);

let api: TestApi;
beforeAll(async () => {
  api = await startTestApi({ env: { AVATAR_MAX_BYTES: "2048" } });
});
afterAll(async () => {
  await api.close();
  await api.db.drop();
});

const upload = (body: Buffer, headers: Record<string, string> = {}) =>
  fetch(`${api.url}/uploads/avatar`, {
    method: "POST",
    body,
    headers: { "content-type": "image/png", ...headers },
  });

describe("POST /uploads/avatar", () => {
  it("stores a PNG for a signed-in user and serves it back", async () => {
    const token = await tokenFor({ id: "demo|client-sam" });
    const res = await upload(PNG, { authorization: `Bearer ${token}` });
    expect(res.status).toBe(201);
    const body = (await res.json()) as { avatarPath: string; url: string };
    expect(body.avatarPath).toMatch(/^avatars\/[0-9a-f]{16}\/[0-9a-f-]{36}\.png$/);
    expect(await readFile(join(api.uploadDir, body.avatarPath))).toEqual(PNG);
    const served = await fetch(`${api.url}/uploads/${body.avatarPath}`);
    expect(served.status).toBe(200);
    expect(Buffer.from(await served.arrayBuffer())).toEqual(PNG);
  });

  it("401 for anonymous callers, nothing stored", async () => {
    const res = await upload(PNG);
    expect(res.status).toBe(401);
    expect(((await res.json()) as { error: { appCode: string } }).error.appCode).toBe(
      "UNAUTHENTICATED",
    );
  });

  it("415 AVATAR_NOT_IMAGE for a file that isn't PNG, JPEG or WebP, whatever its Content-Type says", async () => {
    const token = await tokenFor({ id: "demo|client-sam" });
    const res = await upload(Buffer.from("<svg onload=alert(1)></svg>"), {
      authorization: `Bearer ${token}`,
      "x-locale": "fr",
    });
    expect(res.status).toBe(415);
    const body = (await res.json()) as { error: { appCode: string; message: string } };
    expect(body.error.appCode).toBe("AVATAR_NOT_IMAGE");
    expect(body.error.message).toBe("L'image doit être au format PNG, JPEG ou WebP.");
  });

  it.each(["gzip", "deflate", "compress"])(
    "415 AVATAR_NOT_IMAGE for a body that can't be read in its Content-Encoding (%s), not a 500",
    async (encoding) => {
      const token = await tokenFor({ id: "demo|client-sam" });
      const res = await upload(PNG, {
        authorization: `Bearer ${token}`,
        "content-encoding": encoding,
      });
      expect(res.status).toBe(415);
      const body = (await res.json()) as { error: { appCode: string } };
      expect(body.error.appCode).toBe("AVATAR_NOT_IMAGE");
    },
  );

  it("413 AVATAR_TOO_LARGE over the limit, naming it", async () => {
    const token = await tokenFor({ id: "demo|client-sam" });
    const big = Buffer.concat([PNG, Buffer.alloc(4096)]);
    const res = await upload(big, { authorization: `Bearer ${token}` });
    expect(res.status).toBe(413);
    const body = (await res.json()) as { error: { appCode: string; message: string } };
    expect(body.error.appCode).toBe("AVATAR_TOO_LARGE");
    expect(body.error.message).toContain("MB");
  });

  it("detects images by their bytes", () => {
    expect(detectImageType(PNG)?.mime).toBe("image/png");
    expect(detectImageType(JPEG)?.mime).toBe("image/jpeg");
    expect(detectImageType(WEBP)?.mime).toBe("image/webp");
    expect(detectImageType(Buffer.from("GIF89a"))).toBeNull();
    expect(detectImageType(Buffer.alloc(0))).toBeNull();
  });
});

describe("S3 storage adapter (real AWS SDK against a loopback server)", () => {
  let server: Server;
  let endpoint: string;
  const requests: {
    method: string;
    url: string;
    headers: IncomingMessage["headers"];
    body: Buffer;
  }[] = [];
  beforeAll(async () => {
    server = createServer((req, res) => {
      const chunks: Buffer[] = [];
      req.on("data", (c: Buffer) => chunks.push(c));
      req.on("end", () => {
        requests.push({
          method: req.method ?? "",
          url: req.url ?? "",
          headers: req.headers,
          body: Buffer.concat(chunks),
        });
        res.setHeader("ETag", '"abc"');
        res.end();
      });
    });
    await new Promise<void>((r) => server.listen(0, "127.0.0.1", r));
    endpoint = `http://127.0.0.1:${(server.address() as AddressInfo).port}`;
  });
  afterAll(() => new Promise<void>((r) => server.close(() => r())));

  it("PUTs the object path-style, signed, with its content type", async () => {
    const storage = s3Storage({
      bucket: "avatars-bucket",
      region: "auto",
      endpoint,
      accessKeyId: "AKIDEXAMPLE",
      secretAccessKey: "secret",
      publicBaseUrl: "https://cdn.example.com/",
    });
    await storage.put("avatars/ab/x.png", PNG, "image/png");
    expect(requests).toHaveLength(1);
    const [put] = requests;
    expect(put?.method).toBe("PUT");
    expect(put?.url.split("?")[0]).toBe("/avatars-bucket/avatars/ab/x.png");
    expect(put?.headers["content-type"]).toBe("image/png");
    expect(put?.headers.authorization).toMatch(/^AWS4-HMAC-SHA256 Credential=AKIDEXAMPLE\//);
    expect(put?.body).toEqual(PNG);
    expect(storage.urlFor("avatars/ab/x.png")).toBe("https://cdn.example.com/avatars/ab/x.png");
  });
});
