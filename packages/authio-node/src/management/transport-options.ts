import { AuthioError } from "../errors.js";

/** The `fetch` the transport calls: the global one by default, any compatible function when injected. */
export type FetchFunction = (input: string, init: RequestInit) => Promise<Response>;

/** Transport options of `new Authio(options)` (the Management API half). */
export interface TransportOptions {
  /** A `fetch` implementation to use instead of the global one (a proxy-aware fetch, a test double…). */
  fetch?: FetchFunction | undefined;
  /** Milliseconds one attempt may take before it is abandoned as `timeout`. Default 30 000; per call too. */
  timeout?: number | undefined;
  /** Retries after a 429, 500, 502, 503, 504 or a network failure or timeout. Default 2; per call too. */
  maxRetries?: number | undefined;
  /** First backoff in milliseconds; it doubles on each retry, with jitter. Default 500. */
  retryBaseDelay?: number | undefined;
  /** Upper bound in milliseconds of any wait between attempts, `Retry-After` included. Default 20 000. */
  maxRetryDelay?: number | undefined;
  /** Appended to `User-Agent` (e.g. `"my-app/1.2"`), so Authio support can tell your calls apart. */
  userAgent?: string | undefined;
}

export interface TransportConfig {
  readonly fetch: FetchFunction | null;
  readonly timeout: number;
  readonly maxRetries: number;
  readonly retryBaseDelay: number;
  readonly maxRetryDelay: number;
  readonly userAgentSuffix: string | null;
}

function invalid(option: string, message: string): AuthioError {
  return new AuthioError({
    code: "invalid_config",
    message: `Invalid option \`${option}\`: ${message}`,
    retryable: false,
  });
}

function nonNegative(option: string, value: unknown, fallback: number, integer = false): number {
  if (value === undefined) return fallback;
  if (
    typeof value !== "number" ||
    !Number.isFinite(value) ||
    value < 0 ||
    (integer && !Number.isInteger(value))
  ) {
    throw invalid(option, `expected a non-negative ${integer ? "integer" : "number"}.`);
  }
  return value;
}

export function resolveTransportOptions(options: TransportOptions): TransportConfig {
  if (options.fetch !== undefined && typeof options.fetch !== "function") {
    throw invalid("fetch", "expected a fetch-compatible function.");
  }
  const timeout = nonNegative("timeout", options.timeout, 30_000);
  // setTimeout fires at once beyond 2^31-1 ms.
  if (timeout === 0 || timeout > 2_147_483_647) {
    throw invalid("timeout", "expected a positive number of milliseconds, at most 2^31-1.");
  }
  const userAgent = options.userAgent;
  if (userAgent !== undefined && (typeof userAgent !== "string" || /[\r\n]/.test(userAgent))) {
    throw invalid("userAgent", "expected a single-line string.");
  }
  return {
    fetch: options.fetch ?? null,
    timeout,
    maxRetries: nonNegative("maxRetries", options.maxRetries, 2, true),
    retryBaseDelay: nonNegative("retryBaseDelay", options.retryBaseDelay, 500),
    maxRetryDelay: nonNegative("maxRetryDelay", options.maxRetryDelay, 20_000),
    userAgentSuffix: userAgent ? userAgent.trim() : null,
  };
}
