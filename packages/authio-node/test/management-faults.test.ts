/**
 * Fault injection between the SDK and the local server: 1,000 organization creates through a proxy of
 * the test's own that fails ~20 % of requests the ways a network does — connections dropped before the
 * server sees the request or after it committed (a lost answer), 429 with Retry-After, 500, 502, 503,
 * answers stalled past the timeout. The SDK's retries (same Idempotency-Key) absorb most; a caller that
 * repeats a failed create with its own key absorbs the rest. In the end there must be exactly 1,000
 * organizations, none twice, and every failure the caller saw must be the AuthioError of the fault that
 * ended it.
 */
import { afterAll, beforeAll, describe, expect, test } from "vitest";
import { AuthioError } from "../src/index.ts";
import { clientFor, type LocalAuthio, startLocal } from "./management-local.ts";
import { type Fault, type FaultProxy, startProxy } from "./management-proxy.ts";

const TOTAL = 1_000;
const CONCURRENCY = 20;
const FAULT_RATE = 0.2;
// Generous: the machine running the suite may be busy, and a slow clean answer must not look like a fault.
const TIMEOUT_MS = 1_500;

/** A small seeded PRNG, so a failing run can be replayed exactly. */
function mulberry32(seed: number): () => number {
  let a = seed;
  return () => {
    a = (a + 0x6d2b79f5) | 0;
    let t = Math.imul(a ^ (a >>> 15), 1 | a);
    t = (t + Math.imul(t ^ (t >>> 7), 61 | t)) ^ t;
    return ((t ^ (t >>> 14)) >>> 0) / 4294967296;
  };
}

const FAULTS: Fault[] = [
  { kind: "drop", when: "before" },
  { kind: "drop", when: "after" },
  { kind: "status", status: 429, retryAfter: 1, when: "before" },
  { kind: "status", status: 500, when: "before" },
  { kind: "status", status: 502, when: "after" },
  { kind: "status", status: 503, retryAfter: 1, when: "after" },
  { kind: "stall", ms: TIMEOUT_MS * 2, when: "before" },
  { kind: "stall", ms: TIMEOUT_MS * 2, when: "after" },
];

function expectedCode(fault: Fault): string {
  if (fault.kind === "drop") return "network_error";
  if (fault.kind === "stall") return "timeout";
  return {
    429: "rate_limited",
    500: "internal_error",
    502: "service_unavailable",
    503: "service_unavailable",
    504: "service_unavailable",
  }[fault.status];
}

let local: LocalAuthio;
let proxy: FaultProxy;
const seed = Number(
  (globalThis as { process?: { env: Record<string, string | undefined> } }).process?.env.FAULT_SEED ?? 4242,
);
const random = mulberry32(seed);
/** The last fault injected for each idempotency key (`null`: the last attempt went through cleanly). */
const lastFault = new Map<string, Fault | null>();
const injected = new Map<string, number>();

beforeAll(async () => {
  local = await startLocal();
  proxy = await startProxy(local.url, {
    fault: (req) => {
      if (req.method !== "POST") return null;
      const key = String(req.headers["idempotency-key"] ?? "");
      const fault = random() < FAULT_RATE ? (FAULTS[Math.floor(random() * FAULTS.length)] ?? null) : null;
      lastFault.set(key, fault);
      if (fault) {
        const name = `${fault.kind}${fault.kind === "status" ? ` ${fault.status}` : ""} ${fault.when}`;
        injected.set(name, (injected.get(name) ?? 0) + 1);
      }
      return fault;
    },
  });
});
afterAll(async () => {
  await proxy?.close();
  await local?.stop();
});

