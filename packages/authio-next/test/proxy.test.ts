import { createTestKey, type JwksServer, signToken, startJwksServer, type TestKey } from "@authio/test-kit";
import { afterAll, beforeAll, describe, expect, it } from "vitest";
import { createAuthioNext, normalisePath } from "../src/index.ts";
import { compilePattern } from "../src/paths.ts";

describe("normalisePath", () => {
  it.each([
    ["/", "/"],
    ["/dashboard", "/dashboard"],
    ["/dashboard/", "/dashboard"],
    ["//dashboard//", "/dashboard"],
    ["/./dashboard/.", "/dashboard"],
    ["/sign-in/../dashboard", "/dashboard"],
    ["/../../dashboard", "/dashboard"],
    ["/%64ashboard", "/dashboard"],
    ["/sign-in/%2e%2e/dashboard", "/dashboard"],
    ["/Dashboard", "/Dashboard"],
    ["/a%20b", "/a b"],
    ["/a%2541", "/a%41"],
  ])("%s → %s", (input, output) => {
    expect(normalisePath(input)).toBe(output);
  });

  it.each([
    "",
    "dashboard",
    "/a%2fb",
    "/a%2Fb",
    "/a%5cb",
    "/a\\b",
    "/%E0%A4%A",
    "/bad%zz",
    "/a%00b",
    "/a%0ab",
  ])("%j is never matchable", (input) => {
    expect(normalisePath(input)).toBeNull();
  });
});

describe("compilePattern", () => {
  it("matches exact paths case-sensitively", () => {
    const m = compilePattern("/sign-in");
    expect(m("/sign-in")).toBe(true);
    expect(m("/Sign-In")).toBe(false);
    expect(m("/sign-in/x")).toBe(false);
    expect(m("/sign")).toBe(false);
  });

  it("`:name` matches one segment, a trailing `*` any rest", () => {
    expect(compilePattern("/blog/:slug")("/blog/hello")).toBe(true);
    expect(compilePattern("/blog/:slug")("/blog")).toBe(false);
    expect(compilePattern("/blog/:slug")("/blog/a/b")).toBe(false);
    const docs = compilePattern("/docs/*");
    expect(docs("/docs")).toBe(true);
    expect(docs("/docs/a/b/c")).toBe(true);
    expect(docs("/docsx")).toBe(false);
    expect(docs("/doc")).toBe(false);
    expect(compilePattern("/")("/")).toBe(true);
    expect(compilePattern("/")("/x")).toBe(false);
    expect(compilePattern("/*")("/anything/at/all")).toBe(true);
  });

  it("ignores case only when asked", () => {
    expect(compilePattern("/api/*", true)("/API/x")).toBe(true);
    expect(compilePattern("/api/*")("/API/x")).toBe(false);
  });

  it("rejects patterns it cannot read", () => {
    expect(() => compilePattern("no-slash")).toThrow(TypeError);
    expect(() => compilePattern("/a/*/b")).toThrow(TypeError);
  });
});

