import { readFileSync } from "node:fs";
import {
  type ConformanceCase,
  type ConformanceEnvironment,
  type ConformanceTarget,
  conformanceCases,
  createTestKey,
  runConformanceCase,
  signToken,
  startConformanceEnvironment,
} from "@authio/test-kit";
import { afterAll, beforeAll, describe, expect, it } from "vitest";
import { type RawResponse, send } from "./http.ts";
import { type NextVersion, type RunningApp, startFixture } from "./next-app.ts";

/**
 * The fixture app's suite over HTTP — route handlers, server components, the proxy, the README
 * examples and the shared conformance matrix — for one Next version.
 */
export function defineAppSuite(version: NextVersion): void {
  // Two `next start`s of the fixture (built once by test/support/global-setup.ts): one whose signing keys are served, one whose keys can
  // never be fetched (the 503 cases of the conformance matrix).
  let env: ConformanceEnvironment;
  let app: RunningApp;
  let unavailableApp: RunningApp;

  beforeAll(async () => {
    env = await startConformanceEnvironment();
    [app, unavailableApp] = await Promise.all([
      startFixture(env.env, version),
      startFixture(env.unavailableEnv, version),
    ]);
  }, 120_000);

  afterAll(async () => {
    await Promise.all([app?.stop(), unavailableApp?.stop()]);
    await env?.close();
  });

  const get = (path: string, headers: Record<string, string> | [string, string][] = {}) =>
    send(app.url, path, { headers });
  const bearer = (token: string) => ({ authorization: `Bearer ${token}` });
  const token = (claims: Record<string, unknown> = {}, ttl?: number) =>
    signToken(env.key, env.jwks.url, { claims, ...(ttl === undefined ? {} : { ttl }) });

  function expectUnauthenticated(res: RawResponse, challenge: "plain" | "invalid_token") {
    expect(res.status, res.text).toBe(401);
    expect(res.headers["content-type"]).toMatch(/^application\/json/);
    expect(res.json()).toEqual({ error: { code: "unauthenticated", message: expect.any(String) } });
    if (challenge === "plain") expect(res.headers["www-authenticate"]).toBe('Bearer realm="authio"');
    else expect(res.headers["www-authenticate"]).toMatch(/^Bearer realm="authio", error="invalid_token"/);
  }

  describe("route handlers: withSession", () => {
    it("answers 401 without credentials, with no error attribute", async () => {
      expectUnauthenticated(await get("/api/open/me"), "plain");
    });

    it("answers 401 invalid_token for a bad token, echoing none of it", async () => {
      const res = await get("/api/open/me", bearer("not.a.jwt-SECRETMARKER"));
      expectUnauthenticated(res, "invalid_token");
      expect(JSON.stringify(res.headers) + res.text).not.toContain("SECRETMARKER");
    });

    it("answers 401 invalid_token for another Authorization scheme", async () => {
      expectUnauthenticated(
        await get("/api/open/me", { authorization: "Basic dXNlcjpwYXNz" }),
        "invalid_token",
      );
    });

    it("answers 401 for a token signed by a key outside the JWKS", async () => {
      const stranger = await createTestKey("ES256", "key_stranger");
      const forged = await signToken(stranger, env.jwks.url);
      expectUnauthenticated(await get("/api/open/me", bearer(forged)), "invalid_token");
    });

    it("answers 401 for a bad cookie token", async () => {
      expectUnauthenticated(await get("/api/open/me", { cookie: "authio_session=garbage" }), "invalid_token");
    });

    it("HEAD is denied like GET, without a body", async () => {
      const res = await send(app.url, "/api/open/me", { method: "HEAD" });
      expect(res.status).toBe(401);
      expect(res.text).toBe("");
      expect(res.headers["www-authenticate"]).toBe('Bearer realm="authio"');
    });

    it("never answers a CORS preflight with 401", async () => {
      const res = await send(app.url, "/api/open/me", {
        method: "OPTIONS",
        headers: { origin: "https://elsewhere.example", "access-control-request-method": "GET" },
      });
      expect(res.status).not.toBe(401);
      expect(res.status).toBeLessThan(300);
    });

    it("cannot be bypassed by headers a proxy might set, or the CVE-2025-29927 subrequest header", async () => {
      for (const headers of [
        { "x-middleware-subrequest": "proxy:proxy:proxy:proxy:proxy" },
        { "x-middleware-subrequest": "middleware:middleware:middleware:middleware:middleware" },
        { "x-authio-session": JSON.stringify({ userId: "user_forged" }), "x-authio-user-id": "user_forged" },
        { "x-middleware-next": "1", "x-middleware-override-headers": "authorization" },
      ]) {
        // `/api/me` is protected by the proxy, `/api/open/me` only by its handler: both must refuse.
        for (const path of ["/api/me", "/api/open/me"]) {
          const res = await get(path, headers);
          expect(res.status, `${path} ${JSON.stringify(headers)}`).toBe(401);
          expect(res.text).not.toContain("user_forged");
        }
      }
    });
  });

  describe("route handlers: withOptionalSession", () => {
    it("serves anonymous requests with session null and private caching", async () => {
      const res = await get("/api/optional");
      expect(res.status).toBe(200);
      expect(res.json()).toEqual({ userId: null });
      expect(res.headers["cache-control"]).toMatch(/private/);
      expect(res.headers.vary).toMatch(/Authorization/);
      expect(res.headers.vary).toMatch(/Cookie/);
    });

    it("treats a refused token as no session, never as a user", async () => {
      const res = await get("/api/optional", bearer("bad.token.here"));
      expect(res.status).toBe(200);
      expect(res.json()).toEqual({ userId: null });
    });
  });

  describe("server component: getSession()", () => {
    it("renders anonymous without credentials", async () => {
      const res = await get("/whoami");
      expect(res.status).toBe(200);
      expect(res.text).toContain(">anonymous<");
    });

    it("renders anonymous for a refused cookie and for forged headers", async () => {
      const res = await get("/whoami", {
        cookie: "authio_session=forged",
        "x-middleware-subrequest": "proxy:proxy:proxy:proxy:proxy",
        "x-authio-user-id": "user_forged",
      });
      expect(res.status).toBe(200);
      expect(res.text).toContain(">anonymous<");
      expect(res.text).not.toContain("user_forged");
    });

    it("fails the render, rather than showing the user signed out, when the keys cannot be had", async () => {
      const res = await send(unavailableApp.url, "/whoami", {
        headers: { cookie: `authio_session=${env.tokens.userAtUnavailable}` },
      });
      expect(res.status).toBe(500);
      expect(res.text).not.toContain(">anonymous<");
      // Without credentials there is nothing to verify: the page renders.
      const anonymous = await send(unavailableApp.url, "/whoami");
      expect(anonymous.status).toBe(200);
      expect(anonymous.text).toContain(">anonymous<");
    });
  });

  describe("server action: getSession()", () => {
    /** Calls the fixture's one server action the way Next's client does (its id from the build). */
    async function callAction(headers: Record<string, string>): Promise<RawResponse> {
      const dir = version === "next16" ? "../fixture/" : "../fixture-next15/";
      const manifest = JSON.parse(
        readFileSync(new URL(`${dir}.next/server/server-reference-manifest.json`, import.meta.url), "utf8"),
      ) as { node: Record<string, unknown> };
      const ids = Object.keys(manifest.node);
      expect(ids).toHaveLength(1);
      return send(app.url, "/action", {
        method: "POST",
        headers: {
          "next-action": ids[0] as string,
          "content-type": "text/plain;charset=UTF-8",
          accept: "text/x-component",
          origin: app.url,
          ...headers,
        },
        body: "[]",
      });
    }

    it("sees the verified session", async () => {
      const res = await callAction({ cookie: `authio_session=${await token({ sub: "user_action" })}` });
      expect(res.status, res.text).toBe(200);
      expect(res.text).toContain('"action-user:user_action"');
    });

    it("is anonymous without credentials, and with forged headers or a bad token", async () => {
      for (const headers of [
        {},
        { "x-authio-user-id": "user_forged", "x-middleware-subrequest": "proxy:proxy:proxy:proxy:proxy" },
        { cookie: "authio_session=forged" },
      ]) {
        const res = await callAction(headers);
        expect(res.status, res.text).toBe(200);
        expect(res.text).toContain('"action-anonymous"');
      }
    });

    it("is refused by Next from another origin, even with a valid cookie", async () => {
      const res = await callAction({
        cookie: `authio_session=${await token({ sub: "user_action" })}`,
        origin: "https://evil.example",
      });
      expect(res.text).not.toContain("action-user:");
    });
  });

  describe("with a valid token", () => {
    it("withSession passes the typed session (Bearer)", async () => {
      const res = await get("/api/me", bearer(await token({ sub: "user_alice", sid: "session_a" })));
      expect(res.status, res.text).toBe(200);
      expect(res.json()).toEqual({ userId: "user_alice", sessionId: "session_a", orgId: null });
      expect(res.headers["cache-control"]).toMatch(/private/);
      expect(res.headers.vary).toMatch(/Authorization/);
    });

    it("withSession accepts the session cookie", async () => {
      const res = await get("/api/me", { cookie: `authio_session=${await token({ sub: "user_cookie" })}` });
      expect(res.status, res.text).toBe(200);
      expect(res.json()).toMatchObject({ userId: "user_cookie" });
    });

    it("POST handlers get the request body", async () => {
      const res = await send(app.url, "/api/me", {
        method: "POST",
        headers: { ...bearer(await token({ sub: "user_post" })), "content-type": "application/json" },
        body: JSON.stringify({ hello: 1 }),
      });
      expect(res.status, res.text).toBe(200);
      expect(res.json()).toEqual({ userId: "user_post", echo: { hello: 1 } });
    });

    it("keeps Next's route params", async () => {
      const res = await get("/api/items/item_42", bearer(await token({ sub: "user_p" })));
      expect(res.status, res.text).toBe(200);
      expect(res.json()).toEqual({ id: "item_42", userId: "user_p", path: "/api/items/item_42" });
    });

    it("the factory-bound client works", async () => {
      const res = await get("/api/factory", bearer(await token({ sub: "user_f" })));
      expect(res.status, res.text).toBe(200);
      expect(res.json()).toEqual({ userId: "user_f", via: "factory" });
    });

    it("an expired token is refused", async () => {
      expectUnauthenticated(await get("/api/me", bearer(await token({}, -60))), "invalid_token");
    });

    it("a token for another issuer is refused", async () => {
      const other = await signToken(env.key, "https://other.example");
      expectUnauthenticated(await get("/api/me", bearer(other)), "invalid_token");
    });

    it("organization, role and permission requirements answer 403 insufficient_scope", async () => {
      const noOrg = await token();
      const member = await token({ org_id: "org_1", role: "member", permissions: ["posts:read"] });
      const admin = await token({ org_id: "org_1", role: "admin", permissions: ["billing:read"] });
      const cases: [string, string, number][] = [
        ["/api/org", noOrg, 403],
        ["/api/org", member, 200],
        ["/api/admin", noOrg, 403],
        ["/api/admin", member, 403],
        ["/api/admin", admin, 200],
        ["/api/billing", member, 403],
        ["/api/billing", admin, 200],
      ];
      for (const [path, t, status] of cases) {
        const res = await get(path, bearer(t));
        expect(res.status, `${path}: ${res.text}`).toBe(status);
        if (status === 403) {
          expect(res.json()).toEqual({ error: { code: "forbidden", message: expect.any(String) } });
          expect(res.headers["www-authenticate"]).toMatch(/error="insufficient_scope"/);
        }
      }
    });

    it("optional session is filled in when valid", async () => {
      const res = await get("/api/optional", bearer(await token({ sub: "user_opt" })));
      expect(res.json()).toEqual({ userId: "user_opt" });
    });

    it("a server component renders the verified session", async () => {
      const cookie = `authio_session=${await token({ sub: "user_page", org_id: "org_page", role: "member" })}`;
      const whoami = await get("/whoami", { cookie });
      expect(whoami.text).toContain(">user:user_page<");
      const dashboard = await get("/dashboard", { cookie });
      expect(dashboard.status, dashboard.text).toBe(200);
      expect(dashboard.text).toContain('<span id="user">user_page</span>');
      expect(dashboard.text).toContain('<span id="org">org_page</span>');
    });
  });

  describe("several Authorization headers", () => {
    // Node's http parser keeps only the first Authorization header before Next builds its Request
    // (the others exist only in `rawHeaders`, which Next does not expose), so the adapter cannot see
    // them: a known limit of Next on Node. What it can guarantee: a later header never authenticates.
    it("a later header is never used", async () => {
      const res = await get("/api/open/me", [
        ["authorization", "Bearer not-a-token"],
        ["authorization", `Bearer ${await token({ sub: "user_second" })}`],
      ]);
      expect(res.status).toBe(401);
      expect(res.text).not.toContain("user_second");
    });

    it("one comma-joined Authorization header is refused with 400 invalid_request", async () => {
      const res = await get("/api/open/me", { authorization: "Bearer a.b.c, Bearer d.e.f" });
      expect(res.status, res.text).toBe(400);
      expect(res.json()).toEqual({ error: { code: "invalid_request", message: expect.any(String) } });
      expect(res.headers["www-authenticate"]).toMatch(/error="invalid_request"/);
    });
  });

  describe("proxy.ts over HTTP", () => {
    it("serves public pages and routes without a session", async () => {
      for (const path of ["/", "/sign-in", "/api/public/hello"]) {
        const res = await get(path);
        expect(res.status, path).toBe(200);
      }
    });

    it("redirects a private page to sign-in with a relative Location", async () => {
      const res = await get("/dashboard?tab=1");
      expect(res.status).toBe(307);
      const location = new URL(String(res.headers.location), app.url).href;
      if (version === "next16") {
        // Relative, or absolute on the origin the browser used (never `localhost` for 127.0.0.1).
        expect(location).toBe(`${app.url}/sign-in?return_to=%2Fdashboard%3Ftab%3D1`);
      } else {
        // Next 15's middleware runtime parses every Location with NextURL, which renames a 127.x.x.x
        // host to `localhost` and does not make it relative (Next 16 does): a limit of Next 15 on a
        // loopback address only — on a real host name the Location keeps the Host the browser sent.
        expect(location).toBe(
          `${app.url.replace("127.0.0.1", "localhost")}/sign-in?return_to=%2Fdashboard%3Ftab%3D1`,
        );
      }
    });

    it("denies by default: unknown API paths get the JSON 401, not a 404", async () => {
      const res = await get("/api/does-not-exist");
      expectUnauthenticated(res, "plain");
    });

    it("denies every spelling of a private path", async () => {
      for (const path of [
        "/dashboard/",
        "//dashboard",
        "/./dashboard",
        "/sign-in/../dashboard",
        "/sign-in/%2e%2e/dashboard",
        "/%64ashboard",
        "/DASHBOARD",
        "/Sign-In",
        "/api/public/..%2fme",
        "/api/public/%2e%2e/me",
        "/api/PUBLIC/hello",
        "/api//me",
      ]) {
        const res = await get(path);
        expect([307, 308, 400, 401, 404], `${path}: ${res.status} ${res.text.slice(0, 200)}`).toContain(
          res.status,
        );
        if (res.status === 308) {
          // Next's own trailing-slash / double-slash redirect: following it must land on the proxy's denial.
          const next = await get(String(res.headers.location));
          expect([307, 401], `${path} → ${res.headers.location}`).toContain(next.status);
        }
        expect(res.text).not.toContain('id="dashboard"');
      }
    });

    it("the CVE-2025-29927 header neither skips the proxy nor reaches the page as a session", async () => {
      const res = await get("/dashboard", { "x-middleware-subrequest": "proxy:proxy:proxy:proxy:proxy" });
      expect(res.text).not.toContain('id="dashboard"');
      expect([307, 200]).toContain(res.status);
    });

    it("lets a CORS preflight through to a private API route", async () => {
      const res = await send(app.url, "/api/me", {
        method: "OPTIONS",
        headers: { origin: "https://elsewhere.example", "access-control-request-method": "GET" },
      });
      expect(res.status).not.toBe(401);
    });

    it("lets a verified session through to the page", async () => {
      const res = await get("/dashboard", { cookie: `authio_session=${await token({ sub: "user_proxy" })}` });
      expect(res.status).toBe(200);
      expect(res.text).toContain('<span id="user">user_proxy</span>');
    });
  });

  // Node's http parser keeps only the first of several Authorization headers before Next builds its
  // Request (see the README's limits), so these cases of the shared matrix cannot hold on Next. Each is
  // run against the answer Next does give, so that a change either way is noticed.
  const NEXT_ON_NODE_DEVIATIONS: Record<string, (c: ConformanceCase) => ConformanceCase> = {
    "public: several Authorization headers → anonymous, not blocked": (c) => ({
      ...c,
      expect: { status: 200, body: { userId: "user_conf_plain", orgId: null }, sessionHeaders: true },
    }),
    "two Authorization headers → 400 invalid_request": (c) => ({
      ...c,
      expect: { status: 200, body: { userId: "user_conf_plain", orgId: null }, sessionHeaders: true },
    }),
    "two identical Authorization headers → 400 invalid_request": (c) => ({
      ...c,
      expect: { status: 200, body: { userId: "user_conf_plain", orgId: null }, sessionHeaders: true },
    }),
  };

  for (const mode of ["handlers", "proxied"] as const) {
    describe(`conformance matrix: ${mode === "handlers" ? "route handlers alone" : "proxy.ts + route handlers"}`, () => {
      const target = (): ConformanceTarget => ({
        baseUrl: `${app.url}/conformance/${mode}`,
        unavailableBaseUrl: `${unavailableApp.url}/conformance/${mode}`,
        tokens: env.tokens,
      });
      for (const c of conformanceCases) {
        const deviation = NEXT_ON_NODE_DEVIATIONS[c.name];
        const name = deviation ? `${c.name} [Next on Node: first header only]` : c.name;
        it(name, async () => {
          await runConformanceCase(deviation ? deviation(c) : c, target());
        });
      }
    });
  }

  it("the matrix's known deviations all exist in it", () => {
    const names = new Set(conformanceCases.map((c) => c.name));
    for (const name of Object.keys(NEXT_ON_NODE_DEVIATIONS)) expect(names.has(name), name).toBe(true);
  });

  describe("README examples, copied verbatim into the fixture", () => {
    const FILES: Record<string, string> = {
      "app/auth/[action]/route.ts": "fixture/app/auth/[action]/route.ts",
      "app/api/me/route.ts": "fixture/app/readme/me/route.ts",
      "app/api/orgs/[id]/billing/route.ts": "fixture/app/readme/orgs/[id]/billing/route.ts",
      "app/dashboard/page.tsx": "fixture/app/readme/dashboard/page.tsx",
      "lib/authio.ts": "fixture/lib/readme-authio.ts",
    };

    it("every README block with a file name is a fixture file, byte for byte", () => {
      const readme = readFileSync(new URL("../../README.md", import.meta.url), "utf8");
      const seen = new Set<string>();
      for (const [, code = ""] of readme.matchAll(/```tsx?\n([\s\S]*?)```/g)) {
        const [first = "", ...rest] = code.split("\n");
        const name = /^\/\/ (\S+)$/.exec(first)?.[1];
        const file = name === undefined ? undefined : FILES[name];
        if (file === undefined) continue;
        seen.add(name as string);
        expect(readFileSync(new URL(`../${file}`, import.meta.url), "utf8"), name).toBe(rest.join("\n"));
      }
      expect([...seen].sort()).toEqual(Object.keys(FILES).sort());
    });

    it("the route handler example answers with the session, or 401", async () => {
      const res = await get(
        "/readme/me",
        bearer(await token({ sub: "user_readme", org_id: "org_r", role: "member" })),
      );
      expect(res.status, res.text).toBe(200);
      expect(res.json()).toEqual({ userId: "user_readme", orgId: "org_r" });
      expectUnauthenticated(await get("/readme/me"), "plain");
    });

    it("the requirements example enforces organization, role and permission, and keeps params", async () => {
      const admin = await token({ org_id: "org_r", role: "admin", permissions: ["billing:read"] });
      const ok = await get("/readme/orgs/org_r/billing", bearer(admin));
      expect(ok.status, ok.text).toBe(200);
      expect(ok.json()).toEqual({ id: "org_r", role: "admin", path: "/readme/orgs/org_r/billing" });
      const member = await token({ org_id: "org_r", role: "member", permissions: ["billing:read"] });
      expect((await get("/readme/orgs/org_r/billing", bearer(member))).status).toBe(403);
      const noPermission = await token({ org_id: "org_r", role: "owner" });
      expect((await get("/readme/orgs/org_r/billing", bearer(noPermission))).status).toBe(403);
    });

    it("the server component example renders the signed-in user", async () => {
      const res = await get("/readme/dashboard", {
        cookie: `authio_session=${await token({ sub: "user_rsc" })}`,
      });
      expect(res.status).toBe(200);
      expect(res.text).toContain("Signed in as <!-- -->user_rsc");
    });
  });
}
