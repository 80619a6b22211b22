import { existsSync } from "node:fs";
import { createServer, type Server } from "node:http";
import type { AddressInfo } from "node:net";
import { type Browser, chromium } from "playwright-core";
import { afterAll, beforeAll, describe, expect, it } from "vitest";
import type { LocalAuthio } from "../src/index.js";
import { type Api, apiFor, decodeJwt, expectError, startTestServer } from "./helpers.js";

const CHROMIUM = "/usr/bin/chromium";
const haveChromium = existsSync(CHROMIUM);
if (!haveChromium && !process.env.CI) {
  console.warn(
    `Skipping the browser test of the sign-in page: ${CHROMIUM} is absent (apt-get install -y chromium).`,
  );
}

let local: LocalAuthio;
let api: Api;
let app: Server;
let appUrl: string;
let ids: { alice: string; bob: string; acme: string; globex: string };

beforeAll(async () => {
  local = await startTestServer();
  api = apiFor(local);
  const seeded = await local.seed({
    users: [
      { email: "alice@acme.test", firstName: "Alice", lastName: "Admin" },
      { email: "bob@acme.test", firstName: "<script>alert(1)</script>" },
    ],
    organizations: [
      { name: "Acme Corp", slug: "acme" },
      { name: "Globex <b>Inc</b>", slug: "globex" },
    ],
    memberships: [
      { user: "alice@acme.test", organization: "acme", role: "admin" },
      { user: "alice@acme.test", organization: "globex", role: "member" },
      { user: "bob@acme.test", organization: "acme" },
    ],
  });
  ids = {
    alice: seeded.users["alice@acme.test"]!,
    bob: seeded.users["bob@acme.test"]!,
    acme: seeded.organizations.acme!,
    globex: seeded.organizations.globex!,
  };
  // The "application": its callback page shows the code it received.
  app = createServer((req, res) => {
    res.writeHead(200, { "content-type": "text/plain" }).end(`callback ${req.url}`);
  });
  await new Promise<void>((r) => app.listen(0, "127.0.0.1", () => r()));
  appUrl = `http://localhost:${(app.address() as AddressInfo).port}`;
});
afterAll(async () => {
  await local.stop();
  await new Promise<void>((r) => app.close(() => r()));
});

function authorizeUrl(params: Record<string, string>): string {
  return `${local.url}/v1/authorize?${new URLSearchParams(params)}`;
}

describe("sign-in page over HTTP", () => {
  it("needs no secret key but only accepts localhost redirect URIs", async () => {
    const ok = await fetch(authorizeUrl({ redirect_uri: `${appUrl}/callback`, state: "s" }));
    expect(ok.status).toBe(200);
    expect(ok.headers.get("x-request-id")).toMatch(/^req_/);
    expect(ok.headers.get("content-security-policy")).toContain("frame-ancestors 'none'");
    for (const bad of [
      "https://evil.example/cb",
      "http://localhost.evil.example/cb",
      "javascript:alert(1)",
      "http://user:pw@localhost/cb",
      "",
    ]) {
      const r = await fetch(authorizeUrl({ redirect_uri: bad }));
      expect(r.status).toBe(400);
    }
  });

  it("escapes everything it shows", async () => {
    const page = await (
      await fetch(
        authorizeUrl({ redirect_uri: `${appUrl}/cb?x="><script>`, state: '"><img src=x onerror=alert(1)>' }),
      )
    ).text();
    expect(page).not.toContain("<script>alert(1)</script>");
    expect(page).toContain("&lt;script&gt;alert(1)&lt;/script&gt;");
    expect(page).not.toContain('"><img');
  });

  it("refuses form posts without the page's CSRF token", async () => {
    const r = await fetch(`${local.url}/v1/authorize/select`, {
      method: "POST",
      headers: { "content-type": "application/x-www-form-urlencoded" },
      body: new URLSearchParams({
        redirect_uri: `${appUrl}/cb`,
        user_id: ids.bob,
        csrf_token: "forged",
      }).toString(),
      redirect: "manual",
    });
    expect(r.status).toBe(403);
    expect(r.headers.get("location")).toBeNull();
  });
});

