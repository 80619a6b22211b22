/**
 * The session lifecycle suite shared by all four adapters (issue #8): sign-in through the local
 * Authio sign-in page, transparent refresh, refresh-token reuse, switch organization, sign-out and
 * CSRF — over real HTTP, against the real local Authio server.
 *
 * ## How to use it
 *
 * 1. `const env = await startLifecycleEnvironment()` — a local Authio server (in memory) seeded with
 *    one user who is `admin` of one organization and `member` of another.
 * 2. Start your framework's fixture app on 127.0.0.1 with `new Authio(env.authioOptions)` (out of
 *    process: `env.env` as environment variables). It mounts the adapter's lifecycle routes at their
 *    default paths (`/auth/sign-in`, `/auth/callback`, `/auth/sign-out`, `/auth/switch-organization`)
 *    and {@link LIFECYCLE_ROUTES}: `GET /private` and `POST /private`, both behind the session guard,
 *    answering `200` JSON `{ userId, orgId, role }` from the adapter's session.
 * 3. `for (const c of lifecycleCases) test(c.name, () => c.run({ baseUrl, env }))`.
 * 4. Adapters with helpers for custom routes also mount `POST /account/organizations/:id` (their
 *    `switchOrganization(…, id)`) and `POST /account/sign-out` (their `signOut(…)`), see
 *    {@link LIFECYCLE_ROUTES}, and run {@link helperCases} the same way.
 * 5. `await env.close()` in `afterAll`.
 */
import { type LocalAuthio, startLocalAuthio } from "@authio/local";
import { findForm, TestBrowser } from "./browser.ts";

export { findForm, TestBrowser } from "./browser.ts";

export const LIFECYCLE_ROUTES = {
  private: "/private",
  /** A custom route calling the adapter's `switchOrganization()` helper with the `:id` path parameter. */
  switchOrganization: "/account/organizations/:id",
  /** A custom route calling the adapter's `signOut()` helper. */
  signOut: "/account/sign-out",
} as const;

export interface LifecycleEnvironment {
  readonly local: LocalAuthio;
  readonly authioOptions: { apiUrl: string; apiKey: string };
  readonly env: { AUTHIO_API_URL: string; AUTHIO_SECRET_KEY: string };
  readonly userId: string;
  /** The organization the user is `admin` of, and the one they are `member` of. */
  readonly adminOrgId: string;
  readonly memberOrgId: string;
  close(): Promise<void>;
}

export async function startLifecycleEnvironment(): Promise<LifecycleEnvironment> {
  const local = await startLocalAuthio({ port: 0, db: ":memory:", logger: false });
  const seeded = await local.seed({
    users: [{ email: "ada@lifecycle.test", firstName: "Ada", lastName: "Lovelace" }],
    organizations: [
      { name: "Analytical Engines", slug: "engines" },
      { name: "Difference Co", slug: "difference" },
    ],
    memberships: [
      { user: "ada@lifecycle.test", organization: "engines", role: "admin" },
      { user: "ada@lifecycle.test", organization: "difference", role: "member" },
    ],
  });
  return {
    local,
    authioOptions: { apiUrl: local.url, apiKey: local.secretKey },
    env: { AUTHIO_API_URL: local.url, AUTHIO_SECRET_KEY: local.secretKey },
    userId: seeded.users["ada@lifecycle.test"]!,
    adminOrgId: seeded.organizations.engines!,
    memberOrgId: seeded.organizations.difference!,
    close: () => local.stop(),
  };
}

export interface LifecycleTarget {
  readonly baseUrl: string;
  readonly env: LifecycleEnvironment;
}

function check(condition: unknown, message: string): asserts condition {
  if (!condition) throw new Error(message);
}

async function json(res: Response): Promise<Record<string, unknown>> {
  const text = await res.text();
  try {
    return JSON.parse(text) as Record<string, unknown>;
  } catch {
    throw new Error(`expected JSON, got ${res.status}: ${text.slice(0, 200)}`);
  }
}

/**
 * Signs the browser in through the app's sign-in route and the real hosted page, picking the user and
 * then `organizationId`. Returns the callback's answer (a redirect to `returnTo` with the cookies set).
 */
