import type { Session } from "../session.js";
import type { SigningAlgorithm } from "./algorithms.js";
import type { VerificationKey } from "./key-set.js";

interface Entry {
  /** The whole token: a hit is for exactly these bytes. */
  readonly token: string;
  readonly session: Session;
  /** The key that verified the token: a hit counts only while that same key is current. */
  readonly key: VerificationKey;
  readonly kid: string;
  readonly alg: SigningAlgorithm;
}

/**
 * Verdicts for tokens that verified, for exactly the bytes that were verified (never for a token that
 * merely decodes to the same claims). Bounded (oldest entry evicted first, tokens are at most
 * 16 KiB), and an entry is dropped as soon as a lookup finds it expired; the verifier re-checks `exp`
 * on every hit and that the key that verified the token is still in the current key set.
 *
 * Entries are found by a 32-bit fingerprint of the token and then compared with the whole token:
 * a token arrives as a new string on every request, and a `Map` keyed by the string would hash all of
 * it (hundreds of characters) each time, while the comparison is one `memcmp`. Two cached tokens
 * that share a fingerprint only make the later one miss — never a wrong hit.
 *
 * Admission on second sight: a token is cached the second time it verifies, not the first. Most
 * traffic that repeats a token repeats it many times, while a stream of one-use tokens would only
 * churn the cache, evict the hot entries and keep thousands of sessions alive for the garbage
 * collector to copy. The first sighting leaves its fingerprint in a small table of numbers.
 */
export class VerifiedTokenCache {
  readonly #entries = new Map<number, Entry>();
  /**
   * Insertion order as a ring of the cache's capacity: the slot about to be overwritten holds the
   * oldest fingerprint. (Evicting through `Map#keys().next()` instead walks over every deleted slot at
   * the front of V8's table, which turns each eviction into a scan.)
   */
  readonly #ring: (number | undefined)[];
  #next = 0;
  /** Fingerprints of tokens verified once; cleared when full (a miss only costs one more verification). */
  readonly #seen = new Set<number>();
  readonly #maxSeen: number;

  constructor(maxEntries: number) {
    this.#ring = new Array(Math.max(0, maxEntries));
    this.#maxSeen = Math.max(64, maxEntries * 4);
  }

  get size(): number {
    return this.#entries.size;
  }

  /**
   * The cached session if the token is still unexpired at `now` (seconds, tolerance included) and
   * `currentKey` still returns the key that verified it.
   */
  get(
    token: string,
    now: number,
    tolerance: number,
    currentKey: (kid: string, alg: SigningAlgorithm) => VerificationKey | undefined,
  ): Session | undefined {
    const print = fingerprint(token);
    const entry = this.#entries.get(print);
    if (entry === undefined || entry.token !== token) return undefined;
    if (now >= entry.session.claims.exp + tolerance) {
      this.#entries.delete(print);
      return undefined;
    }
    const key = currentKey(entry.kid, entry.alg);
    // No current key: the key set is stale (being refreshed) or lacks the kid; either way not now,
    // but the entry may serve again once a refresh brings back the same key.
    if (key === undefined) return undefined;
    if (key !== entry.key) {
      this.#entries.delete(print);
      return undefined;
    }
    return entry.session;
  }

  set(token: string, session: Session, key: VerificationKey, kid: string, alg: SigningAlgorithm): void {
    const capacity = this.#ring.length;
    if (capacity === 0) return;
    const print = fingerprint(token);
    // Cached already, or the fingerprint is another token's: that one keeps its place.
    if (this.#entries.has(print)) return;
    if (!this.#seen.has(print)) {
      if (this.#seen.size >= this.#maxSeen) this.#seen.clear();
      this.#seen.add(print);
      return;
    }
    this.#seen.delete(print);
    const oldest = this.#ring[this.#next];
    if (oldest !== undefined) this.#entries.delete(oldest);
    this.#ring[this.#next] = print;
    this.#next = (this.#next + 1) % capacity;
    this.#entries.set(print, { token, session, key, kid, alg });
  }
}

/**
 * FNV-1a over the token's length and its last 16 characters: the end of the signature, which is
 * uniformly distributed for honest tokens. Collisions only admit a token one sighting early.
 */
function fingerprint(token: string): number {
  let hash = (0x811c9dc5 ^ token.length) >>> 0;
  for (let i = Math.max(0, token.length - 16); i < token.length; i++) {
    hash = Math.imul(hash ^ token.charCodeAt(i), 0x01000193) >>> 0;
  }
  // 30 bits: a small integer to V8, so the Map hashes it without boxing a number.
  return hash & 0x3fffffff;
}
