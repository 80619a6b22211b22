// Properties: no mutation of a valid token is ever accepted and verification never throws for one;
// a signed token is accepted exactly when its claims follow the contract. fast-check drives the
// inputs; the JWKS server is real. Runtime-portable.
import {
  createTestKey,
  type JwksServer,
  signCompact,
  signToken,
  startJwksServer,
  type TestKey,
} from "@authio/test-kit/jwks";
import fc from "fast-check";
import { afterAll, beforeAll, describe, expect, test } from "vitest";
import { resolveConfig } from "../src/config.ts";
import { SessionVerifier } from "../src/verify/verifier.ts";

const ALPHABET = "ABCDEFGHIJKLMNOPQRSTUVWXYZabcdefghijklmnopqrstuvwxyz0123456789-_";

let server: JwksServer;
let keys: TestKey[];
let verifier: SessionVerifier;
const valid: Record<string, string> = {};

beforeAll(async () => {
  keys = [await createTestKey("ES256", "key_prop_es"), await createTestKey("RS256", "key_prop_rs")];
  server = await startJwksServer(keys);
  verifier = new SessionVerifier(resolveConfig({ apiKey: server.secretKey, apiUrl: server.url }));
  for (const key of keys) {
    valid[key.alg] = await signToken(key, server.url, {
      claims: { org_id: "org_p", role: "admin" },
      ttl: 3600,
    });
    // Warm both caches with the original: a mutated token must not ride on its cached verdict.
    expect((await verifier.verifyDetailed(valid[key.alg])).ok).toBe(true);
  }
});
afterAll(async () => {
  await server?.close();
});

type Mutation =
  | { kind: "replace"; at: number; char: string }
  | { kind: "insert"; at: number; char: string }
  | { kind: "delete"; at: number; length: number }
  | { kind: "swap"; a: number; b: number }
  | { kind: "truncate"; at: number }
  | { kind: "append"; text: string }
  | { kind: "segments"; order: number[] };

const anyChar = fc.oneof(
  fc.constantFrom(...ALPHABET.split("")),
  fc.constantFrom(".", "=", " ", "+", "/", "\n", "\u0000", "%", '"'),
  fc.string({ minLength: 1, maxLength: 1, unit: "binary" }),
);

const mutation: fc.Arbitrary<Mutation> = fc.oneof(
  fc.record({ kind: fc.constant("replace" as const), at: fc.nat(), char: anyChar }),
  fc.record({ kind: fc.constant("insert" as const), at: fc.nat(), char: anyChar }),
  fc.record({ kind: fc.constant("delete" as const), at: fc.nat(), length: fc.integer({ min: 1, max: 8 }) }),
  fc.record({ kind: fc.constant("swap" as const), a: fc.nat(), b: fc.nat() }),
  fc.record({ kind: fc.constant("truncate" as const), at: fc.nat() }),
  fc.record({ kind: fc.constant("append" as const), text: fc.string({ minLength: 1, maxLength: 12 }) }),
  fc.record({
    kind: fc.constant("segments" as const),
    order: fc.array(fc.integer({ min: 0, max: 2 }), { minLength: 1, maxLength: 5 }),
  }),
);

function apply(token: string, m: Mutation): string {
  const n = token.length;
  switch (m.kind) {
    case "replace": {
      const at = m.at % n;
      return token.slice(0, at) + m.char + token.slice(at + 1);
    }
    case "insert": {
      const at = m.at % (n + 1);
      return token.slice(0, at) + m.char + token.slice(at);
    }
    case "delete": {
      const at = m.at % n;
      return token.slice(0, at) + token.slice(at + m.length);
    }
    case "swap": {
      const chars = token.split("");
      const a = m.a % n;
      const b = m.b % n;
      [chars[a], chars[b]] = [chars[b]!, chars[a]!];
      return chars.join("");
    }
    case "truncate":
      return token.slice(0, m.at % n);
    case "append":
      return token + m.text;
    case "segments": {
      const parts = token.split(".");
      return m.order.map((i) => parts[i]).join(".");
    }
  }
}

describe("property: mutated tokens", () => {
  for (const alg of ["ES256", "RS256"]) {
    test(`no mutation of a valid ${alg} token is accepted, and none throws`, async () => {
      await fc.assert(
        fc.asyncProperty(fc.array(mutation, { minLength: 1, maxLength: 3 }), async (mutations) => {
          const original = valid[alg]!;
          const mutated = mutations.reduce(apply, original);
          fc.pre(mutated !== original);
          const result = await verifier.verifyDetailed(mutated);
          expect(result.ok).toBe(false);
          expect(await verifier.verify(mutated)).toBeNull();
        }),
        { numRuns: 400 },
      );
      // Nothing fetched beyond the cold start and the unknown-kid cooldown.
      expect(server.requests).toBeLessThanOrEqual(2);
    });
  }

  test("arbitrary inputs of any type never throw and are never accepted", async () => {
    await fc.assert(
      fc.asyncProperty(fc.anything(), async (input) => {
        expect((await verifier.verifyDetailed(input)).ok).toBe(false);
      }),
      { numRuns: 300 },
    );
  });

  test("random three-segment strings of base64url never throw and are never accepted", async () => {
    const seg = fc.string({ unit: fc.constantFrom(...ALPHABET.split("")), maxLength: 120 });
    await fc.assert(
      fc.asyncProperty(seg, seg, seg, async (h, p, s) => {
        expect((await verifier.verifyDetailed(`${h}.${p}.${s}`)).ok).toBe(false);
      }),
      { numRuns: 300 },
    );
  });
});

