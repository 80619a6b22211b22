// JWKS cache scenarios (API.md §3) against a real JWKS server on 127.0.0.1, with an injected clock and
// small windows instead of sleeping. Runtime-portable: vitest on Node, `bun test`, Deno through the shim.
import {
  createTestKey,
  type JwksServer,
  signToken,
  startJwksServer,
  type TestKey,
} from "@authio/test-kit/jwks";
import { afterAll, beforeAll, describe, expect, test } from "vitest";
import { type AuthioOptions, resolveConfig } from "../src/config.ts";
import { AuthioError } from "../src/errors.ts";
import { SessionVerifier } from "../src/verify/verifier.ts";
import { ManualClock } from "./support/verify-env.ts";

let a: TestKey;
let b: TestKey;
let servers: JwksServer[] = [];

beforeAll(async () => {
  a = await createTestKey("ES256", "key_cache_a");
  b = await createTestKey("ES256", "key_cache_b");
});
afterAll(async () => {
  await Promise.all(servers.map((s) => s.close()));
  servers = [];
});

async function serve(keys: TestKey[] = [a], secretKey?: string): Promise<JwksServer> {
  const server = await startJwksServer(keys, secretKey ? { secretKey } : {});
  servers.push(server);
  return server;
}

/** A verifier on `server` with a hand-moved clock; cache windows in milliseconds. */
function verifierOn(server: JwksServer, options: AuthioOptions = {}, clock = new ManualClock()) {
  const config = resolveConfig({ apiKey: server.secretKey, apiUrl: server.url, ...options });
  return { verifier: new SessionVerifier(config, { now: clock.now }), clock };
}

async function rejection(promise: Promise<unknown>): Promise<AuthioError> {
  try {
    await promise;
  } catch (error) {
    expect(error).toBeInstanceOf(AuthioError);
    return error as AuthioError;
  }
  throw new Error("expected a rejection");
}

const forged = (i: number) => `key_forged_${i}_${Math.random().toString(36).slice(2)}`;

