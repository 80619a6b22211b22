import type { AuthDenial } from "../request/decision.js";
import type { AuthRequest, AuthResponse } from "./request-auth.js";

/**
 * Translations every adapter needs, kept here once: a framework's request into an `AuthRequest`, and
 * the core's answers into a Fetch `Response`. Structural types only — no Node built-ins.
 */

/** The parts of a Node `IncomingMessage` (Express, Fastify, `node:http`) authentication reads. */
export interface NodeLikeRequest {
  readonly method?: string | undefined;
  readonly url?: string | undefined;
  readonly headers: Readonly<Record<string, string | string[] | undefined>>;
  readonly headersDistinct?: Readonly<Record<string, string[] | undefined>>;
}

/**
 * An `AuthRequest` from a Node request. `protocol` is what the framework determined (Express
 * `req.protocol`, Fastify `request.protocol`: they honour a trusted proxy); the host is the `Host`
 * the browser sent, so cookies and redirects stay on the host the browser used.
 */
export function fromNodeRequest(req: NodeLikeRequest, protocol: string = "http"): AuthRequest {
  const first = (name: string): string | null => {
    const value = req.headersDistinct?.[name]?.[0] ?? req.headers[name];
    return typeof value === "string" ? value : Array.isArray(value) ? (value[0] ?? null) : null;
  };
  const host = first("host") ?? "localhost";
  const authorization = req.headersDistinct?.authorization;
  return {
    method: req.method ?? "GET",
    url: `${protocol.replace(/:$/, "")}://${host}${req.url ?? "/"}`,
    path: req.url ?? "/",
    headers: { get: first },
    authorization,
  };
}

/**
 * An `AuthRequest` from a Fetch `Request` (Hono, Next.js, Bun, Deno). The URL is rebuilt on the `Host`
 * header when there is one: some servers report another host in `request.url` (`next start -H
 * 127.0.0.1` says `localhost`), which would move cookies to another host.
 */
export function fromFetchRequest(request: Request): AuthRequest {
  let url: URL | undefined;
  return {
    method: request.method,
    // Parsed only when a decision needs it (CSRF on unsafe methods, cookie flags, lifecycle routes).
    get url() {
      if (url === undefined) {
        url = new URL(request.url);
        const host = request.headers.get("host");
        if (host) url.host = host;
      }
      return url;
    },
    headers: request.headers,
    path: request.url.slice(request.url.indexOf("/", request.url.indexOf("//") + 2)),
  };
}

/** A Fetch `Response` for an answer of `RequestAuth.handle()` (or any `AuthResponse`). */
export function toFetchResponse(answer: AuthResponse): Response {
  const headers = new Headers();
  for (const [name, value] of answer.headers) headers.append(name, value);
  return new Response(answer.body, { status: answer.status, headers });
}

/** A Fetch `Response` for a guard's denial. */
export function denialResponse(denial: AuthDenial, setCookies: readonly string[] = []): Response {
  const headers = new Headers(denial.headers);
  for (const cookie of setCookies) headers.append("set-cookie", cookie);
  return new Response(JSON.stringify(denial.body), { status: denial.status, headers });
}
