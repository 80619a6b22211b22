/**
 * Every error code of API.md §6 provoked against the local Authio server, and checked: code, status,
 * request id, retryability. The last test checks that this file provoked every API code the SDK knows.
 */
import { afterAll, beforeAll, describe, expect, test } from "vitest";
import { AUTHIO_ERROR_CODES, type Authio, AuthioError, type AuthioErrorCode } from "../src/index.ts";
import { clientFor, type LocalAuthio, startLocal, thrown, uid } from "./management-local.ts";

let local: LocalAuthio;
let authio: Authio;
const provoked = new Set<string>();

beforeAll(async () => {
  local = await startLocal();
  authio = clientFor(local, { maxRetries: 0 });
});
afterAll(() => local?.stop());

/** Runs `call`, checks the AuthioError it must throw, and returns it. */
async function expectCode(
  call: () => Promise<unknown>,
  code: AuthioErrorCode,
  status: number | null,
): Promise<AuthioError> {
  const err = await thrown(call);
  expect(err).toBeInstanceOf(AuthioError);
  const e = err as AuthioError;
  expect({ code: e.code, status: e.status }).toEqual({ code, status });
  if (status !== null) expect(e.requestId).toMatch(/^req_/);
  else expect(e.requestId).toBeNull();
  expect(e.message.length).toBeGreaterThan(0);
  expect(e.retryable).toBe(
    ["rate_limited", "internal_error", "service_unavailable", "network_error", "timeout"].includes(code),
  );
  provoked.add(code);
  return e;
}

describe("API error codes (API.md §6)", () => {
  test("400 invalid_request names the field", async () => {
    const e = await expectCode(
      () => authio.organizations.create({ name: "Bad", slug: "Not A Slug!" }),
      "invalid_request",
      400,
    );
    expect(e.details?.map((d) => d.field)).toContain("slug");
    // Unknown fields are named too.
    const unknown = await expectCode(
      () => authio.users.create({ email: `${uid()}@example.com`, nickname: "x" } as never),
      "invalid_request",
      400,
    );
    expect(unknown.details?.map((d) => d.field)).toContain("nickname");
    // And out-of-range query parameters.
    const limit = await expectCode(() => authio.organizations.list({ limit: 1000 }), "invalid_request", 400);
    expect(limit.details?.map((d) => d.field)).toContain("limit");
  });

  test("400 invalid_code", async () => {
    await expectCode(() => authio.sessions.authenticate({ code: "no-such-code" }), "invalid_code", 400);
  });

  test("401 invalid_api_key", async () => {
    const wrong = clientFor({ url: local.url, secretKey: "sk_test_wrongwrongwrong" });
    const e = await expectCode(() => wrong.organizations.list(), "invalid_api_key", 401);
    expect(`${e.message}${e.stack}${JSON.stringify(e)}`).not.toContain("wrongwrongwrong");
  });

  test("401 invalid_refresh_token and refresh_token_reused, then 409 session_inactive", async () => {
    await expectCode(
      () => authio.sessions.refresh({ refreshToken: "rt_unknown" }),
      "invalid_refresh_token",
      401,
    );
    const user = await authio.users.create({ email: `${uid("rt")}@example.com` });
    const { refreshToken, session } = await authio.sessions.create({ userId: user.id });
    await authio.sessions.refresh({ refreshToken });
    // A second call is a new request (new idempotency key): a reuse, which revokes the session.
    await expectCode(() => authio.sessions.refresh({ refreshToken }), "refresh_token_reused", 401);
    expect((await authio.sessions.get(session.id)).status).toBe("revoked");
    await expectCode(
      () => authio.sessions.switchOrg(session.id, { organizationId: "org_whatever" }),
      "session_inactive",
      409,
    );
  });

  test("403 not_a_member", async () => {
    const user = await authio.users.create({ email: `${uid("nm")}@example.com` });
    const org = await authio.organizations.create({ name: "Closed", slug: uid("closed-") });
    await expectCode(
      () => authio.sessions.create({ userId: user.id, organizationId: org.id }),
      "not_a_member",
      403,
    );
    const { session } = await authio.sessions.create({ userId: user.id });
    await expectCode(
      () => authio.sessions.switchOrg(session.id, { organizationId: org.id }),
      "not_a_member",
      403,
    );
  });

  test("404 not_found, for resources and sub-lists", async () => {
    await expectCode(() => authio.organizations.get("org_nope"), "not_found", 404);
    await expectCode(() => authio.users.listMemberships("user_nope"), "not_found", 404);
    await expectCode(() => authio.sessions.list("user_nope"), "not_found", 404);
    await expectCode(() => authio.memberships.add("org_nope", { userId: "user_nope" }), "not_found", 404);
  });

  test("409 slug_in_use, domain_in_use, email_in_use, already_member", async () => {
    const slug = uid("dup-");
    const org = await authio.organizations.create({ name: "Dup", slug, domain: `${slug}.example` });
    await expectCode(() => authio.organizations.create({ name: "Dup", slug }), "slug_in_use", 409);
    await expectCode(
      () => authio.organizations.create({ name: "Dup", slug: uid("other-"), domain: `${slug}.example` }),
      "domain_in_use",
      409,
    );
    const email = `${uid("dup")}@example.com`;
    const user = await authio.users.create({ email });
    await expectCode(() => authio.users.create({ email: email.toUpperCase() }), "email_in_use", 409);
    await authio.memberships.add(org.id, { userId: user.id });
    await expectCode(() => authio.memberships.add(org.id, { userId: user.id }), "already_member", 409);
  });

  test("409 idempotency_key_reused; the same key and body is replayed instead", async () => {
    const idempotencyKey = uid("key-");
    const slug = uid("idem-");
    const first = await authio.organizations.create({ name: "Idem", slug }, { idempotencyKey });
    const replay = await authio.organizations.create({ name: "Idem", slug }, { idempotencyKey });
    expect(replay.id).toBe(first.id);
    await expectCode(
      () => authio.organizations.create({ name: "Other", slug: uid("idem-") }, { idempotencyKey }),
      "idempotency_key_reused",
      409,
    );
  });

  test("413 payload_too_large", async () => {
    await expectCode(
      () =>
        authio.organizations.create({
          name: "Big",
          slug: uid("big-"),
          metadata: { blob: "x".repeat(1_100_000) },
        }),
      "payload_too_large",
      413,
    );
  });

  test("429 rate_limited with Retry-After", async () => {
    await local.faults.rateLimit({ limit: 1, windowSeconds: 60 });
    try {
      await authio.organizations.list().catch(() => undefined);
      const e = await expectCode(() => authio.organizations.list(), "rate_limited", 429);
      expect(e.retryAfter).toBeGreaterThan(0);
    } finally {
      await local.faults.rateLimit(null);
    }
  });

  test("500 internal_error and 503 service_unavailable", async () => {
    await local.faults.add({ kind: "status", status: 500, path: "/v1/organizations" });
    await expectCode(() => authio.organizations.list(), "internal_error", 500);
    await local.faults.add({ kind: "status", status: 503, retryAfter: 2, path: "/v1/organizations" });
    const e = await expectCode(() => authio.organizations.list(), "service_unavailable", 503);
    expect(e.retryAfter).toBe(2);
  });
});