describe("fault injection", () => {
  test(`${TOTAL} creates under ${FAULT_RATE * 100} % injected faults: exactly ${TOTAL} organizations, none twice`, async () => {
    const authio = clientFor(
      { url: proxy.url, secretKey: local.secretKey },
      {
        timeout: TIMEOUT_MS,
        maxRetries: 2,
        retryBaseDelay: 5,
        // Caps the injected Retry-After: 1 so the run stays short; the transport tests check it is honoured.
        maxRetryDelay: 40,
      },
    );
    const seen: Record<string, number> = {};
    const wrong: string[] = [];
    let callerRetries = 0;
    let next = 0;

    async function createOne(i: number): Promise<void> {
      const idempotencyKey = `bulk-${seed}-${i}`;
      for (let attempt = 0; attempt < 20; attempt++) {
        try {
          const org = await authio.organizations.create(
            { name: `Bulk ${i}`, slug: `bulk-${i}` },
            { idempotencyKey },
          );
          if (org.slug !== `bulk-${i}`) wrong.push(`create ${i} answered ${org.slug}`);
          return;
        } catch (err) {
          if (!(err instanceof AuthioError)) {
            wrong.push(`create ${i}: not an AuthioError: ${String(err)}`);
            return;
          }
          seen[err.code] = (seen[err.code] ?? 0) + 1;
          const fault = lastFault.get(idempotencyKey);
          if (!fault) {
            wrong.push(`create ${i}: ${err.code} without an injected fault`);
            return;
          }
          if (err.code !== expectedCode(fault) || !err.retryable) {
            wrong.push(`create ${i}: ${err.code} after ${JSON.stringify(fault)}`);
          }
          if (fault.kind === "status") {
            if (err.status !== fault.status || !err.requestId?.startsWith("req_proxy")) {
              wrong.push(
                `create ${i}: status ${err.status} / requestId ${err.requestId} for ${fault.status}`,
              );
            }
            if (fault.retryAfter !== undefined && err.retryAfter !== fault.retryAfter) {
              wrong.push(`create ${i}: retryAfter ${err.retryAfter}`);
            }
          } else if (err.status !== null || err.requestId !== null) {
            wrong.push(`create ${i}: ${err.code} with status ${err.status}`);
          }
          callerRetries++;
        }
      }
      wrong.push(`create ${i}: still failing after 20 caller retries`);
    }

    const started = Date.now();
    await Promise.all(
      Array.from({ length: CONCURRENCY }, async () => {
        while (next < TOTAL) await createOne(next++);
      }),
    );
    const elapsed = Date.now() - started;

    // Count what the server holds, directly (no proxy).
    const direct = clientFor(local);
    const slugs = (await (await direct.organizations.list({ limit: 100 })).toArray()).map((o) => o.slug);
    const counts = new Map<string, number>();
    for (const slug of slugs) counts.set(slug, (counts.get(slug) ?? 0) + 1);
    const duplicates = [...counts].filter(([, n]) => n > 1);
    const missing = Array.from({ length: TOTAL }, (_, i) => `bulk-${i}`).filter((s) => !counts.has(s));

    const faults = [...injected.values()].reduce((a, b) => a + b, 0);
    console.log(
      `fault injection (seed ${seed}): ${TOTAL} creates, ${faults} faults injected ${JSON.stringify(Object.fromEntries(injected))}, ` +
        `${callerRetries} failures surfaced to the caller ${JSON.stringify(seen)}, ${proxy.forwarded} requests reached the server, ` +
        `${slugs.length} organizations, ${duplicates.length} duplicates, ${missing.length} missing, ${elapsed} ms`,
    );

    expect(wrong).toEqual([]);
    expect(duplicates).toEqual([]);
    expect(missing).toEqual([]);
    expect(slugs).toHaveLength(TOTAL);
    // The run really was faulty, lost answers included (the server committed, the client never heard).
    expect(faults).toBeGreaterThan(TOTAL * FAULT_RATE * 0.8);
    expect((injected.get("drop after") ?? 0) + (injected.get("status 503 after") ?? 0)).toBeGreaterThan(10);
    expect(elapsed).toBeLessThan(60_000);
  }, 90_000);

  test("the local server's own fault knobs: lost answers after commit are replayed, never duplicated", async () => {
    const authio = clientFor(local, { maxRetries: 2, retryBaseDelay: 2, maxRetryDelay: 20 });
    await local.faults.add({
      kind: "status",
      status: 500,
      when: "after",
      probability: 0.1,
      path: "/v1/users",
      method: "POST",
    });
    await local.faults.add({
      kind: "drop",
      when: "after",
      probability: 0.1,
      path: "/v1/users",
      method: "POST",
    });
    let surfaced = 0;
    try {
      const users = await Promise.all(
        Array.from({ length: 100 }, async (_, i) => {
          // The caller's own key: a create that failed through every SDK retry is repeated safely.
          for (;;) {
            try {
              return await authio.users.create(
                { email: `knob-${i}@example.com` },
                { idempotencyKey: `knob-${i}` },
              );
            } catch (err) {
              if (!(err instanceof AuthioError) || !["internal_error", "network_error"].includes(err.code))
                throw err;
              surfaced++;
            }
          }
        }),
      );
      expect(new Set(users.map((u) => u.id)).size).toBe(100);
    } finally {
      await local.faults.clear();
    }
    expect(surfaced).toBeLessThan(100);
    const all = await (await authio.users.list({ limit: 100 })).toArray();
    const emails = all.map((u) => u.email).filter((e) => e.startsWith("knob-"));
    expect(emails).toHaveLength(100);
    expect(new Set(emails).size).toBe(100);
  }, 60_000);
});