export async function signIn(
  browser: TestBrowser,
  { baseUrl, env }: LifecycleTarget,
  organizationId = env.adminOrgId,
  returnTo = "/private",
): Promise<Response> {
  const start = await browser.fetch(`${baseUrl}/auth/sign-in?return_to=${encodeURIComponent(returnTo)}`);
  check(start.status === 302 || start.status === 303, `sign-in answered ${start.status}, not a redirect`);
  const authorizeUrl = start.headers.get("location")!;
  check(authorizeUrl.startsWith(`${env.local.url}/v1/authorize?`), `sign-in redirected to ${authorizeUrl}`);
  const state = new URL(authorizeUrl).searchParams.get("state");
  check(state && state.length >= 32, "the sign-in redirect carries no strong state");

  const page = await browser.fetch(authorizeUrl);
  check(page.status === 200, `the hosted page answered ${page.status}`);
  const pick = findForm(await page.text(), `data-user-id="${env.userId}"`);
  check(pick, "the hosted page lists no such user");
  let step = await browser.fetch(new URL(pick.action, env.local.url).href, {
    method: "POST",
    headers: { "content-type": "application/x-www-form-urlencoded", origin: env.local.url },
    body: pick.fields.toString(),
  });
  if (step.status === 200) {
    const org = findForm(await step.text(), `data-organization-id="${organizationId}"`);
    check(org, "the organization picker lists no such organization");
    step = await browser.fetch(new URL(org.action, env.local.url).href, {
      method: "POST",
      headers: { "content-type": "application/x-www-form-urlencoded", origin: env.local.url },
      body: org.fields.toString(),
    });
  }
  check(
    step.status === 302 || step.status === 303,
    `the hosted page answered ${step.status}, not a redirect`,
  );
  const callback = step.headers.get("location")!;
  check(callback.startsWith(`${baseUrl}/auth/callback?`), `the hosted page redirected to ${callback}`);
  return browser.fetch(callback);
}

/**
 * The flow of every adapter README's "Browser sessions" example, run against it: the home page links
 * to sign-in, signing in returns home showing the user and organization and a sign-out form,
 * `POST /orgs/:id/select` switches organization (JSON answer), and signing out shows "Sign in" again.
 */
export async function runReadmeSessionsExample(t: LifecycleTarget): Promise<void> {
  const { baseUrl: base, env } = t;
  const browser = new TestBrowser();
  const home = () => browser.fetch(`${base}/`).then((res) => res.text());
  check((await home()).includes('href="/auth/sign-in?return_to=/"'), "the home page has no sign-in link");
  const done = await signIn(browser, t, env.adminOrgId, "/");
  check(done.headers.get("location") === "/", `sign-in returned to ${done.headers.get("location")}`);
  const page = await home();
  check(page.includes(`${env.userId} in ${env.adminOrgId}`), "the home page does not show the session");
  check(page.includes('action="/auth/sign-out"'), "the home page has no sign-out form");

  const switched = await browser.fetch(`${base}/orgs/${env.memberOrgId}/select`, {
    method: "POST",
    headers: { origin: base, accept: "application/json" },
  });
  const session = (await json(switched)).session as { orgId?: string; role?: string } | undefined;
  check(
    session?.orgId === env.memberOrgId && session.role === "member",
    `the switch answered ${JSON.stringify(session)}`,
  );
  check((await home()).includes(`${env.userId} in ${env.memberOrgId}`), "the home page missed the switch");

  const out = await browser.fetch(`${base}/auth/sign-out`, { method: "POST", headers: { origin: base } });
  check(out.status === 303, `sign-out answered ${out.status}`);
  check((await home()).includes("Sign in"), "after sign-out the home page still shows a session");
}

/** Signs in while the local server's clock is behind: the browser's access token is born expired. */
export async function signInExpired(browser: TestBrowser, t: LifecycleTarget): Promise<void> {
  t.env.local.setClockOffset(-600);
  try {
    await signIn(browser, t);
  } finally {
    t.env.local.setClockOffset(0);
  }
}

const privateUrl = (t: LifecycleTarget) => `${t.baseUrl}${LIFECYCLE_ROUTES.private}`;

export interface LifecycleCase {
  readonly name: string;
  run(target: LifecycleTarget): Promise<void>;
}

