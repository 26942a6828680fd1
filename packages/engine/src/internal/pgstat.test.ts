/**
 * issue 11: pgstat.ts's pieces on their own — the shared hub's
 * pg_stat_progress_vacuum rows as another session's view reads them, the
 * statistics file's round trip (timestamps included) and its removal once
 * read, and the per-level rules of SessionStats.
 */
import { existsSync, mkdtempSync, rmSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { describe, expect, it } from 'vitest';
import { SessionStats, StatsHub, statViewSource } from './pgstat.js';

const backends = { others: () => 2 };

describe('StatsHub', () => {
  it('a VACUUM progress row is seen by every session while it exists', () => {
    const hub = new StatsHub();
    const other = statViewSource(new SessionStats(hub, 5), backends);
    const entry = hub.startVacuumProgress(7, 5, 16384);
    expect(other.vacuumProgress()).toEqual([
      expect.objectContaining({ pid: 7, datid: 5, relid: 16384, phase: 'initializing' }),
    ]);
    entry.progress = { ...entry.progress, phase: 'scanning heap', heapBlksTotal: 10 };
    expect(other.vacuumProgress()[0]).toMatchObject({ phase: 'scanning heap', heapBlksTotal: 10 });
    hub.endVacuumProgress(7);
    expect(other.vacuumProgress()).toEqual([]);
    expect(other.numBackends(5)).toBe(2);
  });

  it('saves every entry and reads it back once (the file is removed)', () => {
    const dir = mkdtempSync(join(tmpdir(), 'pgstat-file-'));
    try {
      const hub = new StatsHub();
      const s = new SessionStats(hub, 5);
      s.relation(100).tuplesInserted += 3;
      s.end(true);
      hub.reportVacuum(5, 100, 3, 0);
      hub.save(dir);
      const back = new StatsHub();
      back.load(dir);
      expect(back.table(5, 100)).toEqual(hub.table(5, 100));
      expect(typeof back.table(5, 100)?.lastVacuum).toBe('bigint');
      expect(back.database(5)?.xactCommit).toBe(1);
      expect(existsSync(join(dir, 'pg_stat', 'pgstat.stat'))).toBe(false);
      const again = new StatsHub();
      again.load(dir);
      expect(again.table(5, 100)).toBeUndefined();
    } finally {
      rmSync(dir, { recursive: true, force: true });
    }
  });
});

describe('SessionStats', () => {
  it('an aborted TRUNCATE gives back the counts from before it', () => {
    const hub = new StatsHub();
    const s = new SessionStats(hub, 1);
    s.relation(9).tuplesInserted += 4;
    s.subBegin();
    s.relation(9).tuplesInserted += 2;
    s.countTruncate(9);
    s.relation(9).tuplesInserted += 1;
    s.subAbort();
    s.end(true);
    // restore_truncdrop_counters: the subtransaction's 2 inserts count (and are dead), not the 1 after
    expect(hub.table(1, 9)).toMatchObject({ tuplesInserted: 6, nLiveTuples: 4, nDeadTuples: 2 });
  });

  it('ANALYZE in the transaction subtracts what the transaction will report', () => {
    const s = new SessionStats(new StatsHub(), 1);
    s.relation(9).tuplesInserted += 2;
    s.relation(9).tuplesDeleted += 1;
    expect(s.analyzeCounts(9, 10, 3)).toEqual({ live: 9, dead: 2 });
    expect(s.analyzeCounts(9, 0, 0)).toEqual({ live: 0, dead: 0 });
  });
});
