import { Authio } from "@authio/node";

/** What the adapter needs from a client: the core's request-level decision. */
export type AuthioLike = Pick<Authio, "authenticateRequest">;

// Next bundles route handlers, pages and proxy.ts separately, so one module can be evaluated several
// times in one process: the client built from the environment is kept on `globalThis` so there is one
// per process (it holds the JWKS cache), never one per bundle or per request.
const DEFAULT_CLIENT = Symbol.for("@authio/next.defaultClient");

/** The client built once, lazily, from `AUTHIO_SECRET_KEY` and `AUTHIO_API_URL`. */
export function defaultClient(): AuthioLike {
  const holder = globalThis as { [DEFAULT_CLIENT]?: AuthioLike };
  holder[DEFAULT_CLIENT] ??= new Authio();
  return holder[DEFAULT_CLIENT];
}

/** A client given directly, or a getter that resolves one on first use. */
export type ClientSource = AuthioLike | (() => AuthioLike);

export function clientResolver(source: ClientSource | undefined): () => AuthioLike {
  if (source === undefined) return defaultClient;
  if (typeof source === "function") {
    let client: AuthioLike | undefined;
    return () => {
      client ??= source();
      return client;
    };
  }
  return () => source;
}
