import { crc32c } from '@node-rs/crc32';

/** CRC-32C (Castagnoli) of `bytes`, continuing from `initial`, as PostgreSQL's WAL uses. */
export function walCrc(bytes: Uint8Array, initial = 0): number {
  return crc32c(Buffer.from(bytes.buffer, bytes.byteOffset, bytes.byteLength), initial) >>> 0;
}
