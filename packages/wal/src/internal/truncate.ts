import { WalPanic } from './errors.js';
import {
  DEFAULT_SEGMENT_SIZE,
  DEFAULT_TIMELINE,
  type Lsn,
  lsnToSegment,
  parseSegmentFileName,
  segmentFileName,
  segmentOffset,
} from './lsn.js';
import type { WalStorage } from './storage.js';

/**
 * Removes every byte of WAL at or after `endLsn`, durably: zeroes the rest of
 * its segment, fdatasyncs it, and removes later segments of the timeline.
 * Recovery calls it with the reader's end of valid WAL before a writer
 * resumes there, so that stale bytes left by a torn flush (a record whose
 * CRC and prev-link happen to fit the new stream) can never be read later.
 * A failure is a PANIC.
 */
export function truncateWalAfter(
  storage: WalStorage,
  endLsn: Lsn,
  segmentSize = DEFAULT_SEGMENT_SIZE,
  timeline = DEFAULT_TIMELINE,
): void {
  try {
    const seg = lsnToSegment(endLsn, segmentSize);
    const name = segmentFileName(seg, segmentSize, timeline);
    if (storage.exists(name)) {
      const off = segmentOffset(endLsn, segmentSize);
      storage.pwrite(name, off, new Uint8Array(segmentSize - off));
      storage.fdatasync(name);
    }
    for (const other of storage.list()) {
      const parsed = parseSegmentFileName(other, segmentSize);
      if (parsed.timeline === timeline && parsed.segno > seg) storage.remove(other);
    }
  } catch (e) {
    throw new WalPanic(
      `could not remove WAL after the end of valid WAL: ${e instanceof Error ? e.message : String(e)}`,
      { cause: e },
    );
  }
}
