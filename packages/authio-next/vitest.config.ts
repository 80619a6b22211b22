import { defineProject } from "vitest/config";

export default defineProject({
  test: {
    name: "next",
    include: ["test/**/*.test.ts"],
    // Builds the fixture Next app once (about 3 minutes at most on a slow, shared machine).
    globalSetup: ["test/support/global-setup.ts"],
    hookTimeout: 240_000,
    typecheck: { enabled: true, include: ["test/**/*.test-d.ts"], tsconfig: "./tsconfig.json" },
  },
});
