// The pages the Node examples (Express, Fastify, Hono) render: plain HTML strings, every value escaped.
// The Next.js example renders the same markup with React and imports `@authio/example-ui/styles.css`.
import { readFileSync } from "node:fs";

/** The shared stylesheet, inlined into every page. */
export const styles: string = readFileSync(new URL("../styles.css", import.meta.url), "utf8");

/** HTML that is already safe: `html` templates produce it and do not escape it again. */
export class SafeHtml {
  constructor(readonly value: string) {}
  toString(): string {
    return this.value;
  }
}

export function escapeHtml(value: unknown): string {
  return String(value)
    .replaceAll("&", "&amp;")
    .replaceAll("<", "&lt;")
    .replaceAll(">", "&gt;")
    .replaceAll('"', "&quot;")
    .replaceAll("'", "&#39;");
}

type Value = SafeHtml | string | number | boolean | null | undefined | readonly Value[];

function render(value: Value): string {
  if (value === null || value === undefined || value === false) return "";
  if (value instanceof SafeHtml) return value.value;
  if (Array.isArray(value)) return value.map(render).join("");
  return escapeHtml(value);
}

/** A template tag that escapes every interpolated value (arrays are joined; `SafeHtml` is kept). */
export function html(strings: TemplateStringsArray, ...values: Value[]): SafeHtml {
  let out = strings[0] ?? "";
  values.forEach((value, i) => {
    out += render(value) + (strings[i + 1] ?? "");
  });
  return new SafeHtml(out);
}

export interface ViewUser {
  readonly id: string;
  readonly email: string;
  readonly firstName: string | null;
  readonly lastName: string | null;
}

export interface ViewMembership {
  readonly organizationId: string;
  readonly role: string;
  readonly organization: { readonly id: string; readonly name: string; readonly slug: string };
}

export interface ViewSession {
  readonly sessionId: string;
  readonly orgId: string | null;
  readonly role: string | null;
  readonly permissions: readonly string[];
}

export interface Notice {
  readonly kind: "success" | "error";
  readonly text: string;
}

/** What every signed-in page shows in its top bar. */
export interface Viewer {
  /** "Express", "Fastify", … shown beside the logo. */
  readonly framework: string;
  readonly user: ViewUser;
  readonly session: ViewSession;
  readonly memberships: readonly ViewMembership[];
  readonly notice?: Notice | null | undefined;
}

export const displayName = (u: ViewUser): string =>
  [u.firstName, u.lastName].filter(Boolean).join(" ") || u.email;

export function initials(text: string): string {
  const parts = text.split(/[\s@._-]+/).filter(Boolean);
  return ((parts[0]?.[0] ?? "?") + (parts[1]?.[0] ?? "")).toUpperCase();
}

const roleBadge = (role: string | null) =>
  html`<span class="badge ${role === "admin" ? "admin" : "member"}" data-testid="role-badge">${role ?? "no role"}</span>`;

export function currentOrganization(viewer: Viewer): ViewMembership | undefined {
  return viewer.memberships.find((m) => m.organizationId === viewer.session.orgId);
}

function document(title: string, body: SafeHtml): string {
  return `<!doctype html>
<html lang="en">
<head>
<meta charset="utf-8">
<meta name="viewport" content="width=device-width,initial-scale=1">
<title>${escapeHtml(title)} · Orbit</title>
<style>${styles}</style>
</head>
<body>
${body.value}
</body>
</html>`;
}

function topbar(viewer: Viewer, active: "home" | "admin"): SafeHtml {
  const org = currentOrganization(viewer);
  const name = displayName(viewer.user);
  return html`<header class="topbar">
  <a class="brand" href="/"><span class="logo">A</span>Orbit <span class="framework">${viewer.framework}</span></a>
  <nav class="nav">
    <a href="/" class="${active === "home" ? "active" : ""}">Overview</a>
    <a href="/admin" class="${active === "admin" ? "active" : ""}" data-testid="admin-link">Members</a>
  </nav>
  <span class="spacer"></span>
  ${
    org
      ? html`<span class="org-chip" data-testid="current-org" data-organization-id="${org.organizationId}">
    <span class="avatar org">${initials(org.organization.name)}</span>${org.organization.name} ${roleBadge(viewer.session.role)}</span>`
      : html`<span class="org-chip muted" data-testid="current-org">No organization selected</span>`
  }
  <span class="user-chip" data-testid="current-user" data-user-id="${viewer.user.id}">
    <span class="avatar">${initials(name)}</span>
    <span><div class="name">${name}</div><div class="email">${viewer.user.email}</div></span>
  </span>
  <form class="inline" method="post" action="/auth/sign-out">
    <button class="secondary small" type="submit" data-testid="sign-out">Sign out</button>
  </form>
</header>`;
}

