// The light entry point (`@authio/test-kit/jwks`): keys, token builders and the JWKS server, with no
// dependency on the local Authio server or a browser, so it loads on Node, Bun and Deno alike.
export { type JwksBehavior, type JwksServer, startJwksServer } from "./jwks-server.ts";
export { createTestKey, signToken, type TestAlg, type TestKey, type TokenOptions } from "./keys.ts";
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
