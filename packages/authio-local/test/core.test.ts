import { createLocalJWKSet, jwtVerify } from "jose";
import { afterAll, beforeAll, describe, expect, it } from "vitest";
import type { LocalAuthio } from "../src/index.js";
import { type Api, apiFor, decodeJwt, expectError, startTestServer } from "./helpers.js";

let local: LocalAuthio;
let api: Api;

beforeAll(async () => {
  local = await startTestServer();
  api = apiFor(local);
});
afterAll(async () => {
  await local.stop();
});

async function newUser(email = `u${Math.random().toString(36).slice(2)}@example.com`) {
  const r = await api("POST", "/v1/users", { email });
  expect(r.status).toBe(201);
  return r.body as { id: string; email: string };
}
async function newOrg(slug = `o-${Math.random().toString(36).slice(2, 10)}`) {
  const r = await api("POST", "/v1/organizations", { name: `Org ${slug}`, slug });
  expect(r.status).toBe(201);
  return r.body as { id: string; slug: string; name: string };
}

describe("authentication and routing", () => {
  it("requires the secret key before routing, even for unknown paths", async () => {
    expectError(await api("GET", "/v1/organizations", undefined, { key: null }), 401, "invalid_api_key");
    expectError(await api("GET", "/v1/nope", undefined, { key: null }), 401, "invalid_api_key");
    expectError(await api("GET", "/v1/jwks", undefined, { key: "sk_test_wrong" }), 401, "invalid_api_key");
    expectError(
      await api("GET", "/v1/jwks", undefined, { key: null, headers: { authorization: "Basic abc" } }),
      401,
      "invalid_api_key",
    );
  });

  it("never echoes the secret key", async () => {
    const r = await api("GET", "/v1/jwks", undefined, { key: `${local.secretKey}x` });
    expect(r.text).not.toContain(local.secretKey);
  });

  it("answers 404 not_found for unknown paths and ids, with the request id", async () => {
    expectError(await api("GET", "/v1/nope"), 404, "not_found");
    expectError(await api("GET", "/v1/organizations/org_missing"), 404, "not_found");
    expectError(await api("GET", "/v1/users/user_missing/memberships"), 404, "not_found");
    expectError(await api("GET", "/v1/users/user_missing/sessions"), 404, "not_found");
  });

  it("puts X-Request-Id on every response", async () => {
    for (const r of [
      await api("GET", "/v1/jwks"),
      await api("GET", "/openapi.json", undefined, { key: null }),
    ]) {
      expect(r.headers.get("x-request-id")).toMatch(/^req_[0-9a-z]+$/);
    }
  });
});

