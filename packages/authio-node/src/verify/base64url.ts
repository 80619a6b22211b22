/**
 * Strict base64url (RFC 7515 §2, RFC 4648 §5) for JWS segments. A segment is accepted only in its one
 * canonical spelling: no padding, no whitespace, no characters outside the alphabet, and no set bits in
 * the unused low bits of the last character. Lenient decoders map several strings to the same bytes,
 * which would let a changed token verify as if it were the original.
 */

const ALPHABET = "ABCDEFGHIJKLMNOPQRSTUVWXYZabcdefghijklmnopqrstuvwxyz0123456789-_";
const VALUES = new Int16Array(128).fill(-1);
for (let i = 0; i < ALPHABET.length; i++) VALUES[ALPHABET.charCodeAt(i)] = i;

const BASE64URL_CHARS = /^[A-Za-z0-9_-]+$/;

/** Whether `segment` is canonical unpadded base64url; the empty string is not a segment. */
export function isCanonicalBase64url(segment: string): boolean {
  const length = segment.length;
  // A length of 1 (mod 4) cannot encode whole bytes.
  if (length % 4 === 1 || !BASE64URL_CHARS.test(segment)) return false;
  const rest = length % 4;
  if (rest === 0) return true;
  const last = VALUES[segment.charCodeAt(length - 1)]!;
  // 2 trailing characters carry 1 byte (4 unused bits), 3 carry 2 bytes (2 unused bits).
  return rest === 2 ? (last & 0x0f) === 0 : (last & 0x03) === 0;
}

/** The portable decoder, for runtimes without `Buffer`. Exported for tests. */
export function decodeBase64urlPortable(segment: string): Uint8Array {
  const length = segment.length;
  const out = new Uint8Array(Math.floor((length * 3) / 4));
  let o = 0;
  let i = 0;
  for (; i + 4 <= length; i += 4) {
    const n =
      (VALUES[segment.charCodeAt(i)]! << 18) |
      (VALUES[segment.charCodeAt(i + 1)]! << 12) |
      (VALUES[segment.charCodeAt(i + 2)]! << 6) |
      VALUES[segment.charCodeAt(i + 3)]!;
    out[o++] = n >> 16;
    out[o++] = (n >> 8) & 0xff;
    out[o++] = n & 0xff;
  }
  const rest = length - i;
  if (rest >= 2) {
    const n =
      (VALUES[segment.charCodeAt(i)]! << 18) |
      (VALUES[segment.charCodeAt(i + 1)]! << 12) |
      (rest === 3 ? VALUES[segment.charCodeAt(i + 2)]! << 6 : 0);
    out[o++] = n >> 16;
    if (rest === 3) out[o++] = (n >> 8) & 0xff;
  }
  return out;
}

const utf8 = new TextDecoder("utf-8", { fatal: true, ignoreBOM: true });

/**
 * Node's and Bun's `Buffer` decodes base64url natively, several times faster than a JavaScript loop;
 * elsewhere (Deno, edge runtimes) `atob` does. Read from the global object, not imported: nothing
 * here may load a Node module. Only ever given segments `isCanonicalBase64url` accepted, so the
 * decoders' leniency never comes into play.
 */
type BufferLike = {
  from(text: string, encoding: "base64url"): Uint8Array & { toString(encoding: "latin1"): string };
};
const NativeBuffer = (globalThis as { Buffer?: BufferLike }).Buffer;

/** Decodes a canonical segment to a binary string: one character per byte. */
function decodeToBinaryString(segment: string): string {
  if (NativeBuffer !== undefined) return NativeBuffer.from(segment, "base64url").toString("latin1");
  return decodeToBinaryStringPortable(segment);
}

/** The `atob` path, for runtimes without `Buffer`. Exported for tests. */
export function decodeToBinaryStringPortable(segment: string): string {
  return atob(segment.replace(/-/g, "+").replace(/_/g, "/"));
}

const NON_ASCII = /[\u0080-\uffff]/;

/** Decodes a segment to text; `null` when the bytes are not valid UTF-8 (RFC 7515 §5.2 step 4). */
export function decodeBase64urlText(segment: string): string | null {
  const binary = decodeToBinaryString(segment);
  // Most JOSE headers and claims are ASCII, where bytes and characters coincide.
  if (!NON_ASCII.test(binary)) return binary;
  const bytes = new Uint8Array(binary.length);
  for (let i = 0; i < binary.length; i++) bytes[i] = binary.charCodeAt(i);
  try {
    return utf8.decode(bytes);
  } catch {
    return null;
  }
}

/** Decodes a segment already checked by `isCanonicalBase64url` to bytes. */
export function decodeBase64url(segment: string): Uint8Array {
  return NativeBuffer !== undefined
    ? NativeBuffer.from(segment, "base64url")
    : decodeBase64urlPortable(segment);
}
