import { AuthioError } from "../errors.js";
import type { Session } from "../session.js";
import type { TokenVerifier, VerifyFailureReason } from "../verify/result.js";
import { SESSION_CACHE_CONTROL, SESSION_VARY } from "./cache-headers.js";
import { type CredentialsInput, extractToken } from "./credentials.js";

/**
 * The request-level authentication decision, made once here so that every adapter answers the
 * same way: an adapter extracts nothing and decides nothing, it only translates this result into its
 * framework's request and response.
 */
export type AuthResult =
  | { readonly status: "authenticated"; readonly session: Session; readonly source: "header" | "cookie" }
  /** No credentials at all. */
  | { readonly status: "anonymous"; readonly session: null }
  /** A token was presented and refused; `reason` is for logs, never for the client. */
  | {
      readonly status: "rejected";
      readonly session: null;
      readonly reason: RejectionReason;
      readonly source: "header" | "cookie";
    }
  /** Several Authorization headers: a malformed request. */
  | { readonly status: "malformed"; readonly session: null }
  /** The signing keys could not be had, so no decision was possible: retry later, don't sign out. */
  | { readonly status: "unavailable"; readonly session: null; readonly error: AuthioError };

/**
 * Why presented credentials were refused: the token's own fault, or `cross_site_request` — session
 * cookies sent with an unsafe cross-site request, which are never honoured (CSRF).
 */
export type RejectionReason = VerifyFailureReason | "cross_site_request";

/** Authenticates a request from its headers. Never throws: every outcome is an `AuthResult`. */
export async function authenticateRequest(
  verifier: TokenVerifier,
  input: CredentialsInput,
): Promise<AuthResult> {
  const extracted = extractToken(input);
  switch (extracted.kind) {
    case "none":
      return ANONYMOUS;
    case "ambiguous":
      return MALFORMED;
    case "invalid":
      return { status: "rejected", session: null, reason: "malformed", source: extracted.source };
  }
  try {
    const result = await verifier.verifyDetailed(extracted.token);
    return result.ok
      ? { status: "authenticated", session: result.session, source: extracted.source }
      : { status: "rejected", session: null, reason: result.reason, source: extracted.source };
  } catch (cause) {
    const error =
      cause instanceof AuthioError
        ? cause
        : new AuthioError({
            code: "internal_error",
            message: "Session verification failed unexpectedly.",
            cause,
          });
    return { status: "unavailable", session: null, error };
  }
}

const ANONYMOUS: AuthResult = Object.freeze({ status: "anonymous", session: null });
const MALFORMED: AuthResult = Object.freeze({ status: "malformed", session: null });

/** What a route requires beyond a session. A role or permission requirement implies an organization. */
export interface SessionRequirement {
  /** `true`: some organization must be selected; a string: that organization. */
  readonly organization?: boolean | string;
  /** The session's role must be one of these. */
  readonly role?: string | readonly string[];
  /** The session must hold every one of these permissions. */
  readonly permission?: string | readonly string[];
}

/** The answer an adapter sends, verbatim, when a guard refuses a request. */
export interface AuthDenial {
  readonly status: 400 | 401 | 403 | 503;
  readonly headers: Readonly<Record<string, string>>;
  readonly body: { readonly error: { readonly code: string; readonly message: string } };
}

export type GuardOutcome =
  | { readonly action: "allow"; readonly session: Session }
  /** A CORS preflight: let it through untouched so the CORS layer can answer it. */
  | { readonly action: "pass" }
  | { readonly action: "deny"; readonly response: AuthDenial };

/**
 * Headers for every response whose content may depend on the session: shared caches must not serve
 * one user's answer to another.
 */
export const SESSION_RESPONSE_HEADERS: Readonly<Record<string, string>> = Object.freeze({
  "cache-control": SESSION_CACHE_CONTROL,
  vary: SESSION_VARY,
});

/** A CORS preflight never carries credentials, so a guard must never answer it with 401. */
export function isCorsPreflight(
  method: string | null | undefined,
  accessControlRequestMethod: unknown,
): boolean {
  return (
    typeof method === "string" &&
    method.toUpperCase() === "OPTIONS" &&
    typeof accessControlRequestMethod === "string"
  );
}

