// Token cases of API.md §2 and RFC 8725, each against a real JWKS server on 127.0.0.1, on every crypto
// backend this runtime has. Runtime-portable: vitest on Node, `bun test`, and Deno through the shim.
import {
  b64url,
  claimsFor,
  createTestKey,
  hmacToken,
  publicKeyEncodings,
  segment,
  signCompact,
  signSegments,
  signToken,
  startJwksServer,
  type TestKey,
} from "@authio/test-kit/jwks";
import { afterAll, beforeAll, describe, expect, test } from "vitest";
import { fitAlgorithms, importKeySet } from "../src/verify/key-set.ts";
import type { VerifyFailureReason } from "../src/verify/result.ts";
import {
  backends,
  fromB64url,
  ManualClock,
  p1363ToDer,
  startVerifyEnv,
  type VerifyEnv,
} from "./support/verify-env.ts";

const MAX = 16 * 1024;

for (const { name: backendName, backend } of backends()) {
  describe(`token verification (${backendName})`, () => {
    let env: VerifyEnv;
    let attacker: TestKey;
    let issuer: string;

    beforeAll(async () => {
      env = await startVerifyEnv(backend);
      issuer = env.server.url;
      attacker = await createTestKey("ES256", "key_attacker");
    });
    afterAll(async () => {
      await env?.close();
    });

    const headerOf = (key: TestKey, extra: Record<string, unknown> = {}) => ({
      alg: key.alg,
      kid: key.kid,
      typ: "JWT",
      ...extra,
    });
    const claims = (extra: Record<string, unknown> = {}) => claimsFor(issuer, extra);

    /**
     * Expects the token refused for `reason`, by `verifyDetailed` and (as null) by `verify`. With
     * `beforeKeys`, the verifier is cold and must decide without a single JWKS request.
     */
    async function expectRefused(
      token: unknown,
      reason: VerifyFailureReason,
      { beforeKeys = false }: { beforeKeys?: boolean } = {},
    ) {
      const verifier = env.verifier();
      const before = env.server.requests;
      expect(await verifier.verifyDetailed(token)).toEqual({ ok: false, reason });
      expect(await verifier.verify(token)).toBeNull();
      if (beforeKeys) expect(env.server.requests - before).toBe(0);
    }

    async function expectAccepted(token: string) {
      const result = await env.verifier().verifyDetailed(token);
      if (!result.ok) throw new Error(`refused: ${result.reason}`);
      return result.session;
    }

    // ── good paths ────────────────────────────────────────────────────────────────────────────────
    test("accepts a valid ES256 token and returns a typed session", async () => {
      const token = await signToken(env.es, issuer, { claims: { sub: "user_1", sid: "session_1" } });
      const session = await expectAccepted(token);
      expect(session.userId).toBe("user_1");
      expect(session.sessionId).toBe("session_1");
      expect(session.orgId).toBeNull();
      expect(session.role).toBeNull();
      expect(session.permissions).toEqual([]);
      expect(session.actor).toBeNull();
      expect(session.expiresAt.getTime()).toBe(session.claims.exp * 1000);
      expect(session.issuedAt.getTime()).toBe(session.claims.iat * 1000);
    });

    test("accepts a valid RS256 token", async () => {
      const token = await signToken(env.rs, issuer, { claims: { sub: "user_rs" } });
      expect((await expectAccepted(token)).userId).toBe("user_rs");
    });

    test("maps org_id, role, permissions and act", async () => {
      const token = await signToken(env.es, issuer, {
        claims: {
          org_id: "org_1",
          role: "admin",
          permissions: ["a:read", "a:write"],
          act: { sub: "user_staff" },
        },
      });
      const session = await expectAccepted(token);
      expect(session.orgId).toBe("org_1");
      expect(session.role).toBe("admin");
      expect(session.permissions).toEqual(["a:read", "a:write"]);
      expect(session.actor).toEqual({ userId: "user_staff" });
    });

    test("a role without org_id is not a role", async () => {
      const session = await expectAccepted(await signToken(env.es, issuer, { claims: { role: "admin" } }));
      expect(session.orgId).toBeNull();
      expect(session.role).toBeNull();
    });

    test("the session, its claims and its permissions are frozen", async () => {
      const token = await signToken(env.es, issuer, { claims: { org_id: "org_1", permissions: ["p"] } });
      const session = await expectAccepted(token);
      expect(Object.isFrozen(session)).toBe(true);
      expect(Object.isFrozen(session.claims)).toBe(true);
      expect(Object.isFrozen(session.permissions)).toBe(true);
      expect(() => {
        (session as { userId: string }).userId = "user_other";
      }).toThrow();
      expect(() => (session.permissions as string[]).push("admin")).toThrow();
      expect(session.userId).toBe("user_test");
      // Dates too: a cached session is shared by every request presenting the same token.
      const expires = session.expiresAt.getTime();
      expect(() => session.expiresAt.setTime(0)).toThrow();
      expect(() => session.issuedAt.setFullYear(2000)).toThrow();
      expect(session.expiresAt.getTime()).toBe(expires);
      expect(session.expiresAt).toBeInstanceOf(Date);
      expect(JSON.parse(JSON.stringify(session)).expiresAt).toBe(new Date(expires).toISOString());
    });

    test("accepts typ jwt in any casing, and no typ", async () => {
      for (const typ of ["jwt", "JWT", "application/jwt", undefined]) {
        const header: Record<string, unknown> = headerOf(env.es, { typ });
        if (typ === undefined) delete header.typ;
        await expectAccepted(await signCompact(env.es, header, claims()));
      }
    });

    test("accepts a token of exactly 16 KiB", async () => {
      const base = await signToken(env.es, issuer, { claims: { pad: "" } });
      // Every 4 base64url characters carry 3 bytes of padding claim.
      const padding = "x".repeat(Math.floor(((MAX - base.length) * 3) / 4));
      let token = await signToken(env.es, issuer, { claims: { pad: padding } });
      for (let trim = padding.length; token.length > MAX; trim--) {
        token = await signToken(env.es, issuer, { claims: { pad: "x".repeat(trim) } });
      }
      for (let grow = 1; token.length < MAX; grow++) {
        const next = await signToken(env.es, issuer, { claims: { pad: `${padding}${"x".repeat(grow)}` } });
        if (next.length > MAX) break;
        token = next;
      }
      expect(token.length).toBeLessThanOrEqual(MAX);
      expect(token.length).toBeGreaterThan(MAX - 8);
      await expectAccepted(token);
    });

    test("rotation: a token signed by a newly published kid verifies after one refetch", async () => {
      const clock = new ManualClock();
      const verifier = env.verifier({ jwksCache: { unknownKidCooldown: 1_000 } }, clock);
      expect((await verifier.verifyDetailed(await signToken(env.es, issuer))).ok).toBe(true);
      const next = await createTestKey("ES256", "key_es_next");
      env.server.setKeys([env.es, env.rs, next]);
      try {
        clock.advance(1_000);
        const before = env.server.requests;
        const result = await verifier.verifyDetailed(await signToken(next, issuer));
        expect(result.ok).toBe(true);
        expect(env.server.requests - before).toBe(1);
      } finally {
        env.server.setKeys([env.es, env.rs]);
      }
    });

    // ── input types and size ──────────────────────────────────────────────────────────────────────
    const nonStrings: [string, unknown][] = [
      ["undefined", undefined],
      ["null", null],
      ["a number", 42],
      ["an object", { token: "x" }],
      ["bytes", new Uint8Array([101, 121, 74])],
      ["an array of strings", ["a.b.c"]],
      ["a String object", new String("a.b.c")],
    ];
    for (const [label, input] of nonStrings) {
      test(`refuses ${label} as missing, without a fetch`, async () => {
        await expectRefused(input, "missing", { beforeKeys: true });
      });
    }

    test("refuses the empty string as missing", async () => {
      await expectRefused("", "missing", { beforeKeys: true });
    });

    test("refuses a token one character over 16 KiB before any fetch or crypto", async () => {
      const token = await signToken(env.es, issuer, { claims: { pad: "x".repeat(MAX) } });
      await expectRefused(token.slice(0, MAX + 1), "too_large", { beforeKeys: true });
    });

    test("refuses megabytes of binary garbage as too large, without a fetch", async () => {
      let garbage = "";
      for (let i = 0; i < 1 << 20; i++) garbage += String.fromCharCode((i * 7919) & 0xffff);
      await expectRefused(garbage, "too_large", { beforeKeys: true });
    });

    // ── alg ───────────────────────────────────────────────────────────────────────────────────────
    for (const alg of ["none", "None", "NONE", "nOnE"]) {
      test(`refuses alg "${alg}" (unsecured JWS) before any fetch`, async () => {
        const token = `${segment({ alg, kid: env.es.kid, typ: "JWT" })}.${segment(claims())}.`;
        await expectRefused(token, "unsupported_algorithm", { beforeKeys: true });
      });
    }

    test('refuses alg "none" even with a real signature attached', async () => {
      const token = await signCompact(env.es, headerOf(env.es, { alg: "none" }), claims());
      await expectRefused(token, "unsupported_algorithm", { beforeKeys: true });
    });

    for (const [label, alg] of [
      ["a missing alg", undefined],
      ["lower-case es256", "es256"],
      ["an alg with a trailing space", "ES256 "],
      ["an alg that is not a string", 256],
      ["ES384, not allowed by default", "ES384"],
      ["PS256, not allowed by default", "PS256"],
      ["a prototype member name", "constructor"],
    ] as const) {
      test(`refuses ${label} before any fetch`, async () => {
        const header: Record<string, unknown> = headerOf(env.es, { alg });
        if (alg === undefined) delete header.alg;
        await expectRefused(await signCompact(env.es, header, claims()), "unsupported_algorithm", {
          beforeKeys: true,
        });
      });
    }

    // Algorithm confusion (RFC 8725 §2.1): an HMAC token whose secret is the public key, in every
    // encoding a verifier might hand to HMAC, under the real kid. Refused on `alg` alone, before any fetch.
    const ENCODINGS = {
      es: ["SPKI DER", "SPKI PEM", "SPKI PEM without trailing newline", "JWK JSON", "raw EC point"],
      rs: [
        "SPKI DER",
        "SPKI PEM",
        "SPKI PEM without trailing newline",
        "JWK JSON",
        "RSA modulus n (base64url text)",
      ],
    } as const;
    for (const keyName of ["es", "rs"] as const) {
      for (const encoding of ENCODINGS[keyName]) {
        for (const alg of ["HS256", "HS384", "HS512"]) {
          test(`${keyName === "es" ? "ES" : "RS"}/HS confusion: ${alg} keyed with the public key as ${encoding}`, async () => {
            const key = env[keyName];
            const secret = (await publicKeyEncodings(key))[encoding];
            expect(secret).toBeDefined();
            const token = await hmacToken(secret!, { alg, kid: key.kid, typ: "JWT" }, claims());
            await expectRefused(token, "unsupported_algorithm", { beforeKeys: true });
          });
        }
      }
    }

    test("RS256 header naming the ES256 key is refused (key type does not fit)", async () => {
      // Signed by the RSA key so the signature has an RSA length: only the key lookup can refuse it.
      const token = await signCompact(env.rs, headerOf(env.es, { alg: "RS256" }), claims());
      await expectRefused(token, "unknown_key");
    });

    test("ES256 header naming the RS256 key is refused (key type does not fit)", async () => {
      const token = await signCompact(env.es, headerOf(env.rs, { alg: "ES256" }), claims());
      await expectRefused(token, "unknown_key");
    });

    // ── keys from the token itself ────────────────────────────────────────────────────────────────
    test("refuses an embedded jwk (the attacker's own key) before any fetch", async () => {
      const token = await signCompact(attacker, headerOf(attacker, { jwk: attacker.jwk }), claims());
      await expectRefused(token, "unsupported_header", { beforeKeys: true });
    });

    test("refuses an embedded jwk even when kid names a real key", async () => {
      const token = await signCompact(attacker, headerOf(env.es, { jwk: attacker.jwk }), claims());
      await expectRefused(token, "unsupported_header", { beforeKeys: true });
    });

    for (const member of ["jku", "x5u"] as const) {
      test(`refuses ${member} and never contacts the URL it names`, async () => {
        const evil = await startJwksServer([attacker], { secretKey: "sk_test_attacker" });
        try {
          const token = await signCompact(
            attacker,
            headerOf(attacker, { [member]: `${evil.url}/v1/jwks` }),
            claims(),
          );
          await expectRefused(token, "unsupported_header", { beforeKeys: true });
          expect(evil.requests).toBe(0);
        } finally {
          await evil.close();
        }
      });
    }

    test("refuses an x5c certificate chain", async () => {
      const token = await signCompact(
        attacker,
        headerOf(attacker, { x5c: [b64url("not a certificate")] }),
        claims(),
      );
      await expectRefused(token, "unsupported_header", { beforeKeys: true });
    });

    // ── kid ───────────────────────────────────────────────────────────────────────────────────────
    for (const [label, kid] of [
      ["a missing kid", undefined],
      ["an empty kid", ""],
      ["a numeric kid", 1],
      ["an object kid", { $ne: null }],
      ["a 300-character kid", "k".repeat(300)],
    ] as const) {
      test(`refuses ${label} before any fetch`, async () => {
        const header: Record<string, unknown> = headerOf(env.es, { kid });
        if (kid === undefined) delete header.kid;
        await expectRefused(await signCompact(env.es, header, claims()), "unsupported_header", {
          beforeKeys: true,
        });
      });
    }

    for (const kid of [
      "../../../../dev/null",
      "' OR '1'='1",
      "__proto__",
      "constructor",
      "hasOwnProperty",
      "key_es_primary\u0000",
    ]) {
      test(`kid injection ${JSON.stringify(kid)} finds no key`, async () => {
        const token = await signCompact(attacker, headerOf(attacker, { kid }), claims());
        await expectRefused(token, "unknown_key");
      });
    }

    test("a token signed by another key under a real kid fails the signature", async () => {
      const token = await signCompact(attacker, headerOf(env.es), claims());
      await expectRefused(token, "invalid_signature");
    });

    // ── crit, b64 and other processing headers ────────────────────────────────────────────────────
    for (const [label, extra] of [
      ['crit ["exp"]', { crit: ["exp"] }],
      ["an empty crit", { crit: [] }],
      ['b64: false with crit ["b64"] (RFC 7797)', { b64: false, crit: ["b64"] }],
      ["b64: true", { b64: true }],
      ['zip: "DEF"', { zip: "DEF" }],
      ['cty: "JWT" (nested token)', { cty: "JWT" }],
      ['typ: "at+jwt"', { typ: "at+jwt" }],
      ["a numeric typ", { typ: 1 }],
    ] as const) {
      test(`refuses ${label} before any fetch`, async () => {
        const token = await signCompact(env.es, headerOf(env.es, extra), claims());
        await expectRefused(token, "unsupported_header", { beforeKeys: true });
      });
    }

    // ── shape: JWE and segment counts ─────────────────────────────────────────────────────────────
    test("refuses a compact JWE (five segments) before any fetch", async () => {
      const jwe = [
        segment({ alg: "RSA-OAEP-256", enc: "A256GCM", kid: env.rs.kid }),
        b64url(new Uint8Array(256).fill(7)),
        b64url(new Uint8Array(12).fill(1)),
        b64url("ciphertext"),
        b64url(new Uint8Array(16).fill(2)),
      ].join(".");
      await expectRefused(jwe, "malformed", { beforeKeys: true });
    });

    for (const [label, make] of [
      ["one segment", (t: string) => t.split(".")[0]!],
      ["two segments", (t: string) => t.split(".").slice(0, 2).join(".")],
      ["four segments", (t: string) => `${t}.${t.split(".")[2]}`],
      ["an empty header segment", (t: string) => `.${t.split(".").slice(1).join(".")}`],
      [
        "an empty payload segment",
        (t: string) =>
          t
            .split(".")
            .map((s, i) => (i === 1 ? "" : s))
            .join("."),
      ],
      ["an empty signature", (t: string) => t.slice(0, t.lastIndexOf(".") + 1)],
    ] as const) {
      test(`refuses ${label}`, async () => {
        const token = make(await signToken(env.es, issuer));
        const verifier = env.verifier();
        const result = await verifier.verifyDetailed(token);
        expect(result.ok).toBe(false);
        expect(["malformed", "unsupported_algorithm", "invalid_signature"]).toContain(
          (result as { reason: string }).reason,
        );
        expect(await verifier.verify(token)).toBeNull();
      });
    }

    // ── ECDSA signature encodings ─────────────────────────────────────────────────────────────────
    test("refuses a DER-encoded ECDSA signature of the right bytes", async () => {
      const token = await signToken(env.es, issuer);
      const dot = token.lastIndexOf(".");
      const der = p1363ToDer(fromB64url(token.slice(dot + 1)));
      await expectRefused(`${token.slice(0, dot)}.${b64url(der)}`, "invalid_signature", { beforeKeys: true });
    });

    test("refuses the all-zero ECDSA signature (psychic signature)", async () => {
      const token = await signToken(env.es, issuer);
      const dot = token.lastIndexOf(".");
      await expectRefused(`${token.slice(0, dot)}.${b64url(new Uint8Array(64))}`, "invalid_signature", {
        beforeKeys: true,
      });
    });

    test("refuses an ECDSA signature with r = 0 or s = 0", async () => {
      const token = await signToken(env.es, issuer);
      const dot = token.lastIndexOf(".");
      const signature = fromB64url(token.slice(dot + 1));
      const zeroR = Uint8Array.from(signature);
      zeroR.fill(0, 0, 32);
      const zeroS = Uint8Array.from(signature);
      zeroS.fill(0, 32);
      await expectRefused(`${token.slice(0, dot)}.${b64url(zeroR)}`, "invalid_signature", {
        beforeKeys: true,
      });
      await expectRefused(`${token.slice(0, dot)}.${b64url(zeroS)}`, "invalid_signature", {
        beforeKeys: true,
      });
    });

    test("refuses an RS256 signature one byte short of the modulus", async () => {
      const token = await signToken(env.rs, issuer);
      const dot = token.lastIndexOf(".");
      const short = fromB64url(token.slice(dot + 1)).subarray(1);
      await expectRefused(`${token.slice(0, dot)}.${b64url(short)}`, "invalid_signature");
    });

    test("refuses claims changed after signing", async () => {
      const token = await signToken(env.es, issuer);
      const [h, , s] = token.split(".");
      await expectRefused(`${h}.${segment(claims({ sub: "user_admin" }))}.${s}`, "invalid_signature");
    });

    // ── base64url and JSON strictness ─────────────────────────────────────────────────────────────
    for (const [label, mutate] of [
      ["padding in the header segment", (p: string[]) => [`${p[0]}=`, p[1], p[2]]],
      ["padding in the signature segment", (p: string[]) => [p[0], p[1], `${p[2]}==`]],
      [
        "a space inside the payload segment",
        (p: string[]) => [p[0], `${p[1]!.slice(0, 5)} ${p[1]!.slice(5)}`, p[2]],
      ],
      ["a leading space", (p: string[]) => [` ${p[0]}`, p[1], p[2]]],
      ["a trailing newline", (p: string[]) => [p[0], p[1], `${p[2]}\n`]],
      [
        "standard base64 characters",
        (p: string[]) => [p[0], p[1], p[2]!.replace(/-/g, "+").replace(/_/g, "/").replace(/^(.)/, "+")],
      ],
      ["non-canonical trailing bits in the signature", (p: string[]) => [p[0], p[1], flipUnusedBits(p[2]!)]],
    ] as const) {
      test(`refuses ${label}`, async () => {
        const parts = (await signToken(env.es, issuer)).split(".");
        await expectRefused(mutate(parts).join("."), "malformed");
      });
    }

    for (const [label, headerText, reason] of [
      ["a header that is not JSON", "{alg:ES256}", "malformed"],
      ["a header that is a JSON array", '["ES256"]', "malformed"],
      ["a header with a byte-order mark", '\ufeff{"alg":"ES256","kid":"key_es_primary"}', "malformed"],
      [
        "duplicate alg members (none, then ES256)",
        '{"alg":"none","alg":"ES256","kid":"key_es_primary"}',
        "malformed",
      ],
      ["duplicate kid members", '{"alg":"ES256","kid":"key_attacker","kid":"key_es_primary"}', "malformed"],
      [
        "a duplicate hidden by an escape",
        '{"alg":"ES256","\\u0061lg":"ES256","kid":"key_es_primary"}',
        "malformed",
      ],
    ] as const) {
      test(`refuses ${label} before any fetch`, async () => {
        const token = await signSegments(env.es, b64url(headerText), segment(claims()));
        await expectRefused(token, reason, { beforeKeys: true });
      });
    }

    test("refuses duplicate members in the claims, even validly signed", async () => {
      const c = claims();
      const text = JSON.stringify(c).replace('"sub":"user_test"', '"sub":"user_test","sub":"user_admin"');
      await expectRefused(await signCompact(env.es, headerOf(env.es), text), "malformed", {
        beforeKeys: true,
      });
    });

    test("refuses a __proto__ member in the claims and leaves Object.prototype alone", async () => {
      const text = JSON.stringify(claims()).replace(
        /}$/,
        ',"__proto__":{"polluted":true,"org_id":"org_evil"}}',
      );
      await expectRefused(await signCompact(env.es, headerOf(env.es), text), "malformed", {
        beforeKeys: true,
      });
      expect(({} as Record<string, unknown>).polluted).toBeUndefined();
      expect(({} as Record<string, unknown>).org_id).toBeUndefined();
    });

    test("claims named like prototype members are plain data", async () => {
      const session = await expectAccepted(
        await signCompact(
          env.es,
          headerOf(env.es),
          claims({ constructor: "x", toString: 1, hasOwnProperty: [] }),
        ),
      );
      expect(session.claims.constructor).toBe("x");
      expect(session.orgId).toBeNull();
      expect(session.permissions).toEqual([]);
    });

    test("refuses claims that are not valid UTF-8", async () => {
      const bytes = new TextEncoder().encode(JSON.stringify(claims({ name: "AB" })));
      const at = bytes.indexOf(0x41);
      bytes[at] = 0xc3;
      bytes[at + 1] = 0x28;
      await expectRefused(await signSegments(env.es, segment(headerOf(env.es)), b64url(bytes)), "malformed");
    });

    test("refuses claims nested deeper than 16 levels", async () => {
      let deep: unknown = "x";
      for (let i = 0; i < 20; i++) deep = { d: deep };
      await expectRefused(await signCompact(env.es, headerOf(env.es), claims({ deep })), "malformed");
    });

    test("refuses a payload that is JSON but not an object", async () => {
      await expectRefused(await signCompact(env.es, headerOf(env.es), "null"), "malformed");
    });

    // ── claims ────────────────────────────────────────────────────────────────────────────────────
    const now = () => Math.floor(Date.now() / 1000);
    for (const [label, extra, reason] of [
      ["a missing exp", { exp: undefined }, "invalid_claims"],
      ["a string exp", { exp: "9999999999" }, "invalid_claims"],
      ["a null exp", { exp: null }, "invalid_claims"],
      ["an infinite exp (1e400)", "INFINITE_EXP", "invalid_claims"],
      ["a missing iat", { iat: undefined }, "invalid_claims"],
      ["an exp past the last representable Date", { exp: 8.64e12 + 1 }, "invalid_claims"],
      ["an iat before the first representable Date", { iat: -8.64e12 - 1 }, "invalid_claims"],
      ["a string nbf", { nbf: "0" }, "invalid_claims"],
      ["an expired token", { iat: now() - 600, exp: now() - 300 }, "expired"],
      ["iat far in the future", { iat: now() + 3600, exp: now() + 3900 }, "issued_in_future"],
      ["nbf in the future", { nbf: now() + 60 }, "not_yet_valid"],
      ["another issuer", { iss: "https://evil.example" }, "wrong_issuer"],
      ["the issuer with a trailing slash", "ISS_SLASH", "wrong_issuer"],
      ["the issuer with /v1", "ISS_V1", "wrong_issuer"],
      ["a missing iss", { iss: undefined }, "wrong_issuer"],
      ["a missing sub", { sub: undefined }, "invalid_claims"],
      ["a numeric sub", { sub: 7 }, "invalid_claims"],
      ["an empty sub", { sub: "" }, "invalid_claims"],
      ["a missing sid", { sid: undefined }, "invalid_claims"],
      ["a numeric org_id", { org_id: 1 }, "invalid_claims"],
      ["permissions that are not a list", { permissions: "admin" }, "invalid_claims"],
      ["permissions holding a non-string", { permissions: ["read", 1] }, "invalid_claims"],
      ["an act without sub", { act: { user: "user_staff" } }, "invalid_claims"],
      ["a non-string jti", { jti: 5 }, "invalid_claims"],
    ] as const) {
      test(`refuses ${label}`, async () => {
        let token: string;
        if (extra === "INFINITE_EXP") {
          const text = JSON.stringify(claims({ exp: 1 })).replace('"exp":1', '"exp":1e400');
          token = await signCompact(env.es, headerOf(env.es), text);
        } else if (extra === "ISS_SLASH" || extra === "ISS_V1") {
          token = await signToken(env.es, issuer, {
            claims: { iss: `${issuer}${extra === "ISS_SLASH" ? "/" : "/v1"}` },
          });
        } else {
          token = await signToken(env.es, issuer, { claims: extra as Record<string, unknown> });
        }
        await expectRefused(token, reason as VerifyFailureReason);
      });
    }

    // ── clock tolerance boundaries (injected clock) ───────────────────────────────────────────────
    describe("clock tolerance", () => {
      const T = 2_000_000_000;
      const at = async (claimSet: Record<string, unknown>, nowSeconds: number, tolerance?: number) => {
        const token = await signCompact(env.es, headerOf(env.es), claims(claimSet));
        const clock = new ManualClock(nowSeconds * 1000);
        const options = tolerance === undefined ? {} : { clockTolerance: tolerance };
        return env.verifier(options, clock).verifyDetailed(token);
      };
      test("exp: accepted up to just under exp + 5 s", async () => {
        expect((await at({ iat: T - 100, exp: T }, T + 4.999)).ok).toBe(true);
      });
      test("exp: expired at exactly exp + 5 s", async () => {
        expect(await at({ iat: T - 100, exp: T }, T + 5)).toEqual({ ok: false, reason: "expired" });
      });
      test("nbf: accepted from nbf - 5 s", async () => {
        expect((await at({ iat: T - 10, nbf: T, exp: T + 300 }, T - 5)).ok).toBe(true);
      });
      test("nbf: not yet valid just before nbf - 5 s", async () => {
        expect(await at({ iat: T - 10, nbf: T, exp: T + 300 }, T - 5.001)).toEqual({
          ok: false,
          reason: "not_yet_valid",
        });
      });
      test("iat: accepted at now + 5 s", async () => {
        expect((await at({ iat: T + 5, exp: T + 300 }, T)).ok).toBe(true);
      });
      test("iat: issued in the future past now + 5 s", async () => {
        expect(await at({ iat: T + 5.001, exp: T + 300 }, T)).toEqual({
          ok: false,
          reason: "issued_in_future",
        });
      });
      test("clockTolerance 0: expired at exactly exp", async () => {
        expect(await at({ iat: T - 100, exp: T }, T, 0)).toEqual({ ok: false, reason: "expired" });
        expect((await at({ iat: T - 100, exp: T }, T - 0.001, 0)).ok).toBe(true);
      });
    });

    // ── keys unfit for signing, next to a good one ────────────────────────────────────────────────
    describe("unfit JWKS keys are ignored and the good ones keep working", () => {
      let server: Awaited<ReturnType<typeof startJwksServer>>;
      const unfit: Record<string, TestKey> = {};
      const published: Record<string, unknown>[] = [];
      let good: TestKey;

      beforeAll(async () => {
        good = await createTestKey("ES256", "key_good");
        const make = async (
          label: string,
          alg: "ES256" | "RS256",
          edit: (jwk: Record<string, unknown>) => void,
        ) => {
          const key = await createTestKey(alg, `key_unfit_${label}`);
          const jwk = { ...key.jwk } as Record<string, unknown>;
          edit(jwk);
          unfit[label] = key;
          published.push(jwk);
        };
        await make("use_enc", "ES256", (j) => {
          j.use = "enc";
        });
        await make("key_ops_sign", "ES256", (j) => {
          j.key_ops = ["sign"];
        });
        await make("private_d", "ES256", (j) => {
          j.d = "AAAA";
        });
        await make("alg_mismatch", "ES256", (j) => {
          j.alg = "RS256";
        });
        await make("curve_mismatch", "ES256", (j) => {
          j.crv = "P-384";
        });
        await make("off_curve", "ES256", (j) => {
          j.x = b64url(new Uint8Array(32).fill(1));
        });
        await make("oct", "ES256", (j) => {
          for (const k of Object.keys(j)) if (k !== "kid") delete j[k];
          Object.assign(j, { kty: "oct", k: "c2VjcmV0", alg: "HS256" });
        });
        // A 1024-bit RSA key, generated here: the test kit only makes 2048-bit ones.
        const weak = await crypto.subtle.generateKey(
          {
            name: "RSASSA-PKCS1-v1_5",
            modulusLength: 1024,
            publicExponent: new Uint8Array([1, 0, 1]),
            hash: "SHA-256",
          },
          true,
          ["sign", "verify"],
        );
        const weakJwk = {
          ...(await crypto.subtle.exportKey("jwk", weak.publicKey)),
          kid: "key_unfit_rsa1024",
          alg: "RS256",
          use: "sig",
        };
        delete (weakJwk as Record<string, unknown>).key_ops;
        delete (weakJwk as Record<string, unknown>).ext;
        unfit.rsa1024 = {
          kid: "key_unfit_rsa1024",
          alg: "RS256",
          privateKey: weak.privateKey,
          publicKey: weak.publicKey,
          jwk: weakJwk,
        };
        published.push(weakJwk);
        server = await startJwksServer([]);
        server.setKeys([...published, good.jwk as Record<string, unknown>]);
      });
      afterAll(async () => {
        await server?.close();
      });

      const verifierFor = () => {
        // A fresh verifier on this server, sharing the backend under test.
        return envVerifier(server.url, server.secretKey);
      };
      const envVerifier = (url: string, secretKey: string) => {
        const config = { apiKey: secretKey, apiUrl: url };
        return env.verifier.call({ ...env, server: { ...env.server, url, secretKey } }, config);
      };

      test("the key policy itself ignores the 1024-bit RSA key and keeps the good one", async () => {
        const keys = await importKeySet(
          published.concat([good.jwk as Record<string, unknown>]),
          new Set(["ES256", "RS256"]),
          backend,
        );
        expect(keys.find("key_unfit_rsa1024", "RS256")).toBeUndefined();
        expect(fitAlgorithms(unfit.rsa1024!.jwk, new Set(["RS256"]))).toEqual([]);
        expect(keys.find("key_good", "ES256")).toBeDefined();
        expect(keys.size).toBe(1);
      });

      for (const label of [
        "use_enc",
        "key_ops_sign",
        "private_d",
        "alg_mismatch",
        "curve_mismatch",
        "off_curve",
        "oct",
        "rsa1024",
      ]) {
        test(`a token naming the unfit key "${label}" is refused; the good key still verifies`, async () => {
          const verifier = verifierFor();
          const key = unfit[label]!;
          // The oct entry cannot sign an ES256 token: sign with the good key under the oct kid.
          const signer = label === "oct" ? good : key;
          const token = await signCompact(
            signer,
            { alg: signer.alg, kid: key.kid, typ: "JWT" },
            claimsFor(server.url),
          );
          // A 1024-bit signature is already refused by its length; the key policy is checked below.
          const reason = label === "rsa1024" ? "invalid_signature" : "unknown_key";
          expect(await verifier.verifyDetailed(token)).toEqual({ ok: false, reason });
          expect((await verifier.verifyDetailed(await signToken(good, server.url))).ok).toBe(true);
        });
      }
    });
  });
}

/** Sets the unused low bits of the last character of a base64url segment (same bytes, other text). */
function flipUnusedBits(segmentText: string): string {
  const alphabet = "ABCDEFGHIJKLMNOPQRSTUVWXYZabcdefghijklmnopqrstuvwxyz0123456789-_";
  const last = alphabet.indexOf(segmentText.at(-1)!);
  const unused = segmentText.length % 4 === 2 ? 0x0f : segmentText.length % 4 === 3 ? 0x03 : 0;
  if (unused === 0) throw new Error("segment has no unused bits");
  return segmentText.slice(0, -1) + alphabet[last | 1]!;
}
