// The request-level decision and the guard (issue #3, item 7): every outcome, with the exact status,
// headers and body an adapter sends, against a real JWKS server. Nothing from the request is echoed.
import {
  createTestKey,
  type JwksServer,
  signToken,
  startJwksServer,
  type TestKey,
} from "@authio/test-kit/jwks";
import { afterAll, beforeAll, describe, expect, test } from "vitest";
import { resolveConfig } from "../src/config.ts";
import { AuthioError } from "../src/errors.ts";
import { type AuthResult, authenticateRequest, authorize, isCorsPreflight } from "../src/request/decision.ts";
import type { Session } from "../src/session.ts";
import type { TokenVerifier } from "../src/verify/result.ts";
import { SessionVerifier } from "../src/verify/verifier.ts";

let key: TestKey;
let server: JwksServer;
let down: JwksServer;
let verifier: SessionVerifier;
let unavailable: SessionVerifier;

beforeAll(async () => {
  key = await createTestKey("ES256", "key_decision");
  server = await startJwksServer([key]);
  down = await startJwksServer([key]);
  down.setBehavior({ status: 503 });
  verifier = new SessionVerifier(resolveConfig({ apiKey: server.secretKey, apiUrl: server.url }));
  unavailable = new SessionVerifier(resolveConfig({ apiKey: down.secretKey, apiUrl: down.url }));
});
afterAll(async () => {
  await server?.close();
  await down?.close();
});

const BASE_HEADERS = {
  "content-type": "application/json; charset=utf-8",
  "cache-control": "no-store",
  vary: "Authorization, Cookie",
};

describe("authenticateRequest", () => {
  test("authenticated from the header", async () => {
    const token = await signToken(key, server.url, { claims: { sub: "user_h" } });
    const result = await authenticateRequest(verifier, { authorization: `Bearer ${token}` });
    expect(result.status).toBe("authenticated");
    expect(result.status === "authenticated" && result.source).toBe("header");
    expect(result.session?.userId).toBe("user_h");
  });

  test("authenticated from the cookie", async () => {
    const token = await signToken(key, server.url, { claims: { sub: "user_c" } });
    const result = await authenticateRequest(verifier, new Headers({ cookie: `authio_session=${token}` }));
    expect(result.status).toBe("authenticated");
    expect(result.status === "authenticated" && result.source).toBe("cookie");
  });

  test("anonymous without credentials", async () => {
    expect(await authenticateRequest(verifier, {})).toEqual({ status: "anonymous", session: null });
  });

  test("rejected with the reason for a bad token, and a bad header does not fall back to a good cookie", async () => {
    const good = await signToken(key, server.url);
    const result = await authenticateRequest(verifier, {
      authorization: "Bearer not.a.token",
      cookie: `authio_session=${good}`,
    });
    expect(result).toEqual({ status: "rejected", session: null, reason: "malformed", source: "header" });
  });

  test("rejected for an expired cookie token", async () => {
    const token = await signToken(key, server.url, { claims: { iat: 1_000, exp: 1_300 } });
    expect(await authenticateRequest(verifier, { cookie: `authio_session=${token}` })).toEqual({
      status: "rejected",
      session: null,
      reason: "expired",
      source: "cookie",
    });
  });

  test("a non-Bearer Authorization is rejected as malformed", async () => {
    expect(await authenticateRequest(verifier, { authorization: "Basic dTpw" })).toEqual({
      status: "rejected",
      session: null,
      reason: "malformed",
      source: "header",
    });
  });

  test("malformed with two Authorization headers", async () => {
    expect(await authenticateRequest(verifier, { authorization: ["Bearer a", "Bearer b"] })).toEqual({
      status: "malformed",
      session: null,
    });
  });

  test("unavailable (never a 401) when the keys cannot be had", async () => {
    const token = await signToken(key, down.url);
    const result = await authenticateRequest(unavailable, { authorization: `Bearer ${token}` });
    expect(result.status).toBe("unavailable");
    if (result.status !== "unavailable") throw new Error("unreachable");
    expect(result.error).toBeInstanceOf(AuthioError);
    expect(result.error.retryable).toBe(true);
  });

  test("a verifier that throws something unexpected is unavailable, not authenticated", async () => {
    const broken: TokenVerifier = {
      verifyDetailed: () => Promise.reject(new TypeError("boom")),
    };
    const result = await authenticateRequest(broken, { authorization: "Bearer x.y.z" });
    expect(result.status).toBe("unavailable");
    expect(result.status === "unavailable" && result.error.code).toBe("internal_error");
  });
});

