export * from "./conformance/index.ts";
export { type JwksBehavior, type JwksServer, startJwksServer } from "./jwks-server.ts";
export { createTestKey, signToken, type TestAlg, type TestKey, type TokenOptions } from "./keys.ts";
export * from "./lifecycle/index.ts";
export {
  b64url,
  claimsFor,
  hmacToken,
  publicKeyEncodings,
  publicKeyPem,
  segment,
  signCompact,
  signSegments,
} from "./tokens.ts";