describe("property: the claim rules", () => {
  // Values of every JSON type, so each claim is tried with the right type and with wrong ones.
  const anyJson = fc.oneof(
    fc.string({ maxLength: 12 }),
    fc.integer(),
    fc.double({ noNaN: true, noDefaultInfinity: true }),
    fc.boolean(),
    fc.constant(null),
    fc.array(fc.string({ maxLength: 6 }), { maxLength: 3 }),
    fc.dictionary(fc.constantFrom("sub", "x"), fc.string({ maxLength: 6 }), { maxKeys: 2 }),
  );
  const now = () => Math.floor(Date.now() / 1000);
  const near = fc.integer({ min: -600, max: 600 }).map((d) => now() + d);
  /** Mostly the right type (so tokens are often acceptable), sometimes any JSON, sometimes absent. */
  const field = (valid: fc.Arbitrary<unknown>, absentWeight: number) =>
    fc.oneof(
      { arbitrary: valid, weight: 12 },
      { arbitrary: anyJson, weight: 1 },
      { arbitrary: fc.constant(undefined), weight: absentWeight },
    );
  const claimSet = fc.record({
    sub: field(fc.constantFrom("user_p", "user_q"), 1),
    sid: field(fc.constant("session_p"), 1),
    iat: field(
      near.map((t) => t - 300),
      1,
    ),
    exp: field(
      near.map((t) => t + 300),
      1,
    ),
    nbf: field(near, 8),
    org_id: field(fc.constant("org_p"), 8),
    role: field(fc.constantFrom("admin", "member"), 8),
    permissions: field(fc.array(fc.string({ maxLength: 8 }), { maxLength: 4 }), 8),
    act: field(fc.record({ sub: fc.constant("user_staff") }), 8),
    iss: field(fc.constant("ISSUER"), 1),
  });

  /** The contract (API.md §2) restated independently of the implementation; tolerance 5 s. */
  function acceptable(c: Record<string, unknown>, t: number): boolean {
    const time = (v: unknown) => typeof v === "number" && Number.isFinite(v) && Math.abs(v) <= 8.64e12;
    const id = (v: unknown) => typeof v === "string" && v !== "";
    if (!time(c.exp) || !time(c.iat) || (c.nbf !== undefined && !time(c.nbf))) return false;
    if (c.iss !== server.url) return false;
    if (t >= (c.exp as number) + 5 || (c.iat as number) > t + 5) return false;
    if (c.nbf !== undefined && t < (c.nbf as number) - 5) return false;
    if (!id(c.sub) || !id(c.sid)) return false;
    if (c.org_id !== undefined && !id(c.org_id)) return false;
    if (c.role !== undefined && typeof c.role !== "string") return false;
    if (c.permissions !== undefined) {
      if (!Array.isArray(c.permissions) || !c.permissions.every((p) => typeof p === "string")) return false;
    }
    if (c.act !== undefined) {
      const act = c.act as { sub?: unknown } | null;
      if (act === null || typeof act !== "object" || Array.isArray(act) || !id(act.sub)) return false;
    }
    return true;
  }

  test("a signed token is accepted exactly when its claims follow the contract, and mapped exactly", async () => {
    const key = keys[0]!;
    let accepted = 0;
    await fc.assert(
      fc.asyncProperty(claimSet, async (drawn) => {
        const claims: Record<string, unknown> = {};
        for (const [name, value] of Object.entries(drawn)) {
          if (value !== undefined) claims[name] = value === "ISSUER" ? server.url : value;
        }
        const token = await signCompact(key, { alg: key.alg, kid: key.kid, typ: "JWT" }, claims);
        // Decided a whole second away from any boundary: no test depends on the clock's tick.
        const t = Date.now() / 1000;
        const result = await verifier.verifyDetailed(token);
        const nearBoundary = [claims.exp, claims.iat, claims.nbf].some(
          (v) => typeof v === "number" && Math.abs(v - t) > 4 && Math.abs(v - t) < 6,
        );
        fc.pre(!nearBoundary);
        expect(result.ok).toBe(acceptable(claims, t));
        if (result.ok) {
          accepted++;
          const s = result.session;
          expect(s.userId).toBe(claims.sub);
          expect(s.sessionId).toBe(claims.sid);
          expect(s.orgId).toBe(claims.org_id ?? null);
          expect(s.role).toBe(claims.org_id !== undefined && claims.role !== undefined ? claims.role : null);
          expect(s.permissions).toEqual(claims.permissions ?? []);
          expect(s.actor).toEqual(
            claims.act === undefined ? null : { userId: (claims.act as { sub: string }).sub },
          );
          // A Date keeps whole milliseconds (TimeClip truncates): compare with what Date makes of it.
          expect(s.expiresAt.getTime()).toBe(new Date((claims.exp as number) * 1000).getTime());
        }
      }),
      { numRuns: 250 },
    );
    // The generator must reach both outcomes, or the property proves little.
    expect(accepted).toBeGreaterThan(0);
  });
});
