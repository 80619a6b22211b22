import { AuthioError } from "../errors.js";
import { isPlainObject } from "../management/shape.js";
import type { WebhookEvent } from "./events.js";
import {
  parseSignatureHeader,
  signatureMatches,
  signPayload,
  toBytes,
  type WebhookFailureReason,
} from "./signature.js";

export interface VerifyWebhookInput {
  /** The raw request body exactly as received — not parsed and re-serialised JSON. */
  payload: string | Uint8Array | ArrayBuffer;
  /** The `Authio-Signature` header's value (`req.headers.get("authio-signature")`). */
  signature: string | null | undefined;
  /** The endpoint's signing secret; several while you rotate it on your side. */
  secret: string | readonly string[];
  /** Seconds a delivery's timestamp may be from now. Default 300. */
  tolerance?: number | undefined;
}

export type WebhookVerifyResult =
  | { readonly ok: true; readonly event: WebhookEvent }
  | { readonly ok: false; readonly reason: WebhookFailureReason };

const DEFAULT_TOLERANCE_SECONDS = 300;

const MESSAGES: Record<WebhookFailureReason, string> = {
  missing_header: "The webhook delivery has no Authio-Signature header.",
  malformed_header: "The Authio-Signature header is malformed.",
  timestamp_outside_tolerance: "The webhook signature's timestamp is outside the tolerance.",
  no_matching_signature: "No signature of the webhook delivery matches its body under the endpoint secret.",
  malformed_payload: "The signed webhook body is not an Authio event.",
};

/**
 * `authio.webhooks`: checks that a delivery comes from Authio, unaltered and recent, before you act on it.
 * Needs no API key and makes no request.
 */
export class Webhooks {
  /** The verified event, or why the delivery must be refused (answer it with a 400). Never throws for a bad delivery. */
  async verify(input: VerifyWebhookInput): Promise<WebhookVerifyResult> {
    const secrets = typeof input.secret === "string" ? [input.secret] : [...(input.secret ?? [])];
    if (secrets.length === 0 || secrets.some((s) => typeof s !== "string" || s === "")) {
      throw new AuthioError({
        code: "invalid_config",
        message: "Invalid webhook `secret`: expected a non-empty string.",
        retryable: false,
      });
    }
    const tolerance = input.tolerance ?? DEFAULT_TOLERANCE_SECONDS;
    if (typeof tolerance !== "number" || !(tolerance >= 0)) {
      throw new AuthioError({
        code: "invalid_config",
        message: "Invalid webhook `tolerance`: expected a non-negative number of seconds.",
        retryable: false,
      });
    }
    if (typeof input.signature !== "string" || input.signature.trim() === "") {
      return { ok: false, reason: "missing_header" };
    }
    const parsed = parseSignatureHeader(input.signature);
    if (!parsed) return { ok: false, reason: "malformed_header" };
    const now = Math.floor(Date.now() / 1000);
    if (Math.abs(now - parsed.timestamp) > tolerance)
      return { ok: false, reason: "timestamp_outside_tolerance" };
    const body = toBytes(input.payload);
    if (!(await signatureMatches(parsed, body, secrets)))
      return { ok: false, reason: "no_matching_signature" };
    const event = parseEvent(body);
    return event ? { ok: true, event } : { ok: false, reason: "malformed_payload" };
  }

  /**
   * The verified event, or an `AuthioError` with code `invalid_signature` (`details[0].code` is the
   * reason) — the Stripe and WorkOS name for this.
   */
  async constructEvent(input: VerifyWebhookInput): Promise<WebhookEvent> {
    const result = await this.verify(input);
    if (result.ok) return result.event;
    throw new AuthioError({
      code: "invalid_signature",
      message: MESSAGES[result.reason],
      details: [{ field: "Authio-Signature", code: result.reason, message: MESSAGES[result.reason] }],
      retryable: false,
    });
  }

  /** An `Authio-Signature` value for a payload, to test your webhook handler end to end. */
  signPayload(
    payload: string | Uint8Array | ArrayBuffer,
    secret: string,
    timestamp?: number,
  ): Promise<string> {
    return signPayload(payload, secret, timestamp);
  }
}

function parseEvent(body: Uint8Array): WebhookEvent | null {
  let json: unknown;
  try {
    json = JSON.parse(new TextDecoder("utf-8", { fatal: true }).decode(body));
  } catch {
    return null;
  }
  if (
    !isPlainObject(json) ||
    typeof json.id !== "string" ||
    typeof json.type !== "string" ||
    typeof json.createdAt !== "string" ||
    !isPlainObject(json.data)
  ) {
    return null;
  }
  // Event types added to the API after this SDK version still verify; they are typed as the union
  // but their `type` is not one of WEBHOOK_EVENT_TYPES: switch on `type` with a default branch.
  return json as unknown as WebhookEvent;
}
