/**
 * The signature algorithms a verifier may allow. Only asymmetric JWS algorithms exist here: `none` and
 * the `HS*` family are not in this table, so no configuration can ever enable them (RFC 8725 §3.1–3.2).
 */
export type SigningAlgorithm =
  | "ES256"
  | "ES384"
  | "ES512"
  | "RS256"
  | "RS384"
  | "RS512"
  | "PS256"
  | "PS384"
  | "PS512";

export interface AlgorithmSpec {
  readonly name: SigningAlgorithm;
  /** The key family a JWK must have to verify this algorithm. */
  readonly kty: "EC" | "RSA";
  /** ECDSA curve (JWK `crv`), for EC algorithms. */
  readonly crv?: "P-256" | "P-384" | "P-521";
  readonly hash: "SHA-256" | "SHA-384" | "SHA-512";
  /** RSASSA-PSS (`PS*`) rather than RSASSA-PKCS1-v1_5 (`RS*`). */
  readonly pss: boolean;
  /**
   * Exact signature length in bytes for ECDSA (JWS uses the fixed-width `r || s` form, never DER);
   * `null` for RSA, where it equals the modulus length and is checked against the key.
   */
  readonly signatureLength: number | null;
}

const TABLE: Readonly<Record<SigningAlgorithm, AlgorithmSpec>> = {
  ES256: { name: "ES256", kty: "EC", crv: "P-256", hash: "SHA-256", pss: false, signatureLength: 64 },
  ES384: { name: "ES384", kty: "EC", crv: "P-384", hash: "SHA-384", pss: false, signatureLength: 96 },
  ES512: { name: "ES512", kty: "EC", crv: "P-521", hash: "SHA-512", pss: false, signatureLength: 132 },
  RS256: { name: "RS256", kty: "RSA", hash: "SHA-256", pss: false, signatureLength: null },
  RS384: { name: "RS384", kty: "RSA", hash: "SHA-384", pss: false, signatureLength: null },
  RS512: { name: "RS512", kty: "RSA", hash: "SHA-512", pss: false, signatureLength: null },
  PS256: { name: "PS256", kty: "RSA", hash: "SHA-256", pss: true, signatureLength: null },
  PS384: { name: "PS384", kty: "RSA", hash: "SHA-384", pss: true, signatureLength: null },
  PS512: { name: "PS512", kty: "RSA", hash: "SHA-512", pss: true, signatureLength: null },
};

export const SUPPORTED_ALGORITHMS: readonly SigningAlgorithm[] = Object.freeze(
  Object.keys(TABLE) as SigningAlgorithm[],
);

/** What Authio signs with (API.md §2). */
export const DEFAULT_ALGORITHMS: readonly SigningAlgorithm[] = Object.freeze(["ES256", "RS256"]);

/** RSA keys below this modulus size are unfit (API.md §3, RFC 8725 §3.5). */
export const MIN_RSA_BITS = 2048;

/** The spec of a supported algorithm; `undefined` for anything else, whatever its casing. */
export function algorithmSpec(alg: unknown): AlgorithmSpec | undefined {
  // An own-property check: `alg: "constructor"` must not find Object.prototype's members.
  return typeof alg === "string" && Object.hasOwn(TABLE, alg) ? TABLE[alg as SigningAlgorithm] : undefined;
}
