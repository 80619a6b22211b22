import { AuthioError } from "../errors.js";

/** What the Management API answers to a refresh (API.md §5.5), as much as the browser flows need. */
export interface RefreshGrant {
  readonly accessToken: string;
  readonly refreshToken: string;
  readonly session: { readonly id: string; readonly expiresAt: string };
}

export type RefreshOutcome =
  | { readonly kind: "refreshed"; readonly grant: RefreshGrant }
  /** The refresh token is unknown, expired, reused, or its session is over: the browser is signed out. */
  | { readonly kind: "signed_out" }
  /** Authio could not be reached or failed: keep the cookies, answer 503, try again later. */
  | { readonly kind: "unavailable"; readonly error: AuthioError };

const SIGN_OUT_CODES = new Set([
  "invalid_refresh_token",
  "refresh_token_reused",
  "session_inactive",
  "not_found",
]);

/**
 * Refreshes once per refresh token, however many requests of one browser arrive with it at the same
 * time: a refresh token is single-use, and presenting it twice would look like theft (API.md §5.5)
 * and revoke the session. The outcome stays shared for `graceMs` after it settles, so requests that
 * were already in flight with the old cookies get the same new tokens instead of a sign-out.
 *
 * This is per process. Several processes behind a load balancer need sticky sessions, or a shared
 * store, for the rare race of two tabs refreshing at the same instant on two processes.
 */
export class RefreshCoordinator {
  readonly #inflight = new Map<string, { promise: Promise<RefreshOutcome>; settledAt: number | null }>();
  readonly #refresh: (refreshToken: string) => Promise<RefreshGrant>;
  readonly #graceMs: number;
  readonly #maxEntries: number;

  constructor(
    refresh: (refreshToken: string) => Promise<RefreshGrant>,
    { graceMs = 30_000, maxEntries = 10_000 } = {},
  ) {
    this.#refresh = refresh;
    this.#graceMs = graceMs;
    this.#maxEntries = maxEntries;
  }

  /** Refresh tokens currently remembered (in flight or within their grace period). */
  get size(): number {
    return this.#inflight.size;
  }

  refresh(refreshToken: string): Promise<RefreshOutcome> {
    this.#evict();
    const existing = this.#inflight.get(refreshToken);
    if (existing) return existing.promise;
    const entry: { promise: Promise<RefreshOutcome>; settledAt: number | null } = {
      promise: null!,
      settledAt: null,
    };
    entry.promise = this.#run(refreshToken).then((outcome) => {
      entry.settledAt = Date.now();
      // Only a success is worth sharing later; a failure is final or should be retried afresh.
      if (outcome.kind !== "refreshed") this.#inflight.delete(refreshToken);
      return outcome;
    });
    this.#inflight.set(refreshToken, entry);
    return entry.promise;
  }

  async #run(refreshToken: string): Promise<RefreshOutcome> {
    try {
      return { kind: "refreshed", grant: await this.#refresh(refreshToken) };
    } catch (error) {
      if (error instanceof AuthioError && !error.retryable && SIGN_OUT_CODES.has(error.code))
        return { kind: "signed_out" };
      const unavailable =
        error instanceof AuthioError
          ? error
          : new AuthioError({
              code: "internal_error",
              message: "Refreshing the session failed unexpectedly.",
              cause: error,
            });
      return { kind: "unavailable", error: unavailable };
    }
  }

  #evict(): void {
    const now = Date.now();
    for (const [token, entry] of this.#inflight) {
      if (entry.settledAt !== null && now - entry.settledAt > this.#graceMs) this.#inflight.delete(token);
    }
    // A flood of distinct refresh tokens must not grow memory without bound: drop the oldest settled.
    for (const [token, entry] of this.#inflight) {
      if (this.#inflight.size <= this.#maxEntries) break;
      if (entry.settledAt !== null) this.#inflight.delete(token);
    }
  }
}
