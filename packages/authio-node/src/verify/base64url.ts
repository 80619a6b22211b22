/**
 * Strict base64url (RFC 7515 §2, RFC 4648 §5) for JWS segments. A segment is accepted only in its one
 * canonical spelling: no padding, no whitespace, no characters outside the alphabet, and no set bits in
 * the unused low bits of the last character. Lenient decoders map several strings to the same bytes,
 * which would let a changed token verify as if it were the original.
 */

const ALPHABET = "ABCDEFGHIJKLMNOPQRSTUVWXYZabcdefghijklmnopqrstuvwxyz0123456789-_";
const VALUES = new Int16Array(128).fill(-1);
for (let i = 0; i < ALPHABET.length; i++) VALUES[ALPHABET.charCodeAt(i)] = i;

/** Whether `segment` is canonical unpadded base64url; the empty string is not a segment. */
export function isCanonicalBase64url(segment: string): boolean {
  const length = segment.length;
  // A length of 1 (mod 4) cannot encode whole bytes.
  if (length === 0 || length % 4 === 1) return false;
  for (let i = 0; i < length; i++) {
    const code = segment.charCodeAt(i);
    if (code >= 128 || VALUES[code]! < 0) return false;
  }
  const last = VALUES[segment.charCodeAt(length - 1)]!;
  const rest = length % 4;
  // 2 trailing characters carry 1 byte (4 unused bits), 3 carry 2 bytes (2 unused bits).
  if (rest === 2) return (last & 0x0f) === 0;
  if (rest === 3) return (last & 0x03) === 0;
  return true;
}

/** Decodes a segment already checked by `isCanonicalBase64url`. */
export function decodeBase64url(segment: string): Uint8Array {
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

/** Decodes a segment to text; `null` when the bytes are not valid UTF-8 (RFC 7515 §5.2 step 4). */
export function decodeBase64urlText(segment: string): string | null {
  const bytes = decodeBase64url(segment);
  // Most JOSE headers and claims are ASCII: skip the decoder's setup cost for them.
  let ascii = true;
  for (let i = 0; i < bytes.length; i++) {
    if (bytes[i]! >= 0x80) {
      ascii = false;
      break;
    }
  }
  if (ascii) {
    let text = "";
    for (let i = 0; i < bytes.length; i += 4096) {
      text += String.fromCharCode.apply(null, bytes.subarray(i, i + 4096) as unknown as number[]);
    }
    return text;
  }
  try {
    return utf8.decode(bytes);
  } catch {
    return null;
  }
}
