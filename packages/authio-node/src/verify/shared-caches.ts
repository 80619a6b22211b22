import type { JwksCache } from "./jwks-cache.js";

/**
 * JWKS caches shared by every client of one environment in the process. An app should build one
 * `Authio` client, but some build one per request (or per module copy, ESM and CJS side by side);
 * without sharing, each would start cold and fetch the JWKS again. Clients share a cache only when
 * everything that shapes it is the same — base URL, secret key (an environment: several may share a
 * base URL), fetch function, algorithms, cache policy and crypto backend — so no client ever sees keys
 * fetched another way. Held weakly: a cache lives as long as one of its clients.
 */

const caches = new Map<string, WeakRef<JwksCache>>();
const identities = new WeakMap<object, number>();
let nextIdentity = 1;

/** A number standing for an object's identity (a fetch function, a backend) inside a string key. */
function identityOf(value: object | null): number {
  if (value === null) return 0;
  let id = identities.get(value);
  if (id === undefined) {
    id = nextIdentity++;
    identities.set(value, id);
  }
  return id;
}

export interface CacheIdentity {
  readonly apiUrl: string;
  readonly apiKey: string | null;
  readonly fetch: object | null;
  readonly backend: object;
  readonly algorithms: Iterable<string>;
  readonly policy: object;
}

export function sharedJwksCache(identity: CacheIdentity, create: () => JwksCache): JwksCache {
  if (typeof WeakRef === "undefined") return create();
  const key = JSON.stringify([
    identity.apiUrl,
    identity.apiKey,
    identityOf(identity.fetch),
    identityOf(identity.backend),
    [...identity.algorithms],
    identity.policy,
  ]);
  const existing = caches.get(key)?.deref();
  if (existing !== undefined) return existing;
  // Drop entries whose caches were collected, so the map stays as small as the live configurations.
  for (const [k, ref] of caches) if (ref.deref() === undefined) caches.delete(k);
  const cache = create();
  caches.set(key, new WeakRef(cache));
  return cache;
}
