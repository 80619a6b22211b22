import { afterAll, beforeAll, beforeEach, describe, expect, it } from "vitest";
import type { LocalAuthio } from "../src/index.js";
import { type Api, apiFor, expectError, startTestServer } from "./helpers.js";

let local: LocalAuthio;
let api: Api;

beforeAll(async () => {
  local = await startTestServer();
  api = apiFor(local);
});
afterAll(async () => {
  await local.stop();
});
beforeEach(async () => {
  await api("DELETE", "/v1/_local/faults");
});

describe("fault injection", () => {
  it("is guarded by the secret key", async () => {
    expectError(
      await api("POST", "/v1/_local/faults", { faults: [] }, { key: null }),
      401,
      "invalid_api_key",
    );
    expectError(
      await api("GET", "/v1/_local/config", undefined, { key: "sk_test_nope" }),
      401,
      "invalid_api_key",
    );
  });

  it("fails the next N requests with a status, then recovers", async () => {
    const added = await api("POST", "/v1/_local/faults", {
      faults: [{ kind: "status", status: 503, count: 2 }],
    });
    expect(added.status).toBe(201);
    expectError(await api("GET", "/v1/jwks"), 503, "service_unavailable");
    expectError(await api("GET", "/v1/organizations"), 503, "service_unavailable");
    expect((await api("GET", "/v1/jwks")).status).toBe(200);
  });

  it("adds Retry-After and filters by method and path", async () => {
    await api("POST", "/v1/_local/faults", {
      faults: [{ kind: "status", status: 500, retryAfter: 2, method: "POST", path: "/v1/users" }],
    });
    expect((await api("GET", "/v1/users")).status).toBe(200);
    expect((await api("POST", "/v1/organizations", { name: "Ok", slug: "ok-path" })).status).toBe(201);
    const failed = await api("POST", "/v1/users", { email: "fault@x.test" });
    expectError(failed, 500, "internal_error");
    expect(failed.headers.get("retry-after")).toBe("2");
    expect((await api("GET", "/v1/users?email=fault@x.test")).body.data).toEqual([]);
  });

  it("drops connections", async () => {
    await api("POST", "/v1/_local/faults", { faults: [{ kind: "drop", count: 1 }] });
    await expect(api("GET", "/v1/jwks")).rejects.toThrow();
    expect((await api("GET", "/v1/jwks")).status).toBe(200);
  });

  it("stalls a request, then drops it", async () => {
    await api("POST", "/v1/_local/faults", { faults: [{ kind: "stall", ms: 300 }] });
    await expect(api("GET", "/v1/jwks")).rejects.toThrow();
    expect((await api("GET", "/v1/jwks")).status).toBe(200);
  });

  it("loses the response after the write commits with when: after", async () => {
    await api("POST", "/v1/_local/faults", {
      faults: [{ kind: "drop", when: "after", path: "/v1/organizations" }],
    });
    const headers = { "idempotency-key": "lost-response-1" };
    await expect(
      api("POST", "/v1/organizations", { name: "Lost", slug: "lost-response" }, { headers }),
    ).rejects.toThrow();
    // The write happened; a retry with the same key gets the original answer, not a duplicate or a 409.
    const retry = await api(
      "POST",
      "/v1/organizations",
      { name: "Lost", slug: "lost-response" },
      { headers },
    );
    expect(retry.status).toBe(201);
    expect(retry.headers.get("idempotent-replayed")).toBe("true");
  });

  it("rate-limits after N requests with Retry-After", async () => {
    await api("POST", "/v1/_local/faults", { rateLimit: { limit: 3, windowSeconds: 60 } });
    for (let i = 0; i < 3; i++) expect((await api("GET", "/v1/jwks")).status).toBe(200);
    const limited = await api("GET", "/v1/jwks");
    expectError(limited, 429, "rate_limited");
    expect(Number(limited.headers.get("retry-after"))).toBeGreaterThan(0);
    // The admin surface is never limited, so the test can always clean up.
    expect((await api("GET", "/v1/_local/faults")).body.rateLimit).toEqual({ limit: 3, windowSeconds: 60 });
    await api("DELETE", "/v1/_local/faults");
    expect((await api("GET", "/v1/jwks")).status).toBe(200);
  });

  it("applies probabilistic faults", async () => {
    await api("POST", "/v1/_local/faults", {
      faults: [{ kind: "status", status: 503, probability: 1, count: 3 }],
    });
    const statuses = [];
    for (let i = 0; i < 4; i++) statuses.push((await api("GET", "/v1/jwks")).status);
    expect(statuses).toEqual([503, 503, 503, 200]);
  });

  it("validates fault rules", async () => {
    const e = expectError(
      await api("POST", "/v1/_local/faults", {
        faults: [{ kind: "explode" }, { kind: "status" }, { kind: "drop", probability: 2 }],
      }),
      400,
      "invalid_request",
    );
    expect(e.details!.map((d) => d.field).sort()).toEqual(["faults[0].kind"]);
  });

  it("configures faults at start", async () => {
    const other = await startTestServer({ faults: [{ kind: "status", status: 503 }] });
    try {
      const otherApi = apiFor(other);
      expectError(await otherApi("GET", "/v1/jwks"), 503, "service_unavailable");
      expect((await otherApi("GET", "/v1/jwks")).status).toBe(200);
    } finally {
      await other.stop();
    }
  });
});

