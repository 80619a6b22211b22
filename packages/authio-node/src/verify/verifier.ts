import type { ResolvedConfig } from "../config.js";
import { AuthioError } from "../errors.js";
import type { Session } from "../session.js";
import { algorithmSpec } from "./algorithms.js";
import { checkClaims } from "./claims-policy.js";
import { createTokenParser, type ParseOutcome } from "./compact.js";
import { type CryptoBackend, defaultCryptoBackend } from "./crypto-backend.js";
import { JwksCache, type KeySource, StaticKeySource } from "./jwks-cache.js";
import { fetchJwks } from "./jwks-fetch.js";
import { fitAlgorithms, importKeySet, KeySet, type VerificationKey } from "./key-set.js";
import type { StaticKeys, VerificationConfig } from "./options.js";
import type { TokenVerifier, VerifyFailureReason, VerifyResult } from "./result.js";
import { sharedJwksCache } from "./shared-caches.js";
import { VerifiedTokenCache } from "./token-cache.js";

/** Seams for tests and unusual runtimes; production code passes nothing. */
export interface VerifierDeps {
  /** Milliseconds since the epoch. Default `Date.now`. */
  readonly now?: () => number;
  /** Default: Node's `crypto` where the runtime has it, else Web Crypto. */
  readonly backend?: CryptoBackend;
}

/** What the verifier reads from the client's resolved configuration. */
export type VerifierConfig = Pick<ResolvedConfig, "apiKey" | "apiUrl"> & {
  readonly verification: VerificationConfig;
  readonly transport?: { readonly fetch?: ((input: string, init: RequestInit) => Promise<Response>) | null };
};

const FAILURES = Object.fromEntries(
  (
    [
      "missing",
      "too_large",
      "malformed",
      "unsupported_algorithm",
      "unsupported_header",
      "unknown_key",
      "invalid_signature",
      "expired",
      "not_yet_valid",
      "issued_in_future",
      "wrong_issuer",
      "invalid_claims",
    ] as const
  ).map((reason) => [reason, Object.freeze({ ok: false, reason })]),
) as Record<VerifyFailureReason, VerifyResult>;

/**
 * Verifies Authio access tokens under API.md §2. The order of checks is the policy:
 *
 * 1. a hit in the verified-token cache (same token string, unexpired, its key still current);
 * 2. everything decidable from the token alone — size, shape, header — so a token that cannot be
 *    acceptable never costs a key fetch or a signature check;
 * 3. the key named by `kid`, from the JWKS cache or the configured keys;
 * 4. the signature;
 * 5. the claims, which are trusted only once the signature holds.
 *
 * `verifyDetailed` resolves with a reason for every unacceptable token and rejects only with a
 * retryable `AuthioError` when no key set can be had at all.
 */
export class SessionVerifier implements TokenVerifier {
  readonly #config: VerificationConfig;
  readonly #now: () => number;
  readonly #keys: KeySource;
  readonly #tokenCache: VerifiedTokenCache | null;
  readonly #peek: KeySource["peekKey"];
  readonly #parse: (token: unknown) => ParseOutcome;

  constructor(config: VerifierConfig, deps: VerifierDeps = {}) {
    this.#config = config.verification;
    this.#now = deps.now ?? Date.now;
    const backend = deps.backend ?? defaultCryptoBackend();
    // Cache ages are intervals: a monotonic clock, so a wall-clock jump neither freezes nor expires keys.
    this.#keys = createKeySource(config, backend, deps.now ?? monotonicNow, deps.now === undefined);
    this.#tokenCache =
      this.#config.tokenCacheSize > 0 ? new VerifiedTokenCache(this.#config.tokenCacheSize) : null;
    this.#peek = (kid, alg) => this.#keys.peekKey(kid, alg);
    this.#parse = createTokenParser(this.#config.algorithms);
  }

  /** A verified, frozen `Session`, or `null` for any unacceptable token. */
  async verify(token: unknown): Promise<Session | null> {
    const result = await this.verifyDetailed(token);
    return result.ok ? result.session : null;
  }

