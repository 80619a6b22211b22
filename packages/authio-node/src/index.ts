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
  type AuthioApiErrorCode,
  AuthioError,
  type AuthioErrorCode,
  type AuthioErrorDetail,
  type AuthioSdkErrorCode,
} from "./errors.js";
export { Sessions } from "./management/sessions.js";
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
export type { VerifyFailureReason, VerifyResult } from "./verify/result.js";
