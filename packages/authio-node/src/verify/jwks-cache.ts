import { AuthioError } from "../errors.js";
import type { SigningAlgorithm } from "./algorithms.js";
import type { CryptoBackend } from "./crypto-backend.js";
import { importKeySet, type KeySet, type VerificationKey } from "./key-set.js";

/** Where the verifier gets keys from: a remote JWKS (cached) or keys given in the options. */
export interface KeySource {
  /**
   * The key for `kid` and `alg`, or `undefined` when the environment has none. Rejects with a retryable
   * `AuthioError` only when no usable key set can be had at all.
   */
  getKey(kid: string, alg: SigningAlgorithm): Promise<VerificationKey | undefined>;
  /** The key from the current, fresh key set, without waiting or fetching; for cached verdicts. */
  peekKey(kid: string, alg: SigningAlgorithm): VerificationKey | undefined;
}

/** Cache policy, in milliseconds. */
export interface JwksCachePolicy {
  /** Age after which the key set is refreshed. */
  readonly maxAge: number;
  /** How long past `maxAge` the last good key set keeps serving while refreshes fail. */
  readonly staleWindow: number;
  /** Minimum time between two fetches caused by an unknown `kid`. */
  readonly unknownKidCooldown: number;
  /** Wait after a failed fetch; doubles with each further failure, up to `maxFailureBackoff`. */
  readonly failureBackoff: number;
  readonly maxFailureBackoff: number;
}

export interface JwksCacheDeps {
  /** Fetches the raw `keys` array (see `fetchJwks`). */
  readonly load: () => Promise<unknown[]>;
  readonly allowed: ReadonlySet<SigningAlgorithm>;
  readonly backend: CryptoBackend;
  /** Milliseconds, monotonic enough for intervals; injectable for tests. */
  readonly now: () => number;
}

/**
 * The JWKS of one environment (one secret key), fetched on first use and kept fresh (API.md §3):
 *
 * - one fetch in flight at a time, shared by every caller that needs it;
 * - refreshed in the background once older than `maxAge`, and meanwhile the current keys keep
 *   serving — for at most `staleWindow` past `maxAge` when refreshes fail;
 * - an unknown `kid` causes a fetch at most once per `unknownKidCooldown`, so forged kids cannot
 *   hammer the endpoint, and tokens with known kids never wait for those fetches;
 * - a failed fetch backs off exponentially: while it backs off, no fetch is made and a cold cache
 *   fails fast with the last error instead of one timeout per request;
 * - every fetch has a generation number, and a response is applied only if it is newer than the
 *   one in use, so a late answer never replaces fresher keys.
 */
export class JwksCache implements KeySource {
  readonly #policy: JwksCachePolicy;
  readonly #deps: JwksCacheDeps;
  #keys: KeySet | null = null;
  #loadedAt = Number.NEGATIVE_INFINITY;
  #appliedGeneration = 0;
  #startedGeneration = 0;
  #inflight: Promise<KeySet> | null = null;
  #lastFetchAt = Number.NEGATIVE_INFINITY;
  #failures = 0;
  #retryAt = Number.NEGATIVE_INFINITY;
  #lastError: AuthioError | null = null;

  constructor(policy: JwksCachePolicy, deps: JwksCacheDeps) {
    this.#policy = policy;
    this.#deps = deps;
  }

