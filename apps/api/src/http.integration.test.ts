import { afterAll, beforeAll, describe, expect, it } from "vitest";
import { SignJWT } from "jose";
import { sql } from "drizzle-orm";
import { call, startTestApi, type TestApi, tokenFor } from "./testing";

let api: TestApi;
const admin = { id: "demo|admin", email: "admin@demo.advisor.network" };

beforeAll(async () => {
  api = await startTestApi();
});
afterAll(async () => {
  await api.close();
  await api.db.drop();
});

describe("health and readiness", () => {
  it("/healthz answers while the process is up", async () => {
    const res = await fetch(`${api.url}/healthz`);
    expect(res.status).toBe(200);
    expect(await res.json()).toMatchObject({ status: "ok" });
  });

  it("/readyz checks the database and that migrations are current", async () => {
    const res = await fetch(`${api.url}/readyz`);
    expect(res.status).toBe(200);
    expect(await res.json()).toEqual({
      status: "ready",
      checks: { database: "ok", migrations: "current" },
    });
  });
});

describe("request ids", () => {
  it("echoes a caller's X-Request-Id and puts it in errors", async () => {
    const res = await call(api.url, "query", "auth.getMe", {
      headers: { "x-request-id": "trace-abc.123" },
    });
    expect(res.headers.get("x-request-id")).toBe("trace-abc.123");
    expect(res.body.error?.data.requestId).toBe("trace-abc.123");
  });

  it("generates one when none (or a malformed one) is sent", async () => {
    const res = await call(api.url, "query", "auth.getMe", {
      headers: { "x-request-id": "bad id with spaces" },
    });
    const id = res.headers.get("x-request-id");
    expect(id).toMatch(/^[0-9a-f-]{36}$/);
    expect(res.body.error?.data.requestId).toBe(id);
  });
});