// Fixed texts: nothing from the request or the token is ever echoed back.
const REJECTION_TEXT: Record<VerifyFailureReason, string> = {
  missing: "The access token is missing.",
  too_large: "The access token is too large.",
  malformed: "The access token is malformed.",
  unsupported_algorithm: "The access token uses an unsupported algorithm.",
  unsupported_header: "The access token has an unsupported header.",
  unknown_key: "The access token was signed by an unknown key.",
  invalid_signature: "The access token signature is invalid.",
  expired: "The access token has expired.",
  not_yet_valid: "The access token is not valid yet.",
  issued_in_future: "The access token was issued in the future.",
  wrong_issuer: "The access token was issued for another environment.",
  invalid_claims: "The access token claims are invalid.",
};

function deny(
  status: AuthDenial["status"],
  code: string,
  message: string,
  challenge: string,
  extra: Record<string, string> = {},
): GuardOutcome {
  return {
    action: "deny",
    response: {
      status,
      headers: {
        "content-type": "application/json; charset=utf-8",
        "cache-control": "no-store",
        vary: "Authorization, Cookie",
        "www-authenticate": challenge,
        ...extra,
      },
      body: { error: { code, message } },
    },
  };
}

const list = (value: string | readonly string[] | undefined): readonly string[] =>
  value === undefined ? [] : typeof value === "string" ? [value] : value;

/**
 * The guard: turns an authentication result and a route's requirement into allow / deny (with the
 * exact status, headers and JSON body to send) / pass (CORS preflight).
 */
export function authorize(
  result: AuthResult,
  requirement: SessionRequirement = {},
  request: {
    readonly method?: string | null | undefined;
    readonly accessControlRequestMethod?: unknown;
  } = {},
): GuardOutcome {
  if (isCorsPreflight(request.method, request.accessControlRequestMethod)) return { action: "pass" };
  switch (result.status) {
    case "anonymous":
      return deny(401, "unauthenticated", "Sign in to access this resource.", 'Bearer realm="authio"');
    case "rejected": {
      if (result.reason === "cross_site_request") {
        return deny(
          403,
          "forbidden",
          "Cross-site request refused.",
          'Bearer realm="authio", error="insufficient_scope", error_description="Cross-site request refused."',
        );
      }
      const text = REJECTION_TEXT[result.reason];
      return deny(
        401,
        "unauthenticated",
        text,
        `Bearer realm="authio", error="invalid_token", error_description="${text}"`,
      );
    }
    case "malformed":
      return deny(
        400,
        "invalid_request",
        "Send at most one Authorization header.",
        'Bearer realm="authio", error="invalid_request", error_description="Send at most one Authorization header."',
      );
    case "unavailable":
      return deny(
        503,
        "service_unavailable",
        "Authentication is temporarily unavailable. Try again shortly.",
        'Bearer realm="authio"',
        { "retry-after": String(Math.max(1, Math.ceil(result.error.retryAfter ?? 5))) },
      );
    case "authenticated":
      return checkRequirement(result.session, requirement);
  }
}

function checkRequirement(session: Session, requirement: SessionRequirement): GuardOutcome {
  const roles = list(requirement.role);
  const permissions = list(requirement.permission);
  const needsOrg = requirement.organization !== undefined && requirement.organization !== false;
  const forbidden = (message: string) =>
    deny(
      403,
      "forbidden",
      message,
      `Bearer realm="authio", error="insufficient_scope", error_description="${message}"`,
    );

  if ((needsOrg || roles.length > 0 || permissions.length > 0) && session.orgId === null) {
    return forbidden("Select an organization to access this resource.");
  }
  if (typeof requirement.organization === "string" && session.orgId !== requirement.organization) {
    return forbidden("This resource belongs to another organization.");
  }
  if (roles.length > 0 && (session.role === null || !roles.includes(session.role))) {
    return forbidden("Your role does not allow access to this resource.");
  }
  if (permissions.some((p) => !session.permissions.includes(p))) {
    return forbidden("You lack a permission this resource requires.");
  }
  return { action: "allow", session };
}
