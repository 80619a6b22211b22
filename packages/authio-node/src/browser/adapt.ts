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
  /** Node's header lines as received (`[name, value, name, value, …]`): read in place when present. */
  readonly rawHeaders?: readonly string[] | undefined;
  /** Used when there are no `rawHeaders`. */
  readonly headers?: Readonly<Record<string, string | string[] | undefined>> | undefined;
  readonly headersDistinct?: Readonly<Record<string, string[] | undefined>> | undefined;
}

const NO_LINES: readonly string[] = Object.freeze([]);

/** The value of the first `name` line (lower-case `name`), scanning the raw lines: nothing is built. */
function firstLine(raw: readonly string[], name: string): string | null {
  for (let i = 0; i < raw.length - 1; i += 2) {
    const line = raw[i] as string;
    if (line.length === name.length && line.toLowerCase() === name) return raw[i + 1] as string;
  }
  return null;
}

/** Every Authorization line: the core refuses several as ambiguous, so they must stay apart. */
function authorizationLines(raw: readonly string[]): readonly string[] {
  let lines: string[] | undefined;
  for (let i = 0; i < raw.length - 1; i += 2) {
    const line = raw[i] as string;
    if (line.length !== 13 || line.toLowerCase() !== "authorization") continue;
    if (lines === undefined) lines = [];
    lines.push(raw[i + 1] as string);
  }
  return lines ?? NO_LINES;
}

/**
 * An `AuthRequest` from a Node request. `protocol` is what the framework determined (Express
 * `req.protocol`, Fastify `request.protocol`: they honour a trusted proxy); the host is the `Host`
 * the browser sent, so cookies and redirects stay on the host the browser used. Each header is the
 * first line of that name, read from `rawHeaders` in place: Node's `headers` and `headersDistinct`
 * objects are built on first use, for every header, which costs more than the whole lookup.
 */
export function fromNodeRequest(req: NodeLikeRequest, protocol: string = "http"): AuthRequest {
  return new NodeAuthRequest(req, protocol);
}

/** A class, not an object literal with a getter: it runs once per request, and V8 builds it fast. */
class NodeAuthRequest implements AuthRequest {
  readonly method: string;
  readonly path: string;
  readonly headers: { get(name: string): string | null };
  readonly authorization: readonly string[] | undefined;
  readonly #req: NodeLikeRequest;
  readonly #protocol: string;
  #url: string | undefined;

  constructor(req: NodeLikeRequest, protocol: string) {
    this.#req = req;
    this.#protocol = protocol;
    this.method = req.method ?? "GET";
    this.path = req.url ?? "/";
    this.headers = this;
    const raw = req.rawHeaders;
    this.authorization = raw !== undefined ? authorizationLines(raw) : req.headersDistinct?.authorization;
  }

  /** Built only when a decision needs it (CSRF on unsafe methods, cookie flags, lifecycle routes). */
  get url(): string {
    this.#url ??= `${this.#protocol.replace(/:$/, "")}://${this.get("host") ?? "localhost"}${this.path}`;
    return this.#url;
  }

  get(name: string): string | null {
    const req = this.#req;
    if (req.rawHeaders !== undefined) return firstLine(req.rawHeaders, name.toLowerCase());
    const value = req.headersDistinct?.[name]?.[0] ?? req.headers?.[name];
    return typeof value === "string" ? value : Array.isArray(value) ? (value[0] ?? null) : null;
  }
}

/**
 * An `AuthRequest` from a Fetch `Request` (Hono, Next.js, Bun, Deno). The URL is rebuilt on the `Host`
 * header when there is one: some servers report another host in `request.url` (`next start -H
 * 127.0.0.1` says `localhost`), which would move cookies to another host.
 */
export function fromFetchRequest(request: Request): AuthRequest {
  return new FetchAuthRequest(request);
}

/** A class, not an object literal with a getter: it runs once per request, and V8 builds it fast. */
class FetchAuthRequest implements AuthRequest {
  readonly method: string;
  readonly headers: Headers;
  readonly path: string;
  readonly #request: Request;
  #url: URL | undefined;

  constructor(request: Request) {
    this.#request = request;
    this.method = request.method;
    this.headers = request.headers;
    const url = request.url;
    this.path = url.slice(url.indexOf("/", url.indexOf("//") + 2));
  }

  /** Parsed only when a decision needs it (CSRF on unsafe methods, cookie flags, lifecycle routes). */
  get url(): URL {
    if (this.#url === undefined) {
      this.#url = new URL(this.#request.url);
      const host = this.headers.get("host");
      if (host) this.#url.host = host;
    }
    return this.#url;
  }
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
