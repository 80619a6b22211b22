/**
 * Every Management method against the local Authio server: the shapes it answers, and that each call
 * did what it says on the server's side.
 */
import { afterAll, beforeAll, describe, expect, test } from "vitest";
import { type Authio, AuthioError, type Organization } from "../src/index.ts";
import { clientFor, type LocalAuthio, signInCode, startLocal, thrown, uid } from "./management-local.ts";

let local: LocalAuthio;
let authio: Authio;

beforeAll(async () => {
  local = await startLocal();
  authio = clientFor(local);
});
afterAll(() => local?.stop());

const ISO = /^\d{4}-\d{2}-\d{2}T\d{2}:\d{2}:\d{2}(\.\d+)?Z$/;

describe("organizations", () => {
  test("create, get, list by slug and domain, update, delete", async () => {
    const slug = uid("org-");
    const created = await authio.organizations.create({
      name: "Initech",
      slug,
      domain: `${slug}.example`,
      metadata: { plan: "pro" },
    });
    expect(created).toMatchObject({
      object: "organization",
      name: "Initech",
      slug,
      domain: `${slug}.example`,
    });
    expect(created.id).toMatch(/^org_/);
    expect(created.metadata).toEqual({ plan: "pro" });
    expect(created.createdAt).toMatch(ISO);
    expect(created.lastResponse.status).toBe(201);
    expect(created.lastResponse.requestId).toMatch(/^req_/);

    expect(await authio.organizations.get(created.id)).toEqual(created);

    const bySlug = await authio.organizations.list({ slug });
    expect(bySlug.data.map((o) => o.id)).toEqual([created.id]);
    const byDomain = await authio.organizations.list({ domain: `${slug}.example` });
    expect(byDomain.data.map((o) => o.id)).toEqual([created.id]);

    const updated = await authio.organizations.update(created.id, { name: "Initech 2", domain: null });
    expect(updated).toMatchObject({ id: created.id, name: "Initech 2", slug, domain: null });
    expect(updated.lastResponse.status).toBe(200);

    expect(await authio.organizations.delete(created.id)).toBeUndefined();
    const gone = await thrown(() => authio.organizations.get(created.id));
    expect(gone).toBeInstanceOf(AuthioError);
    expect((gone as AuthioError).code).toBe("not_found");
  });
});

describe("users", () => {
  test("create, get, list by email, update, delete", async () => {
    const email = `${uid("u")}@example.com`;
    const user = await authio.users.create({ email, firstName: "Ada", metadata: { team: "core" } });
    expect(user).toMatchObject({
      object: "user",
      email,
      firstName: "Ada",
      lastName: null,
      emailVerified: false,
      metadata: { team: "core" },
    });
    expect(user.id).toMatch(/^user_/);
    expect(await authio.users.get(user.id)).toEqual(user);
    // Emails match case-insensitively.
    const found = await authio.users.list({ email: email.toUpperCase() });
    expect(found.data.map((u) => u.id)).toEqual([user.id]);

    const updated = await authio.users.update(user.id, { lastName: "Lovelace", emailVerified: true });
    expect(updated).toMatchObject({
      id: user.id,
      firstName: "Ada",
      lastName: "Lovelace",
      emailVerified: true,
    });

    await authio.users.delete(user.id);
    expect(((await thrown(() => authio.users.get(user.id))) as AuthioError).code).toBe("not_found");
  });

  test("listMemberships follows every page and returns a plain array", async () => {
    const user = await authio.users.create({ email: `${uid("m")}@example.com` });
    const orgs: Organization[] = [];
    // More than one page of 100, so the SDK has to follow the cursor.
    for (let i = 0; i < 105; i++) {
      orgs.push(await authio.organizations.create({ name: `Org ${i}`, slug: uid("lm-") }));
    }
    await Promise.all(
      orgs.map((o, i) => authio.memberships.add(o.id, { userId: user.id, role: i % 2 ? "admin" : "member" })),
    );
    const all = await authio.users.listMemberships(user.id);
    expect(Array.isArray(all)).toBe(true);
    expect(all).toHaveLength(105);
    expect(new Set(all.map((m) => m.organizationId))).toEqual(new Set(orgs.map((o) => o.id)));
    const first = all.find((m) => m.organizationId === orgs[0]?.id);
    expect(first).toMatchObject({
      object: "membership",
      userId: user.id,
      role: "member",
      status: "active",
      organization: { id: orgs[0]?.id, name: "Org 0", slug: orgs[0]?.slug },
    });
    expect(all.lastResponse.requestId).toMatch(/^req_/);
  });
});

