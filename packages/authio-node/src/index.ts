export {
  denialResponse,
  fromFetchRequest,
  fromNodeRequest,
  type NodeLikeRequest,
  toFetchResponse,
} from "./browser/adapt.js";
export {
  type Authentication,
  type AuthRequest,
  type AuthResponse,
  RequestAuth,
  type RequestAuthOptions,
  STATE_COOKIE,
} from "./browser/request-auth.js";
export { safeReturnPath } from "./browser/return-path.js";
export { Authio } from "./client.js";
export type { AuthioOptions } from "./config.js";
export {
  AUTHIO_ERROR_CODES,
  type AuthioApiErrorCode,
  AuthioError,
  type AuthioErrorCode,
  type AuthioErrorDetail,
  type AuthioSdkErrorCode,
} from "./errors.js";
export {
  type AddMembershipParams,
  Memberships,
  type UpdateMembershipParams,
} from "./management/memberships.js";
export type {
  Membership,
  MembershipStatus,
  Metadata,
  Organization,
  SessionRecord,
  SessionStatus,
  User,
  UserMembership,
} from "./management/models.js";
export {
  type CreateOrganizationParams,
  type ListOrganizationsParams,
  Organizations,
  type UpdateOrganizationParams,
} from "./management/organizations.js";
export {
  type ListMetadata,
  ListPage,
  type ListResponse,
  type PaginationParams,
} from "./management/pagination.js";
export type {
  PostRequestOptions,
  RequestOptions,
  ResponseMeta,
  WithResponse,
} from "./management/request-options.js";
export {
  type AuthenticateParams,
  type AuthenticateResponse,
  type CreateSessionParams,
  type CreateSessionResponse,
  type RefreshParams,
  type RefreshResponse,
  Sessions,
  type SwitchOrgParams,
  type SwitchOrgResponse,
} from "./management/sessions.js";
export type { FetchFunction, TransportOptions } from "./management/transport-options.js";
export {
  type CreateUserParams,
  type ListUsersParams,
  type UpdateUserParams,
  Users,
} from "./management/users.js";
export { SDK_VERSION } from "./management/version.js";
export { privateCacheControl, sessionVary } from "./request/cache-headers.js";
export { readCookie } from "./request/cookies.js";
export {
  type CredentialsInput,
  type ExtractedToken,
  extractToken,
  REFRESH_COOKIE,
  type RequestCredentials,
  SESSION_COOKIE,
} from "./request/credentials.js";
export {
  type AuthDenial,
  type AuthResult,
  authorize,
  type GuardOutcome,
  isCorsPreflight,
  type RejectionReason,
  SESSION_RESPONSE_HEADERS,
  type SessionRequirement,
} from "./request/decision.js";
export type { Session, SessionClaims } from "./session.js";
export type { SigningAlgorithm } from "./verify/algorithms.js";
export type { JwksCacheOptions, VerificationOptions } from "./verify/options.js";
export type { VerifyFailureReason, VerifyResult } from "./verify/result.js";
export {
  type MembershipEvent,
  type OrganizationEvent,
  type SessionEvent,
  type UserEvent,
  WEBHOOK_EVENT_TYPES,
  type WebhookEvent,
  type WebhookEventType,
} from "./webhooks/events.js";
export type { WebhookFailureReason } from "./webhooks/signature.js";
export { type VerifyWebhookInput, Webhooks, type WebhookVerifyResult } from "./webhooks/webhooks.js";
