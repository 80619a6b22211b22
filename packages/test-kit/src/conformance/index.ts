/**
 * The adapter conformance suite: one matrix of HTTP requests and the exact answers every Authio
 * adapter (Express 4/5, Fastify, Hono on Node/Bun/Deno, Next.js) must give. Framework-agnostic: the
 * driver takes base URLs, sends real HTTP/1.1 requests with `node:http` (so several `Authorization`
 * header lines really go over the wire) and reports what differed.
 *
 * ## How to use it
 *
 * 1. `const env = await startConformanceEnvironment()` — a signing key, two real JWKS servers on
 *    127.0.0.1 (one healthy, one that fails every fetch) and the tokens of the matrix.
 * 2. Start your framework's fixture app twice on 127.0.0.1:
 *    - with `new Authio(env.authioOptions)` → `baseUrl`;
 *    - with `new Authio(env.unavailableAuthioOptions)` → `unavailableBaseUrl` (its keys can't be had:
 *      the 503 cases). Out of process (Bun, Deno, `next start`): pass `env.env` / `env.unavailableEnv`
 *      as environment variables (`AUTHIO_API_URL`, `AUTHIO_SECRET_KEY`).
 * 3. Run the matrix: one test per case with
 *    `for (const c of conformanceCases) test(c.name, () => runConformanceCase(c, target))`, or all at
 *    once with `const { passed, failed, failures } = await runConformance(target)`, where
 *    `target = { baseUrl, unavailableBaseUrl, tokens: env.tokens }`.
 * 4. `await env.close()` in `afterAll` / `finally`.
 *
 * ## The fixture routes (see {@link FIXTURE_ROUTES})
 *
 * Every route answers `200` JSON `{ "userId": string | null, "orgId": string | null }` read from the
 * adapter's session accessor, and also serves HEAD like GET. Every guarded route is placed *after* the
 * guard on OPTIONS too, where the fixture's own CORS layer answers a preflight with `204` and
 * `Access-Control-Allow-Origin: *` (the guard must let preflights through).
 *
 * - `GET /public`          optional auth: the authenticating middleware only.
 * - `GET /private`         requires a session (`requireSession()`).
 * - `GET /org`             requires an organization.
 * - `GET /admin`           requires the role `admin`.
 * - `GET /perm`            requires the permission `reports:read`.
 * - `GET /forged/public`   like `/public`, and `GET /forged/private` like `/private`, but a rogue
 *   middleware tries to replace the session (assigning the adapter's property, `c.set(...)`, etc.) with
 *   {@link FORGED_SESSION} both before and after the authenticating middleware, swallowing any error
 *   its attempt throws. The answers must be exactly those of `/public` and `/private`.
 * - `GET /cached`          like `/private`, but the handler sets {@link FIXTURE_PUBLIC_CACHING}
 *   (`Cache-Control: public, max-age=60, s-maxage=600`, `Vary: Accept-Encoding`) on its answer.
 */
import { request as httpRequest, type IncomingHttpHeaders } from "node:http";
import type { JwksServer } from "../jwks-server.ts";
import { startJwksServer } from "../jwks-server.ts";
import { createTestKey, signToken, type TestKey } from "../keys.ts";
import { CONFORMANCE_USERS, FIXTURE_ROUTES, FORGED_SESSION } from "./fixture.ts";

export {
  CONFORMANCE_USERS,
  FIXTURE_PUBLIC_CACHING,
  FIXTURE_REQUIREMENTS,
  FIXTURE_ROUTES,
  FORGED_SESSION,
} from "./fixture.ts";

/** The tokens the matrix sends, by name. */
export interface ConformanceTokens {
  /** Valid; no organization. */
  readonly user: string;
  /** Valid; organization `org_conf_acme`, role `member`, no permission. */
  readonly member: string;
  /** Valid; organization `org_conf_acme`, role `admin`, permission `reports:read`. */
  readonly admin: string;
  /** Expired an hour ago. */
  readonly expired: string;
  /** Signed by another key under the same `kid`. */
  readonly forged: string;
  /** Another issuer. */
  readonly wrongIssuer: string;
  /** `alg: none`, no signature. */
  readonly unsigned: string;
  /** Not a JWT. */
  readonly garbage: string;
  /** Valid tokens of the unavailable app's issuer (whose keys can never be fetched). */
  readonly userAtUnavailable: string;
  readonly adminAtUnavailable: string;
}

