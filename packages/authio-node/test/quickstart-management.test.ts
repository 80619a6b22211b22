/**
 * The quickstart's Management snippets (shared/platform/quickstart-node.txt: "Construct a client",
 * "Manage organizations and members", "Pivot a session into a different org", "Errors"), as written,
 * against the local Authio server. The users and organizations they name are created first.
 */
import { afterAll, beforeAll, describe, expect, test } from "vitest";
import { Authio, AuthioError, type Session } from "../src/index.ts";
import { type LocalAuthio, startLocal } from "./management-local.ts";
import { type FaultProxy, startProxy } from "./management-proxy.ts";

// The quickstart's placeholder ids. The organization's is a valid id and is seeded as is; the user's
// (`...` is not an id character) is seeded as USER_IN_SERVER, and a proxy of the test's own between the
// SDK and the server renames it both ways, so the snippet's literal still names a real user.
const QUICKSTART_USER = "user_01HX...";
const USER_IN_SERVER = "user_01HXquickstart";
const QUICKSTART_ORG = "org_t3hgmfq3hf0v45de";

let local: LocalAuthio;
let proxy: FaultProxy;
let authio: Authio;
let session: Session;
const env = (globalThis as unknown as { process: { env: Record<string, string | undefined> } }).process.env;

beforeAll(async () => {
  local = await startLocal();
  proxy = await startProxy(local.url, { rewrite: [[QUICKSTART_USER, USER_IN_SERVER]] });
  env.AUTHIO_SECRET_KEY = local.secretKey;
  env.AUTHIO_API_URL = proxy.url;
  authio = constructClient();
  await local.seed({
    users: [{ id: USER_IN_SERVER, email: "quickstart@example.com", firstName: "Quick", lastName: "Start" }],
    organizations: [
      { name: "Globex Inc", slug: "globex", id: QUICKSTART_ORG },
      { name: "Initech", slug: "initech" },
    ],
    memberships: [{ user: USER_IN_SERVER, organization: "globex", role: "member" }],
  });
  // A signed-in session of that user, as an app's request handler gets it from `sessions.verify` (with a
  // client of the server itself: its tokens name the server, not the proxy, as their issuer).
  const signedIn = await local.createSession({ userId: USER_IN_SERVER, organizationId: null });
  const verified = await new Authio({ apiKey: local.secretKey, apiUrl: local.url }).sessions.verify(
    signedIn.accessToken,
  );
  if (!verified) throw new Error("the local server's access token did not verify");
  session = verified;
});

afterAll(async () => {
  delete env.AUTHIO_SECRET_KEY;
  delete env.AUTHIO_API_URL;
  await proxy?.close();
  await local?.stop();
});

function constructClient(): Authio {
  // ---- Construct a client (verbatim) ----
  const authio = new Authio({
    apiKey: process.env.AUTHIO_SECRET_KEY!,
    // Optional: override only when running against staging/dev.
    apiUrl: process.env.AUTHIO_API_URL ?? "https://api.authio.com",
  });
  // ----
  return authio;
}

describe("quickstart: Management snippets, verbatim", () => {
  test("Manage organizations and members", async () => {
    // ---- Manage organizations and members (verbatim) ----
    const acme = await authio.organizations.create({
      name: "Acme Corp",
      slug: "acme",
      domain: "acme.com",
    });

    await authio.memberships.add(acme.id, {
      userId: "user_01HX...",
      role: "admin",
    });

    const all = await authio.users.listMemberships("user_01HX...");
    // -> [{ organization: { name: "Acme Corp" }, role: "admin", ... },
    //     { organization: { name: "Globex Inc" }, role: "member", ... }]
    // ----

    expect(acme).toMatchObject({
      object: "organization",
      name: "Acme Corp",
      slug: "acme",
      domain: "acme.com",
    });
    expect(Array.isArray(all)).toBe(true);
    expect(all.map((m) => [m.organization.name, m.role]).sort()).toEqual([
      ["Acme Corp", "admin"],
      ["Globex Inc", "member"],
    ]);
    expect(all.every((m) => m.userId === "user_01HX..." && m.status === "active")).toBe(true);
  });

  test("Pivot a session into a different org", async () => {
    await authio.memberships.add(QUICKSTART_ORG, { userId: QUICKSTART_USER, role: "admin" }).catch((err) => {
      // Seeded as a member of Globex already.
      if (!(err instanceof AuthioError && err.code === "already_member")) throw err;
    });

    // ---- Pivot a session into a different org (verbatim) ----
    await authio.sessions.switchOrg(session.sessionId, {
      organizationId: "org_t3hgmfq3hf0v45de",
    });
    // ----

    const pivoted = await authio.sessions.get(session.sessionId);
    expect(pivoted.organizationId).toBe(QUICKSTART_ORG);
    const { accessToken } = await authio.sessions.switchOrg(session.sessionId, {
      organizationId: QUICKSTART_ORG,
    });
    const verified = await new Authio({ apiKey: local.secretKey, apiUrl: local.url }).sessions.verify(
      accessToken,
    );
    expect(verified?.orgId).toBe(QUICKSTART_ORG);
    expect(verified?.sessionId).toBe(session.sessionId);
  });

  test("Errors", async () => {
    // The quickstart's handler body, verbatim inside a function (it `return`s a Response).
    async function handler(): Promise<Response> {
      // ---- Errors (verbatim) ----
      try {
        await authio.organizations.create({ name: "Acme", slug: "acme" });
      } catch (err) {
        if (err instanceof AuthioError && err.code === "slug_in_use") {
          return Response.json({ error: "Pick a different slug" }, { status: 409 });
        }
        throw err;
      }
      // ----
      return Response.json({ created: true }, { status: 201 });
    }

    // "acme" exists (the first snippet created it), or is created now and taken on the second call.
    let response = await handler();
    if (response.status === 201) response = await handler();
    expect(response.status).toBe(409);
    expect(await response.json()).toEqual({ error: "Pick a different slug" });
  });

  test("the blocks above are the quickstart's text, character for character", async () => {
    const { readFileSync, existsSync } = await import("node:fs");
    const { fileURLToPath } = await import("node:url");
    // The platform's quickstart lives beside the repository (../shared/platform), as API.md does.
    const quickstartPath = fileURLToPath(
      new URL("../../../../shared/platform/quickstart-node.txt", import.meta.url),
    );
    if (!existsSync(quickstartPath)) {
      console.log(`quickstart not found at ${quickstartPath}: the text comparison did not run`);
      return;
    }
    const quickstart = readFileSync(quickstartPath, "utf8");
    const source = readFileSync(fileURLToPath(import.meta.url), "utf8");
    const blocks = [...source.matchAll(/\/\/ ---- (.+) \(verbatim\) ----\n([\s\S]*?)\n\s*\/\/ ----\n/g)];
    expect(blocks.map((b) => b[1])).toEqual([
      "Construct a client",
      "Manage organizations and members",
      "Pivot a session into a different org",
      "Errors",
    ]);
    for (const [, title, body] of blocks) {
      const lines = (body ?? "").split("\n");
      const indent = Math.min(...lines.filter((l) => l.trim()).map((l) => /^ */.exec(l)?.[0].length ?? 0));
      const dedented = lines.map((l) => l.slice(indent)).join("\n");
      expect(quickstart.includes(dedented), `${title} differs from the quickstart`).toBe(true);
    }
  });
});
