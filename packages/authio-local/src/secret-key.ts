import { timingSafeEqual } from "node:crypto";
import type { IncomingMessage } from "node:http";
import { randomBase32 } from "./ids.js";
import { sha256 } from "./tokens.js";

export const SECRET_KEY_PATTERN = /^sk_(test|live)_[A-Za-z0-9_]{8,200}$/;

export function newSecretKey(): string {
  return `sk_test_${randomBase32(40)}`;
}

/** The bearer credential of a request, or null. Several Authorization headers are refused, not resolved. */
export function bearerToken(req: IncomingMessage): string | null {
  const values = req.headersDistinct.authorization;
  if (values?.length !== 1) return null;
  // The scheme is case-insensitive (RFC 9110 §11.1).
  const m = /^Bearer +([!-~]+)$/i.exec(values[0] ?? "");
  return m?.[1] ?? null;
}

/** Constant-time comparison; hashing both sides first makes the lengths equal and hides the key's length. */
export function secretKeyMatches(given: string, expected: string): boolean {
  return timingSafeEqual(Buffer.from(sha256(given), "hex"), Buffer.from(sha256(expected), "hex"));
}
