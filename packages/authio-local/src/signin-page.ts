import { createHmac, randomBytes, timingSafeEqual } from "node:crypto";
import type { IncomingMessage } from "node:http";
import type { Auth } from "./auth.js";
import type { Clock } from "./clock.js";
import type { Organization, Store, User, UserMembership } from "./db/store.js";
import { ApiError } from "./errors.js";
import type { HandlerResult } from "./http.js";
import { isEmail, isString } from "./validation.js";

export const SIGN_IN_PATH = "/v1/authorize";
const CSRF_COOKIE = "authio_local_csrf";
const MAX_USERS_SHOWN = 100;

export interface SignInContext {
  method: string;
  url: URL;
  body: Buffer;
  req: IncomingMessage;
  store: Store;
  auth: Auth;
  clock: Clock;
  secretKey: string;
}

/** Escapes text for HTML content and quoted attribute values. Everything shown goes through it. */
export function escapeHtml(value: unknown): string {
  return String(value)
    .replaceAll("&", "&amp;")
    .replaceAll("<", "&lt;")
    .replaceAll(">", "&gt;")
    .replaceAll('"', "&quot;")
    .replaceAll("'", "&#39;");
}

/** Only http://localhost and http://127.0.0.1 redirect URIs are registered in a local environment (§5.5). */
export function isAllowedRedirectUri(value: string): boolean {
  let url: URL;
  try {
    url = new URL(value);
  } catch {
    return false;
  }
  return (
    url.protocol === "http:" &&
    (url.hostname === "localhost" || url.hostname === "127.0.0.1") &&
    url.username === "" &&
    url.password === "" &&
    value.length <= 2048
  );
}

// ------------------------------------------------------------------------------------------ CSRF
// Double-submit with a signed token: the page's forms carry HMAC(nonce), and the nonce sits in a
// SameSite=Strict cookie. A cross-site form post arrives without the cookie and is refused.

function csrfKey(secretKey: string): Buffer {
  return createHmac("sha256", "authio-local-csrf").update(secretKey).digest();
}

function csrfToken(secretKey: string, nonce: string): string {
  return createHmac("sha256", csrfKey(secretKey)).update(nonce).digest("base64url");
}

function readCookie(req: IncomingMessage, name: string): string | null {
  for (const part of (req.headers.cookie ?? "").split(";")) {
    const [k, ...v] = part.trim().split("=");
    if (k === name) return v.join("=");
  }
  return null;
}

function csrfValid(ctx: SignInContext, token: string | null): boolean {
  const nonce = readCookie(ctx.req, CSRF_COOKIE);
  if (!nonce || !token) return false;
  const expected = Buffer.from(csrfToken(ctx.secretKey, nonce));
  const given = Buffer.from(token);
  return expected.length === given.length && timingSafeEqual(expected, given);
}

// ------------------------------------------------------------------------------------------ rendering

const STYLE = `
*{box-sizing:border-box}
body{margin:0;min-height:100vh;display:flex;align-items:center;justify-content:center;background:linear-gradient(160deg,#eef2ff 0%,#f8fafc 55%,#f1f5f9 100%);font:15px/1.5 system-ui,-apple-system,"Segoe UI",Roboto,sans-serif;color:#0f172a}
main{width:100%;max-width:420px;margin:32px 16px;background:#fff;border:1px solid #e2e8f0;border-radius:16px;box-shadow:0 10px 30px rgba(15,23,42,.08);padding:32px}
.brand{display:flex;align-items:center;gap:10px;margin-bottom:20px}
.mark{width:32px;height:32px;border-radius:9px;background:linear-gradient(135deg,#4f46e5,#7c3aed);display:grid;place-items:center;color:#fff;font-weight:700}
.brand b{font-size:17px}
.badge{margin-left:auto;font-size:11px;font-weight:600;letter-spacing:.04em;text-transform:uppercase;color:#92400e;background:#fef3c7;border-radius:999px;padding:3px 9px}
h1{font-size:21px;margin:0 0 4px}
p.sub{margin:0 0 20px;color:#64748b}
ul{list-style:none;margin:0 0 20px;padding:0;display:grid;gap:8px}
form.inline{margin:0}
button.option{width:100%;display:flex;align-items:center;gap:12px;text-align:left;padding:10px 12px;background:#fff;border:1px solid #e2e8f0;border-radius:10px;cursor:pointer;font:inherit;color:inherit}
button.option:hover,button.option:focus-visible{border-color:#6366f1;background:#f5f7ff;outline:none}
.avatar{flex:none;width:34px;height:34px;border-radius:50%;background:#e0e7ff;color:#3730a3;display:grid;place-items:center;font-weight:600;font-size:13px}
.who{display:flex;flex-direction:column;min-width:0}
.who span{color:#64748b;font-size:13px;overflow:hidden;text-overflow:ellipsis;white-space:nowrap}
.role{margin-left:auto;font-size:12px;color:#475569;background:#f1f5f9;border-radius:6px;padding:2px 8px}
.divider{display:flex;align-items:center;gap:10px;color:#94a3b8;font-size:12px;margin:4px 0 16px;text-transform:uppercase;letter-spacing:.05em}
.divider:before,.divider:after{content:"";flex:1;height:1px;background:#e2e8f0}
label{display:block;font-size:13px;font-weight:600;margin:0 0 4px;color:#334155}
input{width:100%;padding:9px 11px;border:1px solid #cbd5e1;border-radius:8px;font:inherit;margin-bottom:12px}
input:focus{outline:2px solid #c7d2fe;border-color:#6366f1}
.row{display:flex;gap:10px}.row>div{flex:1}
button.primary{width:100%;padding:10px;border:0;border-radius:8px;background:#4f46e5;color:#fff;font:inherit;font-weight:600;cursor:pointer}
button.primary:hover{background:#4338ca}
.error{background:#fef2f2;color:#991b1b;border:1px solid #fecaca;border-radius:8px;padding:10px 12px;margin-bottom:16px}
.empty{color:#64748b;font-size:14px;margin:0 0 16px}
footer{margin-top:20px;color:#94a3b8;font-size:12px;text-align:center}
a{color:#4f46e5}
`;