export type TokenName = keyof ConformanceTokens;

export interface ConformanceEnvironment {
  readonly tokens: ConformanceTokens;
  /** Options for `new Authio(...)` of the healthy fixture app. */
  readonly authioOptions: { readonly apiUrl: string; readonly apiKey: string };
  /** Options for the fixture app whose keys can never be fetched (the 503 cases). */
  readonly unavailableAuthioOptions: { readonly apiUrl: string; readonly apiKey: string };
  /** The same as environment variables, for fixture servers in another process. */
  readonly env: Readonly<Record<string, string>>;
  readonly unavailableEnv: Readonly<Record<string, string>>;
  readonly jwks: JwksServer;
  readonly unavailableJwks: JwksServer;
  readonly key: TestKey;
  close(): Promise<void>;
}

const b64url = (value: unknown) => Buffer.from(JSON.stringify(value)).toString("base64url");

/** Starts the JWKS servers and mints the matrix's tokens. Close it when done. */
export async function startConformanceEnvironment(): Promise<ConformanceEnvironment> {
  const key = await createTestKey("ES256", "key_conformance");
  const impostor = await createTestKey("ES256", "key_conformance");
  const jwks = await startJwksServer([key], { secretKey: "sk_test_conformance" });
  const unavailableJwks = await startJwksServer([key], { secretKey: "sk_test_conformance" });
  unavailableJwks.setBehavior({ status: 500, body: '{"error":{"code":"internal_error","message":"down"}}' });
  const issuer = jwks.url;
  const now = Math.floor(Date.now() / 1000);
  const tokens: ConformanceTokens = {
    // A long TTL so that a slow run never sees them expire.
    user: await signToken(key, issuer, { claims: { sub: CONFORMANCE_USERS.user }, ttl: 3600 }),
    member: await signToken(key, issuer, {
      claims: { sub: CONFORMANCE_USERS.member, org_id: CONFORMANCE_USERS.org, role: "member" },
      ttl: 3600,
    }),
    admin: await signToken(key, issuer, {
      claims: {
        sub: CONFORMANCE_USERS.admin,
        org_id: CONFORMANCE_USERS.org,
        role: "admin",
        permissions: ["reports:read", "members:write"],
      },
      ttl: 3600,
    }),
    expired: await signToken(key, issuer, {
      claims: { sub: CONFORMANCE_USERS.user, iat: now - 7200, exp: now - 3600 },
    }),
    forged: await signToken(impostor, issuer, {
      claims: { sub: CONFORMANCE_USERS.admin, org_id: CONFORMANCE_USERS.org, role: "admin" },
      ttl: 3600,
    }),
    wrongIssuer: await signToken(key, "https://evil.example", {
      claims: { sub: CONFORMANCE_USERS.user },
      ttl: 3600,
    }),
    unsigned: `${b64url({ alg: "none", typ: "JWT", kid: key.kid })}.${b64url({
      iss: issuer,
      sub: CONFORMANCE_USERS.admin,
      sid: "session_unsigned",
      iat: now,
      exp: now + 3600,
    })}.`,
    garbage: "not-a-jwt-garbage-token",
    userAtUnavailable: await signToken(key, unavailableJwks.url, {
      claims: { sub: CONFORMANCE_USERS.user },
      ttl: 3600,
    }),
    adminAtUnavailable: await signToken(key, unavailableJwks.url, {
      claims: { sub: CONFORMANCE_USERS.admin, org_id: CONFORMANCE_USERS.org, role: "admin" },
      ttl: 3600,
    }),
  };
  const unavailableUrl = unavailableJwks.url;
  return {
    tokens,
    key,
    jwks,
    unavailableJwks,
    authioOptions: { apiUrl: jwks.url, apiKey: jwks.secretKey },
    unavailableAuthioOptions: { apiUrl: unavailableUrl, apiKey: unavailableJwks.secretKey },
    env: { AUTHIO_API_URL: jwks.url, AUTHIO_SECRET_KEY: jwks.secretKey },
    unavailableEnv: { AUTHIO_API_URL: unavailableUrl, AUTHIO_SECRET_KEY: unavailableJwks.secretKey },
    async close() {
      await Promise.all([jwks.close(), unavailableJwks.close()]);
    },
  };
}

// ───────────────────────────────── the matrix ─────────────────────────────────

