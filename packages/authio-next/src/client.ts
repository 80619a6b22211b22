import { Authio, type RequestAuth, type RequestAuthOptions } from "@authio/node";

/** What the adapter needs from a client: the request-level decision and the browser session lifecycle. */
export type AuthioLike = Pick<Authio, "authenticateRequest" | "createRequestAuth">;

// Next bundles route handlers, pages and proxy.ts separately, so one module can be evaluated several
// times in one process: the client built from the environment is kept on `globalThis` so there is one
// per process (it holds the JWKS cache and the refresh coordinator), never one per bundle or request.
const DEFAULT_CLIENT = Symbol.for("@authio/next.defaultClient");

/** The client built once, lazily, from `AUTHIO_SECRET_KEY` and `AUTHIO_API_URL`. */
export function defaultClient(): AuthioLike {
  const holder = globalThis as { [DEFAULT_CLIENT]?: AuthioLike };
  holder[DEFAULT_CLIENT] ??= new Authio();
  return holder[DEFAULT_CLIENT];
}

/** A client given directly, or a function that returns it (called on first use, e.g. not at build time). */
export type ClientSource = AuthioLike | (() => AuthioLike);

export interface Bound {
  readonly client: () => AuthioLike;
  /** The app's `RequestAuth` (refresh, CSRF, lifecycle routes), built once on first use. */
  readonly requestAuth: () => RequestAuth;
}

export function bind(source: ClientSource | undefined, options: RequestAuthOptions = {}): Bound {
  let client: () => AuthioLike;
  if (source === undefined) client = defaultClient;
  else if (typeof source === "function") {
    let resolved: AuthioLike | undefined;
    client = () => {
      resolved ??= source();
      return resolved;
    };
  } else client = () => source;
  let auth: RequestAuth | undefined;
  return {
    client,
    requestAuth: () => {
      auth ??= client().createRequestAuth(options);
      return auth;
    },
  };
}
