import { decodeBase64url, isCanonicalBase64url } from "./base64url.js";

/**
 * Checks that a JWK's EC public point lies on its curve (y² = x³ − 3x + b mod p). Some Web Crypto
 * implementations import an off-curve point without complaint; such a key can never verify an honest
 * signature, and is refused here as unfit so every runtime treats it the same way.
 */

interface Curve {
  readonly bytes: number;
  readonly p: bigint;
  readonly b: bigint;
}

const CURVES: Readonly<Record<string, Curve>> = {
  "P-256": {
    bytes: 32,
    p: BigInt("0xffffffff00000001000000000000000000000000ffffffffffffffffffffffff"),
    b: BigInt("0x5ac635d8aa3a93e7b3ebbd55769886bc651d06b0cc53b0f63bce3c3e27d2604b"),
  },
  "P-384": {
    bytes: 48,
    p: BigInt(
      "0xfffffffffffffffffffffffffffffffffffffffffffffffffffffffffffffffeffffffff0000000000000000ffffffff",
    ),
    b: BigInt(
      "0xb3312fa7e23ee7e4988e056be3f82d19181d9c6efe8141120314088f5013875ac656398d8a2ed19d2a85c8edd3ec2aef",
    ),
  },
  "P-521": {
    bytes: 66,
    p: (BigInt(1) << BigInt(521)) - BigInt(1),
    b: BigInt(
      "0x0051953eb9618e1c9a1f929a21a0b68540eea2da725b99b315f3b8b489918ef109e156193951ec7e937b1652c0bd3bb1bf073573df883d2c34f1ef451fd46b503f00",
    ),
  },
};

function toBigInt(bytes: Uint8Array): bigint {
  let value = BigInt(0);
  for (const byte of bytes) value = (value << BigInt(8)) | BigInt(byte);
  return value;
}

export function isPointOnCurve(crv: unknown, x: unknown, y: unknown): boolean {
  const curve = typeof crv === "string" && Object.hasOwn(CURVES, crv) ? CURVES[crv] : undefined;
  if (curve === undefined || typeof x !== "string" || typeof y !== "string") return false;
  if (!isCanonicalBase64url(x) || !isCanonicalBase64url(y)) return false;
  const xb = decodeBase64url(x);
  const yb = decodeBase64url(y);
  if (xb.length !== curve.bytes || yb.length !== curve.bytes) return false;
  const { p, b } = curve;
  const X = toBigInt(xb);
  const Y = toBigInt(yb);
  if (X >= p || Y >= p) return false;
  const mod = (n: bigint) => ((n % p) + p) % p;
  return mod(Y * Y) === mod(X * X * X - BigInt(3) * X + b);
}
