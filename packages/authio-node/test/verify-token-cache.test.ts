// The verified-token cache: a hit only for the whole token, bounded, expiring at `exp` (re-checked on every
// hit), and dropped when the key that verified a token leaves the key set. Runtime-portable.
import {
  createTestKey,
  type JwksServer,
  signToken,
  startJwksServer,
  type TestKey,
} from "@authio/test-kit/jwks";
import { afterAll, beforeAll, describe, expect, test } from "vitest";
import { type AuthioOptions, resolveConfig } from "../src/config.ts";
import { SessionVerifier } from "../src/verify/verifier.ts";
import { ManualClock } from "./support/verify-env.ts";

let a: TestKey;
let b: TestKey;
let server: JwksServer;

beforeAll(async () => {
  a = await createTestKey("ES256", "key_tc_a");
  b = await createTestKey("ES256", "key_tc_b");
  server = await startJwksServer([a, b]);
});
afterAll(async () => {
  await server?.close();
});

function verifier(options: AuthioOptions = {}, clock = new ManualClock()) {
  const config = resolveConfig({ apiKey: server.secretKey, apiUrl: server.url, ...options });
  return { v: new SessionVerifier(config, { now: clock.now }), clock };
}

async function session(v: SessionVerifier, token: string) {
  const result = await v.verifyDetailed(token);
  if (!result.ok) throw new Error(`refused: ${result.reason}`);
  return result.session;
}

describe("verified-token cache", () => {
  test("a repeated token is answered from the cache (the same frozen Session)", async () => {
    const { v } = verifier();
    const token = await signToken(a, server.url);
    await session(v, token);
    const admitted = await session(v, token);
    expect(await session(v, token)).toBe(admitted);
    expect(await session(v, token)).toBe(admitted);
  });

  test("admission on second sight: a token verified once is not cached yet", async () => {
    const { v } = verifier();
    const token = await signToken(a, server.url);
    const first = await session(v, token);
    const second = await session(v, token);
    expect(second).not.toBe(first);
    expect(second).toEqual(first);
    expect(await session(v, token)).toBe(second);
  });

  test("tokenCacheSize 0 disables it", async () => {
    const { v } = verifier({ tokenCacheSize: 0 });
    const token = await signToken(a, server.url);
    const first = await session(v, token);
    const second = await session(v, token);
    expect(second).not.toBe(first);
    expect(second).toEqual(first);
  });

  test("a cached token stops being accepted at exp + tolerance", async () => {
    const { v, clock } = verifier({ jwksCache: { maxAge: 3_600_000 } });
    const now = Math.floor(clock.seconds);
    const token = await signToken(a, server.url, { claims: { iat: now, exp: now + 60 } });
    await session(v, token);
    clock.advance(64_000);
    await session(v, token);
    clock.advance(1_000);
    expect(await v.verifyDetailed(token)).toEqual({ ok: false, reason: "expired" });
  });

  test("a cached token stops being accepted once its key leaves the key set", async () => {
    const { v, clock } = verifier({ jwksCache: { maxAge: 10_000 } });
    const token = await signToken(a, server.url, { ttl: 3600 });
    await session(v, token);
    server.setKeys([b]);
    try {
      clock.advance(10_000);
      // Past maxAge the cache is not trusted; this verification triggers the refresh.
      await v.verifyDetailed(token);
      for (let i = 0; i < 100 && (await v.verifyDetailed(token)).ok; i++) {
        await new Promise((resolve) => setTimeout(resolve, 5));
      }
      expect(await v.verifyDetailed(token)).toEqual({ ok: false, reason: "unknown_key" });
    } finally {
      server.setKeys([a, b]);
    }
  });

  test("a refresh that brings back the same keys keeps cached tokens cached", async () => {
    const { v, clock } = verifier({ jwksCache: { maxAge: 10_000 } });
    const token = await signToken(a, server.url, { ttl: 3600 });
    await session(v, token);
    const cached = await session(v, token);
    const requests = server.requests;
    clock.advance(10_000);
    // Past maxAge: not trusted from the cache; verified with the current keys, refresh in the background.
    await session(v, token);
    for (let i = 0; i < 100 && server.requests === requests; i++) await new Promise((r) => setTimeout(r, 5));
    await new Promise((r) => setTimeout(r, 20));
    expect(server.requests).toBe(requests + 1);
    // The refreshed set holds the very same key object, so the cached verdict is still good.
    expect(await session(v, token)).toBe(cached);
  });

  test("bounded: the oldest entry is evicted first", async () => {
    const { v } = verifier({ tokenCacheSize: 2 });
    const tokens = await Promise.all(
      [1, 2, 3].map((i) => signToken(a, server.url, { claims: { jti: `t${i}` } })),
    );
    const cached: unknown[] = [];
    for (const token of tokens) {
      await session(v, token);
      cached.push(await session(v, token)); // admitted on this second sighting
    }
    expect(await session(v, tokens[2]!)).toBe(cached[2]);
    expect(await session(v, tokens[1]!)).toBe(cached[1]);
    const again = await session(v, tokens[0]!);
    expect(again).not.toBe(cached[0]);
    expect(again).toEqual(cached[0]);
  });

  test("only the exact token string hits: a mutated copy is verified in full and refused", async () => {
    const { v } = verifier();
    const token = await signToken(a, server.url);
    await session(v, token);
    const dot = token.lastIndexOf(".");
    const mutated = `${token.slice(0, dot)}.${token.slice(dot + 1, -2)}${token.endsWith("AA") ? "BA" : "AA"}`;
    expect((await v.verifyDetailed(mutated)).ok).toBe(false);
  });

  test("a token that shares a cached token's fingerprint (same length, same signature) is verified in full", async () => {
    const { v } = verifier();
    const token = await signToken(a, server.url, { claims: { role: "member" } });
    await session(v, token);
    const cached = await session(v, token); // cached now
    // The same signature over a payload claiming another role, of the very same length.
    const [header, payload, signature] = token.split(".") as [string, string, string];
    const claims = JSON.parse(atob(payload.replace(/-/g, "+").replace(/_/g, "/")));
    const forgedPayload = btoa(JSON.stringify({ ...claims, role: "admin!" }))
      .replace(/\+/g, "-")
      .replace(/\//g, "_")
      .replace(/=+$/, "");
    const forged = `${header}.${forgedPayload}.${signature}`;
    expect(forged.length).toBe(token.length);
    expect(await v.verifyDetailed(forged)).toEqual({ ok: false, reason: "invalid_signature" });
    expect(await session(v, token)).toBe(cached); // and the real one still hits
  });

  test("refused tokens are never cached", async () => {
    const { v, clock } = verifier();
    const now = Math.floor(clock.seconds);
    const future = await signToken(a, server.url, { claims: { nbf: now + 60, iat: now, exp: now + 300 } });
    expect(await v.verifyDetailed(future)).toEqual({ ok: false, reason: "not_yet_valid" });
    clock.advance(60_000);
    expect((await v.verifyDetailed(future)).ok).toBe(true);
  });
});