function notice(n: Notice | null | undefined): SafeHtml {
  return n ? html`<div class="notice ${n.kind}" role="status" data-testid="notice">${n.text}</div>` : html``;
}

const footer = (framework: string) =>
  html`<footer>An Authio example app · ${framework} · signed in through the local Authio sign-in page</footer>`;

/** The signed-in home page: who you are, your organizations (switch between them), create one. */
export function homePage(viewer: Viewer): string {
  const org = currentOrganization(viewer);
  const first = viewer.user.firstName ?? displayName(viewer.user);
  const orgs = viewer.memberships.map((m) => {
    const current = m.organizationId === viewer.session.orgId;
    const action = `/auth/switch-organization?organization_id=${encodeURIComponent(m.organizationId)}&return_to=/`;
    return html`<li data-testid="membership" data-organization-id="${m.organizationId}">
      <span class="avatar org">${initials(m.organization.name)}</span>
      <span class="grow"><strong>${m.organization.name}</strong><div class="muted">${m.organization.slug}</div></span>
      ${roleBadge(m.role)}
      ${
        current
          ? html`<span class="badge current">Current</span>`
          : html`<form class="inline" method="post" action="${action}">
        <button class="secondary small" type="submit" data-testid="switch-org" data-organization-id="${m.organizationId}">Switch</button>
      </form>`
      }
    </li>`;
  });
  const body = html`${topbar(viewer, "home")}
<main>
  ${notice(viewer.notice)}
  <h1 data-testid="welcome">Welcome back, ${first}</h1>
  <p class="lead">${
    org
      ? html`You are working in <strong>${org.organization.name}</strong> as <strong data-testid="current-role">${viewer.session.role}</strong>.`
      : html`You have not selected an organization. Pick one below, or create one.`
  }</p>
  <div class="grid">
    <section class="card">
      <h2>Your account</h2>
      <dl class="facts">
        <dt>Name</dt><dd>${displayName(viewer.user)}</dd>
        <dt>Email</dt><dd>${viewer.user.email}</dd>
        <dt>User id</dt><dd><code>${viewer.user.id}</code></dd>
        <dt>Session</dt><dd><code>${viewer.session.sessionId}</code></dd>
        <dt>Permissions</dt><dd>${viewer.session.permissions.length ? viewer.session.permissions.join(", ") : html`<span class="muted">none</span>`}</dd>
      </dl>
    </section>
    <section class="card">
      <h2>Your organizations</h2>
      ${
        orgs.length
          ? html`<ul class="list" data-testid="memberships">${orgs}</ul>`
          : html`<p class="muted">You do not belong to any organization yet.</p>`
      }
    </section>
    <section class="card">
      <h2>Create an organization</h2>
      <form method="post" action="/organizations" data-testid="create-org-form">
        <label for="org-name">Name</label>
        <input id="org-name" name="name" required maxlength="100" placeholder="Umbrella Labs">
        <label for="org-slug">Slug</label>
        <input id="org-slug" name="slug" required pattern="[a-z0-9-]{2,64}" placeholder="umbrella-labs">
        <button type="submit">Create organization</button>
      </form>
      <p class="muted">You become its admin; switch to it from your organizations.</p>
    </section>
    <section class="card">
      <h2>Call the API</h2>
      <p class="muted">This browser calls <a href="/api/me">/api/me</a> with its session cookie; a server or a script sends the same access token as a Bearer header:</p>
      <p><code>curl -H "Authorization: Bearer $TOKEN" /api/me</code></p>
    </section>
  </div>
  ${footer(viewer.framework)}
</main>`;
  return document("Overview", body);
}

export interface MemberRow {
  readonly userId: string;
  readonly role: string;
  readonly user: ViewUser | null;
}