describe("JWKS and tokens", () => {
  it("publishes ES256 keys with caching headers", async () => {
    const r = await api("GET", "/v1/jwks");
    expect(r.status).toBe(200);
    expect(r.headers.get("cache-control")).toBe("public, max-age=300");
    expect(r.body.keys).toHaveLength(1);
    const [key] = r.body.keys;
    expect(key).toMatchObject({ kty: "EC", crv: "P-256", alg: "ES256", use: "sig" });
    expect(key.kid).toMatch(/^key_/);
    expect(key.d).toBeUndefined();
  });

  it("mints access tokens with exactly the claims of §2, verifiable against the JWKS", async () => {
    const user = await newUser();
    const org = await newOrg();
    await api("POST", `/v1/organizations/${org.id}/memberships`, { userId: user.id, role: "admin" });
    const r = await api("POST", "/v1/sessions", { userId: user.id, organizationId: org.id });
    expect(r.status).toBe(201);
    const { session, accessToken, refreshToken } = r.body;
    expect(session).toMatchObject({
      object: "session",
      userId: user.id,
      organizationId: org.id,
      status: "active",
    });
    expect(session.id).toMatch(/^session_[0-9a-z]{16}$/);
    expect(typeof refreshToken).toBe("string");
    const { header, claims } = decodeJwt(accessToken);
    expect(header).toEqual({ alg: "ES256", kid: expect.stringMatching(/^key_/), typ: "JWT" });
    expect(Object.keys(claims).sort()).toEqual([
      "exp",
      "iat",
      "iss",
      "jti",
      "org_id",
      "permissions",
      "role",
      "sid",
      "sub",
    ]);
    expect(claims).toMatchObject({
      iss: local.url,
      sub: user.id,
      sid: session.id,
      org_id: org.id,
      role: "admin",
    });
    expect((claims.permissions as string[]).length).toBeGreaterThan(0);
    expect((claims.exp as number) - (claims.iat as number)).toBe(300);
    const jwks = createLocalJWKSet((await api("GET", "/v1/jwks")).body);
    const verified = await jwtVerify(accessToken, jwks, { issuer: local.url, algorithms: ["ES256"] });
    expect(verified.payload.sub).toBe(user.id);
  });

  it("leaves org claims out of unpivoted tokens and gives members no permissions", async () => {
    const user = await newUser();
    const org = await newOrg();
    await api("POST", `/v1/organizations/${org.id}/memberships`, { userId: user.id });
    const plain = decodeJwt((await api("POST", "/v1/sessions", { userId: user.id })).body.accessToken).claims;
    expect(Object.keys(plain).sort()).toEqual(["exp", "iat", "iss", "jti", "sid", "sub"]);
    const member = decodeJwt(
      (await api("POST", "/v1/sessions", { userId: user.id, organizationId: org.id })).body.accessToken,
    ).claims;
    expect(member).toMatchObject({ role: "member", permissions: [] });
  });

  it("creates sessions through the programmatic helper", async () => {
    const user = await newUser();
    const { session, accessToken } = await local.createSession({ userId: user.id });
    expect(session.userId).toBe(user.id);
    expect(decodeJwt(accessToken).claims.sid).toBe(session.id);
  });

  it("marks impersonated sessions with the act claim, through refreshes", async () => {
    const user = await newUser();
    const staff = await newUser();
    const s = await local.createSession({ userId: user.id, impersonatorId: staff.id });
    expect(decodeJwt(s.accessToken).claims).toMatchObject({ sub: user.id, act: { sub: staff.id } });
    const refreshed = await api("POST", "/v1/sessions/refresh", { refreshToken: s.refreshToken });
    expect(decodeJwt(refreshed.body.accessToken).claims.act).toEqual({ sub: staff.id });
    await expect(local.createSession({ userId: user.id, impersonatorId: "user_nobody" })).rejects.toThrow(
      /No such user/,
    );
  });

  it("rejects sessions for non-members and unknown users", async () => {
    const user = await newUser();
    const org = await newOrg();
    expectError(
      await api("POST", "/v1/sessions", { userId: user.id, organizationId: org.id }),
      403,
      "not_a_member",
    );
    expectError(await api("POST", "/v1/sessions", { userId: "user_nobody" }), 404, "not_found");
  });
});

