export * from "./conformance/index.ts";
export { type JwksBehavior, type JwksServer, startJwksServer } from "./jwks-server.ts";
export { createTestKey, signToken, type TestAlg, type TestKey, type TokenOptions } from "./keys.ts";
