import { createHmac } from "node:crypto";
import type { Clock } from "./clock.js";
import { type Db, prepared } from "./db/database.js";

export interface WebhookRetryOptions {
  /** First retry delay; doubles each attempt (default 1000 ms). */
  baseDelayMs?: number | undefined;
  /** Cap on the delay between attempts (default 5 minutes). */
  maxDelayMs?: number | undefined;
  /** Attempts before a delivery is marked failed (default 8). */
  maxAttempts?: number | undefined;
  /** Per-attempt timeout (default 10 s). */
  timeoutMs?: number | undefined;
}

/** `Authio-Signature: t=<unix seconds>,v1=<hex>[,v1=<hex>…]`, one `v1` per active secret (API.md §5.6). */
export function signatureHeader(secrets: readonly string[], timestamp: number, body: string): string {
  const parts = [`t=${timestamp}`];
  for (const secret of secrets) {
    parts.push(`v1=${createHmac("sha256", secret).update(`${timestamp}.${body}`).digest("hex")}`);
  }
  return parts.join(",");
}

interface DueRow {
  seq: number;
  url: string;
  attempts: number;
  payload: string;
}

/**
 * Delivers the durable outbox. Events are written in the same transaction as the change they report, so a
 * crash between the write and the delivery only delays it: pending rows are picked up on the next start.
 * Deliveries are at-least-once; receivers deduplicate on the event id.
 */
export class WebhookWorker {
  private timer: NodeJS.Timeout | null = null;
  private running = false;
  private stopped = false;
  private readonly inFlight = new Set<Promise<void>>();
  private readonly controllers = new Set<AbortController>();
  private readonly retry: { baseDelayMs: number; maxDelayMs: number; maxAttempts: number; timeoutMs: number };

  constructor(
    private readonly db: Db,
    private readonly clock: Clock,
    private readonly secrets: () => readonly string[],
    retry: WebhookRetryOptions = {},
    private readonly log: (line: string) => void = () => {},
  ) {
    this.retry = {
      baseDelayMs: retry.baseDelayMs ?? 1000,
      maxDelayMs: retry.maxDelayMs ?? 300_000,
      maxAttempts: retry.maxAttempts ?? 8,
      timeoutMs: retry.timeoutMs ?? 10_000,
    };
  }

  start(): void {
    this.schedule(0);
  }

  /** Wakes the worker now (called after a transaction wrote deliveries). */
  kick(): void {
    if (!this.stopped) this.schedule(0);
  }

  private schedule(delayMs: number): void {
    if (this.stopped) return;
    if (this.timer) clearTimeout(this.timer);
    this.timer = setTimeout(() => void this.tick(), delayMs);
    this.timer.unref();
  }

  private async tick(): Promise<void> {
    if (this.running || this.stopped) return;
    this.running = true;
    try {
      const now = this.clock.nowMs();
      const due = prepared(
        this.db,
        `SELECT d.seq, d.url, d.attempts, e.payload FROM webhook_deliveries d JOIN webhook_events e ON e.id = d.event_id
           WHERE d.status = 'pending' AND d.next_attempt_at <= ? ORDER BY d.seq LIMIT 50`,
      ).all(now) as DueRow[];
      // Claim the batch so an overlapping tick cannot send the same rows twice.
      const claim = prepared(this.db, "UPDATE webhook_deliveries SET status = 'sending' WHERE seq = ?");
      this.db.transaction(() => {
        for (const row of due) claim.run(row.seq);
      })();
      await Promise.all(due.map((row) => this.track(this.deliver(row))));
    } finally {
      this.running = false;
    }
    if (this.stopped) return;
    const next = prepared(
      this.db,
      "SELECT min(next_attempt_at) AS at FROM webhook_deliveries WHERE status = 'pending'",
    ).get() as { at: number | null };
    if (next.at !== null) this.schedule(Math.max(0, next.at - this.clock.nowMs()));
  }

  private track(p: Promise<void>): Promise<void> {
    this.inFlight.add(p);
    return p.finally(() => this.inFlight.delete(p));
  }

  private async deliver(row: DueRow): Promise<void> {
    const timestamp = this.clock.nowSeconds();
    const controller = new AbortController();
    this.controllers.add(controller);
    const timeout = setTimeout(() => controller.abort(), this.retry.timeoutMs);
    let error: string | null = null;
    try {
      const response = await fetch(row.url, {
        method: "POST",
        headers: {
          "content-type": "application/json",
          "user-agent": "authio-local-webhooks/1",
          "authio-signature": signatureHeader(this.secrets(), timestamp, row.payload),
        },
        body: row.payload,
        signal: controller.signal,
      });
      await response.arrayBuffer().catch(() => undefined);
      if (!response.ok) error = `HTTP ${response.status}`;
    } catch (e) {
      error = (e as Error).name === "AbortError" ? "timeout" : `network error: ${(e as Error).message}`;
    } finally {
      clearTimeout(timeout);
      this.controllers.delete(controller);
    }
    if (this.stopped && error) {
      // Shutting down: leave the delivery pending for the next start.
      prepared(this.db, "UPDATE webhook_deliveries SET status = 'pending' WHERE seq = ?").run(row.seq);
      return;
    }
    const attempts = row.attempts + 1;
    if (!error) {
      prepared(
        this.db,
        "UPDATE webhook_deliveries SET status = 'delivered', attempts = ?, delivered_at = ?, last_error = NULL WHERE seq = ?",
      ).run(attempts, this.clock.nowMs(), row.seq);
      return;
    }
    if (attempts >= this.retry.maxAttempts) {
      this.log(`webhook to ${row.url} failed for good after ${attempts} attempts (${error})`);
      prepared(
        this.db,
        "UPDATE webhook_deliveries SET status = 'failed', attempts = ?, last_error = ? WHERE seq = ?",
      ).run(attempts, error, row.seq);
      return;
    }
    // Exponential backoff with full jitter between half and all of the delay.
    const base = Math.min(this.retry.maxDelayMs, this.retry.baseDelayMs * 2 ** (attempts - 1));
    const delay = Math.round(base / 2 + Math.random() * (base / 2));
    prepared(
      this.db,
      "UPDATE webhook_deliveries SET status = 'pending', attempts = ?, last_error = ?, next_attempt_at = ? WHERE seq = ?",
    ).run(attempts, error, this.clock.nowMs() + delay, row.seq);
  }

  /** On start, rows left `sending` by a crash go back to `pending`. */
  recover(): void {
    prepared(this.db, "UPDATE webhook_deliveries SET status = 'pending' WHERE status = 'sending'").run();
  }

  async stop(): Promise<void> {
    this.stopped = true;
    if (this.timer) clearTimeout(this.timer);
    for (const c of this.controllers) c.abort();
    await Promise.allSettled([...this.inFlight]);
  }

  deliveries(limit = 100): unknown[] {
    return prepared(
      this.db,
      `SELECT d.seq, d.event_id AS eventId, e.type, d.url, d.status, d.attempts, d.last_error AS lastError
         FROM webhook_deliveries d JOIN webhook_events e ON e.id = d.event_id ORDER BY d.seq DESC LIMIT ?`,
    ).all(limit);
  }
}
