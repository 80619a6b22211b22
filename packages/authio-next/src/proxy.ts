import {
  authorize,
  fromFetchRequest,
  REFRESH_COOKIE,
  readCookie,
  type SessionRequirement,
} from "@authio/node";
import { NextResponse } from "next/server.js";
import type { Bound } from "./client.js";
import { compilePatterns, normalisePath } from "./paths.js";
import { applySetCookies, denialResponse } from "./respond.js";

export interface AuthioProxyOptions {
  /**
   * Patterns that need no session; everything else does (default deny). `/about` is that path,
   * `/blog/:slug` matches one segment, `/docs/*` is `/docs` and everything below it. Matched against
   * the normalised path, case-sensitively: an odd spelling is never public.
   */
  readonly public?: readonly string[];
  /**
   * Where a page request without a session is sent (`307` on the host the browser used, with the
   * requested path in `return_to`). It is public itself. Without it, pages get the JSON 401 too.
   */
  readonly signInUrl?: string;
  /** Patterns answered with the JSON denial, never redirected (case-insensitive). Default `["/api/*"]`. */
  readonly api?: readonly string[];
  /** What every non-public route requires beyond a session (organization / role / permission). */
  readonly requirement?: SessionRequirement;
}

/** Next's proxy / middleware signature; returning `undefined` lets the request through unchanged. */
export type AuthioProxy = (request: Request) => Promise<Response | undefined>;

/**
 * Lets the request through. After a refresh, the browser gets the new cookies and the app's own code
 * sees them in the request's `Cookie` header — a real token it verifies again, not a claim to trust.
 */
function proceed(request: Request, setCookies: readonly string[]): Response | undefined {
  if (setCookies.length === 0) return undefined;
  const headers = new Headers(request.headers);
  headers.set("cookie", applySetCookies(request.headers.get("cookie"), setCookies));
  const response = NextResponse.next({ request: { headers } });
  for (const cookie of setCookies) response.headers.append("set-cookie", cookie);
  return response;
}

export function makeProxy({ requestAuth }: Bound) {
  /**
   * A `proxy.ts` (Next 16) or `middleware.ts` (Next 15) guard. It is a first line only: it hands the
   * app no verdict to trust (no header, no flag; after a refresh only the new token, in the `Cookie`
   * header), and `withSession` / `getSession` verify the token again in the handler, so skipping or
   * fooling the proxy (CVE-2025-29927) grants nothing.
   *
   * ```ts
   * // proxy.ts
   * export const proxy = authioProxy({ public: ["/", "/sign-in"], signInUrl: "/sign-in" });
   * ```
   */
  return function authioProxy(options: AuthioProxyOptions = {}): AuthioProxy {
    let signIn: { path: string; matches: (p: string) => boolean } | null = null;
    if (options.signInUrl !== undefined) {
      const url = new URL(options.signInUrl, "http://n");
      if (!options.signInUrl.startsWith("/") || options.signInUrl.startsWith("//")) {
        throw new TypeError("signInUrl must be a path on this site, starting with a single '/'.");
      }
      signIn = { path: url.pathname + url.search, matches: compilePatterns([url.pathname]) };
    }
    const isPublic = compilePatterns(options.public ?? []);
    const isApi = compilePatterns(options.api ?? ["/api/*"], true);
    const requirement = options.requirement ?? {};
    // The `authioRoutes()` paths, as RequestAuth matches them (from the site root, basePath included).
    // Read on first request: the client may not be configurable at build time.
    let lifecycle: ReadonlySet<string> | undefined;

    return async (request) => {
      // `nextUrl` (a NextRequest's) has the basePath and locale taken off, as routes are written.
      const nextUrl = (request as { nextUrl?: URL & { basePath?: string } }).nextUrl;
      const { pathname, search } = nextUrl ?? new URL(request.url);
      const path = normalisePath(pathname);
      // The lifecycle routes answer for themselves: signing in needs no session, and sign-out and
      // switch-organization authenticate (and check CSRF) on their own. Never blocked here, and never
      // refreshed before: a refresh in front of the callback would only be thrown away (or, with a
      // stale refresh cookie, clear cookies in the middle of signing in).
      lifecycle ??= new Set(Object.values(requestAuth().paths));
      if (path !== null && lifecycle.has((nextUrl?.basePath ?? "") + path)) return undefined;
      if (path !== null && (isPublic(path) || signIn?.matches(path))) {
        // Public: never blocked. Only a browser with a refresh cookie can gain anything from
        // authenticating here (its session refreshed before the page renders).
        if (readCookie(request.headers.get("cookie"), REFRESH_COOKIE) === null) return undefined;
        const { setCookies } = await requestAuth().authenticate(fromFetchRequest(request));
        return proceed(request, setCookies);
      }

      const { result, setCookies } = await requestAuth().authenticate(fromFetchRequest(request));
      const outcome = authorize(result, requirement, {
        method: request.method,
        accessControlRequestMethod: request.headers.get("access-control-request-method"),
      });
      if (outcome.action !== "deny") return proceed(request, setCookies);

      const method = request.method.toUpperCase();
      const page = path !== null && !isApi(path) && (method === "GET" || method === "HEAD");
      if (signIn && page && outcome.response.status === 401) {
        // Absolute (Next's proxy runtime needs it), on the origin the browser used: the `Host` header,
        // not `request.url`, which says `localhost` under `next start -H 127.0.0.1` — a redirect there
        // would move the browser to another cookie host. (Next 16 then makes a same-host Location
        // relative; Next 15's Edge middleware sends it as is.)
        // `signInUrl` and the return path are app paths: under a `basePath` both get it back.
        const basePath = nextUrl?.basePath ?? "";
        const target = new URL(basePath + signIn.path, fromFetchRequest(request).url);
        target.searchParams.set("return_to", basePath + path + search);
        const headers = new Headers({
          location: target.href,
          "cache-control": "no-store",
          vary: "Authorization, Cookie",
        });
        for (const cookie of setCookies) headers.append("set-cookie", cookie);
        return new Response(null, { status: 307, headers });
      }
      return denialResponse(outcome.response, method, setCookies);
    };
  };
}
