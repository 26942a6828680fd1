/**
 * Test-only helpers for @pg/toast: a reference pglz decoder written as
 * plainly as possible (the model the real one is checked against), and a
 * checker of the invariants every stream our compressor writes must keep.
 */

/** One decoded item of a pglz stream. */
export type PglzItem =
  | { readonly kind: 'literal'; readonly byte: number }
  | {
      readonly kind: 'tag';
      readonly offset: number;
      readonly length: number;
      readonly bytes: 2 | 3;
    };

/**
 * The items of a pglz stream, in order, and the control bits left unused in
 * its last control byte. Null if the stream ends inside a tag.
 */
export function pglzItems(
  stream: Uint8Array,
): { items: PglzItem[]; trailingCtrlBits: number; emptyLastGroup: boolean } | null {
  const items: PglzItem[] = [];
  let sp = 0;
  let trailingCtrlBits = 0;
  let emptyLastGroup = false;
  while (sp < stream.length) {
    const ctrl = stream[sp++] as number;
    let bit = 0;
    for (; bit < 8 && sp < stream.length; bit++) {
      if ((ctrl >> bit) & 1) {
        if (sp + 2 > stream.length) return null;
        const t1 = stream[sp] as number;
        const offset = ((t1 >> 4) << 8) | (stream[sp + 1] as number);
        let length = (t1 & 0x0f) + 3;
        sp += 2;
        let bytes: 2 | 3 = 2;
        if (length === 18) {
          if (sp >= stream.length) return null;
          length += stream[sp++] as number;
          bytes = 3;
        }
        items.push({ kind: 'tag', offset, length, bytes });
      } else {
        items.push({ kind: 'literal', byte: stream[sp++] as number });
      }
    }
    trailingCtrlBits = ctrl >> bit;
    emptyLastGroup = bit === 0;
  }
  return { items, trailingCtrlBits, emptyLastGroup };
}

/**
 * The reference decoder: pglz_decompress with check_complete, one byte at a
 * time, through pglzItems. Null where PostgreSQL returns -1.
 */
export function referencePglzDecompress(stream: Uint8Array, rawsize: number): Uint8Array | null {
  const parsed = pglzItems(stream);
  const out: number[] = [];
  // A stream that ends inside a tag, or with a control byte and no items,
  // never passes check_complete: either decoding reaches that point and
  // fails (or produces nothing more), or the output is full before it and
  // input is left over.
  if (parsed === null || parsed.emptyLastGroup) return null;
  let consumedAll = true;
  for (const item of parsed.items) {
    if (out.length >= rawsize) {
      consumedAll = false;
      break;
    }
    if (item.kind === 'literal') {
      out.push(item.byte);
      continue;
    }
    if (item.offset === 0 || item.offset > out.length) return null;
    const n = Math.min(item.length, rawsize - out.length);
    for (let i = 0; i < n; i++) out.push(out[out.length - item.offset] as number);
  }
  if (!consumedAll || out.length !== rawsize) return null;
  return Uint8Array.from(out);
}

/**
 * The invariants of a stream our compressor writes for `source` (numbered
 * as in the README):
 * Z1 every tag's offset is 1..4094 and reaches no further back than the
 *    output so far; Z2 every tag's length is 3..273, and a 3-byte tag is
 *    used exactly for lengths over 17; Z3 the unused bits of the last
 *    control byte are 0; Z4 the stream decodes to `source`; Z5 the stream
 *    is shorter than the strategy's limit (75% of the input by default).
 */
export function checkPglzStream(
  stream: Uint8Array,
  source: Uint8Array,
  minCompRate = 25,
): string[] {
  const v: string[] = [];
  const parsed = pglzItems(stream);
  if (parsed === null) return ['Z1: stream ends inside a tag'];
  if (parsed.emptyLastGroup) v.push('Z3: stream ends with a control byte and no items');
  let produced = 0;
  for (const [i, item] of parsed.items.entries()) {
    if (item.kind === 'literal') {
      produced++;
      continue;
    }
    if (item.offset < 1 || item.offset > 4094 || item.offset > produced) {
      v.push(`Z1: tag ${i} has offset ${item.offset} with ${produced} bytes produced`);
    }
    if (item.length < 3 || item.length > 273 || (item.bytes === 3) !== item.length > 17) {
      v.push(`Z2: tag ${i} has length ${item.length} in ${item.bytes} bytes`);
    }
    produced += item.length;
  }
  if (parsed.trailingCtrlBits !== 0) v.push(`Z3: unused control bits ${parsed.trailingCtrlBits}`);
  const decoded = referencePglzDecompress(stream, source.length);
  if (decoded === null || !equalBytes(decoded, source))
    v.push('Z4: stream does not decode to its input');
  const resultMax = Math.trunc((source.length * (100 - minCompRate)) / 100);
  if (stream.length >= resultMax) v.push(`Z5: ${stream.length} bytes, limit ${resultMax}`);
  return v;
}

function equalBytes(a: Uint8Array, b: Uint8Array): boolean {
  if (a.length !== b.length) return false;
  for (let i = 0; i < a.length; i++) if (a[i] !== b[i]) return false;
  return true;
}
