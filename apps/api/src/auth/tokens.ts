import {
  createRemoteJWKSet,
  errors as joseErrors,
  type JWTPayload,
  jwtVerify,
  SignJWT,
} from "jose";
import { isStorableText, isSupportedLocale } from "@an/domain";
import { AppError } from "../errors";

export type AuthConfig =
  | { kind: "jwks"; jwksUrl: string; issuer?: string; audience?: string }
  | { kind: "secret"; secret: string; issuer?: string; audience?: string };

/** What we learn about a person from a verified token. */
export type TokenIdentity = {
  sub: string;
  email: string | null;
  firstName: string | null;
  lastName: string | null;
  locale: string | null;
};

export type TokenVerifier = (token: string) => Promise<TokenIdentity>;

const CLOCK_TOLERANCE_SECONDS = 5;

/**
 * Verifies bearer JWTs: HS256 against a shared secret, or against a JWKS URL (Auth0,
 * Supabase, …). Expiry is required and enforced. Failures become AppErrors a client can
 * act on: malformed, expired, or not verifiable.
 */
export function createTokenVerifier(config: AuthConfig): TokenVerifier {
  const key =
    config.kind === "jwks"
      ? createRemoteJWKSet(new URL(config.jwksUrl), {
          timeoutDuration: 5000,
          cooldownDuration: 30_000,
        })
      : new TextEncoder().encode(config.secret);
  const algorithms = config.kind === "secret" ? ["HS256"] : ["RS256", "ES256", "PS256", "EdDSA"];
  // A token's signature checks out or not for good, so a verified one is remembered until it
  // expires: a live chat's reconnects and a busy client's calls skip the crypto. Only the
  // verdict is kept (the user, their roles and standing are read per request as before).
  const verified = new Map<string, { identity: TokenIdentity; expiresAtMs: number }>();
  return async (token) => {
    const known = verified.get(token);
    if (known && Date.now() < known.expiresAtMs) return known.identity;
    if (known) verified.delete(token);
    if (token.split(".").length !== 3) throw new AppError("TOKEN_MALFORMED");
    let payload: JWTPayload;
    try {
      const verified =
        key instanceof Uint8Array
          ? await jwtVerify(token, key, verifyOptions(config, algorithms))
          : await jwtVerify(token, key, verifyOptions(config, algorithms));
      payload = verified.payload;
    } catch (error) {
      throw mapJoseError(error);
    }
    if (typeof payload.sub !== "string" || payload.sub.length === 0) {
      throw new AppError("TOKEN_MISSING_SUBJECT");
    }
    // The subject becomes our user id: one the database can't store is no usable identity.
    if (!isStorableText(payload.sub)) {
      throw new AppError("TOKEN_MALFORMED");
    }
    const identity = identityFromClaims(payload as JWTPayload & { sub: string });
    if (typeof payload.exp === "number") {
      if (verified.size >= VERIFIED_TOKENS_KEPT) {
        // The oldest entry goes first (a Map iterates in insertion order).
        const oldest = verified.keys().next();
        if (!oldest.done) verified.delete(oldest.value);
      }
      verified.set(token, { identity, expiresAtMs: payload.exp * 1000 });
    }
    return identity;
  };
}

/** Verified tokens a process remembers at most. */
const VERIFIED_TOKENS_KEPT = 10_000;

function verifyOptions(config: AuthConfig, algorithms: string[]) {
  return {
    algorithms,
    issuer: config.issuer,
    audience: config.audience,
    clockTolerance: CLOCK_TOLERANCE_SECONDS,
    requiredClaims: ["exp", "sub"],
  };
}

function mapJoseError(error: unknown): AppError {
  if (error instanceof joseErrors.JWTExpired)
    return new AppError("TOKEN_EXPIRED", {}, { cause: error });
  // A claim we require is absent: say which, rather than blaming the signature.
  if (error instanceof joseErrors.JWTClaimValidationFailed && error.reason === "missing") {
    if (error.claim === "exp") return new AppError("TOKEN_MISSING_EXPIRY", {}, { cause: error });
    if (error.claim === "sub") return new AppError("TOKEN_MISSING_SUBJECT", {}, { cause: error });
  }
  if (
    error instanceof joseErrors.JWKSTimeout ||
    (error instanceof joseErrors.JOSEError && error.code === "ERR_JWKS_INVALID")
  ) {
    return new AppError("AUTH_PROVIDER_UNAVAILABLE", {}, { cause: error });
  }
  if (error instanceof joseErrors.JWSInvalid || error instanceof joseErrors.JWTInvalid) {
    return new AppError("TOKEN_MALFORMED", {}, { cause: error });
  }
  if (error instanceof joseErrors.JOSEError)
    return new AppError("TOKEN_INVALID", {}, { cause: error });
  // Anything else (a network failure fetching the JWKS) is the provider's problem, not the caller's.
  return new AppError("AUTH_PROVIDER_UNAVAILABLE", {}, { cause: error });
}

/** A usable claim value: a non-blank string we can store (anything else counts as absent). */
function str(value: unknown): string | null {
  return typeof value === "string" && value.trim() !== "" && isStorableText(value)
    ? value.trim()
    : null;
}

/**
 * Reads the person's details from standard OIDC claims, or Supabase's `user_metadata`.
 */
export function identityFromClaims(claims: JWTPayload & { sub: string }): TokenIdentity {
  const meta = (
    typeof claims.user_metadata === "object" && claims.user_metadata !== null
      ? claims.user_metadata
      : {}
  ) as Record<string, unknown>;
  let firstName = str(claims.given_name) ?? str(meta.first_name) ?? str(meta.given_name);
  let lastName = str(claims.family_name) ?? str(meta.last_name) ?? str(meta.family_name);
  const fullName = str(claims.name) ?? str(meta.full_name) ?? str(meta.name);
  if (!firstName && fullName) {
    const [first, ...rest] = fullName.split(/\s+/);
    firstName = first ?? null;
    lastName = lastName ?? (rest.length > 0 ? rest.join(" ") : null);
  }
  const locale = str(claims.locale);
  return {
    sub: claims.sub,
    email: str(claims.email)?.toLowerCase() ?? null,
    firstName,
    lastName,
    locale: locale && isSupportedLocale(locale) ? locale : null,
  };
}

export const DEV_TOKEN_ISSUER = "advisor-network-dev";

/**
 * Mints an HS256 token for a user, as the dev sign-in and `pnpm dev:token` do. Callers
 * must refuse in production before calling this.
 */
export async function signDevToken(
  secret: string,
  user: { id: string; email: string | null; firstName: string | null; lastName: string | null },
  options: { ttlSeconds: number; now?: Date; issuer?: string; audience?: string },
): Promise<{ token: string; expiresAt: Date }> {
  const nowSeconds = Math.floor((options.now ?? new Date()).getTime() / 1000);
  const exp = nowSeconds + options.ttlSeconds;
  let jwt = new SignJWT({
    email: user.email ?? undefined,
    given_name: user.firstName ?? undefined,
    family_name: user.lastName ?? undefined,
  })
    .setProtectedHeader({ alg: "HS256", typ: "JWT" })
    .setSubject(user.id)
    .setIssuedAt(nowSeconds)
    .setExpirationTime(exp)
    .setIssuer(options.issuer ?? DEV_TOKEN_ISSUER);
  if (options.audience) jwt = jwt.setAudience(options.audience);
  const token = await jwt.sign(new TextEncoder().encode(secret));
  return { token, expiresAt: new Date(exp * 1000) };
}