function layout(title: string, content: string): string {
  return `<!doctype html>
<html lang="en">
<head>
<meta charset="utf-8">
<meta name="viewport" content="width=device-width,initial-scale=1">
<meta name="robots" content="noindex">
<title>${escapeHtml(title)} · Authio</title>
<style>${STYLE}</style>
</head>
<body>
<main data-testid="signin-page">
<div class="brand"><div class="mark" aria-hidden="true">A</div><b>Authio</b><span class="badge">Local</span></div>
${content}
<footer>Local Authio environment · no password needed</footer>
</main>
</body>
</html>`;
}

function initials(user: User): string {
  const name = [user.firstName, user.lastName].filter(Boolean).join(" ");
  const source = name || user.email;
  const parts = source.split(/[\s@._-]+/).filter(Boolean);
  return ((parts[0]?.[0] ?? "?") + (parts[1]?.[0] ?? "")).toUpperCase();
}

function displayName(user: User): string {
  return [user.firstName, user.lastName].filter(Boolean).join(" ") || user.email;
}

interface Flow {
  redirectUri: string;
  state: string | null;
  organizationId: string | null;
}

function hiddenFields(flow: Flow, csrf: string): string {
  return [
    `<input type="hidden" name="redirect_uri" value="${escapeHtml(flow.redirectUri)}">`,
    flow.state === null ? "" : `<input type="hidden" name="state" value="${escapeHtml(flow.state)}">`,
    flow.organizationId === null
      ? ""
      : `<input type="hidden" name="organization_id" value="${escapeHtml(flow.organizationId)}">`,
    `<input type="hidden" name="csrf_token" value="${escapeHtml(csrf)}">`,
  ].join("");
}

function userPickerPage(
  ctx: SignInContext,
  flow: Flow,
  csrf: string,
  error?: string,
  organization?: Organization,
) {
  const page = ctx.store.listUsers({ limit: MAX_USERS_SHOWN, after: null, before: null, order: "asc" }, {});
  const users = page.data;
  const more = page.listMetadata.after !== null;
  const items = users
    .map(
      (
        u,
      ) => `<li><form class="inline" method="post" action="${SIGN_IN_PATH}/select">${hiddenFields(flow, csrf)}
<input type="hidden" name="user_id" value="${escapeHtml(u.id)}">
<button class="option" type="submit" data-testid="signin-user" data-user-id="${escapeHtml(u.id)}" data-email="${escapeHtml(u.email)}">
<span class="avatar" aria-hidden="true">${escapeHtml(initials(u))}</span>
<span class="who"><strong>${escapeHtml(displayName(u))}</strong>${displayName(u) === u.email ? "" : `<span>${escapeHtml(u.email)}</span>`}</span>
</button></form></li>`,
    )
    .join("\n");
  const subtitle = organization
    ? `Continue to <strong>${escapeHtml(organization.name)}</strong>`
    : "Choose an account to continue";
  return layout(
    "Sign in",
    `<h1>Sign in</h1>
<p class="sub">${subtitle}</p>
${error ? `<div class="error" role="alert" data-testid="signin-error">${escapeHtml(error)}</div>` : ""}
${users.length ? `<ul id="signin-users">${items}</ul>` : `<p class="empty" data-testid="signin-no-users">No users yet: create the first one below.</p>`}
${more ? `<p class="empty" data-testid="signin-more-users">Showing the first ${MAX_USERS_SHOWN} users: type an email below for the others.</p>` : ""}
<div class="divider">or continue with an email</div>
<form method="post" action="${SIGN_IN_PATH}/create" id="signin-create" data-testid="signin-create-form">${hiddenFields(flow, csrf)}
<label for="signin-create-email">Email</label>
<input id="signin-create-email" data-testid="signin-create-email" name="email" type="email" required maxlength="320" autocomplete="off" placeholder="you@example.com">
<div class="row"><div><label for="signin-create-first-name">First name</label>
<input id="signin-create-first-name" data-testid="signin-create-first-name" name="first_name" maxlength="256" autocomplete="off"></div>
<div><label for="signin-create-last-name">Last name</label>
<input id="signin-create-last-name" data-testid="signin-create-last-name" name="last_name" maxlength="256" autocomplete="off"></div></div>
<button class="primary" type="submit" id="signin-create-submit" data-testid="signin-create-submit">Continue</button>
</form>`,
  );
}

