import type { AuthResult, Session } from "@authio/node";
import { headers } from "next/headers.js";
import type { Bound } from "./client.js";

export function makeSessionReaders({ client }: Bound) {
  /**
   * The full authentication result of the current request (server components, server actions, route
   * handlers). It reads the request's own `Authorization` and `Cookie` headers and verifies the token
   * itself: nothing `proxy.ts` or a client may have set is trusted. It never refreshes (a server
   * component cannot set cookies): `authioProxy` refreshes before the page renders.
   */
  async function getAuthResult(): Promise<AuthResult> {
    // Not wrapped in try/catch: outside a request scope, and during prerendering, `headers()` throws
    // on purpose (that is how Next marks a page dynamic).
    const incoming = await headers();
    return client().authenticateRequest({
      // Next joins repeated headers with ", ", which the core refuses as ambiguous.
      authorization: incoming.get("authorization"),
      cookie: incoming.get("cookie"),
    });
  }

  /**
   * The verified session of the current request, or `null` when there is none (no credentials, a
   * refused token, several Authorization headers). Throws the core's `AuthioError` when the signing
   * keys cannot be had: an outage must not look like a sign-out.
   */
  async function getSession(): Promise<Session | null> {
    const result = await getAuthResult();
    if (result.status === "unavailable") throw result.error;
    return result.session;
  }

  return { getSession, getAuthResult };
}
