/**
 * Every failure the SDK reports is an `AuthioError` with a stable `code` (API.md §6).
 *
 * `instanceof AuthioError` is answered by a brand registered with `Symbol.for`, so it holds across
 * copies of the class — the ESM and the CJS build loaded in one process, or two installed versions.
 */

/** Codes the Authio API answers with (API.md §6). */
export type AuthioApiErrorCode =
  | "invalid_request"
  | "invalid_code"
  | "invalid_api_key"
  | "invalid_refresh_token"
  | "refresh_token_reused"
  | "not_a_member"
  | "not_found"
  | "slug_in_use"
  | "domain_in_use"
  | "email_in_use"
  | "already_member"
  | "session_inactive"
  | "idempotency_key_reused"
  | "payload_too_large"
  | "rate_limited"
  | "internal_error"
  | "service_unavailable";

/** Codes the SDK itself produces when there is no usable answer from the server, or none is asked for. */
export type AuthioSdkErrorCode =
  | "network_error"
  | "timeout"
  | "invalid_response"
  | "invalid_config"
  /** The caller's `AbortSignal` fired: the call was given up on purpose. */
  | "aborted"
  /** A webhook delivery whose `Authio-Signature` does not verify (`details[0].code` says why). */
  | "invalid_signature";

const CODES = [
  "invalid_request",
  "invalid_code",
  "invalid_api_key",
  "invalid_refresh_token",
  "refresh_token_reused",
  "not_a_member",
  "not_found",
  "slug_in_use",
  "domain_in_use",
  "email_in_use",
  "already_member",
  "session_inactive",
  "idempotency_key_reused",
  "payload_too_large",
  "rate_limited",
  "internal_error",
  "service_unavailable",
  "network_error",
  "timeout",
  "invalid_response",
  "invalid_config",
  "aborted",
  "invalid_signature",
] as const;

// Compile-time proof that the list and the two unions are the same set: adding a code to one and not
// the other fails the build (and `test/errors-docs.test.ts` holds docs/errors.md to the list).
type Listed = (typeof CODES)[number];
type Known = AuthioApiErrorCode | AuthioSdkErrorCode;
const _sameSet: [Exclude<Known, Listed>, Exclude<Listed, Known>] extends [never, never] ? true : never = true;

/** Every code this SDK version knows, in the order of `docs/errors.md`. */
export const AUTHIO_ERROR_CODES: readonly Known[] = Object.freeze([...CODES]);

/** Every known code, and still any string: an unknown server code is passed through as is. */
export type AuthioErrorCode = AuthioApiErrorCode | AuthioSdkErrorCode | (string & {});

/** One invalid field of a `400 invalid_request`. */
export interface AuthioErrorDetail {
  readonly field: string;
  readonly code: string;
  readonly message: string;
}

export interface AuthioErrorInit {
  code: AuthioErrorCode;
  message: string;
  status?: number | null;
  requestId?: string | null;
  details?: readonly AuthioErrorDetail[] | null;
  retryable?: boolean;
  /** Seconds the server asked to wait (`Retry-After`), when it did. */
  retryAfter?: number | null;
  cause?: unknown;
}

const BRAND = Symbol.for("@authio/node.AuthioError");

// Secret keys (`sk_test_…`, `sk_live_…`) and Bearer credentials are cut out of every text an error
// carries: a message may quote a server's or a runtime's words, and those could echo a header back.
const SECRET_PATTERN = /\b(sk_(?:test|live)_)[A-Za-z0-9_-]+|(\bBearer\s+)[^\s"',;]+/g;

/** Replaces anything shaped like a secret key or a Bearer credential with a fixed marker. */
export function redactSecrets(text: string): string {
  return text.replace(SECRET_PATTERN, (_m, sk: string | undefined, bearer: string | undefined) =>
    sk ? `${sk}[redacted]` : `${bearer}[redacted]`,
  );
}

/**
 * A cause is kept for debugging (it shows in `util.inspect` and in `err.cause`), but only when none of
 * its text holds a secret; otherwise it is replaced by a redacted copy of its message.
 */
function safeCause(cause: unknown): unknown {
  if (cause === undefined) return undefined;
  if (cause instanceof Error) {
    const text = `${cause.message}\n${cause.stack ?? ""}`;
    if (redactSecrets(text) === text) return cause;
    const copy = new Error(redactSecrets(cause.message));
    copy.name = cause.name;
    copy.stack = redactSecrets(cause.stack ?? "");
    return copy;
  }
  if (typeof cause === "string") return redactSecrets(cause);
  // Anything else (a DOMException-like abort reason, a plain object) is described, not kept.
  return typeof cause === "object" && cause !== null ? redactSecrets(String(cause)) : cause;
}

const RETRYABLE_CODES: ReadonlySet<string> = new Set([
  "network_error",
  "timeout",
  "rate_limited",
  "internal_error",
  "service_unavailable",
]);

export class AuthioError extends Error {
  override readonly name = "AuthioError";
  readonly code: AuthioErrorCode;
  /** HTTP status of the answer, `null` when there was none (network failure, timeout, bad config). */
  readonly status: number | null;
  /** The `X-Request-Id` of the answer: quote it when contacting support. */
  readonly requestId: string | null;
  readonly details: readonly AuthioErrorDetail[] | null;
  /** Whether trying the same call again later may succeed. */
  readonly retryable: boolean;
  /** Seconds to wait before retrying, when the server said (`Retry-After`). */
  readonly retryAfter: number | null;

  constructor(init: AuthioErrorInit) {
    const cause = safeCause(init.cause);
    super(redactSecrets(String(init.message)), cause === undefined ? undefined : { cause });
    // The stack was captured with the message above, already redacted; nothing else holds free text
    // except `details`, redacted below.
    this.code = init.code;
    this.status = init.status ?? null;
    this.requestId = init.requestId ?? null;
    this.details = init.details
      ? Object.freeze(
          init.details.map((d) =>
            Object.freeze({ field: d.field, code: d.code, message: redactSecrets(String(d.message)) }),
          ),
        )
      : null;
    this.retryable = init.retryable ?? (RETRYABLE_CODES.has(init.code) || (init.status ?? 0) >= 500);
    this.retryAfter = init.retryAfter ?? null;
    Object.defineProperty(this, BRAND, { value: true });
  }

  static override [Symbol.hasInstance](value: unknown): boolean {
    return typeof value === "object" && value !== null && (value as Record<symbol, unknown>)[BRAND] === true;
  }
}
