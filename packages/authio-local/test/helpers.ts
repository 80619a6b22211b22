import { type LocalAuthio, type LocalAuthioOptions, startLocalAuthio } from "../src/index.js";

// biome-ignore lint/suspicious/noExplicitAny: response bodies are untyped JSON that tests probe freely
export interface ApiResponse<T = any> {
  status: number;
  headers: Headers;
  body: T;
  text: string;
}

// biome-ignore lint/suspicious/noExplicitAny: as above
export type Api = <T = any>(
  method: string,
  path: string,
  body?: unknown,
  options?: { headers?: Record<string, string>; key?: string | null; raw?: string },
) => Promise<ApiResponse<T>>;

/** A server on a free port with an in-memory database, unless the test asks otherwise. */
export function startTestServer(options: LocalAuthioOptions = {}): Promise<LocalAuthio> {
  return startLocalAuthio({ port: 0, db: ":memory:", ...options });
}

export function apiFor(local: { url: string; secretKey: string }): Api {
  return async (method, path, body, options = {}) => {
    const headers: Record<string, string> = { ...options.headers };
    const key = options.key === undefined ? local.secretKey : options.key;
    if (key !== null) headers.authorization = `Bearer ${key}`;
    let payload: string | undefined = options.raw;
    if (body !== undefined) {
      payload = JSON.stringify(body);
      headers["content-type"] = "application/json";
    }
    const response = await fetch(`${local.url}${path}`, { method, headers, body: payload ?? null });
    const text = await response.text();
    let parsed: unknown = text;
    try {
      parsed = text ? JSON.parse(text) : undefined;
    } catch {
      parsed = text;
    }
    return { status: response.status, headers: response.headers, body: parsed as never, text };
  };
}

/** Decodes a JWT's header and claims (no verification: tests verify with jose where it matters). */
export function decodeJwt(token: string): {
  header: Record<string, unknown>;
  claims: Record<string, unknown>;
} {
  const [h, c] = token.split(".");
  return {
    header: JSON.parse(Buffer.from(h!, "base64url").toString()) as Record<string, unknown>,
    claims: JSON.parse(Buffer.from(c!, "base64url").toString()) as Record<string, unknown>,
  };
}

export function expectError(
  response: ApiResponse,
  status: number,
  code: string,
): { code: string; message: string; requestId: string; details?: { field: string; code: string }[] } {
  if (response.status !== status || response.body?.error?.code !== code) {
    throw new Error(`expected ${status} ${code}, got ${response.status} ${response.text}`);
  }
  const requestId = response.headers.get("x-request-id");
  if (!requestId?.startsWith("req_") || response.body.error.requestId !== requestId) {
    throw new Error(
      `error.requestId ${response.body.error.requestId} does not match X-Request-Id ${requestId}`,
    );
  }
  return response.body.error;
}
