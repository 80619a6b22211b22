/**
 * Verification against the local Authio server (`@authio/local`): its real JWKS endpoint, its tokens,
 * and its key rotation (API.md §3). Node only (the server's storage is a Node addon).
 */

import { type LocalAuthio, startLocalAuthio } from "@authio/local";
import { afterAll, beforeAll, describe, expect, test } from "vitest";
import { Authio } from "../src/index.ts";

const startLocal = () => startLocalAuthio({ port: 0, db: ":memory:" });

let local: LocalAuthio;

beforeAll(async () => {
  local = await startLocal();
  await local.seed({
    users: [{ id: "user_01HXlocalverify", email: "local-verify@example.com" }],
    organizations: [{ name: "Verify Org", slug: "verify-org", id: "org_01HXlocalverify" }],
    memberships: [{ user: "user_01HXlocalverify", organization: "verify-org", role: "admin" }],
  });
});
afterAll(async () => {
  await local?.stop();
});

const client = (options: Record<string, unknown> = {}) =>
  new Authio({ apiKey: local.secretKey, apiUrl: local.url, ...options });

describe("against the local Authio server", () => {
  test("a session pivoted into an organization: role and permissions of the admin role", async () => {
    const { accessToken, session } = await local.createSession({
      userId: "user_01HXlocalverify",
      organizationId: "org_01HXlocalverify",
    });
    const verified = await client().sessions.verify(accessToken);
    expect(verified).not.toBeNull();
    expect(verified?.sessionId).toBe(session.id);
    expect(verified?.userId).toBe("user_01HXlocalverify");
    expect(verified?.orgId).toBe("org_01HXlocalverify");
    expect(verified?.role).toBe("admin");
    expect(verified?.permissions.length).toBeGreaterThan(0);
    expect(verified?.claims.iss).toBe(local.issuer);
  });

  test("the server's issuer is the SDK's default issuer for that apiUrl", async () => {
    expect(local.issuer).toBe(local.url.replace(/\/+$/, ""));
  });

  test("rotation: tokens of the new key verify after one refetch, tokens of the retired key still do", async () => {
    const authio = client({ jwksCache: { unknownKidCooldown: 0 } });
    const before = await local.createSession({ userId: "user_01HXlocalverify", organizationId: null });
    expect(await authio.sessions.verify(before.accessToken)).not.toBeNull();

    const { kid } = local.rotateKeys({ publishDelaySeconds: 0, algorithm: "RS256" });
    const after = await local.createSession({ userId: "user_01HXlocalverify", organizationId: null });
    const header = JSON.parse(atob(after.accessToken.split(".")[0]!.replace(/-/g, "+").replace(/_/g, "/")));
    expect(header.kid).toBe(kid);
    expect(header.alg).toBe("RS256");

    expect(await authio.sessions.verify(after.accessToken)).not.toBeNull();
    expect(await authio.sessions.verify(before.accessToken)).not.toBeNull();
  });

  test("a token from another environment's key is refused", async () => {
    const other = await startLocal();
    try {
      await other.seed({ users: [{ id: "user_01HXother", email: "other@example.com" }] });
      const { accessToken } = await other.createSession({ userId: "user_01HXother", organizationId: null });
      // Its kid names no key of this environment: refused before its claims are even read.
      expect(await client().sessions.verifyDetailed(accessToken)).toEqual({
        ok: false,
        reason: "unknown_key",
      });
    } finally {
      await other.stop();
    }
  });

  test("a wrong secret key is invalid_api_key, never a refusal of the token", async () => {
    const { accessToken } = await local.createSession({
      userId: "user_01HXlocalverify",
      organizationId: null,
    });
    const authio = new Authio({ apiKey: "sk_test_not_this_one", apiUrl: local.url });
    await expect(authio.sessions.verify(accessToken)).rejects.toMatchObject({ code: "invalid_api_key" });
  });
});
