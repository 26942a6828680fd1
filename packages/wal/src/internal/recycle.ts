/**
 * Removing and recycling WAL segments after a checkpoint: PostgreSQL 15's
 * RemoveOldXlogFiles, RemoveXlogFile, XLOGfileslop, InstallXLogFileSegment
 * and UpdateCheckPointDistanceEstimate (src/backend/access/transam/xlog.c).
 *
 * Once a checkpoint's record is durable (and pg_control points at it),
 * recovery starts at its redo LSN, so every segment wholly before the one
 * holding the redo LSN is no longer needed:
 *
 *   segno:   3     4     5   |  6     7     8  |  9    10    11    12
 *          [old] [old] [old] | [redo]  ...  [end] | [free][free][free] ...
 *           \_______________/                         ^          ^
 *            not needed: each, oldest first, is       endSeg     limit
 *            renamed to the first free name in        (XLOGfileslop)
 *            [endSeg, limit] (recycled), or removed
 *            when there is none
 *
 * A recycled segment keeps its old bytes: pages whose headers carry the
 * LSNs of the segment it used to be. The writer writes over it as over a
 * new segment (whole pages, zero after the last record), and the reader
 * stops at the first stale page, whose xlp_pageaddr is not its own LSN.
 */
import { WalError, WalPanic } from './errors.js';
import {
  checkSegmentSize,
  DEFAULT_SEGMENT_SIZE,
  DEFAULT_TIMELINE,
  type Lsn,
  lsnToSegment,
  parseSegmentFileName,
  segmentFileName,
} from './lsn.js';
import type { WalStorage } from './storage.js';

/** PostgreSQL's default min_wal_size, 80 MB. */
export const DEFAULT_MIN_WAL_SIZE = 80 * 1024 * 1024;
/** PostgreSQL's default max_wal_size, 1 GB. */
export const DEFAULT_MAX_WAL_SIZE = 1024 * 1024 * 1024;
/** PostgreSQL 15's default checkpoint_completion_target. */
export const DEFAULT_CHECKPOINT_COMPLETION_TARGET = 0.9;

/** The settings that decide how many segments are kept as recycled future segments. */
export interface RecycleLimitOptions {
  /** The checkpoint's redo LSN (XLOGfileslop's lastredoptr). */
  readonly redoLsn: Lsn;
  /** Segment size in bytes (default 16 MiB). */
  readonly segmentSize?: number;
  /** min_wal_size in bytes (default 80 MB); at least two segments. */
  readonly minWalSize?: number;
  /** max_wal_size in bytes (default 1 GB); at least two segments. */
  readonly maxWalSize?: number;
  /** checkpoint_completion_target, 0 to 1 (default 0.9). */
  readonly checkpointCompletionTarget?: number;
  /**
   * CheckPointDistanceEstimate: bytes of WAL expected between two
   * checkpoints' redo points (default 0, as after startup).
   */
  readonly distanceEstimate?: number;
}

/** What {@link removeOldSegments} needs beyond {@link RecycleLimitOptions}. */
export interface RemoveOldSegmentsOptions extends RecycleLimitOptions {
  /**
   * The end of WAL now (PostgreSQL passes the end of the checkpoint record):
   * recycled segments get the first free names from its segment on.
   */
  readonly endLsn: Lsn;
  /** Timeline of the names recycled segments get (default 1); removal ignores timelines, as PostgreSQL does. */
  readonly timeline?: number;
  /**
   * The previous checkpoint's redo LSN. When given, `distanceEstimate` is
   * first updated with this checkpoint's distance (redoLsn - previousRedoLsn),
   * as CreateCheckPoint does before removing segments.
   */
  readonly previousRedoLsn?: Lsn;
}

/** What {@link removeOldSegments} did. */
export interface RemoveOldSegmentsResult {
  /** Segments removed, in the order they were removed. */
  readonly removed: readonly string[];
  /** Segments recycled, as [old name, new name], in the order they were renamed. */
  readonly recycled: readonly (readonly [from: string, to: string])[];
  /** The highest segment number a recycled segment may get (XLOGfileslop's result). */
  readonly recycleLimit: bigint;
  /** The distance estimate used: pass it to the next call. */
  readonly distanceEstimate: number;
}

function badRequest(detail: string): WalError {
  return new WalError({ kind: 'invalid-request', detail });
}

/** Bytes to whole segments, rounding down (ConvertToXSegs). */
function toSegments(bytes: number, segmentSize: number): bigint {
  return BigInt(Math.floor(bytes / segmentSize));
}

function settings(o: RecycleLimitOptions) {
  const segmentSize = o.segmentSize ?? DEFAULT_SEGMENT_SIZE;
  checkSegmentSize(segmentSize);
  const minWalSize = o.minWalSize ?? DEFAULT_MIN_WAL_SIZE;
  const maxWalSize = o.maxWalSize ?? DEFAULT_MAX_WAL_SIZE;
  const target = o.checkpointCompletionTarget ?? DEFAULT_CHECKPOINT_COMPLETION_TARGET;
  const estimate = o.distanceEstimate ?? 0;
  for (const [name, value] of [
    ['min_wal_size', minWalSize],
    ['max_wal_size', maxWalSize],
  ] as const) {
    // PostgreSQL refuses to start with either below two segments.
    if (!Number.isSafeInteger(value) || value < 2 * segmentSize) {
      throw badRequest(`"${name}" must be at least twice "wal_segment_size", got ${value} bytes`);
    }
  }
  if (!(target >= 0 && target <= 1)) {
    throw badRequest(`checkpoint_completion_target must be between 0 and 1, got ${target}`);
  }
  if (!(Number.isFinite(estimate) && estimate >= 0)) {
    throw badRequest(`checkpoint distance estimate must be a finite number >= 0, got ${estimate}`);
  }
  if (o.redoLsn < 0n) throw badRequest('redo LSN is negative');
  return { segmentSize, minWalSize, maxWalSize, target, estimate };
}

