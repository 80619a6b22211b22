// Property: no mutation of a valid token is ever accepted, and verification never throws for one.
// fast-check drives the mutations; the JWKS server is real. Runtime-portable.
import {
  createTestKey,
  type JwksServer,
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
