/** The retry arithmetic: Retry-After parsing, exponential backoff with jitter, caps. */
import { describe, expect, test } from "vitest";
import { isRetryableStatus, parseRetryAfter, retryDelay } from "../src/management/retry.ts";

describe("Retry-After", () => {
  test("delta-seconds, HTTP dates, and nonsense", () => {
    const now = Date.parse("2026-01-01T00:00:00Z");
    expect(parseRetryAfter("7", now)).toBe(7);
    expect(parseRetryAfter(" 0 ", now)).toBe(0);
    expect(parseRetryAfter("1.5", now)).toBe(1.5);
    expect(parseRetryAfter("Thu, 01 Jan 2026 00:00:30 GMT", now)).toBe(30);
    // A date in the past means "now".
    expect(parseRetryAfter("Wed, 31 Dec 2025 23:00:00 GMT", now)).toBe(0);
    expect(parseRetryAfter(null, now)).toBeNull();
    expect(parseRetryAfter("soon", now)).toBeNull();
    expect(parseRetryAfter("-5", now)).toBeNull();
  });
});

describe("backoff", () => {
  test("doubles from the base, jittered between half and all of it", () => {
    for (const [retry, full] of [
      [1, 100],
      [2, 200],
      [3, 400],
      [4, 800],
    ] as const) {
      expect(retryDelay(retry, 100, 10_000, null, () => 0)).toBe(full / 2);
      expect(retryDelay(retry, 100, 10_000, null, () => 0.999999)).toBeLessThanOrEqual(full);
      expect(retryDelay(retry, 100, 10_000, null, () => 0.999999)).toBeGreaterThan(full * 0.99);
    }
  });

  test("never shorter than Retry-After, never longer than the cap", () => {
    expect(retryDelay(1, 100, 10_000, 3, () => 0)).toBe(3_000);
    expect(retryDelay(1, 100, 10_000, 0, () => 0)).toBe(50);
    expect(retryDelay(1, 100, 5_000, 3_600, () => 0.5)).toBe(5_000);
    expect(retryDelay(30, 100, 5_000, null, () => 1)).toBe(5_000);
  });

  test("retryable statuses are exactly 429, 500, 502, 503, 504", () => {
    const retryable = Array.from({ length: 500 }, (_, i) => i + 100).filter(isRetryableStatus);
    expect(retryable).toEqual([429, 500, 502, 503, 504]);
  });
});
