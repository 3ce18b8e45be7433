import { readdir, readFile } from "node:fs/promises";
import { createServer, type IncomingMessage, type Server } from "node:http";
import type { AddressInfo } from "node:net";
import { join } from "node:path";
import sharp from "sharp";
import { afterAll, beforeAll, describe, expect, it } from "vitest";
import { startTestApi, type TestApi, tokenFor } from "../testing";
import { detectImageType } from "./image-type";
import { s3Storage } from "./storage";

// A valid 1×1 transparent PNG (every chunk's CRC right: the upload decodes it).
const PNG = Buffer.from(
  "89504e470d0a1a0a0000000d49484452000000010000000108060000001f15c4890000000970485973000003e8000003e801b57b526b0000000d494441540899636060606000000005000187a14ed40000000049454e44ae426082",
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
  api = await startTestApi({ env: { AVATAR_MAX_BYTES: String(64 * 1024) } });
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
    const stored = await readFile(join(api.uploadDir, body.avatarPath));
    expect(await sharp(stored).metadata()).toMatchObject({ format: "png", width: 1, height: 1 });
    const served = await fetch(`${api.url}/uploads/${body.avatarPath}`);
    expect(served.status).toBe(200);
    expect(Buffer.from(await served.arrayBuffer())).toEqual(stored);
  });

  it("stores a phone photo without its metadata (GPS position included), upright and at most 1024 px", async () => {
    // A 2000×1500 camera JPEG, rotated by its EXIF orientation (6: turn 90° clockwise to
    // view), carrying the camera make and a GPS position (Paris).
    const photo = await sharp({
      create: { width: 2000, height: 1500, channels: 3, background: { r: 200, g: 80, b: 40 } },
    })
      .jpeg({ quality: 60 })
      .withMetadata({ orientation: 6 })
      .withExif({
        IFD0: { Make: "SpyCam", Model: "Tracker 1" },
        IFD3: {
          GPSLatitudeRef: "N",
          GPSLatitude: "48/1 51/1 2400/100",
          GPSLongitudeRef: "E",
          GPSLongitude: "2/1 17/1 4000/100",
        },
      })
      .toBuffer();
    const original = await sharp(photo).metadata();
    expect(original.orientation).toBe(6);
    expect(original.exif?.toString("latin1")).toContain("SpyCam");

    const token = await tokenFor({ id: "demo|client-sam" });
    const res = await upload(photo, {
      authorization: `Bearer ${token}`,
      "content-type": "image/jpeg",
    });
    expect(res.status).toBe(201);
    const { avatarPath } = (await res.json()) as { avatarPath: string };
    expect(avatarPath).toMatch(/\.jpg$/);
    const stored = await readFile(join(api.uploadDir, avatarPath));
    const meta = await sharp(stored).metadata();
    expect(meta).toMatchObject({ format: "jpeg", width: 768, height: 1024 });
    expect(meta.exif).toBeUndefined();
    expect(meta.xmp).toBeUndefined();
    expect(meta.iptc).toBeUndefined();
    expect(meta.icc).toBeUndefined();
    expect(meta.orientation).toBeUndefined();
    // Not hidden anywhere else in the file either.
    const bytes = stored.toString("latin1");
    for (const marker of ["Exif", "SpyCam", "Tracker", "GPS"]) expect(bytes).not.toContain(marker);
  });

  it("415 for bytes that start like an image but don't decode, nothing stored", async () => {
    const token = await tokenFor({ id: "demo|client-sam" });
    const files = async () => (await readdir(api.uploadDir, { recursive: true })).length;
    const before = await files();
    const res = await upload(JPEG, { authorization: `Bearer ${token}` });
    expect(res.status).toBe(415);
    expect(((await res.json()) as { error: { appCode: string } }).error.appCode).toBe(
      "AVATAR_NOT_IMAGE",
    );
    expect(await files()).toBe(before);
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
    const big = Buffer.concat([PNG, Buffer.alloc(70 * 1024)]);
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
