import type { JWK } from "jose";
import { invalidConfig } from "../config.js";
import { DEFAULT_ALGORITHMS, type SigningAlgorithm, SUPPORTED_ALGORITHMS } from "./algorithms.js";
import { fitAlgorithms } from "./key-set.js";

/** Tuning of the JWKS cache (API.md §3). Durations in milliseconds; every one has a safe default. */
export interface JwksCacheOptions {
  /** Age after which the key set is refetched (in the background). Default 300 000 (5 min, the endpoint's `max-age`). */
  maxAge?: number | undefined;
  /** How long past `maxAge` the last good keys keep serving while refetches fail. Default 3 600 000 (1 h). */
  staleWindow?: number | undefined;
  /** Minimum time between two fetches caused by a token naming an unknown `kid`. Default 30 000. */
  unknownKidCooldown?: number | undefined;
  /** Time limit of one JWKS request, body included. Default 5 000. */
  timeout?: number | undefined;
  /** Largest JWKS response accepted, in bytes. Default 131 072. */
  maxBytes?: number | undefined;
  /** Most keys a JWKS response may list. Default 32. */
  maxKeys?: number | undefined;
  /** Wait after a failed fetch before the next one; doubles per failure. Default 1 000. */
  failureBackoff?: number | undefined;
  /** Upper bound of that wait. Default 30 000. */
  maxFailureBackoff?: number | undefined;
}

/** Options of `new Authio()` that govern `sessions.verify`. */
export interface VerificationOptions {
  /** The `iss` every token must carry. Default: `apiUrl`, normalised (API.md §7). */
  issuer?: string | undefined;
  /**
   * The environment's JWKS (`{ keys: [...] }`, or its JSON text): tokens are verified against it and
   * no request is ever made. Exclusive with `publicKey`.
   */
  jwks?: { readonly keys: readonly unknown[] } | string | undefined;
  /**
   * One public key (SPKI PEM, or a JWK object or its JSON text): tokens are verified against it
   * whatever their `kid`, and no request is ever made. Exclusive with `jwks`.
   */
  publicKey?: string | JWK | undefined;
  /** Accepted signature algorithms. Default `["ES256", "RS256"]`; `none` and `HS*` cannot be enabled. */
  algorithms?: readonly SigningAlgorithm[] | undefined;
  /** Seconds of clock skew tolerated on `exp`, `nbf` and `iat`. Default 5, at most 300. */
  clockTolerance?: number | undefined;
  jwksCache?: JwksCacheOptions | undefined;
  /**
   * Verified tokens remembered (until their `exp`, from their second verification on) to skip repeated
   * signature checks. Default 1 000; 0 disables.
   */
  tokenCacheSize?: number | undefined;
}

/** Keys given in the options, validated and ready to import. */
export type StaticKeys =
  | { readonly kind: "jwks"; readonly keys: readonly unknown[] }
  | { readonly kind: "jwk"; readonly jwk: JWK }
  | { readonly kind: "pem"; readonly pem: string };

/** The JWKS cache policy and fetch limits, resolved. */
export interface ResolvedJwksCache {
  readonly maxAge: number;
  readonly staleWindow: number;
  readonly unknownKidCooldown: number;
  readonly timeout: number;
  readonly maxBytes: number;
  readonly maxKeys: number;
  readonly failureBackoff: number;
  readonly maxFailureBackoff: number;
}

export interface VerificationConfig {
  readonly issuer: string;
  readonly algorithms: ReadonlySet<SigningAlgorithm>;
  readonly clockTolerance: number;
  /** `null`: fetch the JWKS from `${apiUrl}/v1/jwks`. */
  readonly staticKeys: StaticKeys | null;
  readonly jwksCache: ResolvedJwksCache;
  readonly tokenCacheSize: number;
}

const JWKS_CACHE_DEFAULTS: ResolvedJwksCache = Object.freeze({
  maxAge: 300_000,
  staleWindow: 3_600_000,
  unknownKidCooldown: 30_000,
  timeout: 5_000,
  maxBytes: 131_072,
  maxKeys: 32,
  failureBackoff: 1_000,
  maxFailureBackoff: 30_000,
});

/** Validates the verification options; `apiUrl` is already normalised. Throws `invalid_config`. */
export function resolveVerificationOptions(options: VerificationOptions, apiUrl: string): VerificationConfig {
  const algorithms = resolveAlgorithms(options.algorithms);
  return {
    issuer: options.issuer === undefined ? apiUrl : resolveIssuer(options.issuer),
    algorithms,
    clockTolerance: number("clockTolerance", options.clockTolerance, 5, { max: 300 }),
    staticKeys: resolveStaticKeys(options, algorithms),
    jwksCache: resolveJwksCache(options.jwksCache),
    tokenCacheSize: number("tokenCacheSize", options.tokenCacheSize, 1_000, {
      integer: true,
      max: 1_000_000,
    }),
  };
}