type Header = readonly [name: string, value: string | ((t: ConformanceTokens) => string)];

export interface ConformanceRequest {
  readonly method?: "GET" | "HEAD" | "OPTIONS";
  readonly path: string;
  /** Request headers; repeat a name to send several lines. */
  readonly headers?: readonly Header[];
  /** Send `Authorization: Bearer <token>`. */
  readonly bearer?: TokenName;
  /** Send `Cookie: authio_session=<token>`. */
  readonly cookie?: TokenName;
  /** Run against the fixture app whose signing keys can't be fetched. */
  readonly unavailable?: boolean;
}

export type ExpectedBody =
  | { readonly userId: string | null; readonly orgId: string | null }
  | { readonly error: string };

export interface ConformanceExpectation {
  readonly status: number;
  /** Exact header values (compared case-sensitively after trimming); `null`: must be absent. */
  readonly headers?: Readonly<Record<string, string | RegExp | null>>;
  /** The JSON body (`{ error: code }` checks `{ error: { code, message: string } }` and nothing else). */
  readonly body?: ExpectedBody;
  /** HEAD: no body at all. */
  readonly emptyBody?: boolean;
  /** A session-dependent answer: `Cache-Control: private` and `Vary` naming Authorization and Cookie. */
  readonly sessionHeaders?: boolean;
}

export interface ConformanceCase {
  readonly name: string;
  readonly request: ConformanceRequest;
  readonly expect: ConformanceExpectation;
}

const U = CONFORMANCE_USERS;
const anon = { userId: null, orgId: null } as const;
const asUser = { userId: U.user, orgId: null } as const;
const asMember = { userId: U.member, orgId: U.org } as const;
const asAdmin = { userId: U.admin, orgId: U.org } as const;

const CHALLENGE_NONE = 'Bearer realm="authio"';
const CHALLENGE_INVALID = /^Bearer realm="authio", error="invalid_token"(, error_description="[^"]*")?$/;
const CHALLENGE_REQUEST = /^Bearer realm="authio", error="invalid_request"(, error_description="[^"]*")?$/;
const CHALLENGE_SCOPE = /^Bearer realm="authio", error="insufficient_scope"(, error_description="[^"]*")?$/;

const ok = (body: ExpectedBody): ConformanceExpectation => ({ status: 200, body, sessionHeaders: true });
const unauthenticated: ConformanceExpectation = {
  status: 401,
  body: { error: "unauthenticated" },
  headers: { "www-authenticate": CHALLENGE_NONE, "content-type": /^application\/json/ },
};
const invalidToken: ConformanceExpectation = {
  status: 401,
  body: { error: "unauthenticated" },
  headers: { "www-authenticate": CHALLENGE_INVALID, "content-type": /^application\/json/ },
};
const invalidRequest: ConformanceExpectation = {
  status: 400,
  body: { error: "invalid_request" },
  headers: { "www-authenticate": CHALLENGE_REQUEST, "content-type": /^application\/json/ },
};
const forbidden: ConformanceExpectation = {
  status: 403,
  body: { error: "forbidden" },
  headers: { "www-authenticate": CHALLENGE_SCOPE, "content-type": /^application\/json/ },
};
const unavailable: ConformanceExpectation = {
  status: 503,
  body: { error: "service_unavailable" },
  headers: { "retry-after": /^[1-9][0-9]*$/, "content-type": /^application\/json/ },
};
const preflight = (path: string, extra: readonly Header[] = []): ConformanceRequest => ({
  method: "OPTIONS",
  path,
  headers: [
    ["origin", "https://app.example"],
    ["access-control-request-method", "GET"],
    ["access-control-request-headers", "authorization"],
    ...extra,
  ],
});
const preflightAnswer: ConformanceExpectation = {
  status: 204,
  headers: { "access-control-allow-origin": "*", "www-authenticate": null },
};

const P = FIXTURE_ROUTES;

