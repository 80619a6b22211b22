import { AuthioError, type AuthioErrorDetail } from "../errors.js";
import {
  attachResponse,
  type PostRequestOptions,
  type ResponseMeta,
  type WithResponse,
} from "./request-options.js";
import { isRetryableStatus, parseRetryAfter, retryDelay, sleep } from "./retry.js";
import { isPlainObject, type Parser, ShapeError } from "./shape.js";
import type { FetchFunction, TransportConfig } from "./transport-options.js";
import { SDK_VERSION } from "./version.js";

export type HttpMethod = "GET" | "POST" | "PATCH" | "DELETE";
export type QueryValue = string | number | boolean | null | undefined;

export interface TransportRequest<T> {
  method: HttpMethod;
  /** Path under the base URL, starting with `/v1/`; ids already encoded with `pathSegment`. */
  path: string;
  query?: Record<string, QueryValue> | undefined;
  body?: unknown;
  /** Validates the 2xx body; omitted for answers without one (`204`). */
  parse?: Parser<T>;
  options?: PostRequestOptions | undefined;
}

export interface TransportInit {
  readonly apiKey: string | null;
  readonly apiUrl: string;
  readonly transport: TransportConfig;
}

/** Why one attempt ended without a usable answer; decides whether to retry and what to throw. */
interface AttemptFailure {
  error: AuthioError;
  retryable: boolean;
}

/**
 * The one way the SDK talks to the Management API: authentication, timeouts, retries with backoff,
 * idempotency keys, request ids and error mapping all live here, so every resource behaves the same.
 */
export class Transport {
  // Private fields: the secret key is not an enumerable (or even visible) property of any object.
  readonly #apiKey: string | null;
  readonly #apiUrl: string;
  readonly #config: TransportConfig;
  readonly #userAgent: string;

  constructor(init: TransportInit) {
    this.#apiKey = init.apiKey;
    this.#apiUrl = init.apiUrl;
    this.#config = init.transport;
    this.#userAgent = `authio-node/${SDK_VERSION}${init.transport.userAgentSuffix ? ` ${init.transport.userAgentSuffix}` : ""}`;
  }

