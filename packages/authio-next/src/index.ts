import type { RequestAuthOptions } from "@authio/node";
import { type Bound, bind, type ClientSource } from "./client.js";
import { makeProxy } from "./proxy.js";
import { makeRouteWrappers } from "./route.js";
import { makeSessionReaders } from "./session.js";

export type { AuthResult, RequestAuthOptions, Session, SessionRequirement } from "@authio/node";
export type { AuthioLike, ClientSource } from "./client.js";
export { normalisePath } from "./paths.js";
export type { AuthioProxy, AuthioProxyOptions } from "./proxy.js";
export type { RouteHandler, RouteParams, SessionHandler, SessionRouteContext } from "./route.js";

export interface AuthioNextOptions {
  /**
   * The app's one Authio client, or a function that builds it on first use. Default: one client
   * built lazily from `AUTHIO_SECRET_KEY` and `AUTHIO_API_URL`, shared by the whole process.
   */
  readonly authio?: ClientSource;
  /**
   * The browser session lifecycle: paths of the `authioRoutes()` routes, `afterSignOut`,
   * `allowedOrigins` (CSRF), `refreshLeeway`.
   */
  readonly session?: RequestAuthOptions;
}

function build(bound: Bound) {
  const { withSession, withOptionalSession, authioRoutes } = makeRouteWrappers(bound);
  const { getSession, getAuthResult } = makeSessionReaders(bound);
  return {
    withSession,
    withOptionalSession,
    getSession,
    getAuthResult,
    authioProxy: makeProxy(bound),
    authioRoutes,
  };
}

/** The adapter bound to one Authio client. */
export type AuthioNext = ReturnType<typeof build>;

/**
 * Binds the adapter to the app's Authio client:
 *
 * ```ts
 * // lib/authio.ts
 * export const { withSession, withOptionalSession, getSession, authioProxy, authioRoutes } =
 *   createAuthioNext({ authio: () => new Authio() });
 * ```
 */
export function createAuthioNext(options: AuthioNextOptions = {}): AuthioNext {
  return build(bind(options.authio, options.session));
}

const fromEnvironment = build(bind(undefined));

/** `withSession` bound to the client built from the environment. */
export const withSession: AuthioNext["withSession"] = fromEnvironment.withSession;
/** `withOptionalSession` bound to the client built from the environment. */
export const withOptionalSession: AuthioNext["withOptionalSession"] = fromEnvironment.withOptionalSession;
/** `getSession` bound to the client built from the environment. */
export const getSession: AuthioNext["getSession"] = fromEnvironment.getSession;
/** `getAuthResult` bound to the client built from the environment. */
export const getAuthResult: AuthioNext["getAuthResult"] = fromEnvironment.getAuthResult;
/** `authioProxy` bound to the client built from the environment. */
export const authioProxy: AuthioNext["authioProxy"] = fromEnvironment.authioProxy;
/** `authioRoutes` bound to the client built from the environment. */
export const authioRoutes: AuthioNext["authioRoutes"] = fromEnvironment.authioRoutes;