describe("authentication", () => {
  it("401 UNAUTHENTICATED without a token on a protected procedure", async () => {
    const res = await call(api.url, "query", "auth.getMe");
    expect(res.status).toBe(401);
    expect(res.body.error?.data.appCode).toBe("UNAUTHENTICATED");
    expect(res.body.error?.message).toMatch(/Authorization: Bearer/);
  });

  it("401 TOKEN_MALFORMED for a header that isn't a bearer JWT", async () => {
    for (const header of ["Basic abc", "Bearer not-a-jwt", "Bearer a.b.c"]) {
      const res = await call(api.url, "query", "auth.getMe", {
        headers: { authorization: header },
      });
      expect(res.status, header).toBe(401);
      expect(res.body.error?.data.appCode, header).toBe("TOKEN_MALFORMED");
    }
  });

  it("401 TOKEN_EXPIRED for an expired token, in the caller's language", async () => {
    const token = await tokenFor(admin, { ttlSeconds: 60, now: new Date(Date.now() - 3600_000) });
    const res = await call(api.url, "query", "auth.getMe", {
      token,
      headers: { "x-locale": "fr" },
    });
    expect(res.status).toBe(401);
    expect(res.body.error?.data.appCode).toBe("TOKEN_EXPIRED");
    expect(res.body.error?.message).toBe("Votre session a expiré. Reconnectez-vous.");
  });

  it("401 TOKEN_INVALID for a wrongly signed token", async () => {
    const token = await tokenFor(admin, {
      secret: "another-secret-that-is-long-enough-to-use-0000",
    });
    const res = await call(api.url, "query", "auth.getMe", { token });
    expect(res.status).toBe(401);
    expect(res.body.error?.data.appCode).toBe("TOKEN_INVALID");
  });

  it("401 TOKEN_MISSING_EXPIRY for a correctly signed token without an expiry, saying so", async () => {
    const token = await new SignJWT({})
      .setProtectedHeader({ alg: "HS256" })
      .setSubject(admin.id)
      .setIssuer("advisor-network-dev")
      .sign(new TextEncoder().encode("dev-only-secret-change-me-in-production-0123456789"));
    const res = await call(api.url, "query", "auth.getMe", { token });
    expect(res.status).toBe(401);
    expect(res.body.error?.data.appCode).toBe("TOKEN_MISSING_EXPIRY");
    expect(res.body.error?.message).toContain("no expiry ('exp')");
    expect(res.body.error?.message).not.toContain("signature");
  });

  it("401 TOKEN_MISSING_SUBJECT for a correctly signed token without a subject", async () => {
    const token = await new SignJWT({})
      .setProtectedHeader({ alg: "HS256" })
      .setIssuer("advisor-network-dev")
      .setExpirationTime("5m")
      .sign(new TextEncoder().encode("dev-only-secret-change-me-in-production-0123456789"));
    const res = await call(api.url, "query", "auth.getMe", {
      token,
      headers: { "x-locale": "de" },
    });
    expect(res.status).toBe(401);
    expect(res.body.error?.data.appCode).toBe("TOKEN_MISSING_SUBJECT");
    expect(res.body.error?.message).toContain("„sub“");
  });

  it("a subject the database can't store is a malformed token; a name it can't store is no name", async () => {
    const bad = await tokenFor({ id: "idp|nul\u0000" });
    const refused = await call(api.url, "query", "auth.getMe", { token: bad });
    expect(refused.status).toBe(401);
    expect(refused.body.error?.data.appCode).toBe("TOKEN_MALFORMED");
    const odd = await tokenFor({ id: "idp|odd-name", firstName: "Nour\uD800", lastName: "Saleh" });
    const res = await call(api.url, "query", "auth.getMe", { token: odd });
    expect(res.status).toBe(200);
    expect(res.body.result?.data).toMatchObject({ firstName: null, lastName: "Saleh" });
  });

  it("a bad token is refused even on public procedures", async () => {
    const res = await call(api.url, "query", "sandbox.listUsers", {
      headers: { authorization: "Bearer x" },
    });
    expect(res.status).toBe(401);
  });

  it("creates the user with the client role on first sight of a valid token, once", async () => {
    const newcomer = {
      id: "idp|newcomer-1",
      email: "New.Comer@Example.com",
      firstName: "Nour",
      lastName: "Saleh",
    };
    const token = await tokenFor(newcomer);
    const [first, second] = await Promise.all([
      call(api.url, "query", "auth.getMe", { token }),
      call(api.url, "query", "auth.getMe", { token }),
    ]);
    expect(first.status).toBe(200);
    expect(second.status).toBe(200);
    expect(first.body.result?.data).toMatchObject({
      id: newcomer.id,
      email: "new.comer@example.com",
      firstName: "Nour",
      roles: ["client"],
    });
    const audits = await api.db.db.execute<{ n: number }>(
      sql`select count(*)::int as n from audit_log where action = 'user.created' and subject_id = ${newcomer.id}`,
    );
    expect(audits[0]?.n).toBe(1);
  });
});