/** The admin-only page: the organization's members, and a form to add one. */
export function adminPage(viewer: Viewer & { members: readonly MemberRow[] }): string {
  const org = currentOrganization(viewer);
  const rows = viewer.members.map((m) => {
    const name = m.user ? displayName(m.user) : m.userId;
    return html`<li data-testid="member">
      <span class="avatar">${initials(name)}</span>
      <span class="grow"><strong>${name}</strong><div class="muted">${m.user?.email ?? ""}</div></span>
      ${roleBadge(m.role)}
    </li>`;
  });
  const body = html`${topbar(viewer, "admin")}
<main>
  ${notice(viewer.notice)}
  <h1 data-testid="admin-title">Members of ${org?.organization.name ?? "this organization"}</h1>
  <p class="lead">Only admins see this page. Members and roles come from the Authio Management API.</p>
  <div class="grid">
    <section class="card">
      <h2>${viewer.members.length} ${viewer.members.length === 1 ? "member" : "members"}</h2>
      <ul class="list" data-testid="members">${rows}</ul>
    </section>
    <section class="card">
      <h2>Add a member</h2>
      <form method="post" action="/admin/members" data-testid="add-member-form">
        <label for="member-email">Email of an existing user</label>
        <input id="member-email" name="email" type="email" required placeholder="margaret@example.com">
        <label for="member-role">Role</label>
        <select id="member-role" name="role"><option value="member">member</option><option value="admin">admin</option></select>
        <button type="submit">Add member</button>
      </form>
    </section>
  </div>
  ${footer(viewer.framework)}
</main>`;
  return document("Members", body);
}

/** The page a signed-in user without the needed role sees (answer it with status 403). */
export function forbiddenPage(viewer: Viewer, needed = "admin"): string {
  const org = currentOrganization(viewer);
  const adminOf = viewer.memberships.filter(
    (m) => m.role === needed && m.organizationId !== viewer.session.orgId,
  );
  const body = html`${topbar(viewer, "admin")}
<main>
  <section class="card empty-state" data-testid="forbidden">
    <div class="icon" aria-hidden="true"><svg width="40" height="40" viewBox="0 0 24 24" fill="none" stroke="currentColor" stroke-width="1.8" stroke-linecap="round" stroke-linejoin="round"><rect x="4" y="11" width="16" height="10" rx="2"/><path d="M8 11V7a4 4 0 0 1 8 0v4"/></svg></div>
    <h1>Admins only</h1>
    <p>${
      org
        ? html`Your role in <strong>${org.organization.name}</strong> is <strong>${viewer.session.role}</strong>.`
        : html`You have not selected an organization.`
    } Only an organization's ${needed}s can manage its members.</p>
    ${adminOf.map(
      (
        m,
      ) => html`<form class="inline" method="post" action="/auth/switch-organization?organization_id=${encodeURIComponent(m.organizationId)}&return_to=/admin">
        <button type="submit">Switch to ${m.organization.name}</button></form> `,
    )}
    <a class="button secondary" href="/">Back to overview</a>
  </section>
  ${footer(viewer.framework)}
</main>`;
  return document("Admins only", body);
}

/** A page for errors outside the signed-in layout. */
export function messagePage(framework: string, title: string, message: string): string {
  const body = html`<main>
  <section class="card empty-state" data-testid="message">
    <div class="icon" aria-hidden="true"><svg width="40" height="40" viewBox="0 0 24 24" fill="none" stroke="currentColor" stroke-width="1.8" stroke-linecap="round" stroke-linejoin="round"><path d="M12 3 2 21h20L12 3z"/><path d="M12 10v5"/><path d="M12 18h.01"/></svg></div>
    <h1>${title}</h1>
    <p>${message}</p>
    <a class="button" href="/">Back to the app</a>
  </section>
  ${footer(framework)}
</main>`;
  return document(title, body);
}

/** A slug from a name: "Umbrella Labs" → "umbrella-labs". */
export function slugify(name: string): string {
  return name
    .toLowerCase()
    .normalize("NFKD")
    .replace(/[^a-z0-9]+/g, "-")
    .replace(/^-+|-+$/g, "")
    .slice(0, 64);
}
