// PLACEHOLDER — replaced by the real verifier (issue #3).
import type { ResolvedConfig } from "../config.js";
import type { TokenVerifier, VerifyResult } from "./result.js";

export class SessionVerifier implements TokenVerifier {
  constructor(readonly config: ResolvedConfig) {}
  async verifyDetailed(_token: unknown): Promise<VerifyResult> {
    return { ok: false, reason: "malformed" };
  }
}
