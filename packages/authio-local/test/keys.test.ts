import { createLocalJWKSet, jwtVerify } from "jose";
import { describe, expect, it } from "vitest";
import { apiFor, decodeJwt, startTestServer } from "./helpers.js";

describe("signing keys", () => {
  it("rotates per §3: publish first, sign after the delay, retire after the retention", async () => {
    const local = await startTestServer({ keyRotation: { publishDelaySeconds: 3600, retainSeconds: 600 } });
    try {
      const api = apiFor(local);
      const user = (await api("POST", "/v1/users", { email: "rot@x.test" })).body;
      const oldKid = local.jwks().keys[0]!.kid;
      const rotated = await api("POST", "/v1/_local/keys/rotate", {});
      expect(rotated.status).toBe(201);
      const newKid = rotated.body.kid;
      // Published at once, but the old key still signs.
      expect((await api("GET", "/v1/jwks")).body.keys.map((k: { kid: string }) => k.kid).sort()).toEqual(
        [newKid, oldKid].sort(),
      );
      const before = (await api("POST", "/v1/sessions", { userId: user.id })).body.accessToken;
      expect(decodeJwt(before).header.kid).toBe(oldKid);
      // An hour later the new key signs, and the old one stays published.
      local.setClockOffset(3601);
      const after = (await api("POST", "/v1/sessions", { userId: user.id })).body.accessToken;
      expect(decodeJwt(after).header.kid).toBe(newKid);
      const jwks = (await api("GET", "/v1/jwks")).body;
      expect(jwks.keys).toHaveLength(2);
      await jwtVerify(after, createLocalJWKSet(jwks), { issuer: local.url });
      // After the retention, the old key is gone.
      local.setClockOffset(3601 + 601);
      expect((await api("GET", "/v1/jwks")).body.keys.map((k: { kid: string }) => k.kid)).toEqual([newKid]);
    } finally {
      await local.stop();
    }
  });

  it("signs with RS256 on request", async () => {
    const local = await startTestServer({ algorithm: "RS256" });
    try {
      const api = apiFor(local);
      const jwks = (await api("GET", "/v1/jwks")).body;
      expect(jwks.keys[0]).toMatchObject({ kty: "RSA", alg: "RS256", use: "sig", e: "AQAB" });
      const user = (await api("POST", "/v1/users", { email: "rsa@x.test" })).body;
      const { accessToken } = (await api("POST", "/v1/sessions", { userId: user.id })).body;
      expect(decodeJwt(accessToken).header.alg).toBe("RS256");
      const { payload } = await jwtVerify(accessToken, createLocalJWKSet(jwks), {
        issuer: local.url,
        algorithms: ["RS256"],
      });
      expect(payload.sub).toBe(user.id);
    } finally {
      await local.stop();
    }
  });

  it("announces the configured base URL as issuer, without a trailing slash", async () => {
    const local = await startTestServer({ baseUrl: "http://localhost:9999/" });
    try {
      expect(local.url).toBe("http://localhost:9999");
      const user = (await local.seed({ users: [{ email: "iss@x.test" }] })).users["iss@x.test"]!;
      const { accessToken } = await local.createSession({ userId: user });
      expect(decodeJwt(accessToken).claims.iss).toBe("http://localhost:9999");
    } finally {
      await local.stop();
    }
  });
});