export const conformanceCases: readonly ConformanceCase[] = [
  // Optional authentication: the middleware alone never blocks.
  { name: "public: no credentials → anonymous", request: { path: P.public }, expect: ok(anon) },
  { name: "public: Bearer → session", request: { path: P.public, bearer: "user" }, expect: ok(asUser) },
  { name: "public: cookie → session", request: { path: P.public, cookie: "member" }, expect: ok(asMember) },
  { name: "public: bad token → anonymous", request: { path: P.public, bearer: "forged" }, expect: ok(anon) },
  {
    name: "public: several Authorization headers → anonymous, not blocked",
    request: {
      path: P.public,
      headers: [
        ["authorization", (t) => `Bearer ${t.user}`],
        ["authorization", "Bearer x"],
      ],
    },
    expect: ok(anon),
  },
  {
    name: "public: HEAD like GET",
    request: { method: "HEAD", path: P.public, bearer: "user" },
    expect: { status: 200, emptyBody: true, sessionHeaders: true },
  },

  // requireSession
  {
    name: "private: no credentials → 401 without error attribute",
    request: { path: P.private },
    expect: unauthenticated,
  },
  { name: "private: Bearer → 200", request: { path: P.private, bearer: "user" }, expect: ok(asUser) },
  {
    name: "private: lowercase bearer scheme → 200",
    request: { path: P.private, headers: [["authorization", (t) => `bearer ${t.member}`]] },
    expect: ok(asMember),
  },
  { name: "private: cookie → 200", request: { path: P.private, cookie: "member" }, expect: ok(asMember) },
  {
    name: "private: the route's own public caching goes out private (max-age kept, s-maxage dropped), its Vary merged",
    request: { path: P.cached, bearer: "user" },
    expect: {
      status: 200,
      body: asUser,
      headers: {
        "cache-control": "private, max-age=60",
        // The route's own name kept, ours added (frameworks may add names of their own).
        vary: /^(?=.*\baccept-encoding\b)(?=.*\bauthorization\b)(?=.*\bcookie\b)/i,
      },
    },
  },
  {
    name: "private: expired → 401 invalid_token",
    request: { path: P.private, bearer: "expired" },
    expect: invalidToken,
  },
  {
    name: "private: forged signature → 401 invalid_token",
    request: { path: P.private, bearer: "forged" },
    expect: invalidToken,
  },
  {
    name: "private: other issuer → 401 invalid_token",
    request: { path: P.private, bearer: "wrongIssuer" },
    expect: invalidToken,
  },
  {
    name: "private: alg none → 401 invalid_token",
    request: { path: P.private, bearer: "unsigned" },
    expect: invalidToken,
  },
  {
    name: "private: garbage → 401 invalid_token",
    request: { path: P.private, bearer: "garbage" },
    expect: invalidToken,
  },
  {
    name: "private: expired cookie → 401 invalid_token",
    request: { path: P.private, cookie: "expired" },
    expect: invalidToken,
  },
  {
    name: "private: Basic scheme → 401 invalid_token",
    request: { path: P.private, headers: [["authorization", "Basic dXNlcjpwYXNz"]] },
    expect: invalidToken,
  },
  {
    name: "private: Bearer without token → 401 invalid_token",
    request: { path: P.private, headers: [["authorization", "Bearer"]] },
    expect: invalidToken,
  },
  {
    name: "private: token in the query string is ignored → 401",
    request: { path: `${P.private}?access_token=x` },
    expect: unauthenticated,
  },
  {
    name: "private: HEAD without credentials → 401, no body",
    request: { method: "HEAD", path: P.private },
    expect: { status: 401, emptyBody: true, headers: { "www-authenticate": CHALLENGE_NONE } },
  },
  {
    name: "private: HEAD with a session → 200, no body",
    request: { method: "HEAD", path: P.private, bearer: "user" },
    expect: { status: 200, emptyBody: true, sessionHeaders: true },
  },

  {
    name: "private: header name in capitals → 200",
    request: { path: P.private, headers: [["AUTHORIZATION", (t) => `Bearer ${t.user}`]] },
    expect: ok(asUser),
  },
  {
    name: "private: an 8 KiB garbage token → 401 invalid_token, not echoed",
    request: { path: P.private, headers: [["authorization", `Bearer ${"x".repeat(8192)}`]] },
    expect: invalidToken,
  },
  {
    name: "private: two session cookies → the first one counts",
    request: {
      path: P.private,
      headers: [["cookie", (t) => `authio_session=${t.garbage}; authio_session=${t.user}`]],
    },
    expect: invalidToken,
  },
  {
    name: "private: session cookie among others → 200",
    request: { path: P.private, headers: [["cookie", (t) => `a=1; authio_session=${t.user}; b=2`]] },
    expect: ok(asUser),
  },

  // Header vs cookie
  {
    name: "header wins over cookie",
    request: { path: P.private, bearer: "user", cookie: "admin" },
    expect: ok(asUser),
  },
  {
    name: "bad header never falls back to a good cookie",
    request: { path: P.private, bearer: "garbage", cookie: "admin" },
    expect: invalidToken,
  },
  {
    name: "non-Bearer header never falls back to a good cookie",
    request: { path: P.private, headers: [["authorization", "Basic dXNlcjpwYXNz"]], cookie: "admin" },
    expect: invalidToken,
  },
  {
    name: "good header, bad cookie → header",
    request: { path: P.private, bearer: "member", cookie: "garbage" },
    expect: ok(asMember),
  },

  // Several Authorization headers
  {
    name: "two Authorization headers → 400 invalid_request",
    request: {
      path: P.private,
      headers: [
        ["authorization", (t) => `Bearer ${t.user}`],
        ["authorization", (t) => `Bearer ${t.admin}`],
      ],
    },
    expect: invalidRequest,
  },
  {
    name: "two identical Authorization headers → 400 invalid_request",
    request: {
      path: P.private,
      headers: [
        ["authorization", (t) => `Bearer ${t.user}`],
        ["authorization", (t) => `Bearer ${t.user}`],
      ],
    },
    expect: invalidRequest,
  },
  {
    name: "comma-joined Authorization → 400 invalid_request",
    request: { path: P.private, headers: [["authorization", (t) => `Bearer ${t.user}, Bearer ${t.admin}`]] },
    expect: invalidRequest,
  },

  // Authorization guards
  {
    name: "org: no organization → 403 insufficient_scope",
    request: { path: P.org, bearer: "user" },
    expect: forbidden,
  },
  { name: "org: member → 200", request: { path: P.org, bearer: "member" }, expect: ok(asMember) },
  { name: "org: no credentials → 401", request: { path: P.org }, expect: unauthenticated },
  {
    name: "admin: member → 403 insufficient_scope",
    request: { path: P.admin, bearer: "member" },
    expect: forbidden,
  },
  { name: "admin: no organization → 403", request: { path: P.admin, bearer: "user" }, expect: forbidden },
  { name: "admin: admin → 200", request: { path: P.admin, cookie: "admin" }, expect: ok(asAdmin) },
  {
    name: "admin: bad token → 401 invalid_token",
    request: { path: P.admin, bearer: "forged" },
    expect: invalidToken,
  },
  {
    name: "admin: HEAD as member → 403, no body",
    request: { method: "HEAD", path: P.admin, bearer: "member" },
    expect: { status: 403, emptyBody: true, headers: { "www-authenticate": CHALLENGE_SCOPE } },
  },
  {
    name: "perm: member without the permission → 403",
    request: { path: P.perm, bearer: "member" },
    expect: forbidden,
  },
  {
    name: "perm: admin with the permission → 200",
    request: { path: P.perm, bearer: "admin" },
    expect: ok(asAdmin),
  },

  // CORS preflights are never 401
  { name: "preflight /private → not 401", request: preflight(P.private), expect: preflightAnswer },
  { name: "preflight /admin → not 401", request: preflight(P.admin), expect: preflightAnswer },
  {
    name: "preflight with a bad token → not 401",
    request: preflight(P.perm, [["authorization", "Bearer garbage"]]),
    expect: preflightAnswer,
  },

  // Keys unavailable
  {
    name: "unavailable: token on /private → 503 + Retry-After",
    request: { path: P.private, bearer: "userAtUnavailable", unavailable: true },
    expect: unavailable,
  },
  {
    name: "unavailable: cookie on /admin → 503",
    request: { path: P.admin, cookie: "adminAtUnavailable", unavailable: true },
    expect: unavailable,
  },
  {
    name: "unavailable: no credentials → still 401",
    request: { path: P.private, unavailable: true },
    expect: unauthenticated,
  },
  {
    name: "unavailable: /public never blocks",
    request: { path: P.public, bearer: "userAtUnavailable", unavailable: true },
    expect: ok(anon),
  },

  // Forgery
  {
    name: "forgery: session-like headers are ignored",
    request: {
      path: P.private,
      headers: [
        ["x-authio-session", JSON.stringify(FORGED_SESSION)],
        ["x-authio-user-id", "user_forged"],
        ["x-user-id", "user_forged"],
      ],
    },
    expect: unauthenticated,
  },
  {
    name: "forgery: cookies named like the property are ignored",
    request: {
      path: P.public,
      headers: [
        ["cookie", `auth=user_forged; session=user_forged; authio=user_forged; Authio_Session=${"x"}`],
      ],
    },
    expect: ok(anon),
  },
  {
    name: "forgery: rogue middleware, anonymous /forged/public",
    request: { path: P.forgedPublic },
    expect: ok(anon),
  },
  {
    name: "forgery: rogue middleware, signed-in /forged/public",
    request: { path: P.forgedPublic, bearer: "user" },
    expect: ok(asUser),
  },
  {
    name: "forgery: rogue middleware, anonymous /forged/private → 401",
    request: { path: P.forgedPrivate },
    expect: unauthenticated,
  },
  {
    name: "forgery: rogue middleware, bad token /forged/private → 401",
    request: { path: P.forgedPrivate, bearer: "garbage" },
    expect: invalidToken,
  },
  {
    name: "forgery: rogue middleware, signed-in /forged/private",
    request: { path: P.forgedPrivate, cookie: "member" },
    expect: ok(asMember),
  },
];

