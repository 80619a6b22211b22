import type { Db } from "./database.js";

interface Job<T> {
  run: () => T;
  resolve: (value: T) => void;
  reject: (error: unknown) => void;
}

/**
 * Group commit. With `synchronous=FULL` every COMMIT waits for an fsync, and better-sqlite3 waits on the
 * event loop, so one fsync per request caps writes at the disk's fsync rate. Instead, the write requests
 * that arrive together run in one transaction — each inside its own SAVEPOINT, so a failing request rolls
 * back only its own changes — and a single COMMIT (one fsync) makes them all durable. Every caller is
 * answered only after that COMMIT returned: an acknowledged write is on disk.
 */
export class WriteBatcher {
  private queue: Job<unknown>[] = [];
  private scheduled = false;

  constructor(
    private readonly db: Db,
    private readonly maxBatch = 256,
  ) {}

  submit<T>(run: () => T): Promise<T> {
    return new Promise<T>((resolve, reject) => {
      this.queue.push({ run, resolve, reject } as Job<unknown>);
      if (!this.scheduled) {
        this.scheduled = true;
        // setImmediate lets the requests whose bodies arrived in this turn of the event loop join the batch.
        setImmediate(() => this.flush());
      }
    });
  }

  private flush(): void {
    this.scheduled = false;
    const batch = this.queue.splice(0, this.maxBatch);
    if (this.queue.length > 0) {
      this.scheduled = true;
      setImmediate(() => this.flush());
    }
    if (batch.length === 0) return;
    if (!this.db.open) {
      for (const job of batch) job.reject(new Error("The database is closed."));
      return;
    }
    const outcomes: ({ ok: true; value: unknown } | { ok: false; error: unknown })[] = [];
    try {
      this.db.exec("BEGIN IMMEDIATE");
    } catch (error) {
      for (const job of batch) job.reject(error);
      return;
    }
    for (const job of batch) {
      this.db.exec("SAVEPOINT request");
      try {
        const value = job.run();
        this.db.exec("RELEASE request");
        outcomes.push({ ok: true, value });
      } catch (error) {
        // An error undoes the request's writes, unless it says they stand (see ApiError.keepWrites).
        if (!(error as { keepWrites?: boolean }).keepWrites) this.db.exec("ROLLBACK TO request");
        this.db.exec("RELEASE request");
        outcomes.push({ ok: false, error });
      }
    }
    try {
      this.db.exec("COMMIT");
    } catch (error) {
      if (this.db.inTransaction) this.db.exec("ROLLBACK");
      for (const job of batch) job.reject(error);
      return;
    }
    batch.forEach((job, i) => {
      const outcome = outcomes[i]!;
      if (outcome.ok) job.resolve(outcome.value);
      else job.reject(outcome.error);
    });
  }
}
