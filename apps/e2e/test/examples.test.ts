// Every example app, in a real browser (Debian's Chromium through playwright-core), against the local
// Authio server: signed-out visit → hosted sign-in page → sign in → memberships → admin page →
// switch organization (the role changes) → admin page refused → sign out. A screenshot per step.
import { existsSync, mkdtempSync } from "node:fs";
import { tmpdir } from "node:os";
import { join } from "node:path";
import { availableExamples, EXAMPLES, mintAccessToken, startAll } from "@authio/demo/launch";
import { type Browser, chromium, type Page } from "playwright-core";
import { afterAll, beforeAll, describe, expect, it } from "vitest";

const CHROMIUM = "/usr/bin/chromium";
const hasChromium = existsSync(CHROMIUM);
const inCI = process.env.CI === "true";
if (!hasChromium && !inCI) {
  console.warn(
    `\n${"!".repeat(78)}\n! ${CHROMIUM} is missing: the browser suite of the examples is SKIPPED.\n! Install it with: apt-get install -y chromium\n${"!".repeat(78)}\n`,
  );
}

const examples = availableExamples();
const screenshots = mkdtempSync(join(tmpdir(), "authio-e2e-screenshots-"));
const logDir = mkdtempSync(join(tmpdir(), "authio-e2e-logs-"));

type Demo = Awaited<ReturnType<typeof startAll>>;
let demo: Demo | undefined;
let browser: Browser | undefined;

