/** The User-Agent's version constant is the package's version. */
import { readFileSync } from "node:fs";
import { expect, test } from "vitest";
import { SDK_VERSION } from "../src/index.ts";

test("SDK_VERSION matches package.json", () => {
  const pkg = JSON.parse(readFileSync(new URL("../package.json", import.meta.url), "utf8")) as {
    version: string;
  };
  expect(SDK_VERSION).toBe(pkg.version);
});