const session = (over: Partial<Session> = {}): Session =>
  Object.freeze({
    sessionId: "session_1",
    userId: "user_1",
    orgId: "org_1",
    role: "member",
    permissions: Object.freeze(["docs:read"]),
    actor: null,
    issuedAt: new Date(0),
    expiresAt: new Date(300_000),
    claims: { iss: "x", sub: "user_1", sid: "session_1", iat: 0, exp: 300 },
    ...over,
  });
const authenticated = (over: Partial<Session> = {}): AuthResult => ({
  status: "authenticated",
  session: session(over),
  source: "header",
});

describe("authorize", () => {
  test("anonymous: 401 with a bare Bearer challenge", () => {
    expect(authorize({ status: "anonymous", session: null })).toEqual({
      action: "deny",
      response: {
        status: 401,
        headers: { ...BASE_HEADERS, "www-authenticate": 'Bearer realm="authio"' },
        body: { error: { code: "unauthenticated", message: "Sign in to access this resource." } },
      },
    });
  });

  const reasons = {
    missing: "The access token is missing.",
    too_large: "The access token is too large.",
    malformed: "The access token is malformed.",
    unsupported_algorithm: "The access token uses an unsupported algorithm.",
    unsupported_header: "The access token has an unsupported header.",
    unknown_key: "The access token was signed by an unknown key.",
    invalid_signature: "The access token signature is invalid.",
    expired: "The access token has expired.",
    not_yet_valid: "The access token is not valid yet.",
    issued_in_future: "The access token was issued in the future.",
    wrong_issuer: "The access token was issued for another environment.",
    invalid_claims: "The access token claims are invalid.",
  } as const;
  for (const [reason, text] of Object.entries(reasons)) {
    test(`rejected (${reason}): 401 invalid_token with its fixed description`, () => {
      const outcome = authorize({
        status: "rejected",
        session: null,
        reason: reason as never,
        source: "cookie",
      });
      expect(outcome).toEqual({
        action: "deny",
        response: {
          status: 401,
          headers: {
            ...BASE_HEADERS,
            "www-authenticate": `Bearer realm="authio", error="invalid_token", error_description="${text}"`,
          },
          body: { error: { code: "unauthenticated", message: text } },
        },
      });
    });
  }

  test("malformed: 400 invalid_request", () => {
    expect(authorize({ status: "malformed", session: null })).toEqual({
      action: "deny",
      response: {
        status: 400,
        headers: {
          ...BASE_HEADERS,
          "www-authenticate":
            'Bearer realm="authio", error="invalid_request", error_description="Send at most one Authorization header."',
        },
        body: { error: { code: "invalid_request", message: "Send at most one Authorization header." } },
      },
    });
  });

  test("unavailable: 503 with Retry-After (default 5 s, or the error's own)", () => {
    const error = new AuthioError({ code: "timeout", message: "t" });
    const expected = (retryAfter: string) => ({
      action: "deny",
      response: {
        status: 503,
        headers: { ...BASE_HEADERS, "www-authenticate": 'Bearer realm="authio"', "retry-after": retryAfter },
        body: {
          error: {
            code: "service_unavailable",
            message: "Authentication is temporarily unavailable. Try again shortly.",
          },
        },
      },
    });
    expect(authorize({ status: "unavailable", session: null, error })).toEqual(expected("5"));
    const slow = new AuthioError({ code: "rate_limited", message: "r", retryAfter: 12.2 });
    expect(authorize({ status: "unavailable", session: null, error: slow })).toEqual(expected("13"));
    const zero = new AuthioError({ code: "rate_limited", message: "r", retryAfter: 0 });
    expect(authorize({ status: "unavailable", session: null, error: zero })).toEqual(expected("1"));
  });

  test("authenticated with no requirement: allow, with the session", () => {
    const result = authenticated();
    expect(authorize(result)).toEqual({ action: "allow", session: result.session });
  });

  const forbidden = (message: string) => ({
    action: "deny",
    response: {
      status: 403,
      headers: {
        ...BASE_HEADERS,
        "www-authenticate": `Bearer realm="authio", error="insufficient_scope", error_description="${message}"`,
      },
      body: { error: { code: "forbidden", message } },
    },
  });

  test("403 when an organization is required and none is selected", () => {
    expect(authorize(authenticated({ orgId: null, role: null }), { organization: true })).toEqual(
      forbidden("Select an organization to access this resource."),
    );
  });

  test("a role or permission requirement implies an organization", () => {
    const noOrg = authenticated({ orgId: null, role: null });
    expect(authorize(noOrg, { role: "member" })).toEqual(
      forbidden("Select an organization to access this resource."),
    );
    expect(authorize(noOrg, { permission: "docs:read" })).toEqual(
      forbidden("Select an organization to access this resource."),
    );
  });

  test("403 for another organization", () => {
    expect(authorize(authenticated(), { organization: "org_2" })).toEqual(
      forbidden("This resource belongs to another organization."),
    );
  });

  test("403 for a role outside the list; allow for one inside", () => {
    expect(authorize(authenticated(), { role: "admin" })).toEqual(
      forbidden("Your role does not allow access to this resource."),
    );
    expect(authorize(authenticated(), { role: ["admin", "member"] }).action).toBe("allow");
  });

  test("403 when one permission of several is missing; allow when all are held", () => {
    expect(authorize(authenticated(), { permission: ["docs:read", "docs:write"] })).toEqual(
      forbidden("You lack a permission this resource requires."),
    );
    expect(
      authorize(authenticated({ permissions: ["docs:read", "docs:write"] }), {
        permission: ["docs:read", "docs:write"],
      }).action,
    ).toBe("allow");
  });

  test("organization: false requires nothing", () => {
    expect(authorize(authenticated({ orgId: null, role: null }), { organization: false }).action).toBe(
      "allow",
    );
  });

  test("a CORS preflight passes untouched, whatever the authentication", () => {
    for (const result of [{ status: "anonymous", session: null }, authenticated()] as AuthResult[]) {
      expect(
        authorize(result, { role: "admin" }, { method: "OPTIONS", accessControlRequestMethod: "POST" }),
      ).toEqual({
        action: "pass",
      });
      expect(authorize(result, {}, { method: "options", accessControlRequestMethod: "GET" })).toEqual({
        action: "pass",
      });
    }
  });

  test("OPTIONS without Access-Control-Request-Method is not a preflight", () => {
    expect(isCorsPreflight("OPTIONS", undefined)).toBe(false);
    expect(isCorsPreflight("OPTIONS", null)).toBe(false);
    expect(isCorsPreflight("GET", "POST")).toBe(false);
    expect(authorize({ status: "anonymous", session: null }, {}, { method: "OPTIONS" }).action).toBe("deny");
  });

  test("nothing from the request or token is echoed in any denial", async () => {
    const marker = "ECHO_MARKER_<script>";
    const inputs = [
      { authorization: `Bearer ${marker}` },
      { authorization: `Basic ${marker}` },
      { authorization: [`Bearer ${marker}`, "Bearer b"] },
      { cookie: `authio_session=${marker}` },
    ];
    for (const input of inputs) {
      const outcome = authorize(await authenticateRequest(verifier, input), { role: marker });
      expect(JSON.stringify(outcome)).not.toContain("ECHO_MARKER");
    }
    const token = await signToken(key, server.url, { claims: { org_id: marker, role: marker } });
    const denied = authorize(await authenticateRequest(verifier, { authorization: `Bearer ${token}` }), {
      organization: "org_other",
    });
    expect(denied.action).toBe("deny");
    expect(JSON.stringify(denied)).not.toContain("ECHO_MARKER");
  });
});
