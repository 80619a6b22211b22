import { defineConfig } from "vitest/config";

// One command runs every package's and app's tests; each folder's own vitest.config.ts names its project.
export default defineConfig({
  test: {
    projects: ["packages/*/vitest.config.ts", "apps/*/vitest.config.ts"],
  },
});