function number(
  option: string,
  value: unknown,
  fallback: number,
  { integer = false, positive = false, max = Number.POSITIVE_INFINITY } = {},
): number {
  if (value === undefined) return fallback;
  const ok =
    typeof value === "number" &&
    Number.isFinite(value) &&
    (positive ? value > 0 : value >= 0) &&
    value <= max &&
    (!integer || Number.isInteger(value));
  if (!ok) {
    const kind = `${positive ? "positive" : "non-negative"} ${integer ? "integer" : "number"}`;
    throw invalidConfig(
      option,
      `expected a ${kind}${max < Number.POSITIVE_INFINITY ? ` up to ${max}` : ""}.`,
    );
  }
  return value as number;
}

function resolveAlgorithms(value: unknown): ReadonlySet<SigningAlgorithm> {
  if (value === undefined) return new Set(DEFAULT_ALGORITHMS);
  const supported = SUPPORTED_ALGORITHMS as readonly unknown[];
  if (!Array.isArray(value) || value.length === 0 || !value.every((alg) => supported.includes(alg))) {
    throw invalidConfig("algorithms", `expected a non-empty list of ${SUPPORTED_ALGORITHMS.join(", ")}.`);
  }
  return new Set(value as SigningAlgorithm[]);
}

function resolveIssuer(value: unknown): string {
  if (typeof value === "string") {
    try {
      const url = new URL(value);
      if (url.protocol === "https:" || url.protocol === "http:") return url.href.replace(/\/+$/, "");
    } catch {
      // fall through
    }
  }
  throw invalidConfig("issuer", "expected an absolute http(s) URL.");
}

function resolveJwksCache(value: unknown): ResolvedJwksCache {
  if (value === undefined) return JWKS_CACHE_DEFAULTS;
  if (value === null || typeof value !== "object") throw invalidConfig("jwksCache", "expected an object.");
  const o = value as JwksCacheOptions;
  const d = JWKS_CACHE_DEFAULTS;
  const cache = {
    // Positive: a zero max age would refetch on every verification.
    maxAge: number("jwksCache.maxAge", o.maxAge, d.maxAge, { positive: true }),
    staleWindow: number("jwksCache.staleWindow", o.staleWindow, d.staleWindow),
    unknownKidCooldown: number("jwksCache.unknownKidCooldown", o.unknownKidCooldown, d.unknownKidCooldown),
    timeout: number("jwksCache.timeout", o.timeout, d.timeout, { positive: true }),
    maxBytes: number("jwksCache.maxBytes", o.maxBytes, d.maxBytes, { integer: true, positive: true }),
    maxKeys: number("jwksCache.maxKeys", o.maxKeys, d.maxKeys, { integer: true, positive: true }),
    failureBackoff: number("jwksCache.failureBackoff", o.failureBackoff, d.failureBackoff),
    maxFailureBackoff: number("jwksCache.maxFailureBackoff", o.maxFailureBackoff, d.maxFailureBackoff),
  };
  return Object.freeze(cache);
}

const PUBLIC_PEM = /^-----BEGIN PUBLIC KEY-----\s+[A-Za-z0-9+/=\s]+-----END PUBLIC KEY-----$/;

function resolveStaticKeys(
  options: VerificationOptions,
  algorithms: ReadonlySet<SigningAlgorithm>,
): StaticKeys | null {
  const { jwks, publicKey } = options;
  if (jwks !== undefined && publicKey !== undefined) {
    throw invalidConfig("jwks", "give either `jwks` or `publicKey`, not both.");
  }
  if (jwks !== undefined) {
    const document = typeof jwks === "string" ? parseJson(jwks) : jwks;
    const keys = (document as { keys?: unknown } | null)?.keys;
    if (!Array.isArray(keys))
      throw invalidConfig("jwks", "expected a JWKS: { keys: [...] } or its JSON text.");
    const usable = keys.some((jwk) => {
      const kid = (jwk as { kid?: unknown } | null)?.kid;
      return typeof kid === "string" && kid !== "" && fitAlgorithms(jwk, algorithms).length > 0;
    });
    if (!usable) throw invalidConfig("jwks", "contains no public signing key usable with `algorithms`.");
    return { kind: "jwks", keys: Object.freeze([...keys]) };
  }
  if (publicKey !== undefined) {
    if (typeof publicKey === "string" && publicKey.trimStart().startsWith("-----")) {
      const pem = publicKey.trim();
      if (!PUBLIC_PEM.test(pem)) {
        // Never echo it: a private key pasted here by mistake must not end up in a log.
        throw invalidConfig("publicKey", "expected an SPKI public key PEM (-----BEGIN PUBLIC KEY-----).");
      }
      return { kind: "pem", pem };
    }
    const jwk = typeof publicKey === "string" ? parseJson(publicKey) : publicKey;
    if (fitAlgorithms(jwk, algorithms).length === 0) {
      throw invalidConfig(
        "publicKey",
        "expected a public signing key (PEM or JWK) usable with `algorithms`.",
      );
    }
    return { kind: "jwk", jwk: Object.freeze({ ...(jwk as JWK) }) };
  }
  return null;
}

function parseJson(text: string): unknown {
  try {
    return JSON.parse(text);
  } catch {
    return null;
  }
}