describe.runIf(hasChromium || inCI)("example apps in a browser", () => {
  beforeAll(async () => {
    if (!hasChromium) throw new Error(`${CHROMIUM} is missing (CI must install Debian's chromium).`);
    console.log(`e2e: screenshots in ${screenshots}, server logs in ${logDir}`);
    demo = await startAll({ examples, fixedPorts: false, db: ":memory:", logDir, log: console.log });
    browser = await chromium.launch({
      executablePath: CHROMIUM,
      args: [
        "--headless",
        "--no-sandbox",
        "--disable-gpu",
        "--disable-quic",
        "--no-first-run",
        "--disable-background-networking",
        "--disable-component-update",
        "--disable-sync",
      ],
    });
  });

  afterAll(async () => {
    await browser?.close().catch(() => {});
    await demo?.stop();
    console.log(`e2e: screenshots in ${screenshots}`);
  });

  it("has every example of the repository", () => {
    expect(examples.map((e) => e.name).sort()).toEqual(EXAMPLES.map((e) => e.name).sort());
  });

  for (const example of examples) {
    describe(example.name, () => {
      const app = () => {
        const found = demo?.apps.find((a) => a.name === example.name);
        if (!found) throw new Error(`${example.name} is not running`);
        return found;
      };
      let step = 0;
      const shot = (page: Page, name: string) =>
        page.screenshot({
          path: join(screenshots, `${example.name}-${String(++step).padStart(2, "0")}-${name}.png`),
          fullPage: true,
        });

      it("answers /api/me with a Bearer token, and 401 without", async () => {
        const token = await mintAccessToken(demo!.authio, {
          userId: "user_grace",
          organizationId: "org_globex",
        });
        const me = await fetch(`${app().url}/api/me`, { headers: { authorization: `Bearer ${token}` } });
        expect(me.status).toBe(200);
        expect(await me.json()).toMatchObject({
          userId: "user_grace",
          organizationId: "org_globex",
          role: "admin",
        });
        const anonymous = await fetch(`${app().url}/api/me`);
        expect(anonymous.status).toBe(401);
      });

      it("signs in, shows memberships, switches organization, guards the admin page, signs out", async () => {
        const context = await browser!.newContext({ viewport: { width: 1280, height: 860 } });
        const page = await context.newPage();
        try {
          const base = app().url;
          const authio = demo!.authio.url;

          // 1. Signed out: the home page sends the browser to the hosted sign-in page.
          await page.goto(`${base}/`);
          await page.waitForURL((url) => url.href.startsWith(`${authio}/v1/authorize`));
          await expect.poll(() => page.getByTestId("signin-page").isVisible()).toBe(true);
          await shot(page, "sign-in-page");

          // 2. Sign in as Ada (admin of Acme, member of Globex): she picks an organization.
          await page.locator('[data-testid="signin-user"][data-email="ada@acme.example"]').click();
          await page.locator('[data-testid="signin-org"][data-slug="acme"]').waitFor();
          await shot(page, "choose-organization");
          await page.locator('[data-testid="signin-org"][data-slug="acme"]').click();

          // 3. Back in the app: who she is, her organizations, her role in Acme.
          await page.waitForURL(`${base}/`);
          await expect(page.getByTestId("current-user").getAttribute("data-user-id")).resolves.toBe(
            "user_ada",
          );
          await expect(page.getByTestId("current-org").getAttribute("data-organization-id")).resolves.toBe(
            "org_acme",
          );
          await expect(page.getByTestId("current-role").textContent()).resolves.toBe("admin");
          await expect(page.getByTestId("membership").count()).resolves.toBe(2);
          const cookies = await context.cookies(base);
          expect(cookies.map((c) => c.name)).toEqual(
            expect.arrayContaining(["authio_session", "authio_refresh"]),
          );
          await shot(page, "home-admin-of-acme");

          // 4. The admin page lists Acme's members.
          const admin = await page.goto(`${base}/admin`);
          expect(admin?.status()).toBe(200);
          await expect(page.getByTestId("member").count()).resolves.toBe(3);
          await shot(page, "admin-page");

          // 5. Switch to Globex (a form POST): the role shown becomes member.
          await page.goto(`${base}/`);
          await page.locator('[data-testid="switch-org"][data-organization-id="org_globex"]').click();
          await page.waitForURL(`${base}/`);
          await expect.poll(() => page.getByTestId("current-role").textContent()).toBe("member");
          await expect(page.getByTestId("current-org").getAttribute("data-organization-id")).resolves.toBe(
            "org_globex",
          );
          await shot(page, "switched-to-globex");

          // 6. A member is refused the admin page, with a page that says why.
          const refused = await page.goto(`${base}/admin`);
          expect(refused?.status()).toBe(403);
          await expect(page.getByTestId("forbidden").isVisible()).resolves.toBe(true);
          await shot(page, "admin-refused");

          // 7. Sign out: the cookies are gone and the app sends the browser to sign in again.
          await page.goto(`${base}/`);
          await page.getByTestId("sign-out").click();
          await page.waitForURL((url) => url.href.startsWith(`${authio}/v1/authorize`));
          const after = await context.cookies(base);
          expect(after.map((c) => c.name)).not.toContain("authio_session");
          expect(after.map((c) => c.name)).not.toContain("authio_refresh");
          const me = await page.goto(`${base}/api/me`);
          expect(me?.status()).toBe(401);
          await page.goto(`${base}/`);
          await page.waitForURL((url) => url.href.startsWith(`${authio}/v1/authorize`));
          await shot(page, "signed-out");
        } catch (error) {
          await shot(page, "failure").catch(() => {});
          throw error;
        } finally {
          await context.close();
        }
      });

      it("keeps the browser signed in when its access token is gone (transparent refresh)", async () => {
        const context = await browser!.newContext({ viewport: { width: 1280, height: 860 } });
        const page = await context.newPage();
        try {
          const base = app().url;
          // Alan belongs to one organization: the sign-in page needs no second step.
          await page.goto(`${base}/`);
          await page.locator('[data-testid="signin-user"][data-email="alan@acme.example"]').click();
          await page.waitForURL(`${base}/`);
          await expect(page.getByTestId("current-role").textContent()).resolves.toBe("member");
          const first = (await context.cookies(base)).find((c) => c.name === "authio_session")?.value;
          expect(first).toBeTruthy();

          // The access cookie expires before the refresh cookie: the next request refreshes the session.
          await context.clearCookies({ name: "authio_session" });
          await page.goto(`${base}/`);
          expect(page.url()).toBe(`${base}/`);
          await expect(page.getByTestId("current-user").getAttribute("data-user-id")).resolves.toBe(
            "user_alan",
          );
          const second = (await context.cookies(base)).find((c) => c.name === "authio_session")?.value;
          expect(second).toBeTruthy();
          expect(second).not.toBe(first);
          await shot(page, "refreshed");
        } catch (error) {
          await shot(page, "failure").catch(() => {});
          throw error;
        } finally {
          await context.close();
        }
      });

      it("refuses a cross-site form post (CSRF)", async () => {
        const context = await browser!.newContext();
        const page = await context.newPage();
        try {
          const base = app().url;
          await page.goto(`${base}/`);
          await page.locator('[data-testid="signin-user"][data-email="ada@acme.example"]').click();
          await page.locator('[data-testid="signin-org"][data-slug="acme"]').click();
          await page.waitForURL(`${base}/`);

          // Another origin on the same host (the cookies are SameSite=Lax: they are sent) posts a form
          // that would switch Ada's organization.
          await page.goto(`${demo!.authio.url}/not-this-app`);
          const target = `${base}/auth/switch-organization?organization_id=org_globex&return_to=/`;
          const [answer] = await Promise.all([
            page.waitForResponse((r) => r.url() === target),
            page.evaluate((action) => {
              const form = document.createElement("form");
              form.method = "post";
              form.action = action;
              document.body.append(form);
              form.submit();
            }, target),
          ]);
          expect(answer.status()).toBe(403);
          await page.waitForURL(target);

          await page.goto(`${base}/`);
          await expect(page.getByTestId("current-org").getAttribute("data-organization-id")).resolves.toBe(
            "org_acme",
          );
          await expect(page.getByTestId("current-role").textContent()).resolves.toBe("admin");
        } catch (error) {
          await shot(page, "failure").catch(() => {});
          throw error;
        } finally {
          await context.close();
        }
      });

      it("creates an organization and adds a member (Management API)", async () => {
        const context = await browser!.newContext({ viewport: { width: 1280, height: 860 } });
        const page = await context.newPage();
        try {
          const base = app().url;
          // Grace is an admin of Globex and a member of Acme and Initech.
          await page.goto(`${base}/`);
          await page.locator('[data-testid="signin-user"][data-email="grace@globex.example"]').click();
          await page.locator('[data-testid="signin-org"][data-slug="globex"]').click();
          await page.waitForURL(`${base}/`);
          // Every example shares one Authio environment: each of them adds an organization of Grace's.
          const before = await page.getByTestId("membership").count();
          expect(before).toBeGreaterThanOrEqual(3);

          // Create "Umbrella <example>": Grace becomes its admin.
          const slug = `umbrella-${example.name}`;
          await page.fill("#org-name", `Umbrella ${example.name}`);
          await page.fill("#org-slug", slug);
          await page.getByTestId("create-org-form").locator("button").click();
          await page.waitForURL((url) => url.searchParams.has("created"));
          await expect.poll(() => page.getByTestId("membership").count()).toBe(before + 1);
          await expect(page.getByTestId("notice").textContent()).resolves.toContain(
            `Umbrella ${example.name}`,
          );
          await shot(page, "organization-created");

          // Switch into it and add Margaret as a member from the admin page.
          const created = new URL(page.url()).searchParams.get("created")!;
          await page.locator(`[data-testid="switch-org"][data-organization-id="${created}"]`).click();
          await expect
            .poll(() => page.getByTestId("current-org").getAttribute("data-organization-id"))
            .toBe(created);
          await page.goto(`${base}/admin`);
          await expect(page.getByTestId("member").count()).resolves.toBe(1);
          await page.fill("#member-email", "margaret@example.com");
          await page.getByTestId("add-member-form").locator("button").click();
          await expect.poll(() => page.getByTestId("member").count()).toBe(2);
          await expect(page.getByTestId("notice").textContent()).resolves.toContain("margaret@example.com");
          await shot(page, "member-added");

          // Adding her twice is refused with a clear message, not a crash.
          await page.fill("#member-email", "margaret@example.com");
          await page.getByTestId("add-member-form").locator("button").click();
          await expect.poll(() => page.getByTestId("notice").textContent()).toContain("already a member");
        } catch (error) {
          await shot(page, "failure").catch(() => {});
          throw error;
        } finally {
          await context.close();
        }
      });
    });
  }
});
