import { createPrivateKey, generateKeyPairSync, type JsonWebKey, type KeyObject } from "node:crypto";
import type { Clock } from "./clock.js";
import { type Db, prepared } from "./db/database.js";
import { newId } from "./ids.js";

export type SigningAlgorithm = "ES256" | "RS256";

export interface PublicJwk {
  kty: string;
  kid: string;
  alg: SigningAlgorithm;
  use: "sig";
  crv?: string;
  x?: string;
  y?: string;
  n?: string;
  e?: string;
}

interface KeyRow {
  kid: string;
  alg: SigningAlgorithm;
  public_jwk: string;
  private_jwk: string;
  created_at: number;
  activates_at: number;
  retain_ms: number;
}

export interface RotateOptions {
  algorithm?: SigningAlgorithm | undefined;
  /** How long the new key is published before it signs. API.md §3 asks for at least an hour (the default). */
  publishDelaySeconds?: number | undefined;
  /** How long the key stays published after a newer key took over (default: one hour, at least the token lifetime). */
  retainSeconds?: number | undefined;
}

export interface KeyRingOptions {
  algorithm: SigningAlgorithm;
  publishDelaySeconds: number;
  retainSeconds: number;
}

function generate(alg: SigningAlgorithm): { publicJwk: JsonWebKey; privateJwk: JsonWebKey } {
  const pair =
    alg === "ES256"
      ? generateKeyPairSync("ec", { namedCurve: "P-256" })
      : generateKeyPairSync("rsa", { modulusLength: 2048 });
  return {
    publicJwk: pair.publicKey.export({ format: "jwk" }),
    privateJwk: pair.privateKey.export({ format: "jwk" }),
  };
}

/**
 * The environment's signing keys, kept in SQLite. Nothing runs on a timer: which key signs and which keys
 * are published is computed from the stored activation times and the (offset) clock at each call, so a
 * rotation made by the CLI in another process is picked up by a running server.
 */
export class KeyRing {
  private readonly privateKeys = new Map<string, KeyObject>();

  constructor(
    private readonly db: Db,
    private readonly clock: Clock,
    private readonly options: KeyRingOptions,
  ) {}

  /** Makes sure a key of the configured algorithm signs now (first start, or the algorithm was changed). */
  ensureSigningKey(): void {
    const current = this.currentRow();
    if (!current || current.alg !== this.options.algorithm) {
      this.addKey(this.options.algorithm, 0, this.options.retainSeconds);
    }
  }

  /** Publishes a new key that starts signing after `publishDelaySeconds`. Returns its kid. */
  rotate(options: RotateOptions = {}): { kid: string; activatesAt: string } {
    const alg = options.algorithm ?? this.currentRow()?.alg ?? this.options.algorithm;
    const delay = options.publishDelaySeconds ?? this.options.publishDelaySeconds;
    const retain = options.retainSeconds ?? this.options.retainSeconds;
    const row = this.addKey(alg, delay, retain);
    return { kid: row.kid, activatesAt: new Date(row.activates_at).toISOString() };
  }

  private addKey(alg: SigningAlgorithm, delaySeconds: number, retainSeconds: number): KeyRow {
    const now = this.clock.nowMs();
    const { publicJwk, privateJwk } = generate(alg);
    const row: KeyRow = {
      kid: newId("key", now),
      alg,
      public_jwk: JSON.stringify(publicJwk),
      private_jwk: JSON.stringify(privateJwk),
      created_at: now,
      activates_at: now + delaySeconds * 1000,
      retain_ms: retainSeconds * 1000,
    };
    // Keys activating at the same millisecond must still have an order: nudge by one.
    const clash = prepared(this.db, "SELECT 1 FROM signing_keys WHERE activates_at = ?").get(
      row.activates_at,
    );
    if (clash) row.activates_at += 1;
    prepared(
      this.db,
      "INSERT INTO signing_keys (kid, alg, public_jwk, private_jwk, created_at, activates_at, retain_ms) VALUES (@kid, @alg, @public_jwk, @private_jwk, @created_at, @activates_at, @retain_ms)",
    ).run(row);
    return row;
  }

  private rows(): KeyRow[] {
    return prepared(this.db, "SELECT * FROM signing_keys ORDER BY activates_at ASC").all() as KeyRow[];
  }

  private currentRow(): KeyRow | undefined {
    const active = prepared(
      this.db,
      "SELECT * FROM signing_keys WHERE activates_at <= ? ORDER BY activates_at DESC LIMIT 1",
    ).get(this.clock.nowMs()) as KeyRow | undefined;
    // A clock moved back before the first key (the clock-offset knob) still signs, with the earliest key.
    return (
      active ??
      (prepared(this.db, "SELECT * FROM signing_keys ORDER BY activates_at ASC LIMIT 1").get() as
        | KeyRow
        | undefined)
    );
  }

  /** The key that signs now. */
  signingKey(): { kid: string; alg: SigningAlgorithm; key: KeyObject } {
    const row = this.currentRow();
    if (!row) throw new Error("No signing key is active.");
    let key = this.privateKeys.get(row.kid);
    if (!key) {
      key = createPrivateKey({ key: JSON.parse(row.private_jwk) as JsonWebKey, format: "jwk" });
      this.privateKeys.set(row.kid, key);
    }
    return { kid: row.kid, alg: row.alg, key };
  }

  /**
   * Published keys: the signing key, every key waiting to sign, and each retired key until `retain` after a
   * newer key replaced it (its last possible use).
   */
  publicKeys(): PublicJwk[] {
    const now = this.clock.nowMs();
    const rows = this.rows();
    const out: PublicJwk[] = [];
    rows.forEach((row, i) => {
      const next = rows[i + 1];
      const replacedAt = next && next.activates_at <= now ? next.activates_at : undefined;
      if (replacedAt !== undefined && now >= replacedAt + row.retain_ms) return;
      const jwk = JSON.parse(row.public_jwk) as JsonWebKey;
      const pub: PublicJwk =
        row.alg === "ES256"
          ? { kty: "EC", crv: "P-256", kid: row.kid, alg: "ES256", use: "sig", x: jwk.x!, y: jwk.y! }
          : { kty: "RSA", kid: row.kid, alg: "RS256", use: "sig", n: jwk.n!, e: jwk.e! };
      out.push(pub);
    });
    // Newest first: the key a verifier most likely needs is at the top.
    return out.reverse();
  }
}
