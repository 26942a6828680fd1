/**
 * PostgreSQL 15's hash functions (common/hashfn.c, utils/adt/hashfunc.c):
 * Bob Jenkins' lookup3 as hash_bytes (hash_any) and hash_bytes_uint32
 * (hash_uint32), and the int4, int8 and text opclass support functions
 * built on them, so a key lands in the same bucket as on PostgreSQL.
 * All results are unsigned 32-bit numbers.
 */

function rot(x: number, k: number): number {
  return ((x << k) | (x >>> (32 - k))) >>> 0;
}

/** lookup3's final(a, b, c); returns c. */
function final(a: number, b: number, c: number): number {
  c = (c ^ b) >>> 0;
  c = (c - rot(b, 14)) >>> 0;
  a = (a ^ c) >>> 0;
  a = (a - rot(c, 11)) >>> 0;
  b = (b ^ a) >>> 0;
  b = (b - rot(a, 25)) >>> 0;
  c = (c ^ b) >>> 0;
  c = (c - rot(b, 16)) >>> 0;
  a = (a ^ c) >>> 0;
  a = (a - rot(c, 4)) >>> 0;
  b = (b ^ a) >>> 0;
  b = (b - rot(a, 14)) >>> 0;
  c = (c ^ b) >>> 0;
  c = (c - rot(b, 24)) >>> 0;
  return c;
}

function word(k: Uint8Array, at: number): number {
  return (k[at]! | (k[at + 1]! << 8) | (k[at + 2]! << 16) | (k[at + 3]! << 24)) >>> 0;
}

/** hash_bytes (hash_any), little-endian byte order. */
export function hashBytes(k: Uint8Array): number {
  let len = k.length;
  let a = (0x9e3779b9 + len + 3923095) >>> 0;
  let b = a;
  let c = a;
  let at = 0;
  while (len >= 12) {
    a = (a + word(k, at)) >>> 0;
    b = (b + word(k, at + 4)) >>> 0;
    c = (c + word(k, at + 8)) >>> 0;
    // mix(a, b, c)
    a = (a - c) >>> 0;
    a = (a ^ rot(c, 4)) >>> 0;
    c = (c + b) >>> 0;
    b = (b - a) >>> 0;
    b = (b ^ rot(a, 6)) >>> 0;
    a = (a + c) >>> 0;
    c = (c - b) >>> 0;
    c = (c ^ rot(b, 8)) >>> 0;
    b = (b + a) >>> 0;
    a = (a - c) >>> 0;
    a = (a ^ rot(c, 16)) >>> 0;
    c = (c + b) >>> 0;
    b = (b - a) >>> 0;
    b = (b ^ rot(a, 19)) >>> 0;
    a = (a + c) >>> 0;
    c = (c - b) >>> 0;
    c = (c ^ rot(b, 4)) >>> 0;
    b = (b + a) >>> 0;
    at += 12;
    len -= 12;
  }
  // The last 11 bytes: c's low byte is reserved for the length in lookup3, so c takes bytes 8..10 shifted up.
  const byte = (i: number) => k[at + i]!;
  if (len >= 9) {
    if (len >= 11) c = (c + (byte(10) << 24)) >>> 0;
    if (len >= 10) c = (c + (byte(9) << 16)) >>> 0;
    c = (c + (byte(8) << 8)) >>> 0;
    b = (b + word(k, at + 4)) >>> 0;
    a = (a + word(k, at)) >>> 0;
  } else if (len >= 4) {
    if (len >= 8) b = (b + word(k, at + 4)) >>> 0;
    else {
      if (len >= 7) b = (b + (byte(6) << 16)) >>> 0;
      if (len >= 6) b = (b + (byte(5) << 8)) >>> 0;
      if (len >= 5) b = (b + byte(4)) >>> 0;
    }
    a = (a + word(k, at)) >>> 0;
  } else {
    if (len >= 3) a = (a + (byte(2) << 16)) >>> 0;
    if (len >= 2) a = (a + (byte(1) << 8)) >>> 0;
    if (len >= 1) a = (a + byte(0)) >>> 0;
  }
  return final(a, b, c);
}

/** hash_bytes_uint32 (hash_uint32). */
export function hashUint32(k: number): number {
  const init = (0x9e3779b9 + 4 + 3923095) >>> 0;
  return final((init + (k >>> 0)) >>> 0, init, init);
}

/** hashint4 (pg_proc 450). */
export function hashInt4(v: number): number {
  return hashUint32(v | 0);
}

/** hashint8 (pg_proc 949): folds the high half into the low half, sign-aware, then hash_uint32. */
export function hashInt8(v: bigint): number {
  const x = BigInt.asIntN(64, v);
  let lo = Number(BigInt.asUintN(32, x));
  const hi = Number(BigInt.asUintN(32, x >> 32n));
  lo = (lo ^ (x >= 0n ? hi : ~hi >>> 0)) >>> 0;
  return hashUint32(lo);
}

const utf8 = new TextEncoder();

/** hashtext (pg_proc 400) under a deterministic collation: hash_any of the UTF-8 bytes. */
export function hashText(v: string): number {
  return hashBytes(utf8.encode(v));
}

/** A key type's hash support function: its pg_proc oid and the function. */
export interface HashProc {
  readonly procOid: number;
  readonly hash: (value: unknown) => number;
}

/** The default hash opclass's support function 1 for the types this package knows. */
export function hashProcFor(typeName: string): HashProc | undefined {
  switch (typeName) {
    case 'int4':
      return { procOid: 450, hash: (v) => hashInt4(v as number) };
    case 'int8':
      return {
        procOid: 949,
        hash: (v) => hashInt8(typeof v === 'bigint' ? v : BigInt(v as number)),
      };
    case 'text':
      return { procOid: 400, hash: (v) => hashText(v as string) };
    default:
      return undefined;
  }
}
