import { describe, expect, it } from "vitest";
import { privateCacheControl, sessionVary } from "../src/index.js";

describe("sessionVary", () => {
  it.each([
    [undefined, "Authorization, Cookie"],
    [null, "Authorization, Cookie"],
    ["", "Authorization, Cookie"],
    ["  ", "Authorization, Cookie"],
    ["Accept-Encoding", "Accept-Encoding, Authorization, Cookie"],
    ["Accept-Encoding, cookie", "Accept-Encoding, cookie, Authorization"],
    ["authorization,COOKIE", "authorization, COOKIE"],
    [" Origin ,, Accept ", "Origin, Accept, Authorization, Cookie"],
    ["*", "*"],
    ["Accept, *", "*"],
    [["Accept", "Origin"], "Accept, Origin, Authorization, Cookie"],
  ] as const)("%j → %j", (input, output) => {
    expect(sessionVary(input)).toBe(output);
  });
});

describe("privateCacheControl", () => {
  it.each([
    [undefined, "private"],
    [null, "private"],
    ["", "private"],
    ["public", "private"],
    ["public, max-age=60, s-maxage=600", "private, max-age=60"],
    ["max-age=60, PUBLIC, S-MAXAGE = 600, proxy-revalidate", "private, max-age=60"],
    ["no-cache", "private, no-cache"],
    ["no-store", "no-store"],
    ["private, max-age=5", "private, max-age=5"],
    ["max-age=5,private", "max-age=5, private"],
    [["public", "max-age=1"], "private, max-age=1"],
    [0, "private, 0"],
  ] as const)("%j → %j", (input, output) => {
    expect(privateCacheControl(input)).toBe(output);
  });

  it("never returns a value a shared cache may store", () => {
    const inputs = ["public", "s-maxage=1", "public, immutable", "must-revalidate", "max-age=0, public"];
    for (const input of inputs) expect(privateCacheControl(input)).toMatch(/^(private|.*\bno-store\b)/);
  });
});
