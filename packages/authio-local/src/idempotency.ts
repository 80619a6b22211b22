import type { IncomingMessage } from "node:http";
import type { Clock } from "./clock.js";
import type { Db } from "./db/database.js";
import { ApiError } from "./errors.js";
import { errorBody, type HandlerResult } from "./http.js";
import { sha256 } from "./tokens.js";

export const IDEMPOTENCY_TTL_MS = 24 * 3600 * 1000;

export interface RequestFingerprint {
  method: string;
  /** Path and query string. */
  target: string;
  bodyHash: string;
}

/** The request's `Idempotency-Key` (POST only), or null; 1–255 characters or `400 invalid_request`. */
export function readIdempotencyKey(req: IncomingMessage): string | null {
  if (req.method !== "POST") return null;
  const values = req.headersDistinct["idempotency-key"];
  if (values === undefined) return null;
  const value = values.length === 1 ? (values[0] ?? "") : "";
  if (value.length < 1 || value.length > 255) {
    throw new ApiError(400, "invalid_request", "Idempotency-Key must be 1 to 255 characters.", [
      { field: "Idempotency-Key", code: "invalid", message: "must be 1 to 255 characters" },
    ]);
  }
  return value;
}

/** Canonical JSON (sorted keys): a retry that orders its fields differently is still the same request. */
export function canonicalJson(value: unknown): string {
  if (Array.isArray(value)) return `[${value.map(canonicalJson).join(",")}]`;
  if (value && typeof value === "object") {
    const entries = Object.keys(value as object)
      .sort()
      .map((k) => `${JSON.stringify(k)}:${canonicalJson((value as Record<string, unknown>)[k])}`);
    return `{${entries.join(",")}}`;
  }
  return JSON.stringify(value) ?? "null";
}

export function bodyHash(raw: Buffer, parsed: { ok: true; value: unknown } | { ok: false }): string {
  return sha256(parsed.ok ? canonicalJson(parsed.value ?? null) : raw.toString("base64"));
}

interface StoredResponse {
  method: string;
  path: string;
  body_hash: string;
  status: number;
  response_body: string | null;
}

/** A replayed error answers with the id of the request being answered now (API.md §7). */
function withRequestId(body: unknown, requestId: string): unknown {
  if (body && typeof body === "object" && "error" in body) {
    const error = (body as { error: Record<string, unknown> }).error;
    return { error: { ...error, requestId } };
  }
  return body;
}

/** Stored first answers, per key, for 24 hours (API.md §4). */
export class IdempotencyKeys {
  private readonly lookup;
  private readonly save;

  constructor(
    private readonly db: Db,
    private readonly clock: Clock,
  ) {
    this.lookup = db.prepare("SELECT * FROM idempotency_keys WHERE key = ? AND created_at > ?");
    this.save = db.prepare(
      "INSERT OR REPLACE INTO idempotency_keys (key, method, path, body_hash, status, response_body, created_at) VALUES (?, ?, ?, ?, ?, ?, ?)",
    );
  }

  /**
   * Replays the stored answer for `key`, refuses a different request with it, or runs `execute` and stores
   * its answer. The handler's writes and the stored answer commit together (one transaction): a replay can
   * never miss a write that happened, nor replay one that did not. 5xx answers are not stored.
   */
  run(
    key: string,
    request: RequestFingerprint,
    requestId: string,
    execute: () => HandlerResult,
  ): HandlerResult {
    return this.db.transaction((): HandlerResult => {
      const prior = this.lookup.get(key, this.clock.nowMs() - IDEMPOTENCY_TTL_MS) as
        | StoredResponse
        | undefined;
      if (prior) {
        if (
          prior.method !== request.method ||
          prior.path !== request.target ||
          prior.body_hash !== request.bodyHash
        ) {
          throw new ApiError(
            409,
            "idempotency_key_reused",
            "This Idempotency-Key was used with a different method, path or body.",
          );
        }
        const replayed =
          prior.response_body === null ? undefined : (JSON.parse(prior.response_body) as unknown);
        return {
          status: prior.status,
          body: withRequestId(replayed, requestId),
          headers: { "idempotent-replayed": "true" },
        };
      }
      let result: HandlerResult;
      try {
        result = execute();
      } catch (error) {
        if (!(error instanceof ApiError) || error.status >= 500) throw error;
        result = { status: error.status, body: errorBody(error, requestId), headers: error.headers };
      }
      this.save.run(
        key,
        request.method,
        request.target,
        request.bodyHash,
        result.status,
        result.body === undefined ? null : JSON.stringify(result.body),
        this.clock.nowMs(),
      );
      return result;
    })();
  }

  purgeExpired(): void {
    this.db
      .prepare("DELETE FROM idempotency_keys WHERE created_at <= ?")
      .run(this.clock.nowMs() - IDEMPOTENCY_TTL_MS);
  }
}
