// Shared set-up of the verification suites: a real JWKS server on 127.0.0.1, keys, and verifiers with
// an injectable clock and a chosen crypto backend. Portable: runs under vitest, bun test and Deno.
import { createTestKey, type JwksServer, startJwksServer, type TestKey } from "@authio/test-kit/jwks";
import { type AuthioOptions, resolveConfig } from "../../src/config.ts";
import { type CryptoBackend, detectCryptoBackend, webBackend } from "../../src/verify/crypto-backend.ts";
import { SessionVerifier } from "../../src/verify/verifier.ts";

/** A clock the tests move by hand: no sleeping, no timing assertions. */
export class ManualClock {
  ms: number;
  constructor(ms = Date.now()) {
    this.ms = ms;
  }
  readonly now = (): number => this.ms;
  advance(ms: number): void {
    this.ms += ms;
  }
  /** Seconds, as in token claims. */
  get seconds(): number {
    return this.ms / 1000;
  }
}

/** Every backend this runtime has: the Node one (where `node:crypto` exists) and Web Crypto. */
export function backends(): { name: string; backend: CryptoBackend }[] {
  const detected = detectCryptoBackend();
  const list = [{ name: "Web Crypto", backend: webBackend() }];
  if (detected.name === "node") list.unshift({ name: "node:crypto", backend: detected });
  return list;
}

export interface VerifyEnv {
  readonly server: JwksServer;
  readonly es: TestKey;
  readonly rs: TestKey;
  /** A fresh verifier (cold caches) for the server's environment. */
  verifier(options?: AuthioOptions, clock?: ManualClock): SessionVerifier;
  close(): Promise<void>;
}

export async function startVerifyEnv(backend: CryptoBackend): Promise<VerifyEnv> {
  const es = await createTestKey("ES256", "key_es_primary");
  const rs = await createTestKey("RS256", "key_rs_primary");
  const server = await startJwksServer([es, rs]);
  return {
    server,
    es,
    rs,
    verifier(options = {}, clock) {
      const config = resolveConfig({ apiKey: server.secretKey, apiUrl: server.url, ...options });
      return new SessionVerifier(config, clock ? { backend, now: clock.now } : { backend });
    },
    close: () => server.close(),
  };
}

/** ECDSA `r || s` (JWS) to ASN.1 DER, the encoding JWS forbids. */
export function p1363ToDer(signature: Uint8Array): Uint8Array {
  const half = signature.length / 2;
  const integer = (bytes: Uint8Array) => {
    let i = 0;
    while (i < bytes.length - 1 && bytes[i] === 0) i++;
    const trimmed = bytes.subarray(i);
    const body = trimmed[0]! & 0x80 ? [0, ...trimmed] : [...trimmed];
    return [0x02, body.length, ...body];
  };
  const r = integer(signature.subarray(0, half));
  const s = integer(signature.subarray(half));
  return new Uint8Array([0x30, r.length + s.length, ...r, ...s]);
}

/** base64url → bytes (test side; lenient is fine here). */
export function fromB64url(text: string): Uint8Array {
  const base64 = text.replace(/-/g, "+").replace(/_/g, "/");
  const binary = atob(base64 + "=".repeat((4 - (base64.length % 4)) % 4));
  return Uint8Array.from(binary, (c) => c.charCodeAt(0));
}