describe("authioProxy (called directly)", () => {
  let jwks: JwksServer;
  let key: TestKey;
  let proxy: (request: Request) => Promise<Response | undefined>;

  beforeAll(async () => {
    key = await createTestKey();
    jwks = await startJwksServer([key]);
    const { Authio } = await import("@authio/node");
    const { authioProxy } = createAuthioNext({
      authio: new Authio({ apiKey: jwks.secretKey, apiUrl: jwks.url }),
    });
    proxy = authioProxy({ public: ["/", "/blog/*"], signInUrl: "/sign-in?from=proxy" });
  });
  afterAll(() => jwks.close());

  const at = (path: string, init: RequestInit = {}) => proxy(new Request(`http://app.test${path}`, init));

  it("lets public paths and the sign-in page through without a session", async () => {
    expect(await at("/")).toBeUndefined();
    expect(await at("/blog")).toBeUndefined();
    expect(await at("/blog/post/1")).toBeUndefined();
    expect(await at("/sign-in")).toBeUndefined();
  });

  it("lets the lifecycle routes through untouched, even when not public: no refresh in front of them", async () => {
    const cookie = "authio_session=expired.or.garbage; authio_refresh=rt_stale";
    for (const [path, method] of [
      ["/auth/sign-in", "GET"],
      ["/auth/callback?code=c&state=s", "GET"],
      ["/auth/sign-out", "POST"],
      ["/auth/switch-organization?organization_id=org_1", "POST"],
    ] as const) {
      expect(await at(path, { method, headers: { cookie } }), path).toBeUndefined();
    }
    // Only those exact paths: anything else under /auth is private as usual.
    expect((await at("/auth/other", { headers: { cookie } }))?.status).toBe(307);
    expect((await at("/auth/sign-in/x"))?.status).toBe(307);
  });

  it("redirects pages to sign-in with a relative Location and the normalised return path", async () => {
    const res = await at("/settings//profile/?tab=1");
    expect(res?.status).toBe(307);
    expect(res?.headers.get("location")).toBe(
      "http://app.test/sign-in?from=proxy&return_to=%2Fsettings%2Fprofile%3Ftab%3D1",
    );
  });

  it("redirects on the host the browser used, not the one in request.url", async () => {
    const res = await proxy(
      new Request("http://localhost:3000/settings", { headers: { host: "127.0.0.1:3000" } }),
    );
    expect(res?.headers.get("location")).toBe(
      "http://127.0.0.1:3000/sign-in?from=proxy&return_to=%2Fsettings",
    );
  });

  it("matches without the basePath and redirects with it", async () => {
    const { NextRequest } = await import("next/server.js");
    const at = (path: string) =>
      proxy(new NextRequest(`http://app.test/shop${path}`, { nextConfig: { basePath: "/shop" } }));
    expect(await at("/blog/post")).toBeUndefined();
    const res = await at("/settings?x=1");
    expect(res?.headers.get("location")).toBe(
      "http://app.test/shop/sign-in?from=proxy&return_to=%2Fshop%2Fsettings%3Fx%3D1",
    );
  });

  it("answers API routes and non-GET requests with the JSON denial", async () => {
    for (const [path, method] of [
      ["/api/x", "GET"],
      ["/API/x", "GET"],
      ["/settings", "POST"],
    ] as const) {
      const res = await at(path, { method });
      expect(res?.status, path).toBe(401);
      expect(await res?.json()).toEqual({ error: { code: "unauthenticated", message: expect.any(String) } });
    }
  });

  it("never treats an odd spelling of a private path as public", async () => {
    for (const path of ["/blog%2f..%2fsettings", "/blog/..%2Fsettings", "/BLOG/x", "/blo%67x"]) {
      const res = await at(path);
      expect(res?.status, path).toBeGreaterThanOrEqual(300);
    }
  });

  it("lets a CORS preflight through", async () => {
    expect(
      await at("/api/x", { method: "OPTIONS", headers: { "access-control-request-method": "POST" } }),
    ).toBeUndefined();
  });

  it("lets a verified session through, and adds no header the app could read", async () => {
    const token = await signToken(key, jwks.url);
    expect(await at("/settings", { headers: { authorization: `Bearer ${token}` } })).toBeUndefined();
  });

  it("answers 400 for an ambiguous Authorization header", async () => {
    const res = await at("/settings", { headers: { authorization: "Bearer a, Bearer b" } });
    expect(res?.status).toBe(400);
  });

  it("applies a requirement to every private route", async () => {
    const { Authio } = await import("@authio/node");
    const strict = createAuthioNext({
      authio: new Authio({ apiKey: jwks.secretKey, apiUrl: jwks.url }),
    }).authioProxy({ requirement: { role: "admin" } });
    const member = await signToken(key, jwks.url, { claims: { org_id: "org_1", role: "member" } });
    const admin = await signToken(key, jwks.url, { claims: { org_id: "org_1", role: "admin" } });
    const req = (t: string) =>
      new Request("http://app.test/x", { headers: { authorization: `Bearer ${t}` } });
    expect((await strict(req(member)))?.status).toBe(403);
    expect(await strict(req(admin))).toBeUndefined();
  });

  it("refuses a sign-in URL that leaves the site", () => {
    const { authioProxy } = createAuthioNext({ authio: () => never() });
    expect(() => authioProxy({ signInUrl: "//evil.example/x" })).toThrow(TypeError);
    expect(() => authioProxy({ signInUrl: "https://evil.example/x" })).toThrow(TypeError);
  });
});

function never(): never {
  throw new Error("not called");
}