describe("bad input", () => {
  it("400 INVALID_LOCALE for a malformed X-Locale", async () => {
    const res = await call(api.url, "query", "sandbox.listUsers", {
      headers: { "x-locale": "not_a locale!!" },
    });
    expect(res.status).toBe(400);
    expect(res.body.error?.data.appCode).toBe("INVALID_LOCALE");
    expect(res.body.error?.message).toContain("not_a locale!!");
  });

  it("400 with field-level, localized messages for invalid input", async () => {
    const token = await tokenFor(admin);
    const res = await call(api.url, "query", "users.list", {
      token,
      input: { limit: 1000, search: 5 },
      headers: { "x-locale": "de" },
    });
    expect(res.status).toBe(400);
    expect(res.body.error?.data.appCode).toBe("VALIDATION_FAILED");
    expect(res.body.error?.data.fieldErrors).toEqual({
      limit: ["Darf höchstens 100 sein."],
      search: ["Erwartet wird ein Wert vom Typ string."],
    });
  });

  it("400 UNKNOWN_ROLE naming the role", async () => {
    const token = await tokenFor(admin);
    const res = await call(api.url, "mutation", "users.grantRole", {
      token,
      input: { userId: "demo|client-sam", role: "superuser" },
    });
    expect(res.status).toBe(400);
    expect(res.body.error?.data.appCode).toBe("UNKNOWN_ROLE");
    expect(res.body.error?.message).toBe(
      "Unknown role 'superuser'. Use one of: client, advisor, admin.",
    );
    expect(res.body.error?.data.fieldErrors?.role).toHaveLength(1);
  });

  it("413 PAYLOAD_TOO_LARGE for an oversized body, nothing applied", async () => {
    const token = await tokenFor(admin);
    const res = await call(api.url, "mutation", "users.grantRole", {
      token,
      input: { userId: "demo|client-sam", role: "advisor", padding: "x".repeat(2 * 1024 * 1024) },
    });
    expect(res.status).toBe(413);
    expect(res.body.error?.data.appCode).toBe("PAYLOAD_TOO_LARGE");
    expect(res.body.error?.message).toContain("1 MB");
    const roles = await api.db.db.execute<{ role: string }>(
      sql`select role from user_roles where user_id = 'demo|client-sam' and revoked_at is null`,
    );
    expect(roles.map((r) => r.role)).toEqual(["client"]);
  });

  it("400 MALFORMED_BODY for a body that isn't JSON", async () => {
    const token = await tokenFor(admin);
    const res = await fetch(`${api.url}/trpc/users.grantRole`, {
      method: "POST",
      headers: { "content-type": "application/json", authorization: `Bearer ${token}` },
      body: "{not json",
    });
    expect(res.status).toBe(400);
    const body = (await res.json()) as { error: { data: { appCode: string } } };
    expect(body.error.data.appCode).toBe("MALFORMED_BODY");
  });

  it("400 BATCH_TOO_LARGE for too many batched calls, none of them run", async () => {
    const paths = Array.from({ length: 11 }, () => "sandbox.listUsers").join(",");
    const input = Object.fromEntries(Array.from({ length: 11 }, (_, i) => [i, {}]));
    const res = await fetch(
      `${api.url}/trpc/${paths}?batch=1&input=${encodeURIComponent(JSON.stringify(input))}`,
      {
        headers: { "x-locale": "es" },
      },
    );
    expect(res.status).toBe(400);
    const body = (await res.json()) as { error: { message: string; data: { appCode: string } } };
    expect(body.error.data.appCode).toBe("BATCH_TOO_LARGE");
    expect(body.error.message).toBe("Demasiadas llamadas en un mismo lote: envía como máximo 10.");
  });

  it("a batch within the limit works", async () => {
    const paths = Array.from({ length: 3 }, () => "sandbox.listUsers").join(",");
    const input = Object.fromEntries(Array.from({ length: 3 }, (_, i) => [i, {}]));
    const res = await fetch(
      `${api.url}/trpc/${paths}?batch=1&input=${encodeURIComponent(JSON.stringify(input))}`,
    );
    expect(res.status).toBe(200);
  });

  it("400 MALFORMED_QUERY_INPUT naming the `input` query parameter when it isn't JSON", async () => {
    const token = await tokenFor(admin);
    const res = await fetch(`${api.url}/trpc/users.list?input=${encodeURIComponent("{search:")}`, {
      headers: { authorization: `Bearer ${token}`, "x-locale": "fr" },
    });
    expect(res.status).toBe(400);
    const body = (await res.json()) as { error: { message: string; data: { appCode: string } } };
    expect(body.error.data.appCode).toBe("MALFORMED_QUERY_INPUT");
    expect(body.error.message).toBe(
      "Le paramètre de requête « input » n'est pas du JSON valide : envoyez l'entrée en JSON encodé pour l'URL.",
    );
  });

  it("415 UNSUPPORTED_CONTENT_TYPE naming application/json for a mutation sent as text/plain", async () => {
    const token = await tokenFor(admin);
    const res = await fetch(`${api.url}/trpc/skills.create`, {
      method: "POST",
      headers: { "content-type": "text/plain", authorization: `Bearer ${token}` },
      body: JSON.stringify({ name: "Plain text skill" }),
    });
    expect(res.status).toBe(415);
    const body = (await res.json()) as { error: { message: string; data: { appCode: string } } };
    expect(body.error.data.appCode).toBe("UNSUPPORTED_CONTENT_TYPE");
    expect(body.error.message).toBe(
      "Send this request as JSON, with the header 'Content-Type: application/json' (it came as 'text/plain').",
    );
    const skills = await api.db.db.execute<{ n: number }>(
      sql`select count(*)::int as n from skills where name = 'Plain text skill'`,
    );
    expect(skills[0]?.n).toBe(0);
  });

  it("every error carries a localized title for what happened, beside the message", async () => {
    const token = await tokenFor(admin);
    const first = await call(api.url, "mutation", "skills.create", {
      token,
      input: { name: "Elixir" },
    });
    expect(first.status).toBe(200);
    const duplicate = await call(api.url, "mutation", "skills.create", {
      token,
      input: { name: "elixir" },
      headers: { "x-locale": "de" },
    });
    expect(duplicate.status).toBe(409);
    expect(duplicate.body.error?.data).toMatchObject({
      appCode: "SKILL_EXISTS",
      title: "Konflikt: Nichts wurde gespeichert",
    });
    const invalid = await call(api.url, "query", "users.list", { token, input: { limit: 0 } });
    expect(invalid.body.error?.data).toMatchObject({ title: "Check what was entered" });
  });

  it("404 PROCEDURE_NOT_FOUND for an unknown procedure", async () => {
    const res = await call(api.url, "query", "users.nope");
    expect(res.status).toBe(404);
    expect(res.body.error?.data.appCode).toBe("PROCEDURE_NOT_FOUND");
    expect(res.body.error?.message).toContain("users.nope");
  });
});

