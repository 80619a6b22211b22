import {
  authorize,
  fromFetchRequest,
  type Session,
  type SessionRequirement,
  toFetchResponse,
} from "@authio/node";
import type { Bound } from "./client.js";
import { denialResponse, withSessionHeaders } from "./respond.js";

/** Route segment params, when a route does not name its own. */
export type RouteParams = Record<string, string | string[] | undefined>;

/** The context a wrapped handler receives: Next's own (`params` is a promise in Next 15+) plus the session. */
export interface SessionRouteContext<Params, S> {
  readonly params: Promise<Params>;
  readonly session: S;
}

/**
 * A wrapped handler. `request` is whatever Next passes (a `NextRequest`): annotate it as `NextRequest`
 * to use `nextUrl` or `cookies`. These types name no Next type, so they hold across Next versions.
 */
export type SessionHandler<Params, S, Req extends Request = Request> = (
  request: Req,
  context: SessionRouteContext<Params, S>,
) => Response | Promise<Response>;

/** What Next calls: the signature of an unwrapped App Router route handler. */
export type RouteHandler<Params, Req extends Request = Request> = (
  request: Req,
  context: { readonly params: Promise<Params> },
) => Promise<Response>;

export function makeRouteWrappers({ requestAuth }: Bound) {
  /**
   * Wraps an App Router route handler: it runs only with a verified session (one that meets
   * `requirement`); every other request gets the core's denial (401 / 400 / 403 / 503 JSON), verbatim.
   * A cookie session is refreshed when its access token expires (the new cookies are set on the
   * answer) and is not honoured on a cross-site unsafe request (CSRF: 403). A CORS preflight is never
   * denied: it gets an empty 204 (answer CORS in `next.config` headers or in `proxy.ts`).
   */
  function withSession<Params = RouteParams, Req extends Request = Request>(
    handler: SessionHandler<Params, Session, Req>,
    requirement: SessionRequirement = {},
  ): RouteHandler<Params, Req> {
    return async (request, context) => {
      const { result, setCookies } = await requestAuth().authenticate(fromFetchRequest(request));
      const outcome = authorize(result, requirement, {
        method: request.method,
        accessControlRequestMethod: request.headers.get("access-control-request-method"),
      });
      if (outcome.action === "pass") return new Response(null, { status: 204 });
      if (outcome.action === "deny") return denialResponse(outcome.response, request.method, setCookies);
      // Frozen, with the session last: nothing the caller passed in, nor the handler's own helpers,
      // can put another session in its place.
      const response = await handler(request, Object.freeze({ ...context, session: outcome.session }));
      return withSessionHeaders(response, setCookies);
    };
  }

  /**
   * Wraps an App Router route handler that serves everyone: `session` is the verified session or
   * `null` (no credentials, a refused token, a cross-site cookie, or keys that could not be had).
   * Never blocks.
   */
  function withOptionalSession<Params = RouteParams, Req extends Request = Request>(
    handler: SessionHandler<Params, Session | null, Req>,
  ): RouteHandler<Params, Req> {
    return async (request, context) => {
      const { result, setCookies } = await requestAuth().authenticate(fromFetchRequest(request));
      const response = await handler(request, Object.freeze({ ...context, session: result.session }));
      return withSessionHeaders(response, setCookies);
    };
  }

  /**
   * The session lifecycle routes — `GET /auth/sign-in`, `GET /auth/callback`, `POST /auth/sign-out`,
   * `POST /auth/switch-organization` (paths configurable) — for one catch-all route file:
   *
   * ```ts
   * // app/auth/[action]/route.ts
   * export const { GET, POST } = authioRoutes();
   * ```
   */
  function authioRoutes(): {
    GET: (request: Request) => Promise<Response>;
    POST: (request: Request) => Promise<Response>;
  } {
    const handle = async (request: Request): Promise<Response> => {
      const answer = await requestAuth().handle(fromFetchRequest(request));
      if (answer === null) {
        return Response.json(
          { error: { code: "not_found", message: "No such route." } },
          { status: 404, headers: { "cache-control": "no-store" } },
        );
      }
      return toFetchResponse(answer);
    };
    return { GET: handle, POST: handle };
  }

  return { withSession, withOptionalSession, authioRoutes };
}