describe("memberships", () => {
  test("add (default role member), list, update, remove, add again", async () => {
    const org = await authio.organizations.create({ name: "Hooli", slug: uid("hooli-") });
    const alice = await authio.users.create({ email: `${uid("alice")}@example.com` });
    const bob = await authio.users.create({ email: `${uid("bob")}@example.com` });

    const a = await authio.memberships.add(org.id, { userId: alice.id });
    expect(a).toMatchObject({
      object: "membership",
      organizationId: org.id,
      userId: alice.id,
      role: "member",
      status: "active",
    });
    expect(a.id).toMatch(/^om_/);
    await authio.memberships.add(org.id, { userId: bob.id, role: "admin" });

    const page = await authio.memberships.list(org.id, { order: "asc" });
    expect(page.data.map((m) => [m.userId, m.role])).toEqual([
      [alice.id, "member"],
      [bob.id, "admin"],
    ]);

    const promoted = await authio.memberships.update(org.id, alice.id, { role: "admin" });
    expect(promoted).toMatchObject({ userId: alice.id, role: "admin" });

    await authio.memberships.remove(org.id, alice.id);
    expect((await authio.memberships.list(org.id)).data.map((m) => m.userId)).toEqual([bob.id]);
    const again = await authio.memberships.add(org.id, { userId: alice.id });
    expect(again.role).toBe("member");
  });
});

describe("sessions", () => {
  test("create, get, list for a user, switchOrg, refresh, revoke", async () => {
    const user = await authio.users.create({ email: `${uid("s")}@example.com` });
    const acme = await authio.organizations.create({ name: "Acme", slug: uid("acme-") });
    const globex = await authio.organizations.create({ name: "Globex", slug: uid("globex-") });
    await authio.memberships.add(acme.id, { userId: user.id, role: "admin" });
    await authio.memberships.add(globex.id, { userId: user.id });

    const created = await authio.sessions.create({ userId: user.id, organizationId: acme.id });
    expect(created.session).toMatchObject({
      object: "session",
      userId: user.id,
      organizationId: acme.id,
      status: "active",
    });
    expect(created.session.expiresAt).toMatch(ISO);
    const token = await authio.sessions.verify(created.accessToken);
    expect(token).toMatchObject({
      sessionId: created.session.id,
      userId: user.id,
      orgId: acme.id,
      role: "admin",
    });

    expect(await authio.sessions.get(created.session.id)).toMatchObject({
      id: created.session.id,
      status: "active",
    });
    const listed = await authio.sessions.list(user.id);
    expect(listed.data.map((s) => s.id)).toEqual([created.session.id]);
    expect((await authio.users.listSessions(user.id)).data.map((s) => s.id)).toEqual([created.session.id]);

    const switched = await authio.sessions.switchOrg(created.session.id, { organizationId: globex.id });
    expect(switched.session.organizationId).toBe(globex.id);
    expect(await authio.sessions.verify(switched.accessToken)).toMatchObject({
      orgId: globex.id,
      role: "member",
    });

    const refreshed = await authio.sessions.refresh({ refreshToken: created.refreshToken });
    expect(refreshed.session.id).toBe(created.session.id);
    expect(refreshed.refreshToken).not.toBe(created.refreshToken);
    expect((await authio.sessions.verify(refreshed.accessToken))?.sessionId).toBe(created.session.id);

    const revoked = await authio.sessions.revoke(created.session.id);
    expect(revoked).toMatchObject({ id: created.session.id, status: "revoked" });
    const after = await thrown(() => authio.sessions.refresh({ refreshToken: refreshed.refreshToken }));
    expect((after as AuthioError).code).toBe("session_inactive");
  });

  test("authenticate exchanges a sign-in code from the hosted page", async () => {
    const user = await authio.users.create({ email: `${uid("signin")}@example.com`, firstName: "Sig" });
    const code = await signInCode(local.url, user.id);
    const result = await authio.sessions.authenticate({ code });
    expect(result.user).toMatchObject({ id: user.id, email: user.email });
    expect(result.session).toMatchObject({ userId: user.id, status: "active" });
    expect((await authio.sessions.verify(result.accessToken))?.userId).toBe(user.id);
    // Single use.
    const reused = await thrown(() => authio.sessions.authenticate({ code }));
    expect([(reused as AuthioError).code, (reused as AuthioError).status]).toEqual(["invalid_code", 400]);
  });
});