describe("text PostgreSQL can't store", () => {
  const nul = "Amira\u0000";
  const loneSurrogate = "Draft \uD83D";

  it("400 TEXT_INVALID_CHARACTERS on the field for a NUL byte, on a public procedure", async () => {
    const res = await call(api.url, "query", "discovery.getProfile", {
      input: { advisorId: nul },
      headers: { "x-locale": "es" },
    });
    expect(res.status).toBe(400);
    expect(res.body.error?.data.appCode).toBe("TEXT_INVALID_CHARACTERS");
    expect(res.body.error?.data.fieldErrors).toEqual({
      advisorId: [
        "Este texto contiene un carácter que no se puede guardar (un carácter NUL o la mitad del par sustituto de un emoji). Elimínalo y vuelve a intentarlo.",
      ],
    });
  });

  it("400 on the nested field for a lone surrogate in a draft, nothing saved", async () => {
    const token = await tokenFor({ id: "demo|client-diego" });
    const res = await call(api.url, "mutation", "applications.saveDraft", {
      token,
      input: { profile: { displayName: loneSurrogate } },
    });
    expect(res.status).toBe(400);
    expect(res.body.error?.data.appCode).toBe("TEXT_INVALID_CHARACTERS");
    expect(Object.keys(res.body.error?.data.fieldErrors ?? {})).toEqual(["profile.displayName"]);
    const drafts = await api.db.db.execute<{ n: number }>(
      sql`select count(*)::int as n from advisor_applications where user_id = 'demo|client-diego'`,
    );
    expect(drafts[0]?.n).toBe(0);
  });

  it("an admin's reason with a NUL byte is refused before anything is audited", async () => {
    const token = await tokenFor(admin);
    const res = await call(api.url, "mutation", "advisors.suspend", {
      token,
      input: { advisorId: "demo|advisor-amira", reason: "policy\u0000breach" },
    });
    expect(res.status).toBe(400);
    expect(res.body.error?.data.fieldErrors).toHaveProperty("reason");
    const audits = await api.db.db.execute<{ n: number }>(
      sql`select count(*)::int as n from audit_log where action like 'advisor.suspend%'`,
    );
    expect(audits[0]?.n).toBe(0);
  });

  it("the net catches it where no schema looks: an object key, a field the schema drops", async () => {
    const token = await tokenFor(admin);
    for (const input of [
      { search: "ok", "k\u0000": 1 },
      { search: "ok", extra: [nul] },
    ]) {
      const res = await call(api.url, "query", "users.list", { token, input });
      expect(res.status).toBe(400);
      expect(res.body.error?.data.appCode).toBe("TEXT_INVALID_CHARACTERS");
    }
  });

  it("a caller who may not call the procedure is told that first", async () => {
    const res = await call(api.url, "query", "users.list", { input: { search: nul } });
    expect(res.status).toBe(401);
    const client = await tokenFor({ id: "demo|client-sam" });
    const forbidden = await call(api.url, "query", "users.list", {
      token: client,
      input: { search: nul },
    });
    expect(forbidden.status).toBe(403);
  });
});

