import { expectTypeOf, test } from "vitest";
import { PACKAGE } from "../src/index.js";

test("types", () => {
  expectTypeOf(PACKAGE).toBeString();
});
