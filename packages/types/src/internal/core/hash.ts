/**
 * 32-bit hashing for hash joins, hash aggregation and hash indexes. Values
 * that compare equal hash equally. These are not PostgreSQL's hash_any
 * values (nothing on disk depends on them yet); a later hash-index issue may
 * switch to PostgreSQL's exact functions.
 */

/** FNV-1a over bytes, finished with a murmur3-style mix. */
export function hashBytes(bytes: Uint8Array, seed = 0x811c9dc5): number {
  let h = seed >>> 0;
  for (let i = 0; i < bytes.length; i++) {
    h ^= bytes[i]!;
    h = Math.imul(h, 0x01000193);
  }
  return mix(h);
}

/** Hash of a 32-bit integer. */
export function hashInt32(n: number): number {
  return mix(Math.imul(n | 0, 0x9e3779b1));
}

/** Hash of a 64-bit integer, consistent with hashInt32 for values that fit in 32 bits. */
export function hashInt64(n: bigint): number {
  const lo = Number(BigInt.asIntN(32, n));
  const hi = Number(BigInt.asIntN(32, n >> 32n));
  // As PostgreSQL's hashint8: fold the high half in so small values hash as int4 would.
  return hashInt32(lo ^ (n < 0n ? ~hi : hi));
}

/** Combines two hashes (hash_combine). */
export function combineHash(a: number, b: number): number {
  return (a ^ (b + 0x9e3779b9 + (a << 6) + (a >>> 2))) | 0;
}

function mix(h: number): number {
  let x = h >>> 0;
  x ^= x >>> 16;
  x = Math.imul(x, 0x85ebca6b);
  x ^= x >>> 13;
  x = Math.imul(x, 0xc2b2ae35);
  x ^= x >>> 16;
  return x | 0;
}
