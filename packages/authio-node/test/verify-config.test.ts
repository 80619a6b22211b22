// `new Authio(options)`: verification options are validated at construction with `invalid_config`
// naming the option, never echoing the secret key, and without any network I/O.
import { createTestKey, publicKeyPem, startJwksServer } from "@authio/test-kit/jwks";
import { describe, expect, test } from "vitest";
import { Authio } from "../src/client.ts";
import { resolveConfig } from "../src/config.ts";
import { AuthioError } from "../src/errors.ts";

const SECRET = "sk_test_config_secret_value_42";

function configError(options: Record<string, unknown>): AuthioError {
  try {
    new Authio({ apiKey: SECRET, ...options } as never);
  } catch (error) {
    expect(error).toBeInstanceOf(AuthioError);
    const e = error as AuthioError;
    expect(e.code).toBe("invalid_config");
    expect(e.retryable).toBe(false);
    expect(`${e.message}${e.stack}${JSON.stringify(e)}`).not.toContain(SECRET);
    return e;
  }
  throw new Error("expected invalid_config");
}

describe("verification options", () => {
  const invalid: [string, Record<string, unknown>, string][] = [
    ["apiUrl that is not http(s)", { apiUrl: "ftp://x" }, "apiUrl"],
    ["apiUrl that is not a URL", { apiUrl: "not a url" }, "apiUrl"],
    ["an empty apiKey", { apiKey: "  " }, "apiKey"],
    ["an issuer that is not a URL", { issuer: "authio" }, "issuer"],
    ["a negative clockTolerance", { clockTolerance: -1 }, "clockTolerance"],
    ["a NaN clockTolerance", { clockTolerance: Number.NaN }, "clockTolerance"],
    ["an excessive clockTolerance", { clockTolerance: 3600 }, "clockTolerance"],
    ["a string clockTolerance", { clockTolerance: "5" }, "clockTolerance"],
    ["an unknown algorithm", { algorithms: ["ES256", "HS256"] }, "algorithms"],
    ["alg none", { algorithms: ["none"] }, "algorithms"],
    ["an empty algorithm list", { algorithms: [] }, "algorithms"],
    ["algorithms that is not a list", { algorithms: "ES256" }, "algorithms"],
    ["a negative jwksCache.maxAge", { jwksCache: { maxAge: -5 } }, "jwksCache.maxAge"],
    ["a zero jwksCache.maxAge", { jwksCache: { maxAge: 0 } }, "jwksCache.maxAge"],
    [
      "an infinite jwksCache.staleWindow",
      { jwksCache: { staleWindow: Number.POSITIVE_INFINITY } },
      "jwksCache.staleWindow",
    ],
    [
      "a NaN jwksCache.unknownKidCooldown",
      { jwksCache: { unknownKidCooldown: Number.NaN } },
      "jwksCache.unknownKidCooldown",
    ],
    ["a zero jwksCache.timeout", { jwksCache: { timeout: 0 } }, "jwksCache.timeout"],
    ["a fractional jwksCache.maxKeys", { jwksCache: { maxKeys: 2.5 } }, "jwksCache.maxKeys"],
    ["a zero jwksCache.maxBytes", { jwksCache: { maxBytes: 0 } }, "jwksCache.maxBytes"],
    [
      "a negative jwksCache.failureBackoff",
      { jwksCache: { failureBackoff: -1 } },
      "jwksCache.failureBackoff",
    ],
    [
      "a string jwksCache.maxFailureBackoff",
      { jwksCache: { maxFailureBackoff: "1" } },
      "jwksCache.maxFailureBackoff",
    ],
    ["jwksCache that is not an object", { jwksCache: 5 }, "jwksCache"],
    ["a negative tokenCacheSize", { tokenCacheSize: -1 }, "tokenCacheSize"],
    ["a fractional tokenCacheSize", { tokenCacheSize: 1.5 }, "tokenCacheSize"],
    ["jwks that is not a key set", { jwks: { nope: [] } }, "jwks"],
    ["jwks JSON text that does not parse", { jwks: "{keys:" }, "jwks"],
    ["jwks with only unfit keys", { jwks: { keys: [{ kty: "oct", kid: "k", k: "c2VjcmV0" }] } }, "jwks"],
    ["both jwks and publicKey", { jwks: { keys: [] }, publicKey: "x" }, "jwks"],
    [
      "a publicKey that is a private key PEM",
      { publicKey: "-----BEGIN PRIVATE KEY-----\nMIIB\n-----END PRIVATE KEY-----" },
      "publicKey",
    ],
    [
      "a publicKey JWK with private members",
      { publicKey: { kty: "EC", crv: "P-256", x: "a", y: "b", d: "c" } },
      "publicKey",
    ],
    ["a publicKey that is neither PEM nor JWK", { publicKey: "hello" }, "publicKey"],
  ];
  for (const [label, options, option] of invalid) {
    test(`${label} → invalid_config naming \`${option}\``, () => {
      expect(configError(options).message).toContain(`\`${option}\``);
    });
  }

  test("a private key pasted as publicKey is never echoed", () => {
    const pem =
      "-----BEGIN PRIVATE KEY-----\nMIGHAgEAMBMGByqGSM49AgEGCCqGSM49AwEHBG0wawIBAQQg_SECRETMATERIAL\n-----END PRIVATE KEY-----";
    const error = configError({ publicKey: pem });
    expect(`${error.message}${error.stack}`).not.toContain("SECRETMATERIAL");
  });

  test("defaults: issuer is the normalised apiUrl, ES256 and RS256, 5 s tolerance", () => {
    const config = resolveConfig({ apiKey: SECRET, apiUrl: "https://api.example.com/" });
    expect(config.verification.issuer).toBe("https://api.example.com");
    expect([...config.verification.algorithms]).toEqual(["ES256", "RS256"]);
    expect(config.verification.clockTolerance).toBe(5);
    expect(config.verification.staticKeys).toBeNull();
    expect(config.verification.tokenCacheSize).toBe(1000);
    expect(config.verification.jwksCache).toEqual({
      maxAge: 300_000,
      staleWindow: 3_600_000,
      unknownKidCooldown: 30_000,
      timeout: 5_000,
      maxBytes: 131_072,
      maxKeys: 32,
      failureBackoff: 1_000,
      maxFailureBackoff: 30_000,
    });
  });

  test("the default apiUrl is https://api.authio.com, and so is the issuer", () => {
    const env = (globalThis as { process?: { env: Record<string, string | undefined> } }).process?.env ?? {};
    const saved = env.AUTHIO_API_URL;
    delete env.AUTHIO_API_URL;
    try {
      const config = resolveConfig({ apiKey: SECRET });
      expect(config.apiUrl).toBe("https://api.authio.com");
      expect(config.verification.issuer).toBe("https://api.authio.com");
    } finally {
      if (saved !== undefined) env.AUTHIO_API_URL = saved;
    }
  });

  test("AUTHIO_API_URL is the default apiUrl and issuer when set", () => {
    const env = (globalThis as { process?: { env: Record<string, string | undefined> } }).process?.env ?? {};
    const saved = env.AUTHIO_API_URL;
    env.AUTHIO_API_URL = "https://staging.authio.example/";
    try {
      expect(resolveConfig({ apiKey: SECRET }).verification.issuer).toBe("https://staging.authio.example");
    } finally {
      if (saved === undefined) delete env.AUTHIO_API_URL;
      else env.AUTHIO_API_URL = saved;
    }
  });

  test("an issuer override is normalised like apiUrl", () => {
    expect(resolveConfig({ apiKey: SECRET, issuer: "https://auth.example.com/" }).verification.issuer).toBe(
      "https://auth.example.com",
    );
  });

  test("construction makes no request, even with a real JWKS endpoint configured", async () => {
    const key = await createTestKey("ES256");
    const server = await startJwksServer([key]);
    try {
      new Authio({ apiKey: server.secretKey, apiUrl: server.url });
      await new Promise((resolve) => setTimeout(resolve, 20));
      expect(server.requests).toBe(0);
    } finally {
      await server.close();
    }
  });

  test("a valid publicKey PEM and a jwks JSON string are accepted", async () => {
    const key = await createTestKey("ES256");
    expect(() => new Authio({ apiKey: SECRET, publicKey: "" })).toThrow();
    expect(
      () => new Authio({ publicKey: undefined, jwks: JSON.stringify({ keys: [key.jwk] }) }),
    ).not.toThrow();
    const pem = await publicKeyPem(key);
    expect(() => new Authio({ publicKey: pem })).not.toThrow();
  });

  test("reading the environment does not crash where process is missing", async () => {
    const saved = Object.getOwnPropertyDescriptor(globalThis, "process");
    try {
      Object.defineProperty(globalThis, "process", { value: undefined, configurable: true, writable: true });
      const config = resolveConfig({ apiKey: SECRET });
      expect(config.apiUrl).toBe("https://api.authio.com");
    } finally {
      if (saved) Object.defineProperty(globalThis, "process", saved);
    }
  });
});