  async getKey(kid: string, alg: SigningAlgorithm): Promise<VerificationKey | undefined> {
    const now = this.#deps.now();
    let keys = this.#keys;
    if (keys === null) {
      // Cold: nothing to verify with until a fetch succeeds; its failure is the caller's error.
      return (await this.refresh()).find(kid, alg);
    }
    const age = now - this.#loadedAt;
    if (age >= this.#policy.maxAge) {
      if (age < this.#policy.maxAge + this.#policy.staleWindow) {
        this.#refreshInBackground();
      } else {
        // Too old to trust: a fresh set, or the error that explains why there is none.
        keys = await this.refresh();
      }
    }

    const key = keys.find(kid, alg);
    // A known kid with an unfit algorithm is not a rotation: refetching would not help.
    if (key !== undefined || keys.hasKid(kid)) return key;

    // Unknown kid: maybe a key published since the last fetch. Join a fetch in flight, or start one
    // if the cooldown allows; otherwise answer from what we have.
    if (this.#inflight === null && now - this.#lastFetchAt < this.#policy.unknownKidCooldown)
      return undefined;
    try {
      return (await this.refresh()).find(kid, alg);
    } catch {
      // The keys we have are still good; this token's kid is just not among them.
      return undefined;
    }
  }

  peekKey(kid: string, alg: SigningAlgorithm): VerificationKey | undefined {
    if (this.#keys === null || this.#deps.now() - this.#loadedAt >= this.#policy.maxAge) return undefined;
    return this.#keys.find(kid, alg);
  }

  /**
   * Fetches the key set, or joins the fetch in flight. While backing off after a failure it makes no
   * request and rejects with the last error.
   */
  refresh(): Promise<KeySet> {
    if (this.#inflight !== null) return this.#inflight;
    const startedAt = this.#deps.now();
    if (startedAt < this.#retryAt && this.#lastError !== null) {
      return Promise.reject(withRetryAfter(this.#lastError, Math.ceil((this.#retryAt - startedAt) / 1000)));
    }

    const generation = ++this.#startedGeneration;
    this.#lastFetchAt = startedAt;
    const inflight = this.#fetch(generation).finally(() => {
      if (this.#inflight === inflight) this.#inflight = null;
    });
    this.#inflight = inflight;
    return inflight;
  }

  async #fetch(generation: number): Promise<KeySet> {
    try {
      const raw = await this.#deps.load();
      const keys = await importKeySet(raw, this.#deps.allowed, this.#deps.backend, this.#keys);
      if (generation > this.#appliedGeneration) {
        this.#appliedGeneration = generation;
        this.#keys = keys;
        this.#loadedAt = this.#deps.now();
      }
      this.#failures = 0;
      this.#retryAt = Number.NEGATIVE_INFINITY;
      this.#lastError = null;
      return this.#keys ?? keys;
    } catch (cause) {
      const error =
        cause instanceof AuthioError
          ? cause
          : new AuthioError({ code: "invalid_response", message: "The JWKS could not be read.", cause });
      this.#failures++;
      // A server's Retry-After lengthens the wait, within the same upper bound.
      const backoff = Math.min(
        Math.max(this.#policy.failureBackoff * 2 ** (this.#failures - 1), (error.retryAfter ?? 0) * 1000),
        this.#policy.maxFailureBackoff,
      );
      this.#retryAt = this.#deps.now() + backoff;
      this.#lastError = error;
      throw error;
    }
  }

  #refreshInBackground(): void {
    // Failures are recorded (backoff, last error) by the fetch itself; nobody awaits this one.
    this.refresh().catch(() => {});
  }
}

/** Keys given in the options: verification makes no request at all. */
export class StaticKeySource implements KeySource {
  readonly #load: () => Promise<KeySet>;
  #keys: Promise<KeySet> | null = null;
  #ready: KeySet | null = null;

  /** `load` imports the configured keys; it runs once, on first use (importing is async on Web Crypto). */
  constructor(load: () => Promise<KeySet>) {
    this.#load = load;
  }

  async getKey(kid: string, alg: SigningAlgorithm): Promise<VerificationKey | undefined> {
    this.#keys ??= this.#load().then((keys) => {
      this.#ready = keys;
      return keys;
    });
    return (await this.#keys).find(kid, alg);
  }

  peekKey(kid: string, alg: SigningAlgorithm): VerificationKey | undefined {
    return this.#ready?.find(kid, alg);
  }
}

/**
 * The last failure, told again while backing off, with `retryAfter` set to the seconds left: an
 * adapter's 503 then says when trying again can help (`Retry-After`).
 */
function withRetryAfter(error: AuthioError, seconds: number): AuthioError {
  return new AuthioError({
    code: error.code,
    message: error.message,
    status: error.status,
    requestId: error.requestId,
    retryable: error.retryable,
    retryAfter: Math.max(1, seconds),
    cause: error,
  });
}