describe("JWKS cache", () => {
  test("concurrent cold start: 50 verifications share one fetch", async () => {
    const server = await serve();
    server.setBehavior({ delayMs: 50 });
    const { verifier } = verifierOn(server);
    const tokens = await Promise.all(Array.from({ length: 50 }, () => signToken(a, server.url)));
    const results = await Promise.all(tokens.map((t) => verifier.verifyDetailed(t)));
    expect(results.every((r) => r.ok)).toBe(true);
    expect(server.requests).toBe(1);
  });

  test("kid flood: 200 forged kids cause at most one fetch per cooldown, valid users unaffected", async () => {
    const server = await serve();
    const { verifier, clock } = verifierOn(server, { jwksCache: { unknownKidCooldown: 10_000 } });
    const good = await signToken(a, server.url);
    expect((await verifier.verifyDetailed(good)).ok).toBe(true);
    expect(server.requests).toBe(1);
    clock.advance(10_000);

    const attacker = await createTestKey("ES256", "key_flood");
    const flood = await Promise.all(
      Array.from({ length: 200 }, (_, i) => signToken(attacker, server.url, { header: { kid: forged(i) } })),
    );
    const results = await Promise.all(flood.map((t) => verifier.verifyDetailed(t)));
    expect(results.every((r) => !r.ok && r.reason === "unknown_key")).toBe(true);
    expect(server.requests).toBe(2);

    // Within the cooldown, more forged kids cost nothing; a valid token still verifies from the cache.
    for (let i = 0; i < 50; i++) await verifier.verifyDetailed(flood[i]!);
    expect((await verifier.verifyDetailed(await signToken(a, server.url))).ok).toBe(true);
    expect(server.requests).toBe(2);

    clock.advance(10_000);
    await Promise.all(flood.slice(0, 20).map((t) => verifier.verifyDetailed(t)));
    expect(server.requests).toBe(3);
  });

  test("a hung refetch caused by a forged kid never holds up a valid token", async () => {
    const server = await serve();
    const { verifier, clock } = verifierOn(server, {
      jwksCache: { unknownKidCooldown: 1_000, timeout: 1_000 },
    });
    expect((await verifier.verifyDetailed(await signToken(a, server.url))).ok).toBe(true);
    clock.advance(1_000);
    server.setBehavior({ delayMs: 30_000 });
    const attacker = await createTestKey("ES256", "key_hung_flood");
    let forgedSettled = false;
    const pending = verifier
      .verifyDetailed(await signToken(attacker, server.url, { header: { kid: forged(1) } }))
      .finally(() => {
        forgedSettled = true;
      });
    // The valid token resolves from the keys at hand while the forged kid's refetch still hangs.
    expect((await verifier.verifyDetailed(await signToken(a, server.url))).ok).toBe(true);
    expect(forgedSettled).toBe(false);
    // The refetch times out; the forged token is refused from the keys at hand, nothing thrown.
    expect(await pending).toEqual({ ok: false, reason: "unknown_key" });
    expect(server.requests).toBe(2);
  });

  test("rotation: a new kid is fetched once; a retired key stops verifying after the next refresh", async () => {
    const server = await serve([a]);
    const { verifier, clock } = verifierOn(server, {
      jwksCache: { unknownKidCooldown: 1_000, maxAge: 60_000 },
    });
    expect((await verifier.verifyDetailed(await signToken(a, server.url))).ok).toBe(true);
    server.setKeys([a, b]);
    clock.advance(1_000);
    expect((await verifier.verifyDetailed(await signToken(b, server.url))).ok).toBe(true);
    expect(server.requests).toBe(2);

    server.setKeys([b]);
    clock.advance(60_000);
    // Past maxAge: this call triggers the background refresh and is still answered from the old set.
    await verifier.verifyDetailed(await signToken(b, server.url));
    await settle(() => server.requests === 3);
    expect(server.requests).toBe(3);
    expect(await verifier.verifyDetailed(await signToken(a, server.url))).toEqual({
      ok: false,
      reason: "unknown_key",
    });
  });

  test("max age: keys are refetched once after maxAge, without making the request wait", async () => {
    const server = await serve();
    const { verifier, clock } = verifierOn(server, { jwksCache: { maxAge: 5_000 } });
    const token = await signToken(a, server.url, { claims: { jti: "one" } });
    expect((await verifier.verifyDetailed(token)).ok).toBe(true);
    clock.advance(4_999);
    expect((await verifier.verifyDetailed(await signToken(a, server.url))).ok).toBe(true);
    expect(server.requests).toBe(1);
    clock.advance(1);
    server.setBehavior({ delayMs: 200 });
    expect((await verifier.verifyDetailed(await signToken(a, server.url))).ok).toBe(true);
    await settle(() => server.requests === 2);
    expect(server.requests).toBe(2);
  });

  test("outage while warm: verification continues from the cache with no fetch", async () => {
    const server = await serve();
    const { verifier, clock } = verifierOn(server);
    await verifier.verifyDetailed(await signToken(a, server.url));
    server.setBehavior({ status: 503 });
    clock.advance(60_000);
    for (let i = 0; i < 5; i++)
      expect((await verifier.verifyDetailed(await signToken(a, server.url))).ok).toBe(true);
    expect(server.requests).toBe(1);
  });

  test("outage when stale: the last good keys serve within the stale window, and refetches back off", async () => {
    const server = await serve();
    const { verifier, clock } = verifierOn(server, {
      jwksCache: { maxAge: 1_000, staleWindow: 10_000, failureBackoff: 2_000, maxFailureBackoff: 2_000 },
    });
    await verifier.verifyDetailed(await signToken(a, server.url));
    server.setBehavior({ status: 500 });
    clock.advance(1_000);
    for (let i = 0; i < 20; i++) {
      expect((await verifier.verifyDetailed(await signToken(a, server.url))).ok).toBe(true);
      await settle(() => server.requests === 2);
    }
    // 20 verifications, one failed refresh: the backoff holds the others back.
    expect(server.requests).toBe(2);
    clock.advance(2_000);
    await verifier.verifyDetailed(await signToken(a, server.url));
    await settle(() => server.requests === 3);
    expect(server.requests).toBe(3);
  });

  test("outage past the stale window: verify throws a retryable error instead of guessing", async () => {
    const server = await serve();
    const { verifier, clock } = verifierOn(server, { jwksCache: { maxAge: 1_000, staleWindow: 5_000 } });
    const token = await signToken(a, server.url);
    await verifier.verifyDetailed(token);
    server.setBehavior({ status: 500 });
    clock.advance(6_000);
    const error = await rejection(verifier.verify(await signToken(a, server.url)));
    expect(error.code).toBe("invalid_response");
    expect(error.status).toBe(500);
    expect(error.retryable).toBe(true);
  });

  test("cold outage: a retryable error, then fast failures during the backoff, then recovery", async () => {
    const server = await serve();
    server.setBehavior({ status: 502 });
    const { verifier, clock } = verifierOn(server, {
      jwksCache: { failureBackoff: 1_000, maxFailureBackoff: 8_000 },
    });
    const token = await signToken(a, server.url);
    const first = await rejection(verifier.verify(token));
    expect(first.code).toBe("invalid_response");
    expect(first.retryable).toBe(true);
    expect(server.requests).toBe(1);

    for (let i = 0; i < 10; i++)
      expect((await rejection(verifier.verify(token))).code).toBe("invalid_response");
    expect(server.requests).toBe(1);
    // While backing off, the error says how long is left, for the 503's Retry-After.
    expect((await rejection(verifier.verify(token))).retryAfter).toBe(1);

    clock.advance(1_000);
    await rejection(verifier.verify(token));
    expect(server.requests).toBe(2);
    // The backoff doubled: 1 s later is still too early.
    clock.advance(1_000);
    await rejection(verifier.verify(token));
    expect(server.requests).toBe(2);

    server.setBehavior({});
    clock.advance(1_000);
    expect((await verifier.verifyDetailed(token)).ok).toBe(true);
    expect(server.requests).toBe(3);
  });

  test("network failure: a closed port is network_error", async () => {
    const server = await serve();
    const url = server.url;
    await server.close();
    servers = servers.filter((s) => s !== server);
    const config = resolveConfig({ apiKey: "sk_test_closed", apiUrl: url });
    const error = await rejection(new SessionVerifier(config).verify(await signToken(a, url)));
    expect(error.code).toBe("network_error");
    expect(error.retryable).toBe(true);
  });

  test("a dropped connection is network_error", async () => {
    const server = await serve();
    server.setBehavior({ drop: true });
    const { verifier } = verifierOn(server);
    expect((await rejection(verifier.verify(await signToken(a, server.url)))).code).toBe("network_error");
  });

  test("slow endpoint within the timeout: answered", async () => {
    const server = await serve();
    server.setBehavior({ delayMs: 150 });
    const { verifier } = verifierOn(server, { jwksCache: { timeout: 5_000 } });
    expect((await verifier.verifyDetailed(await signToken(a, server.url))).ok).toBe(true);
  });

  test("hung endpoint: the fetch is cut at the timeout, and concurrent callers share that one wait", async () => {
    const server = await serve();
    server.setBehavior({ delayMs: 30_000 });
    const { verifier } = verifierOn(server, { jwksCache: { timeout: 100 } });
    const token = await signToken(a, server.url);
    const errors = await Promise.all(Array.from({ length: 10 }, () => rejection(verifier.verify(token))));
    expect(errors.every((e) => e.code === "timeout" && e.retryable)).toBe(true);
    expect(server.requests).toBe(1);
  });

  test("an injected fetch that ignores the abort signal is still cut at the timeout", async () => {
    const server = await serve();
    server.setBehavior({ delayMs: 30_000 });
    const deaf = (input: string, init: RequestInit) => globalThis.fetch(input, { ...init, signal: null });
    const { verifier } = verifierOn(server, { fetch: deaf, jwksCache: { timeout: 100 } });
    expect((await rejection(verifier.verify(await signToken(a, server.url)))).code).toBe("timeout");
  });

  for (const status of [404, 429, 500, 503]) {
    test(`status ${status} is invalid_response and never read as keys`, async () => {
      const server = await serve();
      server.setBehavior({ status });
      const { verifier } = verifierOn(server);
      const error = await rejection(verifier.verify(await signToken(a, server.url)));
      expect(error.code).toBe("invalid_response");
      expect(error.status).toBe(status);
    });
  }

  test("while backing off, errors carry the seconds left as retryAfter", async () => {
    const server = await serve();
    server.setBehavior({ status: 500 });
    const { verifier, clock } = verifierOn(server, {
      jwksCache: { failureBackoff: 8_000, maxFailureBackoff: 8_000 },
    });
    const token = await signToken(a, server.url);
    expect((await rejection(verifier.verify(token))).retryAfter).toBeNull();
    expect((await rejection(verifier.verify(token))).retryAfter).toBe(8);
    clock.advance(5_500);
    const later = await rejection(verifier.verify(token));
    expect(later.retryAfter).toBe(3);
    expect(later.code).toBe("invalid_response");
    expect(server.requests).toBe(1);
  });

  test("a 503 with Retry-After carries it, so the 503 an adapter sends can repeat it", async () => {
    const server = await serve();
    server.setBehavior({ status: 503, extraHeaders: { "retry-after": "17" } });
    const { verifier, clock } = verifierOn(server, {
      jwksCache: { failureBackoff: 1_000, maxFailureBackoff: 60_000 },
    });
    const token = await signToken(a, server.url);
    const error = await rejection(verifier.verify(token));
    expect(error.code).toBe("invalid_response");
    expect(error.retryAfter).toBe(17);
    expect(error.retryable).toBe(true);
    // The backoff honours it: no new request before 17 s, one after.
    clock.advance(16_000);
    await rejection(verifier.verify(token));
    expect(server.requests).toBe(1);
    clock.advance(1_000);
    await rejection(verifier.verify(token));
    expect(server.requests).toBe(2);
  });

  test("a refused secret key is invalid_api_key, not retryable, and the key is never in the error", async () => {
    const server = await serve();
    const config = resolveConfig({ apiKey: "sk_test_wrong_secret_123", apiUrl: server.url });
    const error = await rejection(new SessionVerifier(config).verify(await signToken(a, server.url)));
    expect(error.code).toBe("invalid_api_key");
    expect(error.status).toBe(401);
    expect(error.retryable).toBe(false);
    expect(JSON.stringify({ ...error, message: error.message, stack: error.stack })).not.toContain(
      "sk_test_wrong_secret_123",
    );
  });

  test("redirects are not followed: invalid_response, and the target is never contacted", async () => {
    const target = await serve([a]);
    const server = await serve();
    server.setBehavior({ redirectTo: `${target.url}/v1/jwks` });
    const { verifier } = verifierOn(server);
    const error = await rejection(verifier.verify(await signToken(a, server.url)));
    expect(error.code).toBe("invalid_response");
    expect(error.status).toBe(302);
    expect(target.requests).toBe(0);
  });

  for (const [label, behavior] of [
    ["a body that is not JSON", { body: "<html>oops</html>" }],
    ["JSON without keys", { body: "{}" }],
    ["keys that is not a list", { body: '{"keys":{"kid":"x"}}' }],
    ["JSON null", { body: "null" }],
    ["a body that is not UTF-8", { body: "\udc00\udc00" }],
    [
      "more keys than maxKeys",
      { body: JSON.stringify({ keys: Array.from({ length: 40 }, (_, i) => ({ kid: `k${i}` })) }) },
    ],
    ["a body over maxBytes", { body: JSON.stringify({ keys: [], pad: "x".repeat(200_000) }) }],
    [
      "a body over maxBytes with no Content-Length",
      {
        body: JSON.stringify({ keys: [], pad: "x".repeat(200_000) }),
        extraHeaders: { "transfer-encoding": "chunked" },
      },
    ],
  ] as const) {
    test(`malformed JWKS: ${label} is invalid_response`, async () => {
      const server = await serve();
      server.setBehavior(behavior);
      const { verifier } = verifierOn(server);
      expect((await rejection(verifier.verify(await signToken(a, server.url)))).code).toBe(
        "invalid_response",
      );
    });
  }

  test("a JWKS with no usable key is an answer: tokens are refused, nothing throws", async () => {
    const server = await serve();
    server.setKeys([{ ...a.jwk, use: "enc" }]);
    const { verifier } = verifierOn(server);
    expect(await verifier.verifyDetailed(await signToken(a, server.url))).toEqual({
      ok: false,
      reason: "unknown_key",
    });
  });

  test("out-of-order answers: a late response to a timed-out fetch never replaces newer keys", async () => {
    const server = await serve([a]);
    const { verifier } = verifierOn(server, {
      jwksCache: { timeout: 100, failureBackoff: 0, unknownKidCooldown: 3_600_000 },
    });
    // The first request captures the old set [a] and answers after the timeout; the next serves [b].
    server.queueBehaviors({ delayMs: 400, keys: [a] });
    server.setKeys([b]);
    const tokenB = await signToken(b, server.url);
    expect((await rejection(verifier.verify(tokenB))).code).toBe("timeout");
    expect((await verifier.verifyDetailed(tokenB)).ok).toBe(true);
    // Let the late answer arrive (it was aborted, so it must be dropped).
    await new Promise((resolve) => setTimeout(resolve, 500));
    expect((await verifier.verifyDetailed(await signToken(b, server.url))).ok).toBe(true);
    expect(await verifier.verifyDetailed(await signToken(a, server.url))).toEqual({
      ok: false,
      reason: "unknown_key",
    });
    expect(server.requests).toBe(2);
  });

  test("recovery after failure: a cold failure, then keys as soon as the endpoint answers again", async () => {
    const server = await serve();
    server.setBehavior({ drop: true });
    const { verifier, clock } = verifierOn(server, { jwksCache: { failureBackoff: 500 } });
    const token = await signToken(a, server.url);
    expect((await rejection(verifier.verify(token))).code).toBe("network_error");
    server.setBehavior({});
    clock.advance(500);
    expect((await verifier.verifyDetailed(token)).ok).toBe(true);
  });

  test("environments sharing one base URL keep separate key caches (per secret key)", async () => {
    const server = await serve([a], "sk_test_env_one");
    server.addEnvironment("sk_test_env_two", [b]);
    const one = new SessionVerifier(resolveConfig({ apiKey: "sk_test_env_one", apiUrl: server.url }));
    const two = new SessionVerifier(resolveConfig({ apiKey: "sk_test_env_two", apiUrl: server.url }));
    const tokenA = await signToken(a, server.url);
    const tokenB = await signToken(b, server.url);
    expect((await one.verifyDetailed(tokenA)).ok).toBe(true);
    expect((await two.verifyDetailed(tokenB)).ok).toBe(true);
    expect(await one.verifyDetailed(tokenB)).toEqual({ ok: false, reason: "unknown_key" });
    expect(await two.verifyDetailed(tokenA)).toEqual({ ok: false, reason: "unknown_key" });
    expect(server.requestsFor("sk_test_env_one")).toBeGreaterThanOrEqual(1);
    expect(server.requestsFor("sk_test_env_two")).toBeGreaterThanOrEqual(1);
  });

  test("clients of one environment share one key cache; other environments and other settings do not", async () => {
    const server = await serve([a], "sk_test_shared_one");
    server.addEnvironment("sk_test_shared_two", [a]);
    const token = await signToken(a, server.url);
    const make = (apiKey: string, extra: AuthioOptions = {}) =>
      new SessionVerifier(resolveConfig({ apiKey, apiUrl: server.url, ...extra }));
    // Ten clients built one after another, as an app building a client per request would.
    for (let i = 0; i < 10; i++)
      expect((await make("sk_test_shared_one").verifyDetailed(token)).ok).toBe(true);
    expect(server.requestsFor("sk_test_shared_one")).toBe(1);
    expect((await make("sk_test_shared_two").verifyDetailed(token)).ok).toBe(true);
    expect(server.requestsFor("sk_test_shared_two")).toBe(1);
    expect((await make("sk_test_shared_one", { jwksCache: { maxKeys: 5 } }).verifyDetailed(token)).ok).toBe(
      true,
    );
    expect(server.requestsFor("sk_test_shared_one")).toBe(2);
  });

  test("no secret key and no static keys: invalid_api_key without any request", async () => {
    const server = await serve();
    const config = resolveConfig({ apiUrl: server.url });
    const configNoKey = { ...config, apiKey: null };
    const error = await rejection(new SessionVerifier(configNoKey).verify(await signToken(a, server.url)));
    expect(error.code).toBe("invalid_api_key");
    expect(server.requests).toBe(0);
  });

  test("the injected fetch option carries the JWKS request", async () => {
    const server = await serve();
    const seen: string[] = [];
    const fetch = (input: string, init: RequestInit) => {
      seen.push(`${init.method} ${input} redirect=${init.redirect}`);
      return globalThis.fetch(input, init);
    };
    const { verifier } = verifierOn(server, { fetch });
    expect((await verifier.verifyDetailed(await signToken(a, server.url))).ok).toBe(true);
    expect(seen).toEqual([`GET ${server.url}/v1/jwks redirect=manual`]);
  });
});

/** Waits (briefly, polling) for a background fetch to land; fails the test if it never does. */
async function settle(done: () => boolean): Promise<void> {
  for (let i = 0; i < 200 && !done(); i++) await new Promise((resolve) => setTimeout(resolve, 5));
  // Let the verifier apply what the server answered.
  for (let i = 0; i < 5; i++) await new Promise((resolve) => setTimeout(resolve, 2));
}
