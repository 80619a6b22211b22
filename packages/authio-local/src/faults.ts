import { type ErrorDetail, validationError } from "./errors.js";

/**
 * Fault injection for the Management API and JWKS (never for the `/v1/_local` admin surface, the sign-in
 * page or /openapi.json, so a test can always clear what it set up).
 *
 * - `status`: answer with this status and the contract's error body (`retryAfter` adds `Retry-After`).
 * - `stall`: hold the request without answering for `ms` (default: until the server stops), then drop it.
 * - `drop`: destroy the connection without an answer.
 * Each rule applies to the next `count` matching requests (default 1), or to each matching request with
 * `probability` (then `count` caps the total, unlimited by default). `when: "after"` first runs the
 * request (the write commits) and then fails the answer: what a lost response looks like to a client.
 */
export interface FaultRule {
  kind: "status" | "stall" | "drop";
  status?: number | undefined;
  retryAfter?: number | undefined;
  ms?: number | undefined;
  count?: number | undefined;
  probability?: number | undefined;
  method?: string | undefined;
  /** Applies only to paths starting with this prefix, e.g. `/v1/organizations`. */
  path?: string | undefined;
  when?: "before" | "after" | undefined;
}

/** Rate limiting: at most `limit` requests per `windowSeconds`; the rest get 429 with `Retry-After`. */
export interface RateLimitRule {
  limit: number;
  windowSeconds: number;
}

interface ActiveRule extends FaultRule {
  id: number;
  remaining: number;
}

export type FaultAction =
  | { kind: "status"; status: number; retryAfter?: number }
  | { kind: "stall"; ms?: number }
  | { kind: "drop" };

const STATUS_CODES: Record<number, string> = {
  400: "invalid_request",
  401: "invalid_api_key",
  404: "not_found",
  409: "conflict",
  429: "rate_limited",
  500: "internal_error",
  503: "service_unavailable",
};

export function codeForStatus(status: number): string {
  return STATUS_CODES[status] ?? (status >= 500 ? "internal_error" : "invalid_request");
}

export function validateFaultRule(input: unknown, index: number): FaultRule {
  const details: ErrorDetail[] = [];
  const at = (f: string) => `faults[${index}].${f}`;
  if (typeof input !== "object" || input === null || Array.isArray(input)) {
    throw validationError([
      { field: `faults[${index}]`, code: "invalid_type", message: "must be an object" },
    ]);
  }
  const rule = input as Record<string, unknown>;
  const known = ["kind", "status", "retryAfter", "ms", "count", "probability", "method", "path", "when"];
  for (const key of Object.keys(rule)) {
    if (!known.includes(key))
      details.push({ field: at(key), code: "unknown_field", message: "is not a known field" });
  }
  if (!["status", "stall", "drop"].includes(rule.kind as string)) {
    details.push({ field: at("kind"), code: "invalid", message: "must be status, stall or drop" });
  }
  const int = (f: string, min: number, max: number) => {
    const v = rule[f];
    if (v === undefined) return;
    if (typeof v !== "number" || !Number.isInteger(v) || v < min || v > max) {
      details.push({
        field: at(f),
        code: "out_of_range",
        message: `must be an integer from ${min} to ${max}`,
      });
    }
  };
  int("status", 400, 599);
  int("retryAfter", 0, 86_400);
  int("ms", 0, 3_600_000);
  int("count", 1, 1_000_000);
  if (rule.kind === "status" && rule.status === undefined) {
    details.push({ field: at("status"), code: "required", message: "is required for a status fault" });
  }
  if (rule.probability !== undefined) {
    const p = rule.probability;
    if (typeof p !== "number" || !(p > 0 && p <= 1)) {
      details.push({ field: at("probability"), code: "out_of_range", message: "must be a number in (0, 1]" });
    }
  }
  for (const f of ["method", "path"]) {
    if (rule[f] !== undefined && typeof rule[f] !== "string") {
      details.push({ field: at(f), code: "invalid_type", message: "must be a string" });
    }
  }
  if (rule.when !== undefined && rule.when !== "before" && rule.when !== "after") {
    details.push({ field: at("when"), code: "invalid", message: "must be before or after" });
  }
  if (rule.when === "after" && rule.kind === "stall") {
    details.push({ field: at("when"), code: "invalid", message: "a stall can only happen before" });
  }
  if (details.length > 0) throw validationError(details);
  return rule as unknown as FaultRule;
}

export class Faults {
  private rules: ActiveRule[] = [];
  private nextId = 1;
  private rate: (RateLimitRule & { windowStart: number; seen: number }) | null = null;

  constructor(private readonly now: () => number) {}

  add(rule: FaultRule): number {
    const id = this.nextId++;
    const remaining = rule.count ?? (rule.probability !== undefined ? Number.POSITIVE_INFINITY : 1);
    this.rules.push({ ...rule, id, remaining });
    return id;
  }

  setRateLimit(rule: RateLimitRule | null): void {
    this.rate = rule ? { ...rule, windowStart: this.now(), seen: 0 } : null;
  }

  clear(): void {
    this.rules = [];
    this.rate = null;
  }

  list(): {
    faults: (FaultRule & { id: number; remaining: number | null })[];
    rateLimit: RateLimitRule | null;
  } {
    return {
      faults: this.rules.map((r) => ({ ...r, remaining: Number.isFinite(r.remaining) ? r.remaining : null })),
      rateLimit: this.rate ? { limit: this.rate.limit, windowSeconds: this.rate.windowSeconds } : null,
    };
  }

  /** The fault (if any) for this request at this phase; consumes one use of the matching rule. */
  take(method: string, path: string, phase: "before" | "after"): FaultAction | null {
    if (phase === "before" && this.rate) {
      const now = this.now();
      const windowMs = this.rate.windowSeconds * 1000;
      if (now - this.rate.windowStart >= windowMs) {
        this.rate.windowStart = now - ((now - this.rate.windowStart) % windowMs);
        this.rate.seen = 0;
      }
      this.rate.seen++;
      if (this.rate.seen > this.rate.limit) {
        const retryAfter = Math.max(1, Math.ceil((this.rate.windowStart + windowMs - now) / 1000));
        return { kind: "status", status: 429, retryAfter };
      }
    }
    for (const rule of this.rules) {
      if ((rule.when ?? "before") !== phase) continue;
      if (rule.method && rule.method.toUpperCase() !== method) continue;
      if (rule.path && !path.startsWith(rule.path)) continue;
      if (rule.probability !== undefined && Math.random() >= rule.probability) continue;
      rule.remaining--;
      if (rule.remaining <= 0) this.rules = this.rules.filter((r) => r !== rule);
      if (rule.kind === "status") {
        return rule.retryAfter !== undefined
          ? { kind: "status", status: rule.status ?? 503, retryAfter: rule.retryAfter }
          : { kind: "status", status: rule.status ?? 503 };
      }
      if (rule.kind === "stall")
        return rule.ms !== undefined ? { kind: "stall", ms: rule.ms } : { kind: "stall" };
      return { kind: "drop" };
    }
    return null;
  }
}
