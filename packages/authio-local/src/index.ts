export type { SessionWithTokens } from "./auth.js";
export type {
  Membership,
  Organization,
  Session,
  User,
  UserMembership,
  WebhookEventType,
} from "./db/store.js";
export type { FaultRule, RateLimitRule } from "./faults.js";
export type { PublicJwk, RotateOptions, SigningAlgorithm } from "./keys.js";
export type { Seed, SeedResult } from "./seed.js";
export { ADMIN_PERMISSIONS, type LocalAuthio, type LocalAuthioOptions, startLocalAuthio } from "./server.js";
export type { AccessTokenClaims } from "./tokens.js";
export type { WebhookRetryOptions } from "./webhooks.js";
export { signatureHeader } from "./webhooks.js";
