import { type AlgorithmSpec, algorithmSpec, type SigningAlgorithm } from "./algorithms.js";
import type { VerifyFailureReason } from "./result.js";
import type { JsonObject } from "./strict-json.js";

/**
 * Header members that carry or point at a key. A verifier that used them would let the token choose
 * the key that verifies it (RFC 8725 §3.10); they are refused outright rather than ignored, so such a
 * token never even causes a key lookup.
 */
const KEY_CARRYING_MEMBERS = ["jwk", "jku", "x5u", "x5c"] as const;

/**
 * Members that change how the token must be processed: `crit` lists extensions that must be
 * understood (none are), `b64: false` (RFC 7797) changes the signing input, `zip` and `enc` belong to
 * JWE, `cty` announces a nested token. Authio issues none of them.
 */
const PROCESSING_MEMBERS = ["crit", "b64", "zip", "enc", "cty"] as const;

/** `kid` values longer than this are not key ids Authio issues. */
const MAX_KID_LENGTH = 256;

export type HeaderVerdict =
  | { readonly ok: true; readonly alg: AlgorithmSpec; readonly kid: string }
  | { readonly ok: false; readonly reason: VerifyFailureReason };

/**
 * Decides from the protected header alone whether a token can be acceptable, before any key is looked
 * up or fetched.
 */
export function checkHeader(header: JsonObject, allowed: ReadonlySet<SigningAlgorithm>): HeaderVerdict {
  // Exact, case-sensitive match against the allow-list: "none", "None", "HS256" and "es256" all fail.
  const alg = algorithmSpec(header.alg);
  if (alg === undefined || !allowed.has(alg.name)) return { ok: false, reason: "unsupported_algorithm" };

  for (const member of KEY_CARRYING_MEMBERS) {
    if (Object.hasOwn(header, member)) return { ok: false, reason: "unsupported_header" };
  }
  for (const member of PROCESSING_MEMBERS) {
    if (Object.hasOwn(header, member)) return { ok: false, reason: "unsupported_header" };
  }
  // RFC 8725 §3.11 explicit typing: absent, or the JWT media type.
  if (Object.hasOwn(header, "typ")) {
    const typ = header.typ;
    if (typeof typ !== "string") return { ok: false, reason: "unsupported_header" };
    const lower = typ.toLowerCase();
    if (lower !== "jwt" && lower !== "application/jwt") return { ok: false, reason: "unsupported_header" };
  }

  const kid = header.kid;
  if (typeof kid !== "string" || kid === "" || kid.length > MAX_KID_LENGTH) {
    return { ok: false, reason: "unsupported_header" };
  }
  return { ok: true, alg, kid };
}
