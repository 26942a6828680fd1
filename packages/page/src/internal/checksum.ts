/**
 * PostgreSQL's data page checksum (src/include/storage/checksum_impl.h).
 *
 * The page is read as 2048 little-endian 32-bit words arranged as 64 rows of
 * 32 columns. Each column has its own FNV-1a-like running hash seeded with a
 * fixed base offset; every word is mixed into its column's hash with
 *
 *     tmp = hash ^ word;  hash = tmp * FNV_PRIME ^ (tmp >> 17)
 *
 * then two rounds of zeros are mixed in, the 32 hashes are XOR-folded, the
 * block number is XOR-ed in (so a page written to the wrong block fails), and
 * the result is reduced to 1..65535 (never 0, so 0 can mean "no checksum").
 * pd_checksum itself (bytes 8..9, the low half of word 2) counts as zero.
 */
import { BLCKSZ } from './layout.js';

const N_SUMS = 32;
const FNV_PRIME = 16777619;
const ROWS = BLCKSZ / (4 * N_SUMS);

/** The base offsets of the 32 parallel hashes, from checksum_impl.h. */
const CHECKSUM_BASE_OFFSETS = new Uint32Array([
  0x5b1f36e9, 0xb8525960, 0x02ab50aa, 0x1de66d2a, 0x79ff467a, 0x9bb9f8a3, 0x217e7cd2, 0x83e13d2c,
  0xf8d4474f, 0xe39eb970, 0x42c6ae16, 0x993216fa, 0x7b093b5d, 0x98daff3c, 0xf718902a, 0x0b1c9cdb,
  0xe58f764b, 0x187636bc, 0x5d7b3bb1, 0xe73de7de, 0x92bec979, 0xcca6c0b2, 0x304a0979, 0x85aa43d4,
  0x783125bb, 0x6ca8eaa2, 0xe407eac6, 0x4b5cfc3e, 0x9fbf8c76, 0x15ca20be, 0xf2ca9fd3, 0x959bd756,
]);

/** The word that holds pd_checksum, and the mask that zeroes it. */
const CHECKSUM_WORD = 2;
const CHECKSUM_WORD_MASK = 0xffff0000;

const littleEndian = new Uint8Array(new Uint16Array([1]).buffer)[0] === 1;
const sums = new Uint32Array(N_SUMS);

/**
 * pg_checksum_page: the checksum PostgreSQL would store in pd_checksum for
 * these 8192 bytes at this block number. Does not modify the page.
 */
export function pageChecksum(page: Uint8Array, blockNumber: number): number {
  sums.set(CHECKSUM_BASE_OFFSETS);
  if (littleEndian && page.byteOffset % 4 === 0) {
    // Fast path: read the words in place.
    const words = new Uint32Array(page.buffer, page.byteOffset, BLCKSZ / 4);
    for (let i = 0; i < ROWS; i++) {
      const row = i * N_SUMS;
      for (let j = 0; j < N_SUMS; j++) {
        let word = words[row + j]!;
        if (row + j === CHECKSUM_WORD) word = (word & CHECKSUM_WORD_MASK) >>> 0;
        const tmp = (sums[j]! ^ word) >>> 0;
        sums[j] = Math.imul(tmp, FNV_PRIME) ^ (tmp >>> 17);
      }
    }
  } else {
    const view = new DataView(page.buffer, page.byteOffset, BLCKSZ);
    for (let i = 0; i < ROWS; i++) {
      const row = i * N_SUMS;
      for (let j = 0; j < N_SUMS; j++) {
        let word = view.getUint32((row + j) * 4, true);
        if (row + j === CHECKSUM_WORD) word = (word & CHECKSUM_WORD_MASK) >>> 0;
        const tmp = (sums[j]! ^ word) >>> 0;
        sums[j] = Math.imul(tmp, FNV_PRIME) ^ (tmp >>> 17);
      }
    }
  }
  // Two rounds of zeros for additional mixing.
  for (let round = 0; round < 2; round++) {
    for (let j = 0; j < N_SUMS; j++) {
      const tmp = sums[j]!;
      sums[j] = Math.imul(tmp, FNV_PRIME) ^ (tmp >>> 17);
    }
  }
  let result = 0;
  for (let j = 0; j < N_SUMS; j++) result ^= sums[j]!;
  result = (result ^ blockNumber) >>> 0;
  return (result % 65535) + 1;
}
