// Networkless verification: keys given as options (JWKS object or JSON, PEM, JWK). A JWKS server is
// running all along, and must never see a request.
import {
  createTestKey,
  type JwksServer,
  publicKeyPem,
  signCompact,
  signToken,
  startJwksServer,
  type TestKey,
} from "@authio/test-kit/jwks";
import { afterAll, beforeAll, describe, expect, test } from "vitest";
import { Authio } from "../src/client.ts";

let es: TestKey;
let rs: TestKey;
let other: TestKey;
let server: JwksServer;

beforeAll(async () => {
  es = await createTestKey("ES256", "key_nl_es");
  rs = await createTestKey("RS256", "key_nl_rs");
  other = await createTestKey("ES256", "key_nl_other");
  server = await startJwksServer([es, rs]);
});
afterAll(async () => {
  await server?.close();
});

const client = (options: Record<string, unknown>) =>
  new Authio({ apiKey: server.secretKey, apiUrl: server.url, ...options });

describe("networkless verification", () => {
  test("jwks as an object: ES256 and RS256 verify, no request", async () => {
    const authio = client({ jwks: { keys: [es.jwk, rs.jwk] } });
    expect((await authio.sessions.verify(await signToken(es, server.url)))?.userId).toBe("user_test");
    expect((await authio.sessions.verify(await signToken(rs, server.url)))?.userId).toBe("user_test");
    expect(server.requests).toBe(0);
  });

  test("jwks as JSON text", async () => {
    const authio = client({ jwks: JSON.stringify({ keys: [es.jwk] }) });
    expect(await authio.sessions.verify(await signToken(es, server.url))).not.toBeNull();
    expect(server.requests).toBe(0);
  });

  test("an unknown kid is refused without any fetch", async () => {
    const authio = client({ jwks: { keys: [es.jwk] } });
    expect(await authio.sessions.verifyDetailed(await signToken(other, server.url))).toEqual({
      ok: false,
      reason: "unknown_key",
    });
    expect(server.requests).toBe(0);
  });

  test("a PEM public key verifies whatever kid the token names", async () => {
    const authio = client({ publicKey: await publicKeyPem(es) });
    expect(
      await authio.sessions.verify(await signToken(es, server.url, { header: { kid: "any_kid" } })),
    ).not.toBeNull();
    expect(await authio.sessions.verifyDetailed(await signToken(other, server.url))).toEqual({
      ok: false,
      reason: "invalid_signature",
    });
    expect(server.requests).toBe(0);
  });

  test("an RSA PEM public key", async () => {
    const authio = client({ publicKey: await publicKeyPem(rs) });
    expect(await authio.sessions.verify(await signToken(rs, server.url))).not.toBeNull();
  });

  test("a JWK public key (object, or JSON text) is bound to its kid", async () => {
    for (const publicKey of [es.jwk, JSON.stringify(es.jwk)]) {
      const authio = client({ publicKey });
      expect(await authio.sessions.verify(await signToken(es, server.url))).not.toBeNull();
      expect(
        await authio.sessions.verifyDetailed(
          await signToken(es, server.url, { header: { kid: "key_other" } }),
        ),
      ).toEqual({
        ok: false,
        reason: "unknown_key",
      });
    }
    expect(server.requests).toBe(0);
  });

  test("every header and claim rule still applies", async () => {
    const authio = client({ publicKey: await publicKeyPem(es) });
    const noKid = await signCompact(
      es,
      { alg: "ES256", typ: "JWT" },
      { iss: server.url, sub: "u", sid: "s", iat: 1, exp: 2 },
    );
    expect(await authio.sessions.verifyDetailed(noKid)).toEqual({ ok: false, reason: "unsupported_header" });
    expect(
      await authio.sessions.verifyDetailed(
        await signToken(es, server.url, { claims: { iss: "https://evil.example" } }),
      ),
    ).toEqual({ ok: false, reason: "wrong_issuer" });
  });

  test("works with no secret key at all", async () => {
    const authio = new Authio({ apiUrl: server.url, jwks: { keys: [es.jwk] } });
    expect(await authio.sessions.verify(await signToken(es, server.url))).not.toBeNull();
    expect(server.requests).toBe(0);
  });
});