describe.skipIf(!haveChromium && !process.env.CI)("sign-in page in Chromium", () => {
  let browser: Browser;

  beforeAll(async () => {
    // Playwright gives the browser a fresh, empty profile of its own.
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
  }, 30_000);
  afterAll(async () => {
    await browser?.close();
  });

  async function codeFrom(url: string): Promise<{ code: string; state: string | null }> {
    const u = new URL(url);
    expect(u.pathname).toBe("/callback");
    return { code: u.searchParams.get("code")!, state: u.searchParams.get("state") };
  }

  it("signs in a user with one membership straight into it", async () => {
    const page = await browser.newPage();
    try {
      await page.goto(authorizeUrl({ redirect_uri: `${appUrl}/callback`, state: "st-bob" }));
      await expect(page.title()).resolves.toContain("Sign in");
      await page.click('[data-testid="signin-user"][data-email="bob@acme.test"]');
      await page.waitForURL(/\/callback\?/);
      const { code, state } = await codeFrom(page.url());
      expect(state).toBe("st-bob");
      const r = await api("POST", "/v1/sessions/authenticate", { code });
      expect(r.status).toBe(200);
      expect(r.body.user.id).toBe(ids.bob);
      expect(r.body.session.organizationId).toBe(ids.acme);
      expect(decodeJwt(r.body.accessToken).claims).toMatchObject({
        sub: ids.bob,
        org_id: ids.acme,
        role: "member",
      });
      // Single use.
      expectError(await api("POST", "/v1/sessions/authenticate", { code }), 400, "invalid_code");
    } finally {
      await page.close();
    }
  });

  it("asks a user with several memberships to choose an organization", async () => {
    const page = await browser.newPage();
    try {
      await page.goto(authorizeUrl({ redirect_uri: `${appUrl}/callback`, state: "st-alice" }));
      await page.click('[data-testid="signin-user"][data-email="alice@acme.test"]');
      await page.waitForSelector('[data-testid="signin-org"]');
      await expect(page.textContent('[data-testid="signin-selected-user"]')).resolves.toBe("alice@acme.test");
      // The organization's name is shown as text, not markup.
      await expect(
        page.locator('[data-testid="signin-org"][data-slug="globex"] strong').textContent(),
      ).resolves.toBe("Globex <b>Inc</b>");
      await page.click('[data-testid="signin-org"][data-slug="globex"]');
      await page.waitForURL(/\/callback\?/);
      const { code } = await codeFrom(page.url());
      const r = await api("POST", "/v1/sessions/authenticate", { code });
      expect(r.body.session.organizationId).toBe(ids.globex);
      expect(decodeJwt(r.body.accessToken).claims).toMatchObject({
        org_id: ids.globex,
        role: "member",
        permissions: [],
      });
    } finally {
      await page.close();
    }
  });

  it("creates a user from the form and signs them in", async () => {
    const page = await browser.newPage();
    try {
      await page.goto(authorizeUrl({ redirect_uri: `${appUrl}/callback`, state: "st-new" }));
      await page.fill("#signin-create-email", "carol@new.test");
      await page.fill("#signin-create-first-name", "Carol");
      await page.fill("#signin-create-last-name", "New");
      await page.click("#signin-create-submit");
      await page.waitForURL(/\/callback\?/);
      const { code, state } = await codeFrom(page.url());
      expect(state).toBe("st-new");
      const r = await api("POST", "/v1/sessions/authenticate", { code });
      expect(r.body.user).toMatchObject({
        email: "carol@new.test",
        firstName: "Carol",
        lastName: "New",
        emailVerified: true,
      });
      expect(r.body.session.organizationId).toBeNull();
      expect(decodeJwt(r.body.accessToken).claims.org_id).toBeUndefined();
    } finally {
      await page.close();
    }
  });

  it("continues as an existing user when their email is typed", async () => {
    const page = await browser.newPage();
    try {
      await page.goto(authorizeUrl({ redirect_uri: `${appUrl}/callback` }));
      await page.fill("#signin-create-email", "BOB@acme.test");
      await page.click("#signin-create-submit");
      await page.waitForURL(/\/callback\?/);
      const r = await api("POST", "/v1/sessions/authenticate", { code: (await codeFrom(page.url())).code });
      expect(r.body.user.id).toBe(ids.bob);
      expect((await api("GET", "/v1/users?email=bob@acme.test")).body.data).toHaveLength(1);
    } finally {
      await page.close();
    }
  });

  it("honours organization_id and refuses a non-member", async () => {
    const page = await browser.newPage();
    try {
      await page.goto(authorizeUrl({ redirect_uri: `${appUrl}/callback`, organization_id: ids.globex }));
      await page.click('[data-testid="signin-user"][data-email="bob@acme.test"]');
      await expect(page.textContent('[data-testid="signin-error"]')).resolves.toContain("not a member");
      await page.click('[data-testid="signin-user"][data-email="alice@acme.test"]');
      await page.waitForURL(/\/callback\?/);
      const r = await api("POST", "/v1/sessions/authenticate", { code: (await codeFrom(page.url())).code });
      expect(r.body.session.organizationId).toBe(ids.globex);
    } finally {
      await page.close();
    }
  });

  it("expires codes after 60 seconds", async () => {
    const page = await browser.newPage();
    try {
      await page.goto(authorizeUrl({ redirect_uri: `${appUrl}/callback` }));
      await page.click('[data-testid="signin-user"][data-email="bob@acme.test"]');
      await page.waitForURL(/\/callback\?/);
      const { code } = await codeFrom(page.url());
      local.setClockOffset(61);
      try {
        expectError(await api("POST", "/v1/sessions/authenticate", { code }), 400, "invalid_code");
      } finally {
        local.setClockOffset(0);
      }
    } finally {
      await page.close();
    }
  });
});
