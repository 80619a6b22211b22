/**
 * The SDK's own version, sent in `User-Agent`. A constant rather than a runtime read of package.json:
 * a JSON import breaks one of the two builds and there is no file system on edge runtimes.
 * `test/management-version.test.ts` fails when it drifts from package.json.
 */
export const SDK_VERSION = "0.0.0";
