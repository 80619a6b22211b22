import type { JWK } from "jose";
import { type AlgorithmSpec, algorithmSpec, MIN_RSA_BITS, type SigningAlgorithm } from "./algorithms.js";
import { decodeBase64url, isCanonicalBase64url } from "./base64url.js";
import type { CryptoBackend, SignatureCheck } from "./crypto-backend.js";
import { isPointOnCurve } from "./ec-point.js";

/** One usable public key for one algorithm. */
export interface VerificationKey {
  readonly kid: string | null;
  readonly alg: SigningAlgorithm;
  readonly check: SignatureCheck;
  /** The JWK's JSON and the algorithm: an unchanged key in a refetched JWKS is the same object. */
  readonly material?: string;
}

/** JWK members that only a private or symmetric key has: a published key carrying them is unfit. */
const PRIVATE_MEMBERS = ["d", "p", "q", "dp", "dq", "qi", "oth", "k"] as const;

/**
 * The algorithms (among `allowed`) a JWK may verify, or none when the key is unfit (API.md §3): not an
 * EC or RSA public key (an EC point must lie on its curve), `use` other than `sig`, `key_ops` without `verify`, private members, an RSA
 * modulus under 2048 bits, an `alg` that is not allowed or does not match the key type.
 */
export function fitAlgorithms(jwk: unknown, allowed: ReadonlySet<SigningAlgorithm>): AlgorithmSpec[] {
  if (jwk === null || typeof jwk !== "object" || Array.isArray(jwk)) return [];
  const key = jwk as Record<string, unknown>;
  const own = (name: string): unknown => (Object.hasOwn(key, name) ? key[name] : undefined);

  for (const member of PRIVATE_MEMBERS) if (Object.hasOwn(key, member)) return [];
  const use = own("use");
  if (use !== undefined && use !== "sig") return [];
  const ops = own("key_ops");
  if (ops !== undefined && !(Array.isArray(ops) && ops.includes("verify"))) return [];

  const kty = own("kty");
  if (kty === "EC") {
    if (!isPointOnCurve(own("crv"), own("x"), own("y"))) return [];
  } else if (kty === "RSA") {
    const n = own("n");
    const e = own("e");
    if (typeof n !== "string" || typeof e !== "string" || !isCanonicalBase64url(e)) return [];
    if (!isCanonicalBase64url(n) || modulusBits(n) < MIN_RSA_BITS) return [];
  } else {
    return [];
  }

  const fits = (spec: AlgorithmSpec) =>
    allowed.has(spec.name) && spec.kty === kty && (spec.kty !== "EC" || spec.crv === own("crv"));
  const alg = own("alg");
  if (alg !== undefined) {
    const spec = algorithmSpec(alg);
    return spec && fits(spec) ? [spec] : [];
  }
  // No `alg`: the key verifies whatever allowed algorithm its type and curve fit.
  const specs: AlgorithmSpec[] = [];
  for (const name of allowed) {
    const spec = algorithmSpec(name);
    if (spec && fits(spec)) specs.push(spec);
  }
  return specs;
}

function modulusBits(n: string): number {
  const bytes = decodeBase64url(n);
  let i = 0;
  while (i < bytes.length && bytes[i] === 0) i++;
  if (i === bytes.length) return 0;
  return (bytes.length - i - 1) * 8 + (32 - Math.clz32(bytes[i]!));
}

/**
 * The keys one environment verifies with, by `kid` and algorithm. A set built from a single configured
 * public key has no kid and answers for any: the token still has to name one (header policy).
 */
export class KeySet {
  readonly #byKid = new Map<string, VerificationKey[]>();
  readonly #anyKid: VerificationKey[] = [];
  /** Number of usable (key, algorithm) pairs. */
  readonly size: number;

  readonly #byMaterial = new Map<string, VerificationKey>();

  constructor(keys: readonly VerificationKey[]) {
    for (const key of keys) {
      if (key.material !== undefined) this.#byMaterial.set(key.material, key);
      if (key.kid === null) {
        this.#anyKid.push(key);
        continue;
      }
      const list = this.#byKid.get(key.kid);
      // The first key published for a (kid, alg) wins; a later duplicate cannot shadow it.
      if (list === undefined) this.#byKid.set(key.kid, [key]);
      else if (!list.some((k) => k.alg === key.alg)) list.push(key);
    }
    this.size = keys.length;
  }

  /** Whether any key is published under `kid`, whatever its algorithm. */
  hasKid(kid: string): boolean {
    return this.#anyKid.length > 0 || this.#byKid.has(kid);
  }

  /** The key imported from exactly this JWK and algorithm, if this set has it. */
  byMaterial(material: string): VerificationKey | undefined {
    return this.#byMaterial.get(material);
  }

  find(kid: string, alg: SigningAlgorithm): VerificationKey | undefined {
    const list = this.#byKid.get(kid) ?? this.#anyKid;
    for (const key of list) if (key.alg === alg) return key;
    return undefined;
  }
}

/**
 * Imports every fit key of a JWKS document's `keys` array. Unfit keys, and keys the runtime cannot
 * import (a point off its curve, say), are skipped: the good keys beside them keep working. A key
 * that `previous` already holds, unchanged, is reused rather than imported again: it stays the same
 * object, so verdicts cached for tokens it verified stay valid across refreshes.
 */
export async function importKeySet(
  jwks: readonly unknown[],
  allowed: ReadonlySet<SigningAlgorithm>,
  backend: CryptoBackend,
  previous: KeySet | null = null,
): Promise<KeySet> {
  const pending: (VerificationKey | Promise<VerificationKey | null>)[] = [];
  for (const jwk of jwks) {
    const kid = (jwk as { kid?: unknown } | null)?.kid;
    if (typeof kid !== "string" || kid === "") continue;
    const specs = fitAlgorithms(jwk, allowed);
    if (specs.length === 0) continue;
    const json = materialOf(jwk);
    for (const spec of specs) {
      const material = json === null ? undefined : `${spec.name} ${json}`;
      const known = material === undefined ? undefined : previous?.byMaterial(material);
      if (known !== undefined && known.kid === kid) {
        pending.push(known);
        continue;
      }
      pending.push(
        backend.importJwk(jwk as JWK, spec).then(
          (check): VerificationKey =>
            material === undefined
              ? { kid, alg: spec.name, check }
              : { kid, alg: spec.name, check, material },
          () => null,
        ),
      );
    }
  }
  const keys = (await Promise.all(pending)).filter((k): k is VerificationKey => k !== null);
  return new KeySet(keys);
}

function materialOf(jwk: unknown): string | null {
  try {
    return JSON.stringify(jwk);
  } catch {
    return null;
  }
}
