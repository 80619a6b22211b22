import { describe, expect, test } from "vitest";
import { isSameOriginRequest } from "../src/browser/csrf.js";
import { RefreshCoordinator, type RefreshGrant } from "../src/browser/refresh.js";
import { safeReturnPath } from "../src/browser/return-path.js";
import { cookiesAreSecure, serializeCookie } from "../src/browser/set-cookie.js";
import { AuthioError } from "../src/errors.js";

describe("safeReturnPath", () => {
  test.each([
    ["/dashboard", "/dashboard"],
    ["/orgs/acme?tab=members#top", "/orgs/acme?tab=members#top"],
    ["/a/../b", "/b"],
  ])("keeps the local path %s", (input, expected) => {
    expect(safeReturnPath(input)).toBe(expected);
  });

  test.each([
    "//evil.example/x",
    "/\\evil.example",
    "https://evil.example/",
    "javascript:alert(1)",
    "evil.example",
    "/\tevil",
    "",
    "/x".padEnd(3000, "x"),
  ])("refuses %s", (input) => {
    expect(safeReturnPath(input, "/home")).toBe("/home");
  });

  test("a CRLF can only survive percent-encoded, inside the path", () => {
    expect(safeReturnPath("/%0d%0aSet-Cookie:x")).toBe("/%0d%0aSet-Cookie:x");
    expect(safeReturnPath("/\r\nSet-Cookie:x", "/home")).toBe("/home");
  });

  test.each([null, undefined, 42, {}, ["/x"]])("non-strings fall back: %s", (input) => {
    expect(safeReturnPath(input)).toBe("/");
  });
});

describe("serializeCookie", () => {
  test("session cookies are HttpOnly, SameSite=Lax, Path=/, with Max-Age", () => {
    expect(serializeCookie("authio_session", "a.b.c", { maxAge: 300, secure: true })).toBe(
      "authio_session=a.b.c; Path=/; HttpOnly; SameSite=Lax; Max-Age=300; Secure",
    );
  });

  test("a value cannot end the cookie or add attributes", () => {
    const header = serializeCookie("authio_state", "x; Domain=evil.example", { maxAge: 60, secure: false });
    expect(header).toBe(
      "authio_state=x%3B%20Domain%3Devil.example; Path=/; HttpOnly; SameSite=Lax; Max-Age=60",
    );
  });

  test("deleting sets Max-Age=0 and an expiry in the past", () => {
    expect(serializeCookie("authio_session", "", { maxAge: 0, secure: false })).toContain(
      "Max-Age=0; Expires=Thu, 01 Jan 1970",
    );
  });

  test("Secure except on plain-http localhost", () => {
    expect(cookiesAreSecure(new URL("http://localhost:3000/"))).toBe(false);
    expect(cookiesAreSecure(new URL("http://127.0.0.1:3000/"))).toBe(false);
    expect(cookiesAreSecure(new URL("http://app.example/"))).toBe(true);
    expect(cookiesAreSecure(new URL("https://localhost/"))).toBe(true);
  });
});

describe("isSameOriginRequest (CSRF)", () => {
  const headers = (h: Record<string, string>) => new Headers(h);
  const none = new Set<string>();

  test("safe methods always pass", () => {
    for (const m of ["GET", "head", "OPTIONS"]) {
      expect(isSameOriginRequest(m, "http://app", headers({ origin: "http://evil" }), none)).toBe(true);
    }
  });

  test("unsafe methods need a same-origin or allowed Origin", () => {
    expect(isSameOriginRequest("POST", "http://app", headers({ origin: "http://app" }), none)).toBe(true);
    expect(isSameOriginRequest("POST", "http://app", headers({ origin: "http://evil" }), none)).toBe(false);
    expect(
      isSameOriginRequest(
        "DELETE",
        "http://app",
        headers({ origin: "http://admin" }),
        new Set(["http://admin"]),
      ),
    ).toBe(true);
    expect(isSameOriginRequest("POST", "http://app", headers({ origin: "null" }), none)).toBe(false);
  });

  test("without Origin, Sec-Fetch-Site must say same-origin; with neither, refused", () => {
    expect(
      isSameOriginRequest("POST", "http://app", headers({ "sec-fetch-site": "same-origin" }), none),
    ).toBe(true);
    expect(isSameOriginRequest("POST", "http://app", headers({ "sec-fetch-site": "cross-site" }), none)).toBe(
      false,
    );
    expect(isSameOriginRequest("PUT", "http://app", headers({}), none)).toBe(false);
  });
});

describe("RefreshCoordinator", () => {
  const grant = (n: number): RefreshGrant => ({
    accessToken: `access${n}`,
    refreshToken: `refresh${n}`,
    session: { id: "session_1", expiresAt: "2030-01-01T00:00:00.000Z" },
  });

  test("concurrent refreshes with one token make one call and share its answer", async () => {
    let calls = 0;
    let release!: () => void;
    const gate = new Promise<void>((r) => {
      release = r;
    });
    const coordinator = new RefreshCoordinator(async () => {
      calls++;
      await gate;
      return grant(calls);
    });
    const pending = Array.from({ length: 20 }, () => coordinator.refresh("rt_1"));
    release();
    const outcomes = await Promise.all(pending);
    expect(calls).toBe(1);
    for (const o of outcomes) expect(o).toEqual({ kind: "refreshed", grant: grant(1) });
    // A request that was in flight with the old cookie still gets the same tokens afterwards.
    expect(await coordinator.refresh("rt_1")).toEqual({ kind: "refreshed", grant: grant(1) });
    expect(calls).toBe(1);
  });

  test.each(["refresh_token_reused", "invalid_refresh_token", "session_inactive"])(
    "%s signs out",
    async (code) => {
      const coordinator = new RefreshCoordinator(async () => {
        throw new AuthioError({ code, message: "x", status: 401 });
      });
      expect(await coordinator.refresh("rt")).toEqual({ kind: "signed_out" });
    },
  );

  test("an outage is unavailable, not a sign-out, and the next attempt tries again", async () => {
    let calls = 0;
    const coordinator = new RefreshCoordinator(async () => {
      calls++;
      throw new AuthioError({ code: "network_error", message: "down" });
    });
    const first = await coordinator.refresh("rt");
    expect(first.kind).toBe("unavailable");
    await coordinator.refresh("rt");
    expect(calls).toBe(2);
  });

  test("memory stays bounded under a flood of distinct refresh tokens", async () => {
    const coordinator = new RefreshCoordinator(async (t) => grant(Number(t.slice(2))), { maxEntries: 100 });
    for (let i = 0; i < 1000; i++) await coordinator.refresh(`rt${i}`);
    expect(coordinator.size).toBeLessThanOrEqual(101);
  });
});