  /** Sends a request and resolves with its validated body, `lastResponse` attached. */
  async request<T extends object>(req: TransportRequest<T> & { parse: Parser<T> }): Promise<WithResponse<T>>;
  async request(req: TransportRequest<never>): Promise<ResponseMeta>;
  async request<T extends object>(req: TransportRequest<T>): Promise<WithResponse<T> | ResponseMeta> {
    const options = req.options ?? {};
    const apiKey = this.#apiKey;
    if (apiKey === null) {
      throw new AuthioError({
        code: "invalid_config",
        message: "The Management API needs a secret key: pass `apiKey` or set AUTHIO_SECRET_KEY.",
        retryable: false,
      });
    }
    const timeout = checkTimeout(options.timeout ?? this.#config.timeout);
    const maxRetries = checkRetries(options.maxRetries ?? this.#config.maxRetries);
    const signal = options.signal;
    const url = this.#url(req.path, req.query);
    const headers: Record<string, string> = {
      accept: "application/json",
      authorization: `Bearer ${apiKey}`,
      "user-agent": this.#userAgent,
    };
    let body: string | undefined;
    if (req.body !== undefined) {
      if (!isPlainObject(req.body)) {
        throw localInvalidRequest("body", "The request body must be an object.");
      }
      try {
        body = JSON.stringify(req.body);
      } catch (cause) {
        // A BigInt or a cycle: say so as the SDK's error, not as a bare TypeError.
        throw new AuthioError({
          code: "invalid_request",
          message: "The request body cannot be serialised as JSON.",
          details: [{ field: "body", code: "invalid", message: "cannot be serialised as JSON" }],
          retryable: false,
          cause,
        });
      }
      headers["content-type"] = "application/json";
    }
    if (req.method === "POST") {
      // One key per call, the same on every retry: the server replays the first answer instead of
      // creating twice when an earlier attempt's answer was lost.
      headers["idempotency-key"] = checkIdempotencyKey(options.idempotencyKey) ?? crypto.randomUUID();
    }

    for (let attempt = 0; ; attempt++) {
      if (signal?.aborted) throw aborted(signal);
      const outcome = await this.#attempt(
        url,
        { method: req.method, headers, body },
        timeout,
        signal,
        req.parse,
      );
      if (!("error" in outcome)) return outcome.value;
      const { error } = outcome;
      if (!outcome.retryable || attempt >= maxRetries) throw error;
      const wait = retryDelay(
        attempt + 1,
        this.#config.retryBaseDelay,
        this.#config.maxRetryDelay,
        error.retryAfter,
      );
      try {
        await sleep(wait, signal);
      } catch {
        throw aborted(signal!);
      }
    }
  }

  async #attempt<T extends object>(
    url: string,
    init: { method: HttpMethod; headers: Record<string, string>; body: string | undefined },
    timeout: number,
    signal: AbortSignal | undefined,
    parse: Parser<T> | undefined,
  ): Promise<{ value: WithResponse<T> | ResponseMeta } | AttemptFailure> {
    // One controller per attempt: its timer covers the whole exchange, body included, so a server that
    // sends headers and then stalls is cut off too.
    const controller = new AbortController();
    let timedOut = false;
    const timer = setTimeout(() => {
      timedOut = true;
      controller.abort();
    }, timeout);
    const forwardAbort = () => controller.abort();
    signal?.addEventListener("abort", forwardAbort, { once: true });
    const fetchImpl: FetchFunction = this.#config.fetch ?? ((input, reqInit) => fetch(input, reqInit));
    try {
      let response: Response;
      let text: string;
      try {
        const reqInit: RequestInit = {
          method: init.method,
          headers: init.headers,
          signal: controller.signal,
        };
        if (init.body !== undefined) reqInit.body = init.body;
        response = await fetchImpl(url, reqInit);
        text = await response.text();
      } catch (cause) {
        if (signal?.aborted) return { error: aborted(signal), retryable: false };
        if (timedOut) {
          return {
            error: new AuthioError({
              code: "timeout",
              message: `No answer from the Authio API within ${timeout} ms.`,
              retryable: true,
            }),
            retryable: true,
          };
        }
        return {
          error: new AuthioError({
            code: "network_error",
            message: "Could not reach the Authio API (connection failed or was closed before an answer).",
            retryable: true,
            cause,
          }),
          retryable: true,
        };
      }
      // A server (or a proxy) that echoes the request back must not put the key into an error: cut the
      // exact key out of any error body, whatever its shape (a custom key need not look like `sk_…`).
      return interpret(
        response,
        response.ok ? text : text.split(apiKeyOf(init.headers)).join("[redacted]"),
        parse,
      );
    } finally {
      clearTimeout(timer);
      signal?.removeEventListener("abort", forwardAbort);
    }
  }

  #url(path: string, query: Record<string, QueryValue> | undefined): string {
    const search = new URLSearchParams();
    for (const [key, value] of Object.entries(query ?? {})) {
      if (value !== undefined && value !== null) search.set(key, String(value));
    }
    const qs = search.toString();
    return `${this.#apiUrl}${path}${qs ? `?${qs}` : ""}`;
  }
}

/** Turns one HTTP answer into a value or a failure. */
function interpret<T extends object>(
  response: Response,
  text: string,
  parse: Parser<T> | undefined,
): { value: WithResponse<T> | ResponseMeta } | AttemptFailure {
  const meta: ResponseMeta = {
    requestId: response.headers.get("x-request-id"),
    status: response.status,
    headers: response.headers,
  };
  if (response.ok) {
    if (!parse) return { value: meta };
    let json: unknown;
    try {
      json = JSON.parse(text);
    } catch {
      return invalidResponse(meta, "The Authio API answered with a body that is not JSON.");
    }
    try {
      return { value: attachResponse(parse(json), meta) };
    } catch (err) {
      if (err instanceof ShapeError) {
        return invalidResponse(meta, `The Authio API answered with an unexpected body (${err.message}).`);
      }
      throw err;
    }
  }
  const error = errorFromResponse(meta, text);
  return { error, retryable: isRetryableStatus(meta.status) };
}

