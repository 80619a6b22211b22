// readCookie and extractToken: the one place every adapter gets its token from (issue #3, item 6).
import { describe, expect, test } from "vitest";
import { readCookie } from "../src/request/cookies.ts";
import { extractToken } from "../src/request/credentials.ts";

describe("readCookie", () => {
  const cases: [string, string | null | undefined, string, string | null][] = [
    ["a single cookie", "authio_session=abc", "authio_session", "abc"],
    ["among others, with spaces", "a=1; authio_session=abc ; b=2", "authio_session", "abc"],
    [
      "the first of duplicates wins",
      "authio_session=first; authio_session=second",
      "authio_session",
      "first",
    ],
    ["a quoted value is unquoted", 'authio_session="abc"', "authio_session", "abc"],
    ["percent-encoding is decoded", "authio_session=a%20b", "authio_session", "a b"],
    [
      "an encoded ; stays inside the value",
      "authio_session=a%3B%20authio_refresh%3Dforged",
      "authio_refresh",
      null,
    ],
    ["…and is returned decoded for its own cookie", "authio_session=a%3Bb", "authio_session", "a;b"],
    [
      "invalid percent-encoding is returned as sent",
      "authio_session=a%E0%A4%A",
      "authio_session",
      "a%E0%A4%A",
    ],
    ["a value containing =", "authio_session=a=b==", "authio_session", "a=b=="],
    [
      "a name that only ends with the name",
      "xauthio_session=evil; authio_session=ok",
      "authio_session",
      "ok",
    ],
    ["a name that only starts with the name", "authio_session_old=evil", "authio_session", null],
    ["a percent-encoded name does not match", "authio%5Fsession=evil", "authio_session", null],
    ["absent", "a=1; b=2", "authio_session", null],
    ["a pair without =", "authio_session; a=1", "authio_session", null],
    ["an empty value", "authio_session=", "authio_session", ""],
    ["a null header", null, "authio_session", null],
    ["an undefined header", undefined, "authio_session", null],
    ["an empty header", "", "authio_session", null],
    ["an empty name", "=x", "", null],
    ["a lone quote is kept", 'authio_session="abc', "authio_session", '"abc'],
  ];
  for (const [label, header, name, expected] of cases) {
    test(label, () => {
      expect(readCookie(header, name)).toBe(expected);
    });
  }

  test("non-string inputs never throw", () => {
    for (const header of [1, {}, [], Symbol.iterator] as unknown[]) {
      expect(readCookie(header as string, "authio_session")).toBeNull();
    }
    expect(readCookie("a=1", 5 as unknown as string)).toBeNull();
  });
});

describe("extractToken", () => {
  test("no headers at all: none", () => {
    expect(extractToken({})).toEqual({ kind: "none" });
    expect(extractToken(new Headers())).toEqual({ kind: "none" });
    expect(extractToken(null)).toEqual({ kind: "none" });
    expect(extractToken(undefined)).toEqual({ kind: "none" });
  });

  for (const header of ["Bearer tok", "bearer tok", "BEARER tok", "  Bearer \t tok  "]) {
    test(`Authorization ${JSON.stringify(header)} gives the token (scheme case-insensitive)`, () => {
      expect(extractToken({ authorization: header })).toEqual({
        kind: "token",
        token: "tok",
        source: "header",
      });
    });
  }

  for (const header of [
    "Basic dXNlcjpwYXNz",
    "Bearer",
    "Bearer ",
    "Bearertok",
    "Bearer a b",
    "",
    "Token tok",
  ]) {
    test(`Authorization ${JSON.stringify(header)} is an invalid header`, () => {
      expect(extractToken({ authorization: header })).toEqual({ kind: "invalid", source: "header" });
    });
  }

  test("the header wins over the cookie", () => {
    expect(extractToken({ authorization: "Bearer fromheader", cookie: "authio_session=fromcookie" })).toEqual(
      {
        kind: "token",
        token: "fromheader",
        source: "header",
      },
    );
  });

  test("a bad header never falls back to the cookie", () => {
    expect(extractToken({ authorization: "Basic xyz", cookie: "authio_session=fromcookie" })).toEqual({
      kind: "invalid",
      source: "header",
    });
  });

  test("the cookie when there is no header", () => {
    expect(extractToken({ cookie: "a=1; authio_session=c" })).toEqual({
      kind: "token",
      token: "c",
      source: "cookie",
    });
  });

  test("an empty session cookie is no credential", () => {
    expect(extractToken({ cookie: "authio_session=" })).toEqual({ kind: "none" });
  });

  test("the refresh cookie alone is no access token", () => {
    expect(extractToken({ cookie: "authio_refresh=r" })).toEqual({ kind: "none" });
  });

  test("several Authorization headers are ambiguous", () => {
    expect(extractToken({ authorization: ["Bearer a", "Bearer b"] })).toEqual({ kind: "ambiguous" });
    expect(extractToken({ authorization: ["Bearer a", "Bearer a"] })).toEqual({ kind: "ambiguous" });
  });

  test("a comma-joined Authorization is ambiguous", () => {
    expect(extractToken({ authorization: "Bearer a, Bearer b" })).toEqual({ kind: "ambiguous" });
  });

  test("Fetch Headers with two appended Authorization values are ambiguous", () => {
    const headers = new Headers();
    headers.append("authorization", "Bearer a");
    headers.append("authorization", "Bearer b");
    expect(extractToken(headers)).toEqual({ kind: "ambiguous" });
  });

  test("a one-element list is one header", () => {
    expect(extractToken({ authorization: ["Bearer a"] })).toEqual({
      kind: "token",
      token: "a",
      source: "header",
    });
  });

  test("cookie lists are joined", () => {
    expect(extractToken({ cookie: ["a=1", "authio_session=s"] })).toEqual({
      kind: "token",
      token: "s",
      source: "cookie",
    });
  });

  test("a Fetch Request", () => {
    const request = new Request("http://127.0.0.1/", { headers: { authorization: "Bearer r" } });
    expect(extractToken(request)).toEqual({ kind: "token", token: "r", source: "header" });
    const withCookie = new Request("http://127.0.0.1/", { headers: { cookie: "authio_session=k" } });
    expect(extractToken(withCookie)).toEqual({ kind: "token", token: "k", source: "cookie" });
  });

  test("a Request-like object from another fetch implementation is read by shape", () => {
    const foreign = { headers: { get: (name: string) => (name === "authorization" ? "Bearer f" : null) } };
    expect(extractToken(foreign as unknown as Request)).toEqual({
      kind: "token",
      token: "f",
      source: "header",
    });
  });
});