  async verifyDetailed(token: unknown): Promise<VerifyResult> {
    try {
      const { clockTolerance } = this.#config;
      if (this.#tokenCache !== null && typeof token === "string") {
        const session = this.#tokenCache.get(token, this.#now() / 1000, clockTolerance, this.#peek);
        if (session !== undefined) return { ok: true, session };
      }

      const parsed = this.#parse(token);
      if (!parsed.ok) return FAILURES[parsed.reason];
      const { alg, kid, claims, signingInput, signature } = parsed.token;

      const key = this.#keys.peekKey(kid, alg.name) ?? (await this.#keys.getKey(kid, alg.name));
      if (key === undefined) return FAILURES.unknown_key;

      const checked = key.check(signingInput, signature);
      if (!(typeof checked === "boolean" ? checked : await checked)) return FAILURES.invalid_signature;

      const verdict = checkClaims(claims, this.#config, this.#now() / 1000);
      if (!verdict.ok) return FAILURES[verdict.reason];
      this.#tokenCache?.set(token as string, verdict.session, key, kid, alg.name);
      return verdict;
    } catch (error) {
      // "Cannot decide" (no keys) is the caller's to handle; anything else unexpected fails closed:
      // a token is never accepted, and a bad token never turns into a thrown error, because of a bug.
      if (error instanceof AuthioError) throw error;
      return FAILURES.malformed;
    }
  }
}

const monotonicNow = (): number =>
  typeof performance !== "undefined" && typeof performance.now === "function"
    ? performance.now()
    : Date.now();

function createKeySource(
  config: VerifierConfig,
  backend: CryptoBackend,
  now: () => number,
  shareable: boolean,
): KeySource {
  const { verification } = config;
  if (verification.staticKeys !== null) {
    const keys = verification.staticKeys;
    return new StaticKeySource(() => importStaticKeys(keys, verification, backend));
  }
  const { apiKey } = config;
  const injectedFetch = config.transport?.fetch ?? null;
  const fetch = injectedFetch ?? globalThis.fetch;
  const cache = verification.jwksCache;
  const create = () =>
    new JwksCache(cache, {
      allowed: verification.algorithms,
      backend,
      now,
      load: () => {
        if (apiKey === null) {
          return Promise.reject(
            new AuthioError({
              code: "invalid_api_key",
              message:
                "No secret key to fetch the JWKS with: pass `apiKey`, set AUTHIO_SECRET_KEY, or give `jwks` or `publicKey`.",
              retryable: false,
            }),
          );
        }
        return fetchJwks({
          url: `${config.apiUrl}/v1/jwks`,
          apiKey,
          fetch: (input, init) => fetch(input, init),
          timeout: cache.timeout,
          maxBytes: cache.maxBytes,
          maxKeys: cache.maxKeys,
        });
      },
    });
  // A client with an injected clock (tests) keeps a cache of its own.
  if (!shareable) return create();
  const identity = {
    apiUrl: config.apiUrl,
    apiKey,
    fetch: injectedFetch,
    backend,
    algorithms: verification.algorithms,
    policy: cache,
  };
  return sharedJwksCache(identity, create);
}

async function importStaticKeys(
  keys: StaticKeys,
  config: VerificationConfig,
  backend: CryptoBackend,
): Promise<KeySet> {
  if (keys.kind === "jwks") return importKeySet(keys.keys, config.algorithms, backend);
  // A single key: bound to its kid when it has one, else it answers for whatever kid a token names.
  const kid =
    keys.kind === "jwk" && typeof keys.jwk.kid === "string" && keys.jwk.kid !== "" ? keys.jwk.kid : null;
  const specs =
    keys.kind === "jwk"
      ? fitAlgorithms(keys.jwk, config.algorithms)
      : [...config.algorithms].map((name) => algorithmSpec(name)!);
  const imported = await Promise.all(
    specs.map((spec) =>
      (keys.kind === "jwk" ? backend.importJwk(keys.jwk, spec) : backend.importPem(keys.pem, spec)).then(
        (check): VerificationKey => ({ kid, alg: spec.name, check }),
        () => null,
      ),
    ),
  );
  return new KeySet(imported.filter((k): k is VerificationKey => k !== null));
}
