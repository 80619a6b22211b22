import {
  type LifecycleEnvironment,
  lifecycleCases,
  signIn,
  startLifecycleEnvironment,
  TestBrowser,
} from "@authio/test-kit";
import { afterAll, beforeAll, describe, expect, it } from "vitest";
import { type NextVersion, type RunningApp, startFixture } from "./next-app.ts";

/** The session lifecycle suite and the refresh-before-render checks, for one Next version. */
export function defineLifecycleSuite(version: NextVersion): void {
  // The session lifecycle suite (sign-in through the local Authio server's hosted page, transparent
  // refresh, reuse, switch organization, sign-out, CSRF) against the fixture app: `authioRoutes()` at
  // /auth/[action], `GET`/`POST /private` behind `withSession` and `proxy.ts`.
  let env: LifecycleEnvironment;
  let app: RunningApp;

  beforeAll(async () => {
    env = await startLifecycleEnvironment();
    app = await startFixture(env.env, version);
  }, 120_000);

  afterAll(async () => {
    await app?.stop();
    await env?.close();
  });

  describe(`session lifecycle on ${version}`, () => {
    for (const c of lifecycleCases) it(c.name, () => c.run({ baseUrl: app.url, env }));
  });

  describe("server components after a refresh in proxy.ts", () => {
    /** A browser signed in while the server's clock was behind: its access token is born expired. */
    async function expiredBrowser(): Promise<TestBrowser> {
      const browser = new TestBrowser();
      env.local.setClockOffset(-600);
      try {
        await signIn(browser, { baseUrl: app.url, env });
      } finally {
        env.local.setClockOffset(0);
      }
      return browser;
    }

    it("a private page renders the refreshed session, and the browser gets the new cookies", async () => {
      const browser = await expiredBrowser();
      const before = browser.cookies(app.url).get("authio_session");
      const page = await browser.fetch(`${app.url}/dashboard`);
      expect(page.status).toBe(200);
      expect(await page.text()).toContain(`<span id="user">${env.userId}</span>`);
      expect(browser.cookies(app.url).get("authio_session")).not.toBe(before);
      // The rotated refresh token works: no reuse, the session survives the next page.
      const again = await browser.fetch(`${app.url}/dashboard`);
      expect(again.status).toBe(200);
      expect(await again.text()).toContain(`<span id="user">${env.userId}</span>`);
    });

    it("a public page is refreshed too (never blocked)", async () => {
      const browser = await expiredBrowser();
      const page = await browser.fetch(`${app.url}/whoami`);
      expect(page.status).toBe(200);
      expect(await page.text()).toContain(`>user:${env.userId}<`);
    });

    it("without the refresh cookie an expired session is not refreshed: the page redirects to sign-in", async () => {
      const browser = await expiredBrowser();
      browser.cookies(app.url).delete("authio_refresh");
      const page = await browser.fetch(`${app.url}/dashboard`);
      expect(page.status).toBe(307);
      // Next 15 names a loopback host `localhost` in a middleware redirect (see app-suite.ts).
      const origin = version === "next16" ? app.url : app.url.replace("127.0.0.1", "localhost");
      expect(new URL(page.headers.get("location") ?? "", app.url).href).toBe(
        `${origin}/sign-in?return_to=%2Fdashboard`,
      );
    });

    it("after sign-out, pages redirect to sign-in", async () => {
      const browser = new TestBrowser();
      await signIn(browser, { baseUrl: app.url, env });
      expect((await browser.fetch(`${app.url}/dashboard`)).status).toBe(200);
      const out = await browser.fetch(`${app.url}/auth/sign-out`, {
        method: "POST",
        headers: { origin: app.url },
      });
      expect(out.status).toBe(303);
      expect((await browser.fetch(`${app.url}/dashboard`)).status).toBe(307);
    });
  });
}