describe("organizations", () => {
  it("creates, reads, updates and deletes", async () => {
    const created = await api("POST", "/v1/organizations", {
      name: "Acme Corp",
      slug: "acme-crud",
      domain: "Acme-Crud.com",
      metadata: { plan: "pro" },
    });
    expect(created.status).toBe(201);
    expect(created.body).toMatchObject({
      object: "organization",
      slug: "acme-crud",
      domain: "acme-crud.com",
      metadata: { plan: "pro" },
    });
    expect(created.body.id).toMatch(/^org_[0-9a-z]{16}$/);
    const id = created.body.id;
    expect((await api("GET", `/v1/organizations/${id}`)).body).toEqual(created.body);
    const updated = await api("PATCH", `/v1/organizations/${id}`, { name: "Acme Inc", domain: null });
    expect(updated.status).toBe(200);
    expect(updated.body).toMatchObject({ name: "Acme Inc", domain: null, slug: "acme-crud" });
    const del = await api("DELETE", `/v1/organizations/${id}`);
    expect(del.status).toBe(204);
    expect(del.text).toBe("");
    expectError(await api("GET", `/v1/organizations/${id}`), 404, "not_found");
    expectError(await api("DELETE", `/v1/organizations/${id}`), 404, "not_found");
    expectError(await api("PATCH", `/v1/organizations/${id}`, { name: "x" }), 404, "not_found");
  });

  it("enforces unique slugs and domains, and frees them on delete", async () => {
    const a = await api("POST", "/v1/organizations", { name: "A", slug: "uniq-a", domain: "uniq-a.com" });
    expectError(await api("POST", "/v1/organizations", { name: "B", slug: "uniq-a" }), 409, "slug_in_use");
    expectError(
      await api("POST", "/v1/organizations", { name: "B", slug: "uniq-b", domain: "UNIQ-A.com" }),
      409,
      "domain_in_use",
    );
    const b = await api("POST", "/v1/organizations", { name: "B", slug: "uniq-b" });
    expectError(await api("PATCH", `/v1/organizations/${b.body.id}`, { slug: "uniq-a" }), 409, "slug_in_use");
    await api("DELETE", `/v1/organizations/${a.body.id}`);
    expect(
      (await api("POST", "/v1/organizations", { name: "A2", slug: "uniq-a", domain: "uniq-a.com" })).status,
    ).toBe(201);
  });

  it("filters by slug and domain", async () => {
    const org = await api("POST", "/v1/organizations", { name: "F", slug: "filter-me", domain: "filter.me" });
    const bySlug = await api("GET", "/v1/organizations?slug=filter-me");
    expect(bySlug.body.data.map((o: { id: string }) => o.id)).toEqual([org.body.id]);
    const byDomain = await api("GET", "/v1/organizations?domain=FILTER.me");
    expect(byDomain.body.data.map((o: { id: string }) => o.id)).toEqual([org.body.id]);
    expect((await api("GET", "/v1/organizations?slug=nothing-here")).body).toEqual({
      object: "list",
      data: [],
      listMetadata: { before: null, after: null },
    });
  });

  it("reports every invalid field", async () => {
    const r = await api("POST", "/v1/organizations", {
      name: 5,
      slug: "Bad Slug!",
      domain: "not a domain",
      metadata: { a: 1 },
      id: "org_x",
      createdAt: "now",
      colour: "red",
    });
    const error = expectError(r, 400, "invalid_request");
    const fields = error.details!.map((d) => `${d.field}:${d.code}`).sort();
    expect(fields).toEqual([
      "colour:unknown_field",
      "createdAt:read_only",
      "domain:invalid",
      "id:read_only",
      "metadata.a:invalid_type",
      "name:invalid_type",
      "slug:invalid",
    ]);
    const missing = expectError(await api("POST", "/v1/organizations", {}), 400, "invalid_request");
    expect(missing.details!.map((d) => d.field).sort()).toEqual(["name", "slug"]);
    const tooShort = expectError(
      await api("POST", "/v1/organizations", { name: "x", slug: "a" }),
      400,
      "invalid_request",
    );
    expect(tooShort.details![0]!.field).toBe("slug");
    const tooLong = expectError(
      await api("POST", "/v1/organizations", { name: "x", slug: "a".repeat(65) }),
      400,
      "invalid_request",
    );
    expect(tooLong.details![0]!.field).toBe("slug");
    expect((await api("POST", "/v1/organizations", { name: "x", slug: "a".repeat(64) })).status).toBe(201);
  });

  it("rejects malformed JSON and non-object bodies", async () => {
    expectError(await api("POST", "/v1/organizations", undefined, { raw: "{nope" }), 400, "invalid_request");
    const arr = expectError(await api("POST", "/v1/organizations", [1, 2]), 400, "invalid_request");
    expect(arr.details![0]!.field).toBe("body");
  });

  it("caps bodies at exactly 1 MiB", async () => {
    const exact = (size: number) => {
      const prefix = '{"name":"big","slug":"big-body","metadata":{},"x":"';
      return `${prefix}${"a".repeat(size - prefix.length - 2)}"}`;
    };
    const atLimit = await api("POST", "/v1/organizations", undefined, {
      raw: exact(1_048_576),
      headers: { "content-type": "application/json" },
    });
    // Accepted by the size check: the unknown field `x` is what fails.
    expect(Buffer.byteLength(exact(1_048_576))).toBe(1_048_576);
    expectError(atLimit, 400, "invalid_request");
    expectError(
      await api("POST", "/v1/organizations", undefined, { raw: exact(1_048_577) }),
      413,
      "payload_too_large",
    );
  });

  it("caps chunked bodies without a Content-Length too", async () => {
    const chunk = new Uint8Array(64 * 1024).fill(0x61);
    let sent = 0;
    const body = new ReadableStream<Uint8Array>({
      pull(controller) {
        // 2 MiB in 64 KiB chunks: the server answers 413 once it has read more than 1 MiB.
        if (sent >= 32) controller.close();
        else {
          sent++;
          controller.enqueue(chunk);
        }
      },
    });
    const response = await fetch(`${local.url}/v1/organizations`, {
      method: "POST",
      headers: { authorization: `Bearer ${local.secretKey}` },
      body,
      duplex: "half",
    } as RequestInit);
    expect(response.status).toBe(413);
    expect(((await response.json()) as { error: { code: string } }).error.code).toBe("payload_too_large");
  });
});

