import { expect, test } from "vitest";
import { PACKAGE } from "../src/index.js";

test("package name", () => {
  expect(PACKAGE).toBe("@authio/node");
});
