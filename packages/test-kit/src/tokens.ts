import type { TestKey } from "./keys.ts";

/**
 * Hand-built compact tokens for attack tests: exact header and payload bytes (duplicate members,
 * odd spacing, any `alg`), signed with a real key or an HMAC secret, or not signed at all. Web Crypto
 * only, so the same helpers run on Node, Bun and Deno.
 */

const encoder = new TextEncoder();

/** base64url without padding, of bytes or of a string's UTF-8. */
export function b64url(input: Uint8Array | string): string {
  const bytes = typeof input === "string" ? encoder.encode(input) : input;
  let binary = "";
  for (let i = 0; i < bytes.length; i++) binary += String.fromCharCode(bytes[i]!);
  return btoa(binary).replace(/\+/g, "-").replace(/\//g, "_").replace(/=+$/, "");
}

/** A segment from a JSON value, or from exact JSON text when given a string. */
export function segment(json: unknown): string {
  return b64url(typeof json === "string" ? json : JSON.stringify(json));
}

/** Default Authio claims (API.md §2) for `issuer`, valid now for `ttl` seconds; `undefined` removes one. */
export function claimsFor(issuer: string, overrides: Record<string, unknown> = {}, ttl = 300) {
  const now = Math.floor(Date.now() / 1000);
  const claims: Record<string, unknown> = {
    iss: issuer,
    sub: "user_test",
    sid: "session_test",
    iat: now,
    exp: now + ttl,
    jti: `jti_${Math.random().toString(36).slice(2)}`,
    ...overrides,
  };
  for (const [name, value] of Object.entries(claims)) if (value === undefined) delete claims[name];
  return claims;
}

const SIGN_PARAMS: Record<TestKey["alg"], AlgorithmIdentifier | EcdsaParams> = {
  ES256: { name: "ECDSA", hash: "SHA-256" } as EcdsaParams,
  RS256: { name: "RSASSA-PKCS1-v1_5" },
};

/** Signs exactly `headerSegment.payloadSegment` with the key: a valid signature over whatever bytes. */
export async function signSegments(
  key: TestKey,
  headerSegment: string,
  payloadSegment: string,
): Promise<string> {
  const input = `${headerSegment}.${payloadSegment}`;
  const signature = await crypto.subtle.sign(SIGN_PARAMS[key.alg], key.privateKey, encoder.encode(input));
  return `${input}.${b64url(new Uint8Array(signature))}`;
}

/** A token with this exact header and payload (objects, or JSON text), validly signed by `key`. */
export function signCompact(key: TestKey, header: unknown, payload: unknown): Promise<string> {
  return signSegments(key, segment(header), segment(payload));
}

/** An HS256/384/512 token whose HMAC secret is `secret` (e.g. the public key, for confusion attacks). */
export async function hmacToken(
  secret: Uint8Array | string,
  header: Record<string, unknown>,
  payload: unknown,
): Promise<string> {
  const alg = String(header.alg ?? "HS256");
  const hash = `SHA-${alg.slice(2)}`;
  const raw = typeof secret === "string" ? encoder.encode(secret) : secret;
  const key = await crypto.subtle.importKey(
    "raw",
    raw as Uint8Array<ArrayBuffer>,
    { name: "HMAC", hash },
    false,
    ["sign"],
  );
  const input = `${segment(header)}.${segment(payload)}`;
  const mac = await crypto.subtle.sign("HMAC", key, encoder.encode(input));
  return `${input}.${b64url(new Uint8Array(mac))}`;
}

/** The public key in the encodings an attacker might try as an HMAC secret. */
export async function publicKeyEncodings(key: TestKey): Promise<Record<string, Uint8Array | string>> {
  const spki = new Uint8Array(await crypto.subtle.exportKey("spki", key.publicKey));
  const base64 = btoa(String.fromCharCode(...spki));
  const pem = `-----BEGIN PUBLIC KEY-----\n${base64.match(/.{1,64}/g)!.join("\n")}\n-----END PUBLIC KEY-----\n`;
  const encodings: Record<string, Uint8Array | string> = {
    "SPKI DER": spki,
    "SPKI PEM": pem,
    "SPKI PEM without trailing newline": pem.trimEnd(),
    "JWK JSON": JSON.stringify(key.jwk),
  };
  if (key.alg === "ES256") {
    encodings["raw EC point"] = new Uint8Array(await crypto.subtle.exportKey("raw", key.publicKey));
  } else {
    encodings["RSA modulus n (base64url text)"] = String(key.jwk.n);
  }
  return encodings;
}

/** PEM (SPKI) of a test key's public half. */
export async function publicKeyPem(key: TestKey): Promise<string> {
  const spki = new Uint8Array(await crypto.subtle.exportKey("spki", key.publicKey));
  const base64 = btoa(String.fromCharCode(...spki));
  return `-----BEGIN PUBLIC KEY-----\n${base64.match(/.{1,64}/g)!.join("\n")}\n-----END PUBLIC KEY-----\n`;
}