/**
 * The highest segment number to keep as a recycled future segment after a
 * checkpoint (XLOGfileslop): enough segments for the WAL expected until the
 * next checkpoint finishes ((1 + checkpoint_completion_target) × the
 * distance estimate, plus 10 %), but from the redo segment on at least
 * min_wal_size and at most max_wal_size worth of segments.
 */
export function recycleSegmentLimit(options: RecycleLimitOptions): bigint {
  const { segmentSize, minWalSize, maxWalSize, target, estimate } = settings(options);
  const redoSeg = lsnToSegment(options.redoLsn, segmentSize);
  const minSegNo = redoSeg + toSegments(minWalSize, segmentSize) - 1n;
  const maxSegNo = redoSeg + toSegments(maxWalSize, segmentSize) - 1n;
  // Add 10 % for good measure, as PostgreSQL does. Doubles, as in C.
  const distance = (1 + target) * estimate * 1.1;
  let limit = BigInt(Math.ceil((Number(options.redoLsn) + distance) / segmentSize));
  if (limit < minSegNo) limit = minSegNo;
  if (limit > maxSegNo) limit = maxSegNo;
  return limit;
}

/**
 * The next CheckPointDistanceEstimate after a checkpoint whose redo point is
 * `distance` bytes after the previous one's (UpdateCheckPointDistanceEstimate):
 * up at once to a larger distance, down slowly (90 % old, 10 % new) to a
 * smaller one, so bursts of WAL are provided for.
 */
export function updateDistanceEstimate(estimate: number, distance: number): number {
  return estimate < distance ? distance : 0.9 * estimate + 0.1 * distance;
}

/**
 * After a checkpoint, recycles or removes every segment wholly before the
 * one holding the checkpoint's redo LSN (RemoveOldXlogFiles). Oldest first,
 * each is renamed to the first free segment name from the segment holding
 * `endLsn` up to {@link recycleSegmentLimit} (so the writer finds the next
 * segments already allocated), or removed when no such name is free.
 * Segments at or after the redo segment are never touched.
 *
 * Preconditions (the caller's, as in CreateCheckPoint): the checkpoint
 * record is flushed and pg_control points at it, so that recovery never
 * needs a segment before the redo segment again; and the writer has
 * flushed everything before `endLsn`.
 *
 * A storage failure is a PANIC ({@link WalPanic}); invalid options are a
 * {@link WalError} before anything is touched. Every rename and removal is
 * durable when it returns, and a crash between two of them leaves a
 * consistent directory: unneeded segments, some renamed, some not.
 */
export function removeOldSegments(
  storage: WalStorage,
  options: RemoveOldSegmentsOptions,
): RemoveOldSegmentsResult {
  const { segmentSize } = settings(options);
  const timeline = options.timeline ?? DEFAULT_TIMELINE;
  if (!Number.isInteger(timeline) || timeline < 1 || timeline > 0xffffffff) {
    throw badRequest(`timeline ${timeline} is not in 1..4294967295`);
  }
  if (options.endLsn < options.redoLsn) {
    throw badRequest('end of WAL is before the checkpoint redo LSN');
  }
  let distanceEstimate = options.distanceEstimate ?? 0;
  if (options.previousRedoLsn !== undefined) {
    if (options.previousRedoLsn > options.redoLsn) {
      throw badRequest('previous checkpoint redo LSN is after this one');
    }
    distanceEstimate = updateDistanceEstimate(
      distanceEstimate,
      Number(options.redoLsn - options.previousRedoLsn),
    );
  }
  const recycleLimit = recycleSegmentLimit({ ...options, distanceEstimate });
  const redoSeg = lsnToSegment(options.redoLsn, segmentSize);
  // Where the search for a free name starts (RemoveOldXlogFiles' endlogSegNo).
  let next = lsnToSegment(options.endLsn, segmentSize);

  const removed: string[] = [];
  const recycled: [string, string][] = [];
  try {
    const names = storage.list();
    const existing = new Set(names);
    for (const name of names) {
      // Timelines are ignored, as in PostgreSQL: a parent timeline's old
      // segments are as unneeded as this one's.
      const segno = segnoOf(name, segmentSize);
      if (segno === undefined || segno >= redoSeg) continue;
      // InstallXLogFileSegment with find_free: the first free name in [next, limit].
      let to: string | undefined;
      while (next <= recycleLimit) {
        const candidate = segmentFileName(next, segmentSize, timeline);
        if (!existing.has(candidate)) {
          to = candidate;
          break;
        }
        next++;
      }
      if (to !== undefined) {
        storage.rename(name, to);
        existing.delete(name);
        existing.add(to);
        recycled.push([name, to]);
        next++;
      } else {
        storage.remove(name);
        existing.delete(name);
        removed.push(name);
      }
    }
  } catch (e) {
    throw new WalPanic(
      `could not remove old WAL segments before ${segmentFileName(redoSeg, segmentSize, timeline)}: ${
        e instanceof Error ? e.message : String(e)
      }`,
      { cause: e },
    );
  }
  return { removed, recycled, recycleLimit, distanceEstimate };
}

/** The segment number a file name stands for, or undefined if it is not one at this segment size. */
function segnoOf(name: string, segmentSize: number): bigint | undefined {
  try {
    return parseSegmentFileName(name, segmentSize).segno;
  } catch (e) {
    if (e instanceof WalError) return undefined;
    throw e;
  }
}