function organizationPickerPage(flow: Flow, csrf: string, user: User, memberships: UserMembership[]): string {
  const items = memberships
    .map(
      (m) => `<li><form class="inline" method="post" action="${SIGN_IN_PATH}/organization">${hiddenFields(
        { ...flow, organizationId: null },
        csrf,
      )}
<input type="hidden" name="user_id" value="${escapeHtml(user.id)}">
<input type="hidden" name="organization_id" value="${escapeHtml(m.organizationId)}">
<button class="option" type="submit" data-testid="signin-org" data-organization-id="${escapeHtml(m.organizationId)}" data-slug="${escapeHtml(m.organization.slug)}">
<span class="avatar" aria-hidden="true">${escapeHtml((m.organization.name[0] ?? "?").toUpperCase())}</span>
<span class="who"><strong>${escapeHtml(m.organization.name)}</strong><span>${escapeHtml(m.organization.slug)}</span></span>
<span class="role">${escapeHtml(m.role)}</span>
</button></form></li>`,
    )
    .join("\n");
  return layout(
    "Choose an organization",
    `<h1>Choose an organization</h1>
<p class="sub">Continuing as <strong data-testid="signin-selected-user">${escapeHtml(user.email)}</strong></p>
<ul id="signin-organizations">${items}</ul>
<p class="sub"><a href="${escapeHtml(backUrl(flow))}" data-testid="signin-back">Use another account</a></p>`,
  );
}

/** The first step again, with the same parameters. */
function backUrl(flow: Flow): string {
  const params = new URLSearchParams({ redirect_uri: flow.redirectUri });
  if (flow.state !== null) params.set("state", flow.state);
  if (flow.organizationId !== null) params.set("organization_id", flow.organizationId);
  return `${SIGN_IN_PATH}?${params}`;
}

function errorPage(message: string): string {
  return layout(
    "Sign-in error",
    `<h1>Sign-in error</h1><div class="error" role="alert" data-testid="signin-error">${escapeHtml(message)}</div>
<p class="sub">Go back to the application and try again.</p>`,
  );
}

// ------------------------------------------------------------------------------------------ handler

const SECURITY_HEADERS: Record<string, string> = {
  "content-type": "text/html; charset=utf-8",
  "cache-control": "no-store",
  // Chromium applies form-action to the redirect after a form post: the local redirect hosts are allowed.
  "content-security-policy":
    "default-src 'none'; style-src 'unsafe-inline'; img-src data:; form-action 'self' http://localhost:* http://127.0.0.1:*; frame-ancestors 'none'; base-uri 'none'",
  "x-frame-options": "DENY",
  "x-content-type-options": "nosniff",
  "referrer-policy": "no-referrer",
};

const html = (status: number, body: string, extra: Record<string, string> = {}): HandlerResult => ({
  status,
  body,
  headers: { ...SECURITY_HEADERS, ...extra },
});

function readFlow(params: URLSearchParams): { flow: Flow } | { error: string } {
  const redirectUri = params.get("redirect_uri");
  if (!redirectUri) return { error: "The redirect_uri parameter is missing." };
  if (!isAllowedRedirectUri(redirectUri)) {
    return {
      error:
        "This redirect_uri is not allowed: the local environment accepts only http://localhost and http://127.0.0.1 URIs.",
    };
  }
  const state = params.get("state");
  if (state !== null && state.length > 2048) return { error: "The state parameter is too long." };
  const organizationId = params.get("organization_id") || null;
  return { flow: { redirectUri, state, organizationId } };
}

