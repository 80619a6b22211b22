// PLACEHOLDER — the Management API half (create, get, list, switchOrg, revoke, authenticate, refresh) lands with issue #4.
import type { Session } from "../session.js";
import type { TokenVerifier, VerifyResult } from "../verify/result.js";

/** `authio.sessions`: verification of access tokens, and the Management API's sessions. */
export class Sessions {
  readonly #verifier: TokenVerifier;
  constructor(verifier: TokenVerifier) {
    this.#verifier = verifier;
  }

  /** Verifies an access token: a typed, frozen `Session`, or `null` for any token that is not acceptable. */
  async verify(token: unknown): Promise<Session | null> {
    const result = await this.#verifier.verifyDetailed(token);
    return result.ok ? result.session : null;
  }

  /** Like `verify`, but says why a token was refused (a fixed vocabulary, safe to log). */
  verifyDetailed(token: unknown): Promise<VerifyResult> {
    return this.#verifier.verifyDetailed(token);
  }
}
