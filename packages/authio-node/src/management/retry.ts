/** Statuses worth trying again: the request may well succeed a moment later (API.md §4, §6). */
const RETRYABLE_STATUSES: ReadonlySet<number> = new Set([429, 500, 502, 503, 504]);

export function isRetryableStatus(status: number): boolean {
  return RETRYABLE_STATUSES.has(status);
}

/**
 * `Retry-After` in seconds: either delta-seconds or an HTTP date (RFC 9110 §10.2.3). `null` when absent
 * or unreadable, so the caller falls back to its own backoff.
 */
export function parseRetryAfter(header: string | null, now = Date.now()): number | null {
  if (header === null) return null;
  const value = header.trim();
  if (/^\d+(\.\d+)?$/.test(value)) return Number(value);
  // Only an IMF-fixdate-like value is a date ("Thu, 01 Jan 2026 00:00:30 GMT"); `Date.parse` would also
  // take "-5" as the year -5.
  if (!/^[A-Za-z]{3}, /.test(value)) return null;
  const date = Date.parse(value);
  if (Number.isNaN(date)) return null;
  return Math.max(0, (date - now) / 1000);
}

/**
 * Milliseconds to wait before retry number `retry` (1-based): exponential from `base`, with "equal
 * jitter" (half fixed, half random) so that many clients failing together do not retry together, and
 * never less than the server's `Retry-After`. Everything is capped at `max`, so a hostile or confused
 * `Retry-After: 86400` cannot park a request for a day.
 */
export function retryDelay(
  retry: number,
  base: number,
  max: number,
  retryAfterSeconds: number | null,
  random: () => number = Math.random,
): number {
  const exponential = Math.min(max, base * 2 ** (retry - 1));
  const jittered = exponential / 2 + random() * (exponential / 2);
  const serverAsked = retryAfterSeconds === null ? 0 : retryAfterSeconds * 1000;
  return Math.min(max, Math.max(jittered, serverAsked));
}

/** Resolves after `ms`, or rejects with the signal's reason as soon as it fires. */
export function sleep(ms: number, signal?: AbortSignal): Promise<void> {
  return new Promise((resolve, reject) => {
    if (signal?.aborted) return reject(signal.reason);
    const onAbort = () => {
      clearTimeout(timer);
      reject(signal?.reason);
    };
    const timer = setTimeout(() => {
      signal?.removeEventListener("abort", onAbort);
      resolve();
    }, ms);
    signal?.addEventListener("abort", onAbort, { once: true });
  });
}
