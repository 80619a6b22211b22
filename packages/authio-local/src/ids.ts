import { randomBytes } from "node:crypto";

// Crockford's base32 in lower case: no i, l, o, u, so ids read back unambiguously.
const ALPHABET = "0123456789abcdefghjkmnpqrstvwxyz";

function encodeTime(ms: number, length: number): string {
  let out = "";
  let rest = ms;
  for (let i = 0; i < length; i++) {
    out = ALPHABET[rest % 32] + out;
    rest = Math.floor(rest / 32);
  }
  return out;
}

export function randomBase32(length: number): string {
  const bytes = randomBytes(length);
  let out = "";
  for (let i = 0; i < length; i++) out += ALPHABET[bytes[i]! % 32];
  return out;
}

/**
 * `org_`, `user_`, `om_`, `session_`… followed by 16 characters: 10 of creation time (milliseconds) and 6
 * random, so ids sort roughly by creation like ULIDs. Lists still order by an insertion sequence, never by id.
 */
export function newId(prefix: string, nowMs: number = Date.now()): string {
  return `${prefix}_${encodeTime(nowMs, 10)}${randomBase32(6)}`;
}

/** An opaque secret (refresh token, sign-in code): 256 random bits, URL-safe. */
export function newSecret(prefix = ""): string {
  return prefix + randomBytes(32).toString("base64url");
}
