import type { JWK } from "jose";

// jose is loaded on first use only: importing it costs ~50 ms of start-up, and on Node the native
// backend never needs it.
const loadJose = () => import("jose");

import type { AlgorithmSpec } from "./algorithms.js";
import { MIN_RSA_BITS } from "./algorithms.js";

/** Checks one signature with one imported key; never throws (a crypto error is a failed check). */
export type SignatureCheck = (signingInput: string, signature: Uint8Array) => boolean | Promise<boolean>;

/** Imports public keys for one algorithm; rejects when the key does not fit it (curve, size, type). */
export interface CryptoBackend {
  readonly name: "node" | "web";
  importJwk(jwk: JWK, alg: AlgorithmSpec): Promise<SignatureCheck>;
  importPem(spkiPem: string, alg: AlgorithmSpec): Promise<SignatureCheck>;
}

type NodeCrypto = typeof import("node:crypto");
type NodeBuffer = typeof import("node:buffer").Buffer;

/**
 * Node's synchronous `crypto.verify` when the runtime offers it (Node, Bun and Deno do, through
 * `process.getBuiltinModule`), else Web Crypto. Resolved when first asked, never at module load: the
 * package must import cleanly where no `process` or `node:` module exists (edge runtimes, browsers).
 * Both verify the same bytes with the same rules; the Node one avoids Web Crypto's per-call promise
 * and copy, which is most of the cost of verifying a short token.
 */
export function detectCryptoBackend(): CryptoBackend {
  const builtins = loadNodeBuiltins();
  return builtins ? nodeBackend(builtins.crypto, builtins.Buffer) : webBackend();
}

let memoized: CryptoBackend | undefined;

/** The backend clients use by default: detected once, on first use, and shared. */
export function defaultCryptoBackend(): CryptoBackend {
  memoized ??= detectCryptoBackend();
  return memoized;
}

function loadNodeBuiltins(): { crypto: NodeCrypto; Buffer: NodeBuffer } | undefined {
  try {
    const process = (globalThis as { process?: { getBuiltinModule?: (id: string) => unknown } }).process;
    const load = process?.getBuiltinModule;
    if (typeof load !== "function") return undefined;
    const crypto = load.call(process, "node:crypto") as NodeCrypto | undefined;
    const buffer = load.call(process, "node:buffer") as { Buffer?: NodeBuffer } | undefined;
    if (typeof crypto?.verify !== "function" || typeof crypto.createPublicKey !== "function")
      return undefined;
    if (typeof buffer?.Buffer?.from !== "function") return undefined;
    return { crypto, Buffer: buffer.Buffer };
  } catch {
    return undefined;
  }
}

const NODE_CURVES: Record<string, string> = {
  "P-256": "prime256v1",
  "P-384": "secp384r1",
  "P-521": "secp521r1",
};
const hashBytes = (alg: AlgorithmSpec) => Number(alg.hash.slice(4)) / 8;

export function nodeBackend(crypto: NodeCrypto, Buffer: NodeBuffer): CryptoBackend {
  const prepare = (key: import("node:crypto").KeyObject, alg: AlgorithmSpec): SignatureCheck => {
    const details = key.asymmetricKeyDetails ?? {};
    if (alg.kty === "EC") {
      if (key.asymmetricKeyType !== "ec" || details.namedCurve !== NODE_CURVES[alg.crv!]) {
        throw new TypeError("key does not fit the algorithm");
      }
    } else if (key.asymmetricKeyType !== "rsa" || (details.modulusLength ?? 0) < MIN_RSA_BITS) {
      throw new TypeError("key does not fit the algorithm");
    }
    const digest = `sha${alg.hash.slice(4)}`;
    const modulusBytes = alg.kty === "RSA" ? Math.ceil(details.modulusLength! / 8) : 0;
    const input =
      alg.kty === "EC"
        ? { key, dsaEncoding: "ieee-p1363" as const }
        : alg.pss
          ? { key, padding: crypto.constants.RSA_PKCS1_PSS_PADDING, saltLength: hashBytes(alg) }
          : // PKCS#1 v1.5 is the default padding: the bare KeyObject skips per-call option parsing.
            key;
    return (signingInput, signature) => {
      if (modulusBytes !== 0 && signature.length !== modulusBytes) return false;
      try {
        return crypto.verify(digest, Buffer.from(signingInput, "latin1"), input, signature);
      } catch {
        return false;
      }
    };
  };
  return {
    name: "node",
    async importJwk(jwk, alg) {
      return prepare(
        crypto.createPublicKey({ key: jwk as import("node:crypto").JsonWebKey, format: "jwk" }),
        alg,
      );
    },
    async importPem(pem, alg) {
      return prepare(crypto.createPublicKey({ key: pem, format: "pem" }), alg);
    },
  };
}

export function webBackend(): CryptoBackend {
  const encoder = new TextEncoder();
  const prepare = (key: CryptoKey, alg: AlgorithmSpec): SignatureCheck => {
    const algorithm = key.algorithm as { namedCurve?: string; modulusLength?: number };
    if (alg.kty === "EC" ? algorithm.namedCurve !== alg.crv : (algorithm.modulusLength ?? 0) < MIN_RSA_BITS) {
      throw new TypeError("key does not fit the algorithm");
    }
    const modulusBytes = alg.kty === "RSA" ? Math.ceil(algorithm.modulusLength! / 8) : 0;
    const params: AlgorithmIdentifier | EcdsaParams | RsaPssParams =
      alg.kty === "EC"
        ? { name: "ECDSA", hash: alg.hash }
        : alg.pss
          ? { name: "RSA-PSS", saltLength: hashBytes(alg) }
          : { name: "RSASSA-PKCS1-v1_5" };
    return async (signingInput, signature) => {
      if (modulusBytes !== 0 && signature.length !== modulusBytes) return false;
      try {
        return await crypto.subtle.verify(
          params,
          key,
          signature as Uint8Array<ArrayBuffer>,
          encoder.encode(signingInput),
        );
      } catch {
        return false;
      }
    };
  };
  return {
    name: "web",
    async importJwk(jwk, alg) {
      // `alg` and `use`/`key_ops` were vetted by the key policy; jose maps the JWK to Web Crypto.
      const { alg: _alg, use: _use, key_ops: _ops, ...material } = jwk;
      const { importJWK } = await loadJose();
      return prepare((await importJWK(material, alg.name)) as CryptoKey, alg);
    },
    async importPem(pem, alg) {
      const { importSPKI } = await loadJose();
      return prepare(await importSPKI(pem, alg.name), alg);
    },
  };
}
