/**
 * The SDK's own version, sent in `User-Agent`. A constant rather than a runtime read of package.json:
 * a JSON import breaks one of the two builds and there is no file system on edge runtimes.
 * `pnpm version-packages` rewrites it (scripts/sync-versions.mjs); `test/management-version.test.ts`
 * fails if it drifts from package.json.
 */
export const SDK_VERSION = "0.0.0";
