import { RefreshCoordinator } from "./browser/refresh.js";
import { RequestAuth, type RequestAuthOptions } from "./browser/request-auth.js";
import { type AuthioOptions, resolveConfig } from "./config.js";
import { Memberships } from "./management/memberships.js";
import { Organizations } from "./management/organizations.js";
import { Sessions } from "./management/sessions.js";
import { Transport } from "./management/transport.js";
import { Users } from "./management/users.js";
import type { CredentialsInput } from "./request/credentials.js";
import { type AuthResult, authenticateRequest } from "./request/decision.js";
import { SessionVerifier } from "./verify/verifier.js";
import { Webhooks } from "./webhooks/webhooks.js";

/**
 * The Authio client: one per app (it holds the JWKS cache). Construction does no I/O.
 *
 * ```ts
 * const authio = new Authio({ apiKey: process.env.AUTHIO_SECRET_KEY! });
 * const session = await authio.sessions.verify(token);
 * ```
 */
export class Authio {
  readonly sessions: Sessions;
  readonly organizations: Organizations;
  readonly users: Users;
  readonly memberships: Memberships;
  readonly webhooks: Webhooks;
  readonly #verifier: SessionVerifier;
  readonly #apiUrl: string;
  #refresher: RefreshCoordinator | undefined;

  constructor(options: AuthioOptions = {}) {
    const config = resolveConfig(options);
    this.#verifier = new SessionVerifier(config);
    this.#apiUrl = config.apiUrl;
    // One transport for every Management resource: they share timeouts, retries and the secret key.
    const transport = new Transport(config);
    this.sessions = new Sessions(this.#verifier, transport);
    this.organizations = new Organizations(transport);
    this.users = new Users(transport);
    this.memberships = new Memberships(transport);
    this.webhooks = new Webhooks();
  }

  /**
   * The request-level decision every adapter uses: reads the Bearer header or the `authio_session`
   * cookie and verifies it. Never throws.
   */
  authenticateRequest(input: CredentialsInput): Promise<AuthResult> {
    return authenticateRequest(this.#verifier, input);
  }

  /**
   * Request authentication with the browser session lifecycle, for web framework adapters (one per
   * app): Bearer or cookie, transparent refresh, CSRF defence, and the sign-in, callback, sign-out
   * and switch-organization routes.
   */
  createRequestAuth(options: RequestAuthOptions = {}): RequestAuth {
    this.#refresher ??= new RefreshCoordinator((refreshToken) => this.sessions.refresh({ refreshToken }));
    return new RequestAuth(this.#verifier, this.sessions, this.#apiUrl, this.#refresher, options);
  }
}