describe("users", () => {
  it("creates with defaults, enforces case-insensitive unique emails, updates and deletes", async () => {
    const r = await api("POST", "/v1/users", { email: "Mixed.Case@Example.com" });
    expect(r.status).toBe(201);
    expect(r.body).toMatchObject({
      object: "user",
      email: "Mixed.Case@Example.com",
      emailVerified: false,
      firstName: null,
      lastName: null,
      metadata: {},
    });
    expect(r.body.id).toMatch(/^user_[0-9a-z]{16}$/);
    expectError(await api("POST", "/v1/users", { email: "mixed.case@example.com" }), 409, "email_in_use");
    const byEmail = await api("GET", "/v1/users?email=MIXED.case@example.com");
    expect(byEmail.body.data).toHaveLength(1);
    const patched = await api("PATCH", `/v1/users/${r.body.id}`, { firstName: "Ada", emailVerified: true });
    expect(patched.body).toMatchObject({ firstName: "Ada", emailVerified: true });
    expectError(await api("PATCH", `/v1/users/${r.body.id}`, { email: "bad" }), 400, "invalid_request");
    expect((await api("DELETE", `/v1/users/${r.body.id}`)).status).toBe(204);
    expectError(await api("GET", `/v1/users/${r.body.id}`), 404, "not_found");
    expect((await api("POST", "/v1/users", { email: "mixed.case@example.com" })).status).toBe(201);
  });

  it("revokes the sessions of a deleted user", async () => {
    const user = await newUser();
    const { body } = await api("POST", "/v1/sessions", { userId: user.id });
    await api("DELETE", `/v1/users/${user.id}`);
    expect((await api("GET", `/v1/sessions/${body.session.id}`)).body.status).toBe("revoked");
    expectError(
      await api("POST", "/v1/sessions/refresh", { refreshToken: body.refreshToken }),
      409,
      "session_inactive",
    );
  });
});

describe("memberships", () => {
  it("adds, lists, updates and removes; a removed member can come back", async () => {
    const user = await newUser();
    const org = await newOrg();
    const added = await api("POST", `/v1/organizations/${org.id}/memberships`, { userId: user.id });
    expect(added.status).toBe(201);
    expect(added.body).toMatchObject({
      object: "membership",
      organizationId: org.id,
      userId: user.id,
      role: "member",
      status: "active",
    });
    expect(added.body.id).toMatch(/^om_/);
    expectError(
      await api("POST", `/v1/organizations/${org.id}/memberships`, { userId: user.id }),
      409,
      "already_member",
    );
    expectError(
      await api("POST", `/v1/organizations/org_nope/memberships`, { userId: user.id }),
      404,
      "not_found",
    );
    expectError(
      await api("POST", `/v1/organizations/${org.id}/memberships`, { userId: "user_nope" }),
      404,
      "not_found",
    );
    expectError(
      await api("POST", `/v1/organizations/${org.id}/memberships`, { userId: user.id, role: "owner" }),
      400,
      "invalid_request",
    );
    const list = await api("GET", `/v1/organizations/${org.id}/memberships`);
    expect(list.body.data).toHaveLength(1);
    const mine = await api("GET", `/v1/users/${user.id}/memberships`);
    expect(mine.body.data[0]).toMatchObject({
      organization: { id: org.id, name: org.name, slug: org.slug },
      role: "member",
    });
    const updated = await api("PATCH", `/v1/organizations/${org.id}/memberships/${user.id}`, {
      role: "admin",
    });
    expect(updated.body.role).toBe("admin");
    expect((await api("DELETE", `/v1/organizations/${org.id}/memberships/${user.id}`)).status).toBe(204);
    expectError(await api("DELETE", `/v1/organizations/${org.id}/memberships/${user.id}`), 404, "not_found");
    expect((await api("POST", `/v1/organizations/${org.id}/memberships`, { userId: user.id })).status).toBe(
      201,
    );
  });

  it("cascades: deleting an organization removes its memberships and unpivots its sessions", async () => {
    const user = await newUser();
    const org = await newOrg();
    await api("POST", `/v1/organizations/${org.id}/memberships`, { userId: user.id, role: "admin" });
    const s = (await api("POST", "/v1/sessions", { userId: user.id, organizationId: org.id })).body;
    await api("DELETE", `/v1/organizations/${org.id}`);
    expect((await api("GET", `/v1/users/${user.id}/memberships`)).body.data).toEqual([]);
    const session = (await api("GET", `/v1/sessions/${s.session.id}`)).body;
    expect(session).toMatchObject({ status: "active", organizationId: null });
    const refreshed = await api("POST", "/v1/sessions/refresh", { refreshToken: s.refreshToken });
    expect(refreshed.status).toBe(200);
    expect(decodeJwt(refreshed.body.accessToken).claims.org_id).toBeUndefined();
  });
});

