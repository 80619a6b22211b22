import { createHash, sign } from "node:crypto";
import { randomBase32 } from "./ids.js";
import type { KeyRing } from "./keys.js";

export interface AccessTokenClaims {
  iss: string;
  sub: string;
  sid: string;
  org_id?: string;
  role?: string;
  permissions?: string[];
  iat: number;
  exp: number;
  nbf?: number;
  jti: string;
  act?: { sub: string };
  [claim: string]: unknown;
}

const b64url = (value: unknown): string => Buffer.from(JSON.stringify(value)).toString("base64url");

/**
 * Signs a compact JWS with the key ring's current key. node:crypto signs synchronously, so a request that
 * writes a session and signs its token runs without yielding the event loop (no interleaving to reason about).
 */
export function signJwt(
  keys: KeyRing,
  claims: AccessTokenClaims,
  headerExtra: Record<string, unknown> = {},
): string {
  const { kid, alg, key } = keys.signingKey();
  const header = { alg, kid, typ: "JWT", ...headerExtra };
  const input = `${b64url(header)}.${b64url(claims)}`;
  const signature =
    alg === "ES256"
      ? sign("sha256", Buffer.from(input), { key, dsaEncoding: "ieee-p1363" })
      : sign("sha256", Buffer.from(input), key);
  return `${input}.${signature.toString("base64url")}`;
}

export interface MintInput {
  issuer: string;
  userId: string;
  sessionId: string;
  organization?: { id: string; role: string; permissions: string[] } | undefined;
  nowSeconds: number;
  ttlSeconds: number;
  /** The impersonating user: adds `act: { sub }` (RFC 8693). */
  actorUserId?: string | null | undefined;
}

/** An access token with exactly the claims of API.md §2. */
export function mintAccessToken(keys: KeyRing, input: MintInput): string {
  const claims: AccessTokenClaims = {
    iss: input.issuer,
    sub: input.userId,
    sid: input.sessionId,
    iat: input.nowSeconds,
    exp: input.nowSeconds + input.ttlSeconds,
    jti: `jti_${randomBase32(20)}`,
  };
  if (input.actorUserId) claims.act = { sub: input.actorUserId };
  if (input.organization) {
    // Insert the organization claims after sid, as the contract lists them (order is cosmetic).
    const { iat, exp, jti, ...head } = claims;
    return signJwt(keys, {
      ...head,
      org_id: input.organization.id,
      role: input.organization.role,
      permissions: input.organization.permissions,
      iat,
      exp,
      jti,
    });
  }
  return signJwt(keys, claims);
}

export const sha256 = (value: string): string => createHash("sha256").update(value).digest("hex");
