/** The last, optional argument of every Management API method. */
export interface RequestOptions {
  /** Gives up the call (and any retry still to come) when it fires: an `AuthioError` with code `aborted`. */
  signal?: AbortSignal | undefined;
  /** Milliseconds one attempt may take, overriding the client's `timeout`. */
  timeout?: number | undefined;
  /** Retries for this call, overriding the client's `maxRetries`. */
  maxRetries?: number | undefined;
}

/** Options of a method that `POST`s: it may also name its idempotency key. */
export interface PostRequestOptions extends RequestOptions {
  /**
   * Sent as `Idempotency-Key` (1–255 characters). Without it the SDK generates one per call and reuses it
   * across that call's retries. Give your own to make a create safe to repeat across processes or restarts.
   */
  idempotencyKey?: string | undefined;
}

/** What the SDK kept of the HTTP answer a result came from. */
export interface ResponseMeta {
  /** The answer's `X-Request-Id`: quote it when contacting support. */
  readonly requestId: string | null;
  readonly status: number;
  readonly headers: Headers;
}

/**
 * A result with the answer it came from attached as a non-enumerable `lastResponse` (the Stripe SDK's
 * name): it stays out of `JSON.stringify`, spreads and equality checks on the data.
 */
export type WithResponse<T> = T & { readonly lastResponse: ResponseMeta };

export function attachResponse<T extends object>(value: T, meta: ResponseMeta): WithResponse<T> {
  Object.defineProperty(value, "lastResponse", { value: meta, enumerable: false, configurable: true });
  return value as WithResponse<T>;
}
