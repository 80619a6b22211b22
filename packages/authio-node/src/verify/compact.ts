import type { AlgorithmSpec, SigningAlgorithm } from "./algorithms.js";
import { decodeBase64url, decodeBase64urlText, isCanonicalBase64url } from "./base64url.js";
import { checkHeader, type HeaderVerdict } from "./header-policy.js";
import type { VerifyFailureReason } from "./result.js";
import { type JsonObject, parseStrictJsonObject } from "./strict-json.js";

/** API.md §2: a token longer than this (in string length) is refused before anything else. */
export const MAX_TOKEN_LENGTH = 16 * 1024;

/** A compact JWS whose syntax and header are acceptable; nothing about it is verified yet. */
export interface ParsedToken {
  readonly alg: AlgorithmSpec;
  readonly kid: string;
  readonly claims: JsonObject;
  /** `base64url(header) "." base64url(payload)`, the bytes the signature covers (ASCII). */
  readonly signingInput: string;
  readonly signature: Uint8Array;
}

export type ParseOutcome =
  | { readonly ok: true; readonly token: ParsedToken }
  | { readonly ok: false; readonly reason: VerifyFailureReason };

const fail = (reason: VerifyFailureReason): ParseOutcome => ({ ok: false, reason });

/**
 * Takes a token apart and applies every rule that needs no key: size, compact JWS shape (a JWE has five
 * segments, an unsecured JWS an empty signature), canonical base64url, strict JSON, the header policy
 * and the ECDSA signature shape. Ordered cheapest first; never throws, whatever `input` is.
 */
export function parseToken(input: unknown, allowed: ReadonlySet<SigningAlgorithm>): ParseOutcome {
  return parseWith(input, (segment) => judgeHeader(segment, allowed));
}

/**
 * `parseToken` for one verifier: the verdict on a header segment is a pure function of its text, and
 * the tokens of one environment share a handful of headers (one per signing key), so verdicts are
 * remembered — a bounded few, so varied forged headers cannot grow memory.
 */
export function createTokenParser(allowed: ReadonlySet<SigningAlgorithm>): (input: unknown) => ParseOutcome {
  const verdicts = new Map<string, HeaderVerdict>();
  const judge = (segment: string): HeaderVerdict => {
    let verdict = verdicts.get(segment);
    if (verdict === undefined) {
      verdict = judgeHeader(segment, allowed);
      if (verdicts.size >= HEADER_CACHE_SIZE) verdicts.clear();
      verdicts.set(segment, verdict);
    }
    return verdict;
  };
  return (input) => parseWith(input, judge);
}

/** Distinct header segments remembered per verifier. */
const HEADER_CACHE_SIZE = 32;

function judgeHeader(segment: string, allowed: ReadonlySet<SigningAlgorithm>): HeaderVerdict {
  if (!isCanonicalBase64url(segment)) return MALFORMED_HEADER;
  const text = decodeBase64urlText(segment);
  const header = text === null ? null : parseStrictJsonObject(text);
  return header === null ? MALFORMED_HEADER : checkHeader(header, allowed);
}

const MALFORMED_HEADER: HeaderVerdict = Object.freeze({ ok: false, reason: "malformed" });

function parseWith(input: unknown, judge: (headerSegment: string) => HeaderVerdict): ParseOutcome {
  if (typeof input !== "string" || input === "") return fail("missing");
  if (input.length > MAX_TOKEN_LENGTH) return fail("too_large");

  const firstDot = input.indexOf(".");
  const lastDot = input.lastIndexOf(".");
  if (firstDot === -1 || firstDot === lastDot || input.indexOf(".", firstDot + 1) !== lastDot) {
    return fail("malformed");
  }
  const verdict = judge(input.slice(0, firstDot));
  if (!verdict.ok) return verdict;

  const payloadSegment = input.slice(firstDot + 1, lastDot);
  if (!isCanonicalBase64url(payloadSegment)) return fail("malformed");
  const payloadText = decodeBase64urlText(payloadSegment);
  const claims = payloadText === null ? null : parseStrictJsonObject(payloadText);
  if (claims === null) return fail("malformed");

  const signatureSegment = input.slice(lastDot + 1);
  if (!isCanonicalBase64url(signatureSegment)) return fail("malformed");
  const signature = decodeBase64url(signatureSegment);
  if (!hasPlausibleSignatureShape(verdict.alg, signature)) return fail("invalid_signature");

  return {
    ok: true,
    token: { alg: verdict.alg, kid: verdict.kid, claims, signingInput: input.slice(0, lastDot), signature },
  };
}

/**
 * ECDSA signatures in JWS are `r || s` of fixed width (RFC 7518 §3.4): a DER-encoded signature has
 * another length and is refused here, and so is `r = 0` or `s = 0`, which some verifiers once accepted
 * for any message ("psychic signatures", CVE-2022-21449). RSA lengths are checked against the key.
 */
function hasPlausibleSignatureShape(alg: AlgorithmSpec, signature: Uint8Array): boolean {
  if (alg.signatureLength === null) return signature.length >= 256;
  if (signature.length !== alg.signatureLength) return false;
  const half = alg.signatureLength / 2;
  return !isZero(signature, 0, half) && !isZero(signature, half, signature.length);
}

function isZero(bytes: Uint8Array, from: number, to: number): boolean {
  for (let i = from; i < to; i++) if (bytes[i] !== 0) return false;
  return true;
}
