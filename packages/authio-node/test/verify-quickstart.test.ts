/**
 * The quickstart's "Verify a session" snippet (shared/platform/quickstart-node.txt), verbatim, with the
 * "Construct a client" snippet before it: against the local Authio server (real tokens, real JWKS), and
 * against the test kit's JWKS server.
 */
import { createTestKey, signToken, startJwksServer } from "@authio/test-kit/jwks";
import { afterAll, beforeAll, describe, expect, test } from "vitest";
import { Authio, readCookie } from "../src/index.ts";
import { type LocalAuthio, startLocal } from "./management-local.ts";

const env = (globalThis as unknown as { process: { env: Record<string, string | undefined> } }).process.env;

/** The two snippets as the quickstart prints them; only `export` is dropped (they live in a function). */
function quickstart() {
  // ---- Construct a client (verbatim) ----
  const authio = new Authio({
    apiKey: process.env.AUTHIO_SECRET_KEY!,
    // Optional: override only when running against staging/dev.
    apiUrl: process.env.AUTHIO_API_URL ?? "https://api.authio.com",
  });

  // ---- Verify a session (verbatim) ----
  async function GET(req: Request) {
    const cookie = req.headers.get("cookie") ?? "";
    const token = readCookie(cookie, "authio_session");
    const session = token ? await authio.sessions.verify(token) : null;
    if (!session) return new Response("Unauthorized", { status: 401 });
    // session.userId is always set
    // session.orgId may be null for users with many memberships
    return Response.json({ userId: session.userId, orgId: session.orgId });
  }
  return GET;
}

const request = (cookie?: string) =>
  new Request("http://127.0.0.1/api/me", cookie === undefined ? {} : { headers: { cookie } });

describe("quickstart: verify a session against the local Authio server", () => {
  let local: LocalAuthio;
  let GET: (req: Request) => Promise<Response>;

  beforeAll(async () => {
    local = await startLocal();
    env.AUTHIO_SECRET_KEY = local.secretKey;
    env.AUTHIO_API_URL = local.url;
    GET = quickstart();
    await local.seed({
      users: [{ id: "user_01HXverify", email: "verify@example.com" }],
      organizations: [{ name: "Acme Corp", slug: "acme-verify", id: "org_01HXverifyacme" }],
      memberships: [{ user: "user_01HXverify", organization: "acme-verify", role: "admin" }],
    });
  });
  afterAll(async () => {
    delete env.AUTHIO_SECRET_KEY;
    delete env.AUTHIO_API_URL;
    await local?.stop();
  });

  test("a signed-in user without an organization: 200 with orgId null", async () => {
    const { accessToken } = await local.createSession({ userId: "user_01HXverify", organizationId: null });
    const response = await GET(request(`theme=dark; authio_session=${accessToken}`));
    expect(response.status).toBe(200);
    expect(await response.json()).toEqual({ userId: "user_01HXverify", orgId: null });
  });

  test("a session pivoted into an organization: 200 with its orgId", async () => {
    const { accessToken } = await local.createSession({
      userId: "user_01HXverify",
      organizationId: "org_01HXverifyacme",
    });
    const response = await GET(request(`authio_session=${accessToken}`));
    expect(await response.json()).toEqual({ userId: "user_01HXverify", orgId: "org_01HXverifyacme" });
  });

  test("no cookie, or a tampered token: 401", async () => {
    expect((await GET(request())).status).toBe(401);
    const { accessToken } = await local.createSession({ userId: "user_01HXverify", organizationId: null });
    const tampered = `${accessToken.slice(0, -4)}AAAA`;
    expect((await GET(request(`authio_session=${tampered}`))).status).toBe(401);
  });
});

describe("quickstart: verify a session against a JWKS server", () => {
  test("200 for a valid cookie token, 401 for a forged one", async () => {
    const key = await createTestKey("ES256");
    const forger = await createTestKey("ES256", key.kid);
    const server = await startJwksServer([key]);
    try {
      env.AUTHIO_SECRET_KEY = server.secretKey;
      env.AUTHIO_API_URL = server.url;
      const GET = quickstart();
      const token = await signToken(key, server.url, { claims: { sub: "user_q", org_id: "org_q" } });
      const ok = await GET(request(`authio_session=${token}`));
      expect(ok.status).toBe(200);
      expect(await ok.json()).toEqual({ userId: "user_q", orgId: "org_q" });
      const forged = await signToken(forger, server.url);
      expect((await GET(request(`authio_session=${forged}`))).status).toBe(401);
    } finally {
      delete env.AUTHIO_SECRET_KEY;
      delete env.AUTHIO_API_URL;
      await server.close();
    }
  });
});
