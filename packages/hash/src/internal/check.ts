/**
 * The hash index's structural invariants (what amcheck would check, had it a
 * hash checker): returns a list of problems, empty when the index is sound.
 *
 * - the metapage has the magic number and version; lowmask = highmask >> 1
 *   and maxbucket lies between them;
 * - every bucket's primary page is an LH_BUCKET_PAGE of that bucket, and its
 *   chain holds LH_OVERFLOW_PAGEs of the same bucket with consistent
 *   prev/next links, each with its bit set in the bitmap;
 * - every page has hasho_page_id 0xFF80 and its tuples sorted by hash code;
 * - every tuple maps to its bucket (or, in an interrupted split, to the
 *   bucket being populated from it);
 * - when `exactCount`, hashm_ntuples equals the number of tuples.
 */
import { Page } from '@pg/page';
import type { HashIndex } from './hash.js';
import { oldBucketOf } from './hash.js';
import {
  blockToBit,
  bucketToBlock,
  getBit,
  HASH_MAGIC,
  HASH_METAPAGE,
  HASH_VERSION,
  HASHO_PAGE_ID,
  hashToBucket,
  INVALID_BLOCK,
  LH_BUCKET_BEING_POPULATED,
  LH_BUCKET_BEING_SPLIT,
  LH_BUCKET_PAGE,
  LH_OVERFLOW_PAGE,
  LH_PAGE_TYPE,
  readMeta,
  readOpaque,
  tupleHash,
} from './layout.js';

export function checkHash(index: HashIndex, options: { exactCount?: boolean } = {}): string[] {
  const problems: string[] = [];
  const meta = readMeta(index.readCopy(HASH_METAPAGE));
  if (meta.magic !== HASH_MAGIC) problems.push(`bad magic ${meta.magic}`);
  if (meta.version !== HASH_VERSION) problems.push(`bad version ${meta.version}`);
  if (meta.lowmask !== meta.highmask >>> 1) problems.push('lowmask is not highmask >> 1');
  if (meta.maxbucket > meta.highmask || meta.maxbucket < meta.lowmask)
    problems.push(`maxbucket ${meta.maxbucket} outside (${meta.lowmask}, ${meta.highmask}]`);
  const bitsPerMap = 1 << meta.bmshift;
  let count = 0;
  const seen = new Set<number>();
  for (let bucket = 0; bucket <= meta.maxbucket; bucket++) {
    const primary = bucketToBlock(meta, bucket);
    const primaryFlag = readOpaque(index.readCopy(primary)).flag;
    let prev = INVALID_BLOCK;
    for (let block = primary; block !== INVALID_BLOCK; ) {
      const where = `bucket ${bucket} block ${block}`;
      if (seen.has(block)) {
        problems.push(`${where}: reached twice`);
        break;
      }
      seen.add(block);
      const bytes = index.readCopy(block);
      const o = readOpaque(bytes);
      if (o.pageId !== HASHO_PAGE_ID) problems.push(`${where}: page id ${o.pageId}`);
      if (o.bucket !== bucket) problems.push(`${where}: hasho_bucket ${o.bucket}`);
      const type = o.flag & LH_PAGE_TYPE;
      if (block === primary) {
        if (type !== LH_BUCKET_PAGE) problems.push(`${where}: not a bucket page (flag ${o.flag})`);
      } else {
        if (type !== LH_OVERFLOW_PAGE) problems.push(`${where}: not an overflow page`);
        if (o.prev !== prev) problems.push(`${where}: prev ${o.prev}, expected ${prev}`);
        try {
          const bit = blockToBit(meta, block);
          const map = index.readCopy(meta.mapp[Math.floor(bit / bitsPerMap)]!);
          if (!getBit(map, bit % bitsPerMap)) problems.push(`${where}: its bitmap bit is clear`);
        } catch (e) {
          problems.push(`${where}: ${(e as Error).message}`);
        }
      }
      const page = Page.wrap(bytes);
      let last = -1;
      for (let off = 1; off <= page.maxOffsetNumber; off++) {
        const h = tupleHash(page.mustItem(off));
        if (h < last) problems.push(`${where}: item ${off} out of hash order`);
        last = h;
        const b = hashToBucket(h, meta.maxbucket, meta.highmask, meta.lowmask);
        const ok =
          b === bucket ||
          (primaryFlag & LH_BUCKET_BEING_SPLIT &&
            oldBucketOf(b) === bucket &&
            readOpaque(index.readCopy(bucketToBlock(meta, b))).flag & LH_BUCKET_BEING_POPULATED);
        if (!ok) problems.push(`${where}: item ${off} (hash ${h}) belongs to bucket ${b}`);
        count++;
      }
      prev = block;
      block = o.next;
    }
  }
  if (options.exactCount && count !== meta.ntuples)
    problems.push(`hashm_ntuples ${meta.ntuples}, but ${count} tuples`);
  return problems;
}
