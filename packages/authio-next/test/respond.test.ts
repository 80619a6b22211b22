import { describe, expect, it } from "vitest";
import { applySetCookies, withSessionHeaders } from "../src/respond.ts";

describe("withSessionHeaders", () => {
  it("adds Cache-Control: private and Vary: Authorization, Cookie", () => {
    const res = withSessionHeaders(new Response("x"));
    expect(res.headers.get("cache-control")).toBe("private");
    expect(res.headers.get("vary")).toBe("Authorization, Cookie");
  });

  it("turns a public cache policy private, keeps max-age, drops s-maxage", () => {
    const res = withSessionHeaders(
      new Response("x", { headers: { "cache-control": "public, max-age=60, s-maxage=600" } }),
    );
    expect(res.headers.get("cache-control")).toBe("private, max-age=60");
  });

  it("keeps no-store and an existing private policy", () => {
    expect(
      withSessionHeaders(new Response("x", { headers: { "cache-control": "no-store" } })).headers.get(
        "cache-control",
      ),
    ).toBe("no-store");
    expect(
      withSessionHeaders(
        new Response("x", { headers: { "cache-control": "private, max-age=5" } }),
      ).headers.get("cache-control"),
    ).toBe("private, max-age=5");
  });

  it("merges Vary without duplicates, and leaves Vary: * alone", () => {
    const merged = withSessionHeaders(new Response("x", { headers: { vary: "Accept-Encoding, cookie" } }));
    expect(merged.headers.get("vary")).toBe("Accept-Encoding, cookie, Authorization");
    const star = withSessionHeaders(new Response("x", { headers: { vary: "*" } }));
    expect(star.headers.get("vary")).toBe("*");
  });

  it("copies a response whose headers are immutable, keeping status, body and Location", async () => {
    const redirect = Response.redirect("https://app.example/next", 303);
    const res = withSessionHeaders(redirect, ["authio_session=abc; Path=/; HttpOnly"]);
    expect(res.status).toBe(303);
    expect(res.headers.get("location")).toBe("https://app.example/next");
    expect(res.headers.get("cache-control")).toBe("private");
    expect(res.headers.getSetCookie()).toEqual(["authio_session=abc; Path=/; HttpOnly"]);
  });

  it("appends every Set-Cookie", () => {
    const res = withSessionHeaders(new Response("x"), ["a=1; Path=/", "b=2; Path=/"]);
    expect(res.headers.getSetCookie()).toEqual(["a=1; Path=/", "b=2; Path=/"]);
  });
});

describe("applySetCookies", () => {
  it("replaces, adds and removes cookies as the browser will", () => {
    expect(
      applySetCookies("theme=dark; authio_session=old; authio_refresh=r1", [
        "authio_session=new; Path=/; HttpOnly; Max-Age=300",
        "authio_refresh=r2; Path=/; HttpOnly",
      ]),
    ).toBe("theme=dark; authio_session=new; authio_refresh=r2");
    expect(applySetCookies(null, ["authio_session=t; Path=/"])).toBe("authio_session=t");
    expect(
      applySetCookies("theme=dark; authio_session=old; authio_refresh=r1", [
        "authio_session=; Path=/; Max-Age=0",
        "authio_refresh=; Path=/; Max-Age=0",
      ]),
    ).toBe("theme=dark");
  });
});