// ───────────────────────────────── the driver ─────────────────────────────────

export interface ConformanceTarget {
  readonly baseUrl: string;
  readonly unavailableBaseUrl: string;
  readonly tokens: ConformanceTokens;
  /** Per-request timeout, ms (default 10 000). */
  readonly timeoutMs?: number;
}

export interface RawResponse {
  readonly status: number;
  readonly headers: IncomingHttpHeaders;
  readonly body: string;
}

/** One HTTP/1.1 request; repeated header names are sent as separate lines. */
export function sendRaw(
  url: string,
  method: string,
  headers: readonly (readonly [string, string])[],
  timeoutMs = 10_000,
): Promise<RawResponse> {
  const grouped: Record<string, string | string[]> = {};
  for (const [name, value] of headers) {
    const key = name.toLowerCase();
    const prev = grouped[key];
    grouped[key] = prev === undefined ? value : Array.isArray(prev) ? [...prev, value] : [prev, value];
  }
  return new Promise((resolve, reject) => {
    const req = httpRequest(
      url,
      { method, headers: { connection: "close", ...grouped }, timeout: timeoutMs, agent: false },
      (res) => {
        const chunks: Buffer[] = [];
        res.on("data", (c: Buffer) => chunks.push(c));
        res.on("end", () =>
          resolve({
            status: res.statusCode ?? 0,
            headers: res.headers,
            body: Buffer.concat(chunks).toString("utf8"),
          }),
        );
        res.on("error", reject);
      },
    );
    req.on("timeout", () => req.destroy(new Error(`timeout after ${timeoutMs} ms`)));
    req.on("error", reject);
    req.end();
  });
}