describe("runtime knobs", () => {
  it("changes the token lifetime and the clock through /v1/_local/config", async () => {
    const user = (await api("POST", "/v1/users", { email: "knobs@x.test" })).body;
    const patched = await api("PATCH", "/v1/_local/config", {
      accessTokenTtlSeconds: 60,
      clockOffsetSeconds: -3600,
    });
    expect(patched.body).toEqual({ accessTokenTtlSeconds: 60, clockOffsetSeconds: -3600 });
    try {
      const { accessToken } = (await api("POST", "/v1/sessions", { userId: user.id })).body;
      const claims = JSON.parse(Buffer.from(accessToken.split(".")[1], "base64url").toString());
      expect(claims.exp - claims.iat).toBe(60);
      expect(Math.abs(claims.iat - (Date.now() / 1000 - 3600))).toBeLessThan(120);
    } finally {
      await api("PATCH", "/v1/_local/config", { accessTokenTtlSeconds: 300, clockOffsetSeconds: 0 });
    }
    expectError(
      await api("PATCH", "/v1/_local/config", { accessTokenTtlSeconds: 0 }),
      400,
      "invalid_request",
    );
  });

  it("signs arbitrary claims for verifier tests", async () => {
    const r = await api("POST", "/v1/_local/tokens", { claims: { sub: "user_x", sid: "session_x", exp: 1 } });
    expect(r.status).toBe(201);
    expect(r.body.token.split(".")).toHaveLength(3);
  });

  it("seeds and resets", async () => {
    const seeded = await api("POST", "/v1/_local/seed", {
      users: [{ email: "seeded@x.test" }],
      organizations: [{ name: "Seeded", slug: "seeded" }],
      memberships: [{ user: "seeded@x.test", organization: "seeded", role: "admin" }],
    });
    expect(seeded.status).toBe(200);
    expect(seeded.body.users["seeded@x.test"]).toMatch(/^user_/);
    const again = await api("POST", "/v1/_local/seed", { users: [{ email: "seeded@x.test" }] });
    expect(again.body.users["seeded@x.test"]).toBe(seeded.body.users["seeded@x.test"]);
    expectError(
      await api("POST", "/v1/_local/seed", {
        memberships: [{ user: "nobody@x.test", organization: "seeded" }],
      }),
      400,
      "invalid_request",
    );
    expectError(await api("POST", "/v1/_local/reset", {}), 400, "invalid_request");
    expect((await api("POST", "/v1/_local/reset", { confirm: true })).status).toBe(204);
    expect((await api("GET", "/v1/users")).body.data).toEqual([]);
  });
});