describe("page cursors", () => {
  const b64 = (s: string) => Buffer.from(s, "utf8").toString("base64url");
  it.each([
    ["users.list", "a date past the year 275760", b64(`${"9".repeat(17)}:demo|admin`)],
    ["users.list", "a date before 4713 BC", b64("-8640000000000000:demo|admin")],
    ["consultations.listForAdmin", "an id that is no uuid", b64("1700000000000:demo|admin")],
    ["webhookEvents.list", "an empty id", b64("1700000000000:")],
    ["incidents.list", "an exponent for a time", b64("1e3:00000000-0000-4000-8000-000000000000")],
  ])("400 INVALID_CURSOR on %s for %s", async (path, _name, cursor) => {
    const token = await tokenFor(admin);
    const res = await call(api.url, "query", path, { token, input: { cursor } });
    expect(res.status).toBe(400);
    expect(res.body.error?.data.appCode).toBe("INVALID_CURSOR");
    expect(res.body.error?.message).toBe(
      "The page cursor is not valid: start again from the first page.",
    );
  });

  it("a cursor the API issued still pages", async () => {
    const token = await tokenFor(admin);
    const first = await call(api.url, "query", "users.list", { token, input: { limit: 1 } });
    const { nextCursor } = first.body.result?.data as { nextCursor: string | null };
    expect(nextCursor).not.toBeNull();
    const second = await call(api.url, "query", "users.list", {
      token,
      input: { limit: 1, cursor: nextCursor },
    });
    expect(second.status).toBe(200);
  });
});

describe("locale negotiation", () => {
  const cases: [string, Record<string, string>, string][] = [
    [
      "X-Locale wins over Accept-Language",
      { "x-locale": "es", "accept-language": "de" },
      "Inicia sesión para continuar",
    ],
    [
      "Accept-Language when no X-Locale",
      { "accept-language": "fr-CA,fr;q=0.9" },
      "Connectez-vous pour continuer",
    ],
    ["a regional locale falls back to its base", { "x-locale": "ar-EG" }, "سجّل الدخول للمتابعة"],
    [
      "an unsupported language falls through to English",
      { "x-locale": "ja" },
      "Sign in to continue",
    ],
  ];
  it.each(cases)("%s", async (_name, headers, expected) => {
    const res = await call(api.url, "query", "auth.getMe", { headers });
    expect(res.body.error?.message).toContain(expected);
  });

  it("uses the signed-in user's stored locale when the request names none", async () => {
    const token = await tokenFor({ id: "demo|client-diego" });
    const res = await call(api.url, "query", "users.list", { token });
    expect(res.status).toBe(403);
    expect(res.body.error?.message).toBe("Necesitas el rol administrador para hacer esto.");
  });
});

describe("readiness when the database is down", () => {
  it("/readyz answers 503 naming the failed check, and /healthz stays up", async () => {
    const { createDb } = await import("@an/db");
    const { createApp } = await import("./app");
    const { unlimited } = await import("./rate-limit");
    const { createLogger } = await import("./logger");
    const { developmentBilling } = await import("./trpc/context");
    const { attachmentUrls, DEV_ATTACHMENT_URL_SECRET } = await import("./uploads/attachment-urls");
    const dead = createDb("postgres://postgres:postgres@127.0.0.1:1/none", { max: 1 });
    const app = createApp({
      db: dead.db,
      log: createLogger("silent"),
      verifyToken: null,
      rateLimiters: unlimited,
      devAuth: { enabled: false },
      limits: { maxBodyBytes: 1024 * 1024, maxBatchSize: 10, maxAvatarBytes: 1024 * 1024 },
      storage: { kind: "s3", put: () => Promise.resolve(), urlFor: (key) => key },
      attachmentUrls: attachmentUrls({
        secret: DEV_ATTACHMENT_URL_SECRET,
        ttlSeconds: 60,
        baseUrl: () => "http://127.0.0.1",
      }),
      ...developmentBilling(),
    });
    const server = app.listen(0, "127.0.0.1");
    await new Promise((r) => server.once("listening", r));
    const base = `http://127.0.0.1:${(server.address() as { port: number }).port}`;
    try {
      const ready = await fetch(`${base}/readyz`);
      expect(ready.status).toBe(503);
      expect(await ready.json()).toEqual({
        status: "not_ready",
        checks: { database: "unreachable", migrations: "unknown" },
      });
      expect((await fetch(`${base}/healthz`)).status).toBe(200);
    } finally {
      await new Promise((r) => server.close(r));
      await dead.close();
    }
  });
});
