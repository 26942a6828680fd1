/**
 * The order PostgreSQL 15's hashed aggregation returns its groups in, for
 * keys whose hash functions are reproduced here (int2, int4, int8).
 *
 * A hashed Agg keeps its groups in a simplehash table (lib/simplehash.h)
 * of TupleHashTable entries (execGrouping.c) and reads them out with
 * tuplehash_iterate. The facts this file reproduces:
 *   - a key's hash: for each column, hashkey = rotl(hashkey, 1) xor the
 *     column's hash (0 for NULL), starting from 0; then murmurhash32;
 *     hashint4/hashint2 are hash_uint32 (Jenkins' lookup3 final mix) of the
 *     value, hashint8 folds the high half into the low one first;
 *   - the table starts at pow2(max(2, groups / 0.9)) buckets (groups: the
 *     planner's estimate) and doubles when the entries reach 0.9 of it;
 *   - insertion is linear probing with Robin Hood displacement;
 *   - growing re-inserts the old buckets starting at the first one that is
 *     empty or holds an entry at its optimal bucket;
 *   - iteration starts at the first empty bucket and walks backwards.
 */

const INT2 = 21;
const INT4 = 23;
const INT8 = 20;

const FILLFACTOR = 0.9;
const MAX_DIB = 25;
const MAX_MOVE = 150;
const MIN_FILL = 0.1;

function rot(x: number, k: number): number {
  return ((x << k) | (x >>> (32 - k))) >>> 0;
}

/** hash_uint32: lookup3's final mix of one 32-bit word. */
export function hashUint32(k: number): number {
  let a = (0x9e3779b9 + 4 + 3923095) >>> 0;
  let b = a;
  let c = a;
  a = (a + (k >>> 0)) >>> 0;
  c = ((c ^ b) - rot(b, 14)) >>> 0;
  a = ((a ^ c) - rot(c, 11)) >>> 0;
  b = ((b ^ a) - rot(a, 25)) >>> 0;
  c = ((c ^ b) - rot(b, 16)) >>> 0;
  a = ((a ^ c) - rot(c, 4)) >>> 0;
  b = ((b ^ a) - rot(a, 14)) >>> 0;
  c = ((c ^ b) - rot(b, 24)) >>> 0;
  return c;
}

/** murmurhash32's finaliser (common/hashfn.h). */
export function murmurhash32(data: number): number {
  let h = data >>> 0;
  h = (h ^ (h >>> 16)) >>> 0;
  h = Math.imul(h, 0x85ebca6b) >>> 0;
  h = (h ^ (h >>> 13)) >>> 0;
  h = Math.imul(h, 0xc2b2ae35) >>> 0;
  h = (h ^ (h >>> 16)) >>> 0;
  return h;
}

/** The hash function of a type's default hash opclass, when reproduced here. */
export function pgHashFunction(type: number): ((v: unknown) => number) | undefined {
  switch (type) {
    case INT2:
    case INT4:
      return (v) => hashUint32(Number(v) | 0);
    case INT8:
      return (v) => {
        const n = BigInt.asUintN(64, BigInt(v as bigint | number));
        const lo = Number(n & 0xffffffffn) >>> 0;
        const hi = Number(n >> 32n) >>> 0;
        const negative = (hi & 0x80000000) !== 0;
        return hashUint32((lo ^ (negative ? ~hi : hi)) >>> 0);
      };
    default:
      return undefined;
  }
}

/** TupleHashTableHash over one key (NULLs hash to 0). */
export function tupleHash(
  key: readonly unknown[],
  fns: readonly ((v: unknown) => number)[],
): number {
  let h = 0;
  for (let i = 0; i < key.length; i++) {
    h = rot(h, 1);
    const v = key[i];
    if (v !== null && v !== undefined) h = (h ^ fns[i]!(v)) >>> 0;
  }
  return murmurhash32(h);
}

/**
 * The items in the order tuplehash_iterate returns them after they were
 * inserted (each once, in `items` order) into a table sized for `groups`.
 * `lookupsAfter`: some lookup of an existing key came after the last
 * insertion (simplehash checks for growth on every lookup, not only on
 * insertions, so a full table still doubles then).
 */
export function simplehashOrder<T>(
  items: readonly T[],
  hashes: readonly number[],
  groups: number,
  lookupsAfter = false,
): T[] {
  let size = 2;
  const want = Math.min(2 ** 32, Math.max(1, groups) / FILLFACTOR);
  while (size < want) size *= 2;
  let slots: (number | undefined)[] = new Array(size).fill(undefined);
  let mask = size - 1;
  // grow_threshold is a uint32
  let threshold = Math.floor(size * FILLFACTOR);
  let members = 0;
  const dist = (optimal: number, bucket: number) =>
    optimal <= bucket ? bucket - optimal : size + bucket - optimal;

  const grow = (newSize: number) => {
    const old = slots;
    const oldMask = mask;
    let start = 0;
    for (let i = 0; i < old.length; i++) {
      const e = old[i];
      if (e === undefined || (hashes[e]! & oldMask) >>> 0 === i) {
        start = i;
        break;
      }
    }
    size = newSize;
    mask = size - 1;
    threshold = Math.floor(size * FILLFACTOR);
    slots = new Array(size).fill(undefined);
    let copy = start;
    for (let i = 0; i < old.length; i++) {
      const e = old[copy];
      if (e !== undefined) {
        let cur = (hashes[e]! & mask) >>> 0;
        while (slots[cur] !== undefined) cur = (cur + 1) & mask;
        slots[cur] = e;
      }
      copy = copy + 1 >= old.length ? 0 : copy + 1;
    }
  };

  const insert = (item: number) => {
    for (;;) {
      if (members >= threshold) grow(size * 2);
      const hash = hashes[item]!;
      let cur = (hash & mask) >>> 0;
      let insertDist = 0;
      let restart = false;
      for (;;) {
        const e = slots[cur];
        if (e === undefined) {
          slots[cur] = item;
          members++;
          return;
        }
        const curDist = dist((hashes[e]! & mask) >>> 0, cur);
        if (insertDist > curDist) {
          // Robin Hood: shift the run up to the next empty bucket one forward
          let empty = cur;
          let moves = 0;
          while (slots[empty] !== undefined) {
            empty = (empty + 1) & mask;
            if (++moves > MAX_MOVE && members / size >= MIN_FILL) break;
          }
          if (slots[empty] !== undefined) {
            threshold = 0;
            restart = true;
            break;
          }
          let last = empty;
          while (last !== cur) {
            const prev = (last - 1) & mask;
            slots[last] = slots[prev];
            last = prev;
          }
          slots[cur] = item;
          members++;
          return;
        }
        cur = (cur + 1) & mask;
        insertDist++;
        if (insertDist > MAX_DIB && members / size >= MIN_FILL) {
          threshold = 0;
          restart = true;
          break;
        }
      }
      if (!restart) return;
    }
  };
  for (let i = 0; i < items.length; i++) insert(i);
  if (lookupsAfter && members >= threshold) grow(size * 2);

  let start = 0;
  for (let i = 0; i < size; i++) {
    if (slots[i] === undefined) {
      start = i;
      break;
    }
  }
  const out: T[] = [];
  let cur = start;
  for (let n = 0; n < size; n++) {
    const e = slots[cur];
    if (e !== undefined) out.push(items[e]!);
    cur = (cur - 1) & mask;
  }
  return out;
}