describe("sessions", () => {
  it("switches organization, revokes, and lists a user's sessions", async () => {
    const user = await newUser();
    const [a, b, c] = [await newOrg(), await newOrg(), await newOrg()];
    await api("POST", `/v1/organizations/${a.id}/memberships`, { userId: user.id, role: "admin" });
    await api("POST", `/v1/organizations/${b.id}/memberships`, { userId: user.id });
    const { session } = (await api("POST", "/v1/sessions", { userId: user.id, organizationId: a.id })).body;
    const switched = await api("POST", `/v1/sessions/${session.id}/switch-org`, { organizationId: b.id });
    expect(switched.status).toBe(200);
    expect(switched.body.session.organizationId).toBe(b.id);
    expect(decodeJwt(switched.body.accessToken).claims).toMatchObject({
      org_id: b.id,
      role: "member",
      permissions: [],
    });
    expectError(
      await api("POST", `/v1/sessions/${session.id}/switch-org`, { organizationId: c.id }),
      403,
      "not_a_member",
    );
    expectError(
      await api("POST", `/v1/sessions/session_nope/switch-org`, { organizationId: a.id }),
      404,
      "not_found",
    );
    expectError(
      await api("POST", `/v1/sessions/${session.id}/switch-org`, { organizationId: "org_nope" }),
      404,
      "not_found",
    );
    const revoked = await api("POST", `/v1/sessions/${session.id}/revoke`);
    expect(revoked.status).toBe(200);
    expect(revoked.body.status).toBe("revoked");
    expectError(
      await api("POST", `/v1/sessions/${session.id}/switch-org`, { organizationId: a.id }),
      409,
      "session_inactive",
    );
    expectError(await api("POST", `/v1/sessions/session_nope/revoke`), 404, "not_found");
    const list = await api("GET", `/v1/users/${user.id}/sessions`);
    expect(list.body.data.map((s: { id: string }) => s.id)).toEqual([session.id]);
    expectError(await api("GET", "/v1/sessions/session_nope"), 404, "not_found");
  });

  it("rotates refresh tokens and detects reuse", async () => {
    const user = await newUser();
    const org = await newOrg();
    await api("POST", `/v1/organizations/${org.id}/memberships`, { userId: user.id });
    const first = (await api("POST", "/v1/sessions", { userId: user.id })).body;
    const second = await api("POST", "/v1/sessions/refresh", {
      refreshToken: first.refreshToken,
      organizationId: org.id,
    });
    expect(second.status).toBe(200);
    expect(second.body.refreshToken).not.toBe(first.refreshToken);
    expect(second.body.session.organizationId).toBe(org.id);
    expect(decodeJwt(second.body.accessToken).claims.org_id).toBe(org.id);
    const third = await api("POST", "/v1/sessions/refresh", { refreshToken: second.body.refreshToken });
    expect(third.status).toBe(200);
    // Presenting the first token again revokes the session…
    expectError(
      await api("POST", "/v1/sessions/refresh", { refreshToken: first.refreshToken }),
      401,
      "refresh_token_reused",
    );
    expect((await api("GET", `/v1/sessions/${first.session.id}`)).body.status).toBe("revoked");
    // …after which every token of that session, even the newest, is inactive.
    expectError(
      await api("POST", "/v1/sessions/refresh", { refreshToken: third.body.refreshToken }),
      409,
      "session_inactive",
    );
    expectError(
      await api("POST", "/v1/sessions/refresh", { refreshToken: "rt_unknown" }),
      401,
      "invalid_refresh_token",
    );
    expectError(await api("POST", "/v1/sessions/refresh", {}), 400, "invalid_request");
  });

  it("refuses a refresh into an organization the user is not in", async () => {
    const user = await newUser();
    const org = await newOrg();
    const s = (await api("POST", "/v1/sessions", { userId: user.id })).body;
    expectError(
      await api("POST", "/v1/sessions/refresh", { refreshToken: s.refreshToken, organizationId: org.id }),
      403,
      "not_a_member",
    );
  });

  it("expires refresh tokens with the session", async () => {
    const user = await newUser();
    const s = await local.createSession({ userId: user.id });
    local.setClockOffset(31 * 24 * 3600);
    try {
      expect((await api("GET", `/v1/sessions/${s.session.id}`)).body.status).toBe("expired");
      expectError(
        await api("POST", "/v1/sessions/refresh", { refreshToken: s.refreshToken }),
        401,
        "invalid_refresh_token",
      );
    } finally {
      local.setClockOffset(0);
    }
  });

  it("rejects an invalid sign-in code", async () => {
    expectError(await api("POST", "/v1/sessions/authenticate", { code: "code_nope" }), 400, "invalid_code");
    expectError(await api("POST", "/v1/sessions/authenticate", {}), 400, "invalid_request");
  });
});