function redirectWithCode(ctx: SignInContext, flow: Flow, userId: string, organizationId: string | null) {
  const code = ctx.auth.createSignInCode(userId, organizationId, flow.redirectUri);
  const target = new URL(flow.redirectUri);
  target.searchParams.set("code", code);
  if (flow.state !== null) target.searchParams.set("state", flow.state);
  return {
    status: 303,
    body: undefined,
    headers: { location: target.toString(), "cache-control": "no-store", "referrer-policy": "no-referrer" },
  };
}

/** Having picked a user: pick the organization, or finish. */
function continueAs(ctx: SignInContext, flow: Flow, csrf: string, user: User): HandlerResult {
  if (flow.organizationId) {
    const org = ctx.store.findOrganization(flow.organizationId);
    if (!org) return html(400, errorPage("The requested organization does not exist."));
    if (!ctx.store.findMembership(org.id, user.id)) {
      return html(
        403,
        userPickerPage(
          ctx,
          flow,
          csrf,
          `${user.email} is not a member of ${org.name}. Choose another account.`,
          org,
        ),
      );
    }
    return redirectWithCode(ctx, flow, user.id, org.id);
  }
  const memberships = ctx.store.allUserMemberships(user.id);
  if (memberships.length === 0) return redirectWithCode(ctx, flow, user.id, null);
  if (memberships.length === 1) return redirectWithCode(ctx, flow, user.id, memberships[0]!.organizationId);
  return html(200, organizationPickerPage(flow, csrf, user, memberships));
}

export function handleSignIn(ctx: SignInContext): HandlerResult {
  const path = ctx.url.pathname;
  if (ctx.method === "GET" && path === SIGN_IN_PATH) {
    const read = readFlow(ctx.url.searchParams);
    if ("error" in read) return html(400, errorPage(read.error));
    let nonce = readCookie(ctx.req, CSRF_COOKIE);
    const setCookie: Record<string, string> = {};
    if (!nonce || !/^[A-Za-z0-9_-]{20,64}$/.test(nonce)) {
      nonce = randomBytes(24).toString("base64url");
      setCookie["set-cookie"] = `${CSRF_COOKIE}=${nonce}; Path=${SIGN_IN_PATH}; HttpOnly; SameSite=Strict`;
    }
    const csrf = csrfToken(ctx.secretKey, nonce);
    let org: Organization | undefined;
    if (read.flow.organizationId) {
      org = ctx.store.findOrganization(read.flow.organizationId);
      if (!org) return html(400, errorPage("The requested organization does not exist."));
    }
    return html(200, userPickerPage(ctx, read.flow, csrf, undefined, org), setCookie);
  }
  if (
    ctx.method !== "POST" ||
    ![`${SIGN_IN_PATH}/select`, `${SIGN_IN_PATH}/create`, `${SIGN_IN_PATH}/organization`].includes(path)
  ) {
    return html(404, errorPage("This page does not exist."));
  }
  const form = new URLSearchParams(ctx.body.toString("utf8"));
  const csrf = form.get("csrf_token");
  if (!csrfValid(ctx, csrf)) {
    return html(
      403,
      errorPage("This form expired or was not sent from the sign-in page. Start the sign-in again."),
    );
  }
  const read = readFlow(form);
  if ("error" in read) return html(400, errorPage(read.error));
  const flow = read.flow;

  if (path === `${SIGN_IN_PATH}/create`) {
    const email = (form.get("email") ?? "").trim();
    const firstName = (form.get("first_name") ?? "").trim() || null;
    const lastName = (form.get("last_name") ?? "").trim() || null;
    const problem =
      isEmail(email, "email") ??
      (firstName ? isString({ max: 256 })(firstName, "first_name") : null) ??
      (lastName ? isString({ max: 256 })(lastName, "last_name") : null);
    if (problem) return html(400, userPickerPage(ctx, flow, csrf!, `${problem.field}: ${problem.message}`));
    // An existing email continues as that user: the list shows at most 100 users, the form reaches them all.
    let user = ctx.store.findUserByEmail(email);
    if (!user) {
      try {
        user = ctx.store.createUser({ email, firstName, lastName, emailVerified: true });
      } catch (error) {
        // Created by someone else between the lookup and the insert: use theirs.
        if (!(error instanceof ApiError && error.code === "email_in_use")) throw error;
        user = ctx.store.findUserByEmail(email);
        if (!user) throw error;
      }
    }
    return continueAs(ctx, flow, csrf!, user);
  }

  const user = ctx.store.findUser(form.get("user_id") ?? "");
  if (!user) return html(400, userPickerPage(ctx, flow, csrf!, "This user no longer exists."));
  if (path === `${SIGN_IN_PATH}/select`) return continueAs(ctx, flow, csrf!, user);

  // `/organization`: the second step for a user with several memberships.
  if (!flow.organizationId) return html(400, errorPage("No organization was chosen."));
  return continueAs(ctx, flow, csrf!, user);
}