export const lifecycleCases: readonly LifecycleCase[] = [
  {
    name: "full sign-in: hosted page, callback sets HttpOnly SameSite=Lax cookies and returns to the local path",
    async run(t) {
      const browser = new TestBrowser();
      const done = await signIn(browser, t);
      check(done.status === 302 || done.status === 303, `callback answered ${done.status}`);
      check(
        done.headers.get("location") === "/private",
        `callback redirected to ${done.headers.get("location")}`,
      );
      const cookies = done.headers.getSetCookie();
      for (const name of ["authio_session", "authio_refresh"]) {
        const c = cookies.find((line) => line.startsWith(`${name}=`));
        check(c, `callback did not set ${name}`);
        check(
          /; HttpOnly/i.test(c) && /; SameSite=Lax/i.test(c) && /; Path=\//i.test(c),
          `${name} attributes: ${c}`,
        );
        check(/; Max-Age=\d+/i.test(c), `${name} has no Max-Age`);
        check(!/; Secure/i.test(c), `${name} is Secure on http://127.0.0.1`);
      }
      const me = await json(await browser.fetch(privateUrl(t)));
      check(
        me.userId === t.env.userId && me.orgId === t.env.adminOrgId && me.role === "admin",
        `session: ${JSON.stringify(me)}`,
      );
    },
  },
  {
    name: "a return path that is not local is replaced by /",
    async run(t) {
      const browser = new TestBrowser();
      const done = await signIn(browser, t, t.env.adminOrgId, "//evil.example/steal");
      check(done.headers.get("location") === "/", `callback redirected to ${done.headers.get("location")}`);
    },
  },
  {
    name: "a replayed code is refused with a clear page, not a crash",
    async run(t) {
      const browser = new TestBrowser();
      const start = await browser.fetch(`${t.baseUrl}/auth/sign-in`);
      const state = new URL(start.headers.get("location")!).searchParams.get("state")!;
      const stateCookie = browser.cookies(t.baseUrl).get("authio_state")!;
      const first = await signIn(browser, t);
      const callbackUrl = first.url;
      check(first.status === 303 || first.status === 302, "first callback failed");
      // Replay the same callback URL with that sign-in's state cookie put back.
      const used = new URL(callbackUrl);
      browser.cookies(t.baseUrl).set("authio_state", stateCookie);
      used.searchParams.set("state", state);
      const replay = await browser.fetch(used.href);
      check(replay.status === 400, `replayed code answered ${replay.status}`);
      check((replay.headers.get("content-type") ?? "").includes("text/html"), "replay answer is not a page");
      check(!(await replay.text()).includes(used.searchParams.get("code")!), "the page echoes the code");
    },
  },
  {
    name: "a forged state is refused with 400 and no session",
    async run(t) {
      const browser = new TestBrowser();
      await browser.fetch(`${t.baseUrl}/auth/sign-in`);
      const res = await browser.fetch(`${t.baseUrl}/auth/callback?code=forged&state=${"x".repeat(43)}`);
      check(res.status === 400, `forged state answered ${res.status}`);
      check(
        !res.headers.getSetCookie().some((c) => c.startsWith("authio_session=") && !/Max-Age=0/.test(c)),
        "a session cookie was set",
      );
    },
  },
  {
    name: "an expired access token is refreshed transparently and the new cookies are set",
    async run(t) {
      const browser = new TestBrowser();
      await signInExpired(browser, t);
      const oldAccess = browser.cookies(t.baseUrl).get("authio_session");
      const oldRefresh = browser.cookies(t.baseUrl).get("authio_refresh");
      const res = await browser.fetch(privateUrl(t));
      check(res.status === 200, `refresh did not happen: ${res.status}`);
      const me = await json(res);
      check(me.userId === t.env.userId, "refreshed session has another user");
      check(
        browser.cookies(t.baseUrl).get("authio_session") !== oldAccess,
        "authio_session was not replaced",
      );
      check(
        browser.cookies(t.baseUrl).get("authio_refresh") !== oldRefresh,
        "authio_refresh was not rotated",
      );
    },
  },
  {
    name: "concurrent requests of one browser share one refresh",
    async run(t) {
      const browser = new TestBrowser();
      await signInExpired(browser, t);
      const results = await Promise.all(Array.from({ length: 8 }, () => browser.fetch(privateUrl(t))));
      check(
        results.every((r) => r.status === 200),
        `statuses: ${results.map((r) => r.status).join(",")}`,
      );
      // Had any of them refreshed a second time, reuse detection would have revoked the session.
      const after = await browser.fetch(privateUrl(t));
      check(after.status === 200, `the session did not survive: ${after.status}`);
    },
  },
  {
    name: "a reused refresh token signs the browser out",
    async run(t) {
      const browser = new TestBrowser();
      await signInExpired(browser, t);
      // Someone else uses the browser's refresh token first.
      const stolen = decodeURIComponent(browser.cookies(t.baseUrl).get("authio_refresh")!);
      const theft = await fetch(`${t.env.local.url}/v1/sessions/refresh`, {
        method: "POST",
        headers: { authorization: `Bearer ${t.env.local.secretKey}`, "content-type": "application/json" },
        body: JSON.stringify({ refreshToken: stolen }),
      });
      check(theft.status === 200, `the first use answered ${theft.status}`);
      const res = await browser.fetch(privateUrl(t));
      check(res.status === 401, `reuse answered ${res.status}`);
      check(
        !browser.cookies(t.baseUrl).has("authio_session") &&
          !browser.cookies(t.baseUrl).has("authio_refresh"),
        "cookies were not cleared",
      );
    },
  },
  {
    name: "an Authio outage during refresh is a 503 that keeps the cookies, not a sign-out",
    async run(t) {
      const browser = new TestBrowser();
      await signInExpired(browser, t);
      const refresh = browser.cookies(t.baseUrl).get("authio_refresh");
      t.env.local.faults.add({ kind: "status", status: 503, path: "/v1/sessions/refresh", count: 20 });
      try {
        const res = await browser.fetch(privateUrl(t));
        check(res.status === 503, `a refresh during an outage answered ${res.status}`);
        check(res.headers.get("retry-after") !== null, "the 503 has no Retry-After");
        check(res.headers.getSetCookie().length === 0, "the 503 changed cookies");
        check(browser.cookies(t.baseUrl).get("authio_refresh") === refresh, "the refresh cookie was lost");
      } finally {
        t.env.local.faults.clear();
      }
      const after = await browser.fetch(privateUrl(t));
      check(after.status === 200, `after the outage the same browser got ${after.status}`);
    },
  },
  {
    name: "a refresh token Authio refuses: the 401 clears both cookies",
    async run(t) {
      const res = await fetch(privateUrl(t), { headers: { cookie: "authio_refresh=not-a-refresh-token" } });
      check(res.status === 401, `a refused refresh token answered ${res.status}`);
      const cleared = res.headers.getSetCookie();
      check(
        cleared.map((c) => c.split("=")[0]).join() === "authio_session,authio_refresh" &&
          cleared.every((c) => /Max-Age=0/i.test(c)),
        `the 401 set: ${cleared.map((c) => c.split(";")[0]).join(", ")}`,
      );
    },
  },
  {
    name: "the lifecycle routes come before authentication: no refresh before the callback",
    async run(t) {
      const res = await fetch(`${t.baseUrl}/auth/callback?code=c&state=s`, {
        headers: { cookie: "authio_refresh=not-a-refresh-token" },
      });
      check(res.status === 400, `a callback without its state cookie answered ${res.status}`);
      const names = res.headers.getSetCookie().map((c) => c.split("=")[0]);
      check(names.join() === "authio_state", `the callback set: ${names.join(", ")}`);
    },
  },
  {
    name: "switch organization: the next request sees the new orgId and role",
    async run(t) {
      const browser = new TestBrowser();
      await signIn(browser, t);
      const res = await browser.fetch(
        `${t.baseUrl}/auth/switch-organization?organization_id=${t.env.memberOrgId}&return_to=/private`,
        { method: "POST", headers: { origin: t.baseUrl } },
      );
      check(res.status === 303 || res.status === 302, `switch answered ${res.status}`);
      check(
        res.headers.getSetCookie().some((c) => c.startsWith("authio_session=")),
        "no new session cookie",
      );
      const me = await json(await browser.fetch(privateUrl(t)));
      check(me.orgId === t.env.memberOrgId && me.role === "member", `after switch: ${JSON.stringify(me)}`);
    },
  },
  {
    name: "switching into an organization the user is not in is refused with 403",
    async run(t) {
      const browser = new TestBrowser();
      await signIn(browser, t);
      const res = await browser.fetch(`${t.baseUrl}/auth/switch-organization?organization_id=org_notmine`, {
        method: "POST",
        headers: { origin: t.baseUrl, accept: "application/json" },
      });
      check(res.status === 403, `switch answered ${res.status}`);
    },
  },
  {
    name: "sign-out revokes the session and clears both cookies",
    async run(t) {
      const browser = new TestBrowser();
      await signIn(browser, t);
      const token = browser.cookies(t.baseUrl).get("authio_session")!;
      const sid = JSON.parse(atob(token.split(".")[1]!.replace(/-/g, "+").replace(/_/g, "/"))).sid as string;
      const res = await browser.fetch(`${t.baseUrl}/auth/sign-out`, {
        method: "POST",
        headers: { origin: t.baseUrl },
      });
      check(res.status === 303 || res.status === 302, `sign-out answered ${res.status}`);
      check(
        !browser.cookies(t.baseUrl).has("authio_session") &&
          !browser.cookies(t.baseUrl).has("authio_refresh"),
        "cookies not cleared",
      );
      const after = await browser.fetch(privateUrl(t));
      check(after.status === 401, `after sign-out: ${after.status}`);
      const record = await fetch(`${t.env.local.url}/v1/sessions/${sid}`, {
        headers: { authorization: `Bearer ${t.env.local.secretKey}` },
      }).then((r) => r.json() as Promise<{ status: string }>);
      check(record.status === "revoked", `session status after sign-out: ${record.status}`);
    },
  },
  {
    name: "a cross-site POST authenticated by cookie is refused with 403",
    async run(t) {
      const browser = new TestBrowser();
      await signIn(browser, t);
      const evil = await browser.fetch(privateUrl(t), {
        method: "POST",
        headers: { origin: "https://evil.example" },
      });
      check(evil.status === 403, `cross-site POST answered ${evil.status}`);
      const body = await json(evil);
      check((body.error as { code?: string })?.code === "forbidden", `body: ${JSON.stringify(body)}`);
      const same = await browser.fetch(privateUrl(t), { method: "POST", headers: { origin: t.baseUrl } });
      check(same.status === 200, `same-origin POST answered ${same.status}`);
      const noOrigin = await browser.fetch(privateUrl(t), { method: "POST" });
      check(noOrigin.status === 403, `POST without Origin answered ${noOrigin.status}`);
      const fetchMeta = await browser.fetch(privateUrl(t), {
        method: "POST",
        headers: { "sec-fetch-site": "same-origin" },
      });
      check(fetchMeta.status === 200, `POST with Sec-Fetch-Site: same-origin answered ${fetchMeta.status}`);
    },
  },
  {
    name: "Bearer-authenticated requests are unaffected by the CSRF check",
    async run(t) {
      const { accessToken } = await t.env.local.createSession({
        userId: t.env.userId,
        organizationId: t.env.adminOrgId,
      });
      const res = await fetch(privateUrl(t), {
        method: "POST",
        headers: { authorization: `Bearer ${accessToken}`, origin: "https://other.example" },
      });
      check(res.status === 200, `Bearer POST answered ${res.status}`);
    },
  },
];

