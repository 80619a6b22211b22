import { defineProject } from "vitest/config";

// Builds and starts the local Authio server and every example, then drives them with Chromium.
export default defineProject({
  test: {
    name: "e2e",
    include: ["test/**/*.test.ts"],
    globalSetup: ["test/global-setup.ts"],
    // One file at a time: each starts every example, and the machine may have 2 cores.
    fileParallelism: false,
    testTimeout: 120_000,
    // The global setup builds (cached: seconds; cold: a minute or two for Next); beforeAll starts the servers.
    hookTimeout: 600_000,
  },
});
