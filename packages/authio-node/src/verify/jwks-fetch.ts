import { AuthioError } from "../errors.js";

export interface JwksFetchOptions {
  /** `${apiUrl}/v1/jwks`. */
  readonly url: string;
  readonly apiKey: string;
  readonly fetch: (input: string, init: RequestInit) => Promise<Response>;
  /** Milliseconds for the whole exchange, body included. */
  readonly timeout: number;
  readonly maxBytes: number;
  readonly maxKeys: number;
}

/**
 * One `GET /v1/jwks` (API.md §3), returning the raw `keys` array. Every failure is an `AuthioError`
 * whose code says what went wrong and whose message carries neither the secret key nor the body:
 * `timeout`, `network_error`, `invalid_api_key` (401/403), `invalid_response` (any other status, a
 * redirect, an oversized or malformed body). Redirects are never followed: the secret key goes to the
 * configured origin only, and a key set must come from there.
 */
export async function fetchJwks(options: JwksFetchOptions): Promise<unknown[]> {
  const controller = new AbortController();
  const timer = setTimeout(() => controller.abort(), options.timeout);
  // Node would keep the process alive for the timer; let it exit if nothing else runs.
  (timer as { unref?: () => void }).unref?.();
  // An injected fetch may ignore the signal: the deadline is enforced by a race as well.
  const deadline = new Promise<never>((_, reject) => {
    controller.signal.addEventListener("abort", () => reject(timeoutError(options.timeout)), { once: true });
  });
  deadline.catch(() => {});
  const bounded = <T>(promise: Promise<T>): Promise<T> => Promise.race([promise, deadline]);
  try {
    let response: Response;
    try {
      response = await bounded(
        options.fetch(options.url, {
          method: "GET",
          headers: { authorization: `Bearer ${options.apiKey}`, accept: "application/json" },
          redirect: "manual",
          signal: controller.signal,
        }),
      );
    } catch (cause) {
      throw controller.signal.aborted ? timeoutError(options.timeout) : networkError(cause);
    }
    if (response.status !== 200) {
      await response.body?.cancel().catch(() => {});
      if (response.status === 401 || response.status === 403) {
        throw new AuthioError({
          code: "invalid_api_key",
          message: "The JWKS endpoint refused the secret key.",
          status: response.status,
          requestId: response.headers.get("x-request-id"),
          retryable: false,
        });
      }
      const error = invalidResponse(
        `The JWKS endpoint answered with status ${response.status}.`,
        response.status,
      );
      const retryAfter = parseRetryAfter(response.headers.get("retry-after"));
      throw retryAfter === null ? error : new AuthioError({ ...errorInit(error), retryAfter });
    }
    let text: string;
    try {
      text = await bounded(readBounded(response, options.maxBytes));
    } catch (cause) {
      if (controller.signal.aborted) throw timeoutError(options.timeout);
      if (cause instanceof AuthioError) throw cause;
      throw networkError(cause);
    }
    return parseKeys(text, options.maxKeys);
  } finally {
    clearTimeout(timer);
  }
}

async function readBounded(response: Response, maxBytes: number): Promise<string> {
  const declared = Number(response.headers.get("content-length"));
  if (Number.isFinite(declared) && declared > maxBytes) {
    await response.body?.cancel().catch(() => {});
    throw invalidResponse("The JWKS response is too large.", 200);
  }
  if (response.body === null) return "";
  const reader = response.body.getReader();
  const chunks: Uint8Array[] = [];
  let total = 0;
  for (;;) {
    const { done, value } = await reader.read();
    if (done) break;
    total += value.byteLength;
    if (total > maxBytes) {
      await reader.cancel().catch(() => {});
      throw invalidResponse("The JWKS response is too large.", 200);
    }
    chunks.push(value);
  }
  const bytes = new Uint8Array(total);
  let offset = 0;
  for (const chunk of chunks) {
    bytes.set(chunk, offset);
    offset += chunk.byteLength;
  }
  try {
    return new TextDecoder("utf-8", { fatal: true }).decode(bytes);
  } catch {
    throw invalidResponse("The JWKS response is not UTF-8 text.", 200);
  }
}

function parseKeys(text: string, maxKeys: number): unknown[] {
  let document: unknown;
  try {
    document = JSON.parse(text);
  } catch {
    throw invalidResponse("The JWKS response is not JSON.", 200);
  }
  const keys =
    document !== null && typeof document === "object" ? (document as { keys?: unknown }).keys : null;
  if (!Array.isArray(keys)) throw invalidResponse("The JWKS response has no `keys` array.", 200);
  // Refused whole rather than truncated: dropping keys silently could drop the one that matters.
  if (keys.length > maxKeys) throw invalidResponse("The JWKS response has too many keys.", 200);
  return keys;
}

function timeoutError(ms: number): AuthioError {
  return new AuthioError({
    code: "timeout",
    message: `The JWKS request timed out after ${ms} ms.`,
    retryable: true,
  });
}

function networkError(cause: unknown): AuthioError {
  return new AuthioError({
    code: "network_error",
    message: "The JWKS request failed before an answer arrived.",
    retryable: true,
    cause,
  });
}

function invalidResponse(message: string, status: number): AuthioError {
  return new AuthioError({ code: "invalid_response", message, status, retryable: true });
}

function errorInit(error: AuthioError) {
  return { code: error.code, message: error.message, status: error.status, retryable: error.retryable };
}

/** `Retry-After` in seconds (RFC 9110: delay-seconds or an HTTP date); `null` when absent or unusable. */
function parseRetryAfter(value: string | null): number | null {
  if (value === null) return null;
  if (/^\d+$/.test(value.trim())) return Math.min(Number(value.trim()), 3600);
  const date = Date.parse(value);
  if (Number.isNaN(date)) return null;
  return Math.min(Math.max(0, Math.ceil((date - Date.now()) / 1000)), 3600);
}
