import { defineProject } from "vitest/config";

// Builds and starts the local Authio server and every example, then drives them with Chromium.
export default defineProject({
  test: {
    name: "e2e",
    include: ["test/**/*.test.ts"],
    testTimeout: 120_000,
    // beforeAll builds (cached: seconds; cold: a minute or two for Next) and starts every server.
    hookTimeout: 600_000,
  },
});