describe("SDK error codes", () => {
  test("network_error: the connection is dropped", async () => {
    // Several: a runtime may itself repeat a request once when a reused connection dies (Bun does).
    await local.faults.add({ kind: "drop", path: "/v1/users", count: 5 });
    try {
      await expectCode(() => authio.users.list(), "network_error", null);
    } finally {
      await local.faults.clear();
    }
  });

  test("timeout: the answer stalls past the timeout", async () => {
    await local.faults.add({ kind: "stall", ms: 1_000, path: "/v1/users" });
    await expectCode(() => authio.users.list({}, { timeout: 100 }), "timeout", null);
  });

  test("invalid_response: a 2xx that is not the contract's JSON", async () => {
    // The hosted sign-in page answers HTML: an API client pointed at it gets no usable JSON.
    const wrong = clientFor({
      url: `${local.url}/v1/authorize?redirect_uri=http://localhost/cb&x=`,
      secretKey: local.secretKey,
    });
    const e = await thrown(() => wrong.organizations.list());
    expect(e).toBeInstanceOf(AuthioError);
    expect((e as AuthioError).code).toBe("invalid_response");
    provoked.add("invalid_response");
  });

  test("aborted and invalid_config", async () => {
    await expectCode(() => authio.users.list({}, { signal: AbortSignal.abort() }), "aborted", null);
    const e = await thrown(async () => clientFor(local, { maxRetries: -1 }));
    expect((e as AuthioError).code).toBe("invalid_config");
    provoked.add("invalid_config");
  });

  test("invalid_signature", async () => {
    await expectCode(
      () => authio.webhooks.constructEvent({ payload: "{}", signature: "t=1,v1=00", secret: "whsec_x" }),
      "invalid_signature",
      null,
    );
  });

  test("every code the SDK knows was provoked above", () => {
    expect([...provoked].sort()).toEqual([...AUTHIO_ERROR_CODES].sort());
  });
});
