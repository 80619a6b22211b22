/**
 * `Authio-Signature: t=<unix seconds>,v1=<hex HMAC-SHA256 of "<t>.<raw body>">[,v1=…]` (API.md §5.6),
 * checked with Web Crypto only, so it runs on Node, Bun, Deno and edge runtimes alike.
 */

/** Why a delivery was refused. Safe to log: it carries nothing of the secret or the body. */
export type WebhookFailureReason =
  /** No `Authio-Signature` header. */
  | "missing_header"
  /** The header is not `t=…,v1=…` with a unix timestamp and at least one hex signature. */
  | "malformed_header"
  /** The timestamp is further than the tolerance from now (a replay, or a badly skewed clock). */
  | "timestamp_outside_tolerance"
  /** No `v1` signature matches the body under the secret(s). */
  | "no_matching_signature"
  /** The signature matches but the body is not an Authio event. */
  | "malformed_payload";

export interface ParsedSignatureHeader {
  readonly timestamp: number;
  readonly signatures: readonly Uint8Array[];
}

/** Parses the header; `null` when it is not usable. Entries of unknown schemes (`v0=`…) are ignored. */
export function parseSignatureHeader(header: string): ParsedSignatureHeader | null {
  let timestamp: number | null = null;
  const signatures: Uint8Array[] = [];
  for (const part of header.split(",")) {
    const eq = part.indexOf("=");
    if (eq < 0) continue;
    const key = part.slice(0, eq).trim();
    const value = part.slice(eq + 1).trim();
    if (key === "t") {
      // Two timestamps would make it ambiguous which one was signed.
      if (timestamp !== null || !/^\d{1,12}$/.test(value)) return null;
      timestamp = Number(value);
    } else if (key === "v1") {
      const bytes = hexToBytes(value);
      if (bytes) signatures.push(bytes);
    }
  }
  if (timestamp === null || signatures.length === 0) return null;
  return { timestamp, signatures };
}

/** SHA-256 MACs are 32 bytes: anything else cannot match and is dropped before any crypto. */
function hexToBytes(hex: string): Uint8Array | null {
  if (!/^[0-9a-fA-F]{64}$/.test(hex)) return null;
  const bytes = new Uint8Array(32);
  for (let i = 0; i < 32; i++) bytes[i] = Number.parseInt(hex.slice(i * 2, i * 2 + 2), 16);
  return bytes;
}

const encoder = new TextEncoder();

export function toBytes(payload: string | Uint8Array | ArrayBuffer): Uint8Array {
  if (typeof payload === "string") return encoder.encode(payload);
  return payload instanceof Uint8Array ? payload : new Uint8Array(payload);
}

/** The exact bytes that were signed: `"<t>."` followed by the raw body, never a re-serialisation of it. */
function signedBytes(timestamp: number, body: Uint8Array): Uint8Array {
  const prefix = encoder.encode(`${timestamp}.`);
  const out = new Uint8Array(prefix.length + body.length);
  out.set(prefix, 0);
  out.set(body, prefix.length);
  return out;
}

function importKey(secret: string): Promise<CryptoKey> {
  return crypto.subtle.importKey("raw", encoder.encode(secret), { name: "HMAC", hash: "SHA-256" }, false, [
    "sign",
    "verify",
  ]);
}

/**
 * Whether any `v1` signature matches under any of the secrets. `crypto.subtle.verify` compares MACs in
 * constant time, and every pair is checked (no early exit on the first miss), so timing reveals neither
 * which signature nor how much of one matched.
 */
export async function signatureMatches(
  parsed: ParsedSignatureHeader,
  body: Uint8Array,
  secrets: readonly string[],
): Promise<boolean> {
  const data = signedBytes(parsed.timestamp, body);
  let matched = false;
  for (const secret of secrets) {
    const key = await importKey(secret);
    for (const signature of parsed.signatures) {
      const ok = await crypto.subtle.verify(
        "HMAC",
        key,
        signature as Uint8Array<ArrayBuffer>,
        data as Uint8Array<ArrayBuffer>,
      );
      matched = matched || ok;
    }
  }
  return matched;
}

/** Computes a header value: for your own tests, or a service that forwards Authio events. */
export async function signPayload(
  payload: string | Uint8Array | ArrayBuffer,
  secret: string,
  timestamp = Math.floor(Date.now() / 1000),
): Promise<string> {
  const key = await importKey(secret);
  const mac = new Uint8Array(
    await crypto.subtle.sign(
      "HMAC",
      key,
      signedBytes(timestamp, toBytes(payload)) as Uint8Array<ArrayBuffer>,
    ),
  );
  const hex = Array.from(mac, (b) => b.toString(16).padStart(2, "0")).join("");
  return `t=${timestamp},v1=${hex}`;
}