/**
 * For adapters with `switchOrganization()` and `signOut()` helpers, mounted in custom routes at
 * {@link LIFECYCLE_ROUTES}`.switchOrganization` and `.signOut`.
 */
export const helperCases: readonly LifecycleCase[] = [
  {
    name: "switchOrganization() and signOut() in custom routes set the cookies in the same response",
    async run(t) {
      const browser = new TestBrowser();
      await signIn(browser, t);
      const switchUrl = `${t.baseUrl}${LIFECYCLE_ROUTES.switchOrganization.replace(":id", t.env.memberOrgId)}`;

      const crossSite = await browser.fetch(switchUrl, {
        method: "POST",
        headers: { origin: "https://evil.example" },
      });
      check(crossSite.status === 403, `a cross-site switch answered ${crossSite.status}`);

      const switched = await browser.fetch(switchUrl, {
        method: "POST",
        headers: { origin: t.baseUrl, accept: "application/json" },
      });
      check(switched.status === 200, `the switch answered ${switched.status}`);
      check(
        switched.headers.getSetCookie().some((c) => c.startsWith("authio_session=")),
        "the switch set no session cookie",
      );
      const answer = (await json(switched)).session as { orgId?: string; role?: string } | undefined;
      check(
        answer?.orgId === t.env.memberOrgId && answer.role === "member",
        `the switch answered ${JSON.stringify(answer)}`,
      );
      const me = await json(await browser.fetch(privateUrl(t)));
      check(
        me.orgId === t.env.memberOrgId && me.role === "member",
        `after the switch: ${JSON.stringify(me)}`,
      );

      const out = await browser.fetch(`${t.baseUrl}${LIFECYCLE_ROUTES.signOut}`, {
        method: "POST",
        headers: { origin: t.baseUrl },
      });
      check(out.status === 303 && out.headers.get("location") === "/", `sign-out answered ${out.status}`);
      check(
        !browser.cookies(t.baseUrl).has("authio_session") &&
          !browser.cookies(t.baseUrl).has("authio_refresh"),
        "sign-out left cookies",
      );
      const after = await browser.fetch(privateUrl(t));
      check(after.status === 401, `after sign-out: ${after.status}`);
    },
  },
];
