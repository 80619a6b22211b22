import { exportJWK, generateKeyPair, type JWK, SignJWT } from "jose";

export type TestAlg = "ES256" | "RS256";

/** A signing key pair as an Authio environment holds it: the private half signs, the JWK is published. */
export interface TestKey {
  readonly kid: string;
  readonly alg: TestAlg;
  readonly privateKey: CryptoKey;
  readonly publicKey: CryptoKey;
  /** The public JWK as the JWKS endpoint publishes it (`kid`, `alg`, `use: "sig"`). */
  readonly jwk: JWK;
}

let counter = 0;

export async function createTestKey(alg: TestAlg = "ES256", kid = `key_test${++counter}`): Promise<TestKey> {
  const { privateKey, publicKey } = await generateKeyPair(alg, { extractable: true });
  const jwk = { ...(await exportJWK(publicKey)), kid, alg, use: "sig" };
  return { kid, alg, privateKey, publicKey, jwk };
}

export interface TokenOptions {
  /** Claims merged over the defaults (`sub`, `sid`, `iat`, `exp`, `jti`, `iss`); `undefined` removes one. */
  claims?: Record<string, unknown>;
  /** Protected-header members merged over `{ alg, kid, typ: "JWT" }`. */
  header?: Record<string, unknown>;
  /** Seconds from now until `exp` (default 300). */
  ttl?: number;
}

/** Signs an access token shaped like the ones Authio issues (API.md §2). */
export async function signToken(key: TestKey, issuer: string, options: TokenOptions = {}): Promise<string> {
  const now = Math.floor(Date.now() / 1000);
  const claims: Record<string, unknown> = {
    iss: issuer,
    sub: "user_test",
    sid: "session_test",
    iat: now,
    exp: now + (options.ttl ?? 300),
    jti: `jti_${++counter}`,
    ...options.claims,
  };
  for (const [name, value] of Object.entries(claims)) if (value === undefined) delete claims[name];
  return new SignJWT(claims)
    .setProtectedHeader({ alg: key.alg, kid: key.kid, typ: "JWT", ...options.header } as never)
    .sign(key.privateKey);
}