function apiKeyOf(headers: Record<string, string>): string {
  return (headers.authorization ?? "").slice("Bearer ".length) || "\u0000";
}

function invalidResponse(meta: ResponseMeta, message: string): AttemptFailure {
  return {
    error: new AuthioError({
      code: "invalid_response",
      message,
      status: meta.status,
      requestId: meta.requestId,
      retryable: false,
    }),
    retryable: false,
  };
}

/** The `AuthioError` for a non-2xx answer: the contract's error body when there is one (API.md §4). */
export function errorFromResponse(meta: ResponseMeta, text: string): AuthioError {
  const retryAfter = parseRetryAfter(meta.headers.get("retry-after"));
  const retryable = isRetryableStatus(meta.status);
  let body: unknown;
  try {
    body = JSON.parse(text);
  } catch {
    body = null;
  }
  const error = isPlainObject(body) && isPlainObject(body.error) ? body.error : null;
  if (error && typeof error.code === "string" && error.code !== "") {
    return new AuthioError({
      code: error.code,
      message: typeof error.message === "string" && error.message !== "" ? error.message : error.code,
      status: meta.status,
      requestId: typeof error.requestId === "string" ? error.requestId : meta.requestId,
      details: parseDetails(error.details),
      retryable,
      retryAfter,
    });
  }
  // No contract body (a proxy's HTML page, an empty 503…): name the failure by its status.
  const fallback =
    meta.status === 429
      ? "rate_limited"
      : meta.status === 500
        ? "internal_error"
        : meta.status === 502 || meta.status === 503 || meta.status === 504
          ? "service_unavailable"
          : "invalid_response";
  return new AuthioError({
    code: fallback,
    message: `The Authio API answered ${meta.status} without an error body.`,
    status: meta.status,
    requestId: meta.requestId,
    retryable,
    retryAfter,
  });
}

function parseDetails(value: unknown): AuthioErrorDetail[] | null {
  if (!Array.isArray(value)) return null;
  return value.filter(isPlainObject).map((d) => ({
    field: typeof d.field === "string" ? d.field : "",
    code: typeof d.code === "string" ? d.code : "invalid",
    message: typeof d.message === "string" ? d.message : "",
  }));
}

function aborted(signal: AbortSignal): AuthioError {
  return new AuthioError({
    code: "aborted",
    message: "The request was aborted by its AbortSignal.",
    retryable: false,
    cause: signal.reason,
  });
}

/** A request refused before it is sent: the same code the server would answer, without a status. */
export function localInvalidRequest(field: string, message: string): AuthioError {
  return new AuthioError({
    code: "invalid_request",
    message,
    details: [{ field, code: "invalid", message }],
    retryable: false,
  });
}

/** An id placed in a path: non-empty, and encoded so it can never reach another route. */
export function pathSegment(field: string, value: unknown): string {
  if (typeof value !== "string" || value === "") {
    throw localInvalidRequest(field, `\`${field}\` must be a non-empty string.`);
  }
  return encodeURIComponent(value);
}

function checkIdempotencyKey(key: unknown): string | undefined {
  if (key === undefined) return undefined;
  if (typeof key !== "string" || key.length < 1 || key.length > 255 || /[^\x20-\x7e]/.test(key)) {
    throw localInvalidRequest("idempotencyKey", "`idempotencyKey` must be 1–255 printable ASCII characters.");
  }
  return key;
}

const MAX_TIMER_MS = 2_147_483_647;

function checkTimeout(value: unknown): number {
  // setTimeout fires at once beyond 2^31-1 ms: refuse rather than time out immediately.
  if (typeof value !== "number" || !Number.isFinite(value) || value <= 0 || value > MAX_TIMER_MS) {
    throw localInvalidRequest(
      "timeout",
      "`timeout` must be a positive number of milliseconds (at most 2^31-1).",
    );
  }
  return value;
}

function checkRetries(value: unknown): number {
  if (typeof value !== "number" || !Number.isInteger(value) || value < 0) {
    throw localInvalidRequest("maxRetries", "`maxRetries` must be a non-negative integer.");
  }
  return value;
}
