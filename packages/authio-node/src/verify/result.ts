import type { Session } from "../session.js";

/**
 * Why a token was refused: a small fixed vocabulary, safe for logs. A reason never carries token
 * content, so logging it leaks nothing.
 */
export type VerifyFailureReason =
  /** No token, or not a string. */
  | "missing"
  /** Over the 16 KiB limit: refused before any cryptography or key fetch. */
  | "too_large"
  /** Not a compact JWS with a JSON header and claims (JWE, bad base64url, bad JSON, extra whitespace…). */
  | "malformed"
  /** `alg` is not one of the allowed asymmetric algorithms (`none`, `HS256`…). */
  | "unsupported_algorithm"
  /** A header the verifier does not accept (`crit` it does not understand, `b64: false`, no `kid`…). */
  | "unsupported_header"
  /** `kid` names no usable key of the environment's JWKS, even after a refetch. */
  | "unknown_key"
  | "invalid_signature"
  | "expired"
  | "not_yet_valid"
  /** `iat` later than now plus the clock tolerance. */
  | "issued_in_future"
  | "wrong_issuer"
  /** A required claim is missing or mistyped (`sub`, `sid`, `exp`, `iat`…). */
  | "invalid_claims";

export type VerifyResult =
  | { readonly ok: true; readonly session: Session }
  | { readonly ok: false; readonly reason: VerifyFailureReason };

/** What a request-level decision needs from the verifier; `verifyDetailed` throws only when it cannot decide. */
export interface TokenVerifier {
  verifyDetailed(token: unknown): Promise<VerifyResult>;
}
