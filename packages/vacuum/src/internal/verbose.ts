/**
 * VACUUM VERBOSE's report, in PostgreSQL 15's words (heap_vacuum_rel's
 * ereport at the end of vacuumlazy.c): one INFO message of several lines.
 *
 * ```
 * finished vacuuming "db.public.t": index scans: 1
 * pages: 0 removed, 45 remain, 45 scanned (100.00% of total)
 * tuples: 5000 removed, 5000 remain, 0 are dead but not yet removable
 * removable cutoff: 725, which was 0 XIDs old when operation ended
 * new relfrozenxid: 725, which is 1 XIDs ahead of previous value        (when it advanced)
 * index scan needed: 45 pages from table (100.00% of total) had 5000 dead item identifiers removed
 * index "t_pkey": pages: 30 in total, 0 newly deleted, 0 currently deleted, 0 reusable
 * avg read rate: 7.026 MB/s, avg write rate: 14.051 MB/s
 * buffer usage: 197 hits, 2 misses, 4 dirtied
 * WAL usage: 165 records, 1 full page images, 47267 bytes
 * system usage: CPU: user: 0.00 s, system: 0.00 s, elapsed: 0.00 s
 * ```
 *
 * The last four lines depend on timing and buffer state; callers give
 * what they measured.
 */
import type { TransactionId } from '@pg/mvcc';
import type { VacuumResult } from './lazy.js';

/** What the report needs besides the vacuum's own counters. */
export interface VerboseContext {
  /** "db.schema.table", as PostgreSQL names it. */
  readonly qualifiedName: string;
  /** ReadNextTransactionId when the vacuum ended. */
  readonly nextXid: TransactionId;
  /** pg_class.relfrozenxid before. */
  readonly relfrozenxid: TransactionId;
  /** The relfrozenxid written, when it advanced. */
  readonly newRelfrozenxid?: TransactionId;
  readonly elapsedMs: number;
  readonly buffers?: { readonly hits: number; readonly misses: number; readonly dirtied: number };
  readonly wal?: { readonly records: number; readonly fpi: number; readonly bytes: number };
  /** Pages read and written, for the rates. */
  readonly readPages?: number;
  readonly writtenPages?: number;
}

function pct(part: number, whole: number): string {
  return (whole === 0 ? 100 : (100 * part) / whole).toFixed(2);
}

/** A signed 32-bit difference of two xids (what PostgreSQL prints as "N XIDs"). */
function xidDiff(a: TransactionId, b: TransactionId): number {
  return (a - b) | 0;
}

/** The "finished vacuuming" message. */
export function vacuumVerboseReport(r: VacuumResult, c: VerboseContext): string {
  const lines: string[] = [];
  lines.push(`finished vacuuming "${c.qualifiedName}": index scans: ${r.indexScans}`);
  lines.push(
    `pages: ${r.pagesRemoved} removed, ${r.newRelPages} remain, ${r.scannedPages} scanned (${pct(r.scannedPages, r.relPages)}% of total)`,
  );
  lines.push(
    `tuples: ${r.tuplesDeleted} removed, ${r.newRelTuples} remain, ${r.recentlyDeadTuples} are dead but not yet removable`,
  );
  lines.push(
    `removable cutoff: ${r.oldestXmin}, which was ${xidDiff(c.nextXid, r.oldestXmin)} XIDs old when operation ended`,
  );
  if (c.newRelfrozenxid !== undefined && c.newRelfrozenxid !== c.relfrozenxid) {
    lines.push(
      `new relfrozenxid: ${c.newRelfrozenxid}, which is ${xidDiff(c.newRelfrozenxid, c.relfrozenxid)} XIDs ahead of previous value`,
    );
  }
  const pages = `${r.lpdeadItemPages} pages from table (${pct(r.lpdeadItemPages, r.relPages)}% of total)`;
  if (r.indexVacuuming === 'done') {
    const needed = r.indexStats.length === 0 || r.indexScans === 0 ? 'not needed' : 'needed';
    lines.push(`index scan ${needed}: ${pages} had ${r.lpdeadItems} dead item identifiers removed`);
  } else {
    lines.push(`index scan bypassed: ${pages} have ${r.lpdeadItems} dead item identifiers`);
  }
  for (const { name, stats } of r.indexStats) {
    lines.push(
      `index "${name}": pages: ${stats.numPages} in total, ${stats.pagesNewlyDeleted} newly deleted, ${stats.pagesDeleted} currently deleted, ${stats.pagesFree} reusable`,
    );
  }
  const secs = Math.max(c.elapsedMs, 0) / 1000;
  const rate = (pagesMoved: number) =>
    secs > 0 ? ((pagesMoved * 8192) / (1024 * 1024) / secs).toFixed(3) : '0.000';
  lines.push(
    `avg read rate: ${rate(c.readPages ?? 0)} MB/s, avg write rate: ${rate(c.writtenPages ?? 0)} MB/s`,
  );
  const b = c.buffers ?? { hits: 0, misses: 0, dirtied: 0 };
  lines.push(`buffer usage: ${b.hits} hits, ${b.misses} misses, ${b.dirtied} dirtied`);
  const w = c.wal ?? { records: 0, fpi: 0, bytes: 0 };
  lines.push(`WAL usage: ${w.records} records, ${w.fpi} full page images, ${w.bytes} bytes`);
  lines.push(`system usage: CPU: user: 0.00 s, system: 0.00 s, elapsed: ${secs.toFixed(2)} s`);
  return lines.join('\n');
}

/** lazy_truncate_heap's message. */
export function truncateMessage(table: string, from: number, to: number): string {
  return `table "${table}": truncated ${from} to ${to} pages`;
}
