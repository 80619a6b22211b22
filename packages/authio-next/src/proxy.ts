import { authorize, type SessionRequirement } from "@authio/node";
import type { AuthioLike } from "./client.js";
import { compilePatterns, normalisePath } from "./paths.js";
import { denialResponse } from "./respond.js";

export interface AuthioProxyOptions {
  /**
   * Patterns that need no session; everything else does (default deny). `/about` is that path,
   * `/blog/:slug` matches one segment, `/docs/*` is `/docs` and everything below it. Matched against
   * the normalised path, case-sensitively: an odd spelling is never public.
   */
  readonly public?: readonly string[];
  /**
   * Where a page request without a session is sent (a relative `Location`, `307`, with the
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

export function makeProxy(client: () => AuthioLike) {
  /**
   * A `proxy.ts` (Next 16) or `middleware.ts` (Next 15) guard. It is a first line only: it never
   * passes anything on to the app (no header, no cookie), and `withSession` / `getSession` verify the
   * token again in the handler, so skipping or fooling the proxy (CVE-2025-29927) grants nothing.
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

    return async (request) => {
      // `nextUrl` (a NextRequest's) has the basePath and locale taken off, as routes are written.
      const { pathname, search } = (request as { nextUrl?: URL }).nextUrl ?? new URL(request.url);
      const path = normalisePath(pathname);
      if (path !== null && (isPublic(path) || signIn?.matches(path))) return undefined;

      const result = await client().authenticateRequest(request);
      const outcome = authorize(result, requirement, {
        method: request.method,
        accessControlRequestMethod: request.headers.get("access-control-request-method"),
      });
      if (outcome.action !== "deny") return undefined;

      const method = request.method.toUpperCase();
      const page = path !== null && !isApi(path) && (method === "GET" || method === "HEAD");
      if (signIn && page && outcome.response.status === 401) {
        const target = new URL(signIn.path, request.url);
        target.searchParams.set("return_to", path + search);
        // Next's proxy runtime needs an absolute Location and makes a same-host one relative again
        // before it reaches the browser. That matters: under `next start -H 127.0.0.1`, `request.url`
        // says `localhost`, and an absolute redirect there would move the browser to another cookie host.
        return new Response(null, {
          status: 307,
          headers: {
            location: target.href,
            "cache-control": "no-store",
            vary: "Authorization, Cookie",
          },
        });
      }
      return denialResponse(outcome.response, method);
    };
  };
}
