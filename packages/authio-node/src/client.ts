import { type AuthioOptions, resolveConfig } from "./config.js";
import { Sessions } from "./management/sessions.js";
import type { CredentialsInput } from "./request/credentials.js";
import { type AuthResult, authenticateRequest } from "./request/decision.js";
import { SessionVerifier } from "./verify/verifier.js";

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
  readonly #verifier: SessionVerifier;

  constructor(options: AuthioOptions = {}) {
    const config = resolveConfig(options);
    this.#verifier = new SessionVerifier(config);
    this.sessions = new Sessions(this.#verifier);
  }

  /**
   * The request-level decision every adapter uses: reads the Bearer header or the `authio_session`
   * cookie and verifies it. Never throws.
   */
  authenticateRequest(input: CredentialsInput): Promise<AuthResult> {
    return authenticateRequest(this.#verifier, input);
  }
}