export class ConformanceFailure extends Error {
  override name = "ConformanceFailure";
}

function headerValue(headers: IncomingHttpHeaders, name: string): string | undefined {
  const v = headers[name];
  return Array.isArray(v) ? v.join(", ") : v;
}

function varyNames(headers: IncomingHttpHeaders): string[] {
  return (headerValue(headers, "vary") ?? "").split(",").map((s) => s.trim().toLowerCase());
}

/** Runs one case; throws a `ConformanceFailure` listing every difference. Returns the raw response. */
export async function runConformanceCase(
  c: ConformanceCase,
  target: ConformanceTarget,
): Promise<RawResponse> {
  const { request: r, expect: e } = c;
  const t = target.tokens;
  const headers: [string, string][] = (r.headers ?? []).map(([n, v]) => [
    n,
    typeof v === "function" ? v(t) : v,
  ]);
  if (r.bearer) headers.push(["authorization", `Bearer ${t[r.bearer]}`]);
  if (r.cookie) headers.push(["cookie", `theme=dark; authio_session=${t[r.cookie]}`]);
  const base = (r.unavailable ? target.unavailableBaseUrl : target.baseUrl).replace(/\/+$/, "");
  const method = r.method ?? "GET";
  const res = await sendRaw(`${base}${r.path}`, method, headers, target.timeoutMs);

  const problems: string[] = [];
  if (res.status !== e.status) problems.push(`status ${res.status}, expected ${e.status}`);
  for (const [name, want] of Object.entries(e.headers ?? {})) {
    const got = headerValue(res.headers, name);
    if (want === null) {
      if (got !== undefined) problems.push(`header ${name} should be absent, got ${JSON.stringify(got)}`);
    } else if (got === undefined) problems.push(`header ${name} missing`);
    else if (typeof want === "string" ? got.trim() !== want : !want.test(got.trim()))
      problems.push(`header ${name}: ${JSON.stringify(got)}, expected ${want}`);
  }
  if (e.sessionHeaders) {
    const cc = (headerValue(res.headers, "cache-control") ?? "").toLowerCase();
    if (!/(^|,)\s*private\s*(,|$)/.test(cc))
      problems.push(`cache-control ${JSON.stringify(cc)} lacks private`);
    const vary = varyNames(res.headers);
    if (!vary.includes("*") && (!vary.includes("authorization") || !vary.includes("cookie")))
      problems.push(`vary ${JSON.stringify(headerValue(res.headers, "vary"))} lacks Authorization, Cookie`);
  }
  if (e.status >= 400 && e.status !== 405) {
    // A denial must never be stored by a shared cache either.
    const cc = (headerValue(res.headers, "cache-control") ?? "").toLowerCase();
    if (!/no-store|private/.test(cc))
      problems.push(`denial cache-control ${JSON.stringify(cc)} is cacheable`);
  }
  if (e.emptyBody && res.body !== "")
    problems.push(`expected no body, got ${JSON.stringify(res.body.slice(0, 200))}`);
  if (e.body) {
    let json: unknown;
    try {
      json = JSON.parse(res.body);
    } catch {
      problems.push(`body is not JSON: ${JSON.stringify(res.body.slice(0, 200))}`);
    }
    if (json !== undefined) {
      if ("error" in e.body) {
        const err = (json as { error?: { code?: unknown; message?: unknown } }).error;
        const keys = json && typeof json === "object" ? Object.keys(json) : [];
        if (
          !err ||
          err.code !== e.body.error ||
          typeof err.message !== "string" ||
          keys.length !== 1 ||
          Object.keys(err).sort().join() !== "code,message"
        )
          problems.push(`body ${res.body}, expected { error: { code: ${e.body.error}, message } }`);
      } else if (JSON.stringify(json) !== JSON.stringify({ userId: e.body.userId, orgId: e.body.orgId })) {
        problems.push(`body ${res.body}, expected ${JSON.stringify(e.body)}`);
      }
    }
  }
  // Nothing sent (tokens, header values) nor any claim is echoed in an answer the adapter made.
  if (res.status >= 400) {
    const answer = `${res.body}\n${JSON.stringify(res.headers)}`;
    const secrets = [
      ...Object.values(t).filter((v) => v.length > 8),
      ...Object.values(CONFORMANCE_USERS),
      ...headers.map(([, v]) => v).filter((v) => v.length > 8),
      "user_forged",
    ];
    for (const s of secrets) {
      if (answer.includes(s))
        problems.push(`answer echoes request or token text ${JSON.stringify(s.slice(0, 24))}…`);
      for (const part of s.split(".")) {
        if (part.length > 16 && answer.includes(part)) problems.push("answer echoes part of a token");
      }
    }
  }
  if (problems.length > 0) {
    throw new ConformanceFailure(
      `${c.name}: ${method} ${r.path}${r.unavailable ? " (unavailable app)" : ""}\n  - ${problems.join("\n  - ")}\n  headers: ${JSON.stringify(res.headers)}`,
    );
  }
  return res;
}

export interface ConformanceReport {
  readonly passed: number;
  readonly failed: number;
  readonly failures: readonly { readonly name: string; readonly message: string }[];
}

/** Runs the whole matrix (sequentially) and reports; never throws for a failing case. */
export async function runConformance(
  target: ConformanceTarget,
  cases: readonly ConformanceCase[] = conformanceCases,
): Promise<ConformanceReport> {
  let passed = 0;
  const failures: { name: string; message: string }[] = [];
  for (const c of cases) {
    try {
      await runConformanceCase(c, target);
      passed++;
    } catch (err) {
      const message = err instanceof Error ? err.message : String(err);
      failures.push({
        name: c.name,
        message: err instanceof ConformanceFailure ? message : `${c.name}: ${message}`,
      });
    }
  }
  return { passed, failed: failures.length, failures };
}
