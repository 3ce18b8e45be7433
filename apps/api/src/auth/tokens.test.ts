import { createServer, type Server } from "node:http";
import type { AddressInfo } from "node:net";
import { exportJWK, generateKeyPair, SignJWT } from "jose";
import { afterAll, beforeAll, describe, expect, it } from "vitest";
import { createTokenVerifier, identityFromClaims } from "./tokens";

let jwksServer: Server;
let jwksUrl: string;
let privateKey: Awaited<ReturnType<typeof generateKeyPair>>["privateKey"];

beforeAll(async () => {
  const pair = await generateKeyPair("RS256");
  privateKey = pair.privateKey;
  const jwk = { ...(await exportJWK(pair.publicKey)), kid: "k1", alg: "RS256", use: "sig" };
  jwksServer = createServer((_req, res) => {
    res.setHeader("content-type", "application/json");
    res.end(JSON.stringify({ keys: [jwk] }));
  });
  await new Promise<void>((r) => jwksServer.listen(0, "127.0.0.1", r));
  jwksUrl = `http://127.0.0.1:${(jwksServer.address() as AddressInfo).port}/.well-known/jwks.json`;
});
afterAll(() => new Promise<void>((r) => jwksServer.close(() => r())));

function rs256(
  claims: Record<string, unknown>,
  opts: { aud?: string; iss?: string; exp?: string | number } = {},
) {
  return new SignJWT(claims)
    .setProtectedHeader({ alg: "RS256", kid: "k1" })
    .setSubject("auth0|abc")
    .setIssuer(opts.iss ?? "https://idp.example/")
    .setAudience(opts.aud ?? "advisor-api")
    .setIssuedAt()
    .setExpirationTime(opts.exp ?? "5m")
    .sign(privateKey);
}

describe("JWKS verification (Auth0 / Supabase style providers)", () => {
  const config = () => ({
    kind: "jwks" as const,
    jwksUrl,
    issuer: "https://idp.example/",
    audience: "advisor-api",
  });

  it("accepts a token signed by a key in the provider's JWKS", async () => {
    const verify = createTokenVerifier(config());
    const identity = await verify(
      await rs256({ email: "Ana@Example.com", name: "Ana María López" }),
    );
    expect(identity).toEqual({
      sub: "auth0|abc",
      email: "ana@example.com",
      firstName: "Ana",
      lastName: "María López",
      locale: null,
    });
  });

  it("rejects the wrong audience or issuer as TOKEN_INVALID", async () => {
    const verify = createTokenVerifier(config());
    await expect(verify(await rs256({}, { aud: "someone-else" }))).rejects.toMatchObject({
      appCode: "TOKEN_INVALID",
    });
    await expect(verify(await rs256({}, { iss: "https://evil.example/" }))).rejects.toMatchObject({
      appCode: "TOKEN_INVALID",
    });
  });

  it("rejects an expired token as TOKEN_EXPIRED", async () => {
    const verify = createTokenVerifier(config());
    const expired = await rs256({}, { exp: Math.floor(Date.now() / 1000) - 120 });
    await expect(verify(expired)).rejects.toMatchObject({ appCode: "TOKEN_EXPIRED" });
  });

  it("an unreachable JWKS is the provider's fault (503), not the caller's", async () => {
    const verify = createTokenVerifier({ kind: "jwks", jwksUrl: "http://127.0.0.1:9/jwks.json" });
    await expect(verify(await rs256({}))).rejects.toMatchObject({
      appCode: "AUTH_PROVIDER_UNAVAILABLE",
      code: "SERVICE_UNAVAILABLE",
    });
  });

  it("an HS256 token can't pass as a JWKS-signed one", async () => {
    const verify = createTokenVerifier(config());
    const forged = await new SignJWT({})
      .setProtectedHeader({ alg: "HS256" })
      .setSubject("auth0|abc")
      .setExpirationTime("5m")
      .sign(new TextEncoder().encode("x".repeat(40)));
    await expect(verify(forged)).rejects.toMatchObject({ appCode: "TOKEN_INVALID" });
  });
});

describe("identityFromClaims", () => {
  it("reads Supabase's user_metadata", () => {
    expect(
      identityFromClaims({
        sub: "s1",
        email: "x@y.z",
        user_metadata: { first_name: "Lina", last_name: "Aziz" },
        locale: "ar-EG",
      }),
    ).toEqual({ sub: "s1", email: "x@y.z", firstName: "Lina", lastName: "Aziz", locale: "ar-EG" });
  });

  it("ignores an unsupported locale claim", () => {
    expect(identityFromClaims({ sub: "s1", locale: "ja-JP" }).locale).toBeNull();
  });
});
