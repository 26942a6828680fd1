import { mkdtempSync, readdirSync, rmSync, statSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import {
  checkpointRecord,
  createRmgrRegistry,
  decodeCheckPoint,
  FileWalStorage,
  MemoryWalStorage,
  RM_XLOG_ID,
  SIZE_OF_LONG_PAGE_HEADER,
  SIZE_OF_SHORT_PAGE_HEADER,
  truncateWalAfter,
  WAL_PAGE_SIZE,
  WalError,
  WalPanic,
  WalReader,
  WalWriter,
  XLOG_CHECKPOINT_SHUTDOWN,
} from '@pg/wal';
import { FaultyWalStorage } from '@pg/wal/testing';
import { afterEach, describe, expect, it } from 'vitest';

const SEG = 64 * 1024;

describe('writer', () => {
  it('starts where initdb does and 8-byte aligns records', () => {
    const w = new WalWriter({ storage: new MemoryWalStorage() });
    const a = w.insert({ rmid: 1, info: 0, data: new Uint8Array(3) });
    expect(a.start).toBe(0x1000028n);
    expect(a.end).toBe(0x1000028n + 40n);
    const b = w.insert({ rmid: 1, info: 0 });
    expect(b.start).toBe(a.end);
  });

  it('skips page headers when a record spans pages', () => {
    const w = new WalWriter({ storage: new MemoryWalStorage(), segmentSize: SEG });
    const first = w.insert({ rmid: 1, info: 0, data: new Uint8Array(WAL_PAGE_SIZE) });
    const usable = WAL_PAGE_SIZE - SIZE_OF_LONG_PAGE_HEADER;
    const len = 32 + WAL_PAGE_SIZE;
    expect(first.end).toBe(
      BigInt(SEG + WAL_PAGE_SIZE + SIZE_OF_SHORT_PAGE_HEADER + (len - usable)),
    );
  });

  it('group commit: many concurrent flushes share one fdatasync', async () => {
    const storage = new FaultyWalStorage(new MemoryWalStorage());
    const w = new WalWriter({ storage, segmentSize: SEG });
    const n = 100;
    const waits: Promise<void>[] = [];
    for (let i = 0; i < n; i++) {
      const r = w.insert({ rmid: 1, info: 0, xid: i, data: new Uint8Array(50) });
      waits.push(w.flush(r.end));
    }
    await Promise.all(waits);
    expect(storage.fdatasyncCalls).toBe(1);
    expect(w.fsyncCount).toBe(1);
    expect(w.flushedLsn).toBe(w.endLsn);
    // A flush of already durable WAL costs nothing.
    await w.flush();
    expect(storage.fdatasyncCalls).toBe(1);
  });

  it('callers arriving while a flush is pending join it; later ones get the next flush', async () => {
    const storage = new FaultyWalStorage(new MemoryWalStorage());
    const w = new WalWriter({ storage, segmentSize: SEG });
    const sessions = Array.from({ length: 20 }, async (_, i) => {
      for (let k = 0; k < 5; k++) {
        const r = w.insert({ rmid: 1, info: 0, xid: i, data: new Uint8Array(10) });
        await w.flush(r.end);
        expect(w.flushedLsn).toBeGreaterThanOrEqual(r.end);
      }
    });
    await Promise.all(sessions);
    // 100 commits in 5 rounds of 20: one fdatasync per round.
    expect(storage.fdatasyncCalls).toBe(5);
  });

  it('one fdatasync per segment touched', async () => {
    const storage = new FaultyWalStorage(new MemoryWalStorage());
    const w = new WalWriter({ storage, segmentSize: SEG });
    w.insert({ rmid: 1, info: 0, data: new Uint8Array(SEG + 100) });
    await w.flush();
    expect(storage.fdatasyncCalls).toBe(2);
  });

  it('PANIC: a failed fdatasync fails the flush and every later call', async () => {
    const storage = new FaultyWalStorage(new MemoryWalStorage());
    const w = new WalWriter({ storage, segmentSize: SEG });
    const r = w.insert({ rmid: 1, info: 0 });
    storage.failFsync = true;
    const a = w.flush(r.end);
    const b = w.flush(r.end);
    await expect(a).rejects.toBeInstanceOf(WalPanic);
    await expect(b).rejects.toBeInstanceOf(WalPanic);
    expect(w.failed).toBe(true);
    expect(w.flushedLsn).toBeLessThan(r.end);
    storage.failFsync = false;
    expect(() => w.insert({ rmid: 1, info: 0 })).toThrow(WalPanic);
    await expect(w.flush()).rejects.toBeInstanceOf(WalPanic);
    expect(() => w.flushSync()).toThrow(WalPanic);
    try {
      w.insert({ rmid: 1, info: 0 });
    } catch (e) {
      expect((e as WalPanic).code).toBe('XX000');
      expect((e as WalPanic).severity).toBe('PANIC');
      expect((e as WalPanic).problem.kind).toBe('panic');
    }
  });

  it('PANIC: a failed write too', async () => {
    const storage = new FaultyWalStorage(new MemoryWalStorage());
    const w = new WalWriter({ storage, segmentSize: SEG });
    w.insert({ rmid: 1, info: 0 });
    storage.failWrite = true;
    await expect(w.flush()).rejects.toBeInstanceOf(WalPanic);
    storage.failWrite = false;
    expect(() => w.insert({ rmid: 1, info: 0 })).toThrow(WalPanic);
  });

  it('full WAL buffers are written out by insert, without fsync; a failure there is a PANIC', async () => {
    const storage = new FaultyWalStorage(new MemoryWalStorage());
    const w = new WalWriter({ storage, segmentSize: SEG, walBuffers: 2 });
    for (let i = 0; i < 10; i++) w.insert({ rmid: 1, info: 0, data: new Uint8Array(4000) });
    expect(storage.pwriteCalls).toBeGreaterThan(0);
    expect(storage.fdatasyncCalls).toBe(0);
    await w.flush();
    expect(storage.fdatasyncCalls).toBe(1);
    const reader = new WalReader({ storage, segmentSize: SEG, startLsn: BigInt(SEG) });
    expect([...reader.records()].length).toBe(10);
    storage.failWrite = true;
    expect(() => {
      for (let i = 0; i < 10; i++) w.insert({ rmid: 1, info: 0, data: new Uint8Array(4000) });
    }).toThrow(WalPanic);
    storage.failWrite = false;
    await expect(w.flush()).rejects.toBeInstanceOf(WalPanic);
  });

  it('refuses to flush beyond what was inserted', async () => {
    const w = new WalWriter({ storage: new MemoryWalStorage(), segmentSize: SEG });
    await expect(w.flush(w.endLsn + 8n)).rejects.toBeInstanceOf(WalError);
    expect(w.failed).toBe(false);
  });

  it('segment switch: the next record starts in the next segment', async () => {
    const storage = new MemoryWalStorage();
    const w = new WalWriter({ storage, segmentSize: SEG });
    w.insert({ rmid: 1, info: 0 });
    const s = w.switchSegment();
    const after = w.insert({ rmid: 1, info: 1 });
    expect(after.start).toBe(BigInt(2 * SEG + SIZE_OF_LONG_PAGE_HEADER));
    await w.flush();
    const reader = new WalReader({ storage, segmentSize: SEG, startLsn: BigInt(SEG + 40) });
    const lsns = [...reader.records()].map((r) => r.lsn);
    expect(lsns).toEqual([BigInt(SEG + 40), s.start, after.start]);
    expect(reader.next()).toMatchObject({ kind: 'end', problem: null, prevLsn: after.start });
  });
});

describe('truncateWalAfter', () => {
  it('zeroes WAL after the end durably and removes later segments', async () => {
    const mem = new MemoryWalStorage();
    const w = new WalWriter({ storage: mem, segmentSize: SEG });
    const recs = Array.from({ length: 12 }, (_, i) =>
      w.insert({ rmid: 1, info: i, data: new Uint8Array(9000).fill(i) }),
    );
    await w.flush();
    expect(mem.list().length).toBe(2);
    const cut = recs[3];
    if (!cut) throw new Error('unreachable');
    truncateWalAfter(mem, cut.start, SEG);
    mem.crash();
    expect(mem.list()).toEqual(['000000010000000000000001']);
    const reader = new WalReader({ storage: mem, segmentSize: SEG, startLsn: BigInt(SEG) });
    expect([...reader.records()].map((r) => r.lsn)).toEqual(recs.slice(0, 3).map((r) => r.start));
    expect(reader.next()).toMatchObject({ kind: 'end', lsn: cut.start, problem: null });
  });
});

describe('resource managers', () => {
  it('registers XLOG and describes checkpoints', () => {
    const reg = createRmgrRegistry();
    expect(reg.get(RM_XLOG_ID)?.name).toBe('XLOG');
    expect(() => reg.register({ id: 0, name: 'Other', redo() {}, describe: () => '' })).toThrow(
      WalError,
    );
    expect(() => reg.register({ id: 300, name: 'Big', redo() {}, describe: () => '' })).toThrow(
      WalError,
    );
    reg.register({ id: 10, name: 'Heap', redo() {}, describe: (r) => `INSERT ${r.data.length}` });
    expect(reg.list().map((r) => r.name)).toEqual(['XLOG', 'Heap']);

    const storage = new MemoryWalStorage();
    const w = new WalWriter({ storage, segmentSize: SEG });
    const cp = { redo: 0x10028n, nextXid: (1n << 32n) | 742n, nextOid: 16384, timeline: 1 };
    const r = w.insert(checkpointRecord(cp, true));
    w.insert({ rmid: 10, info: 0, data: new Uint8Array(5) });
    w.insert({ rmid: 77, info: 0 });
    w.flushSync();
    const reader = new WalReader({
      storage,
      segmentSize: SEG,
      startLsn: r.start,
      isKnownRmgr: reg.isKnown,
    });
    const first = reader.next();
    if (first.kind !== 'record') throw new Error('expected a record');
    expect(first.record.info).toBe(XLOG_CHECKPOINT_SHUTDOWN);
    expect(decodeCheckPoint(first.record.data)).toEqual(cp);
    expect(reg.describe(first.record, first.lsn)).toBe(
      'rmgr: XLOG len (rec/tot): 24/56, tx: 0, lsn: 0/10028, prev 0/0, desc: CHECKPOINT_SHUTDOWN redo 0/10028; tli 1; xid 1:742; oid 16384',
    );
    const second = reader.next();
    if (second.kind !== 'record') throw new Error('expected a record');
    expect(reg.describe(second.record, second.lsn)).toContain('desc: INSERT 5');
    // Strict mode: an unregistered rmgr ends reading with a typed problem.
    expect(reader.next()).toMatchObject({
      kind: 'end',
      problem: { kind: 'unknown-rmgr', rmid: 77 },
    });
  });
});

describe('file storage', () => {
  const dirs: string[] = [];
  afterEach(() => {
    for (const d of dirs.splice(0)) rmSync(d, { recursive: true, force: true });
  });

  it('writes PostgreSQL-named segments in pg_wal/ and reads them back after reopening', async () => {
    const dir = join(mkdtempSync(join(tmpdir(), 'pg-wal-')), 'pg_wal');
    dirs.push(join(dir, '..'));
    const storage = new FileWalStorage(dir);
    const w = new WalWriter({ storage, segmentSize: SEG, systemIdentifier: 42n });
    const ends: bigint[] = [];
    for (let i = 0; i < 20; i++) {
      ends.push(w.insert({ rmid: 1, info: i, data: new Uint8Array(5000).fill(i) }).end);
    }
    await w.flush();
    storage.close();
    expect(readdirSync(dir).sort()).toEqual([
      '000000010000000000000001',
      '000000010000000000000002',
    ]);
    expect(statSync(join(dir, '000000010000000000000001')).size).toBe(SEG);

    const again = new FileWalStorage(dir);
    const reader = new WalReader({
      storage: again,
      segmentSize: SEG,
      systemIdentifier: 42n,
      startLsn: BigInt(SEG + 40),
    });
    const got = [...reader.records()];
    expect(got.map((r) => r.end)).toEqual(ends);
    expect(got.every((r, i) => r.record.data.every((b) => b === i))).toBe(true);
    const end = reader.next();
    expect(end).toMatchObject({ kind: 'end', problem: null, lsn: ends.at(-1) });

    // Resume after the end and keep writing.
    const w2 = new WalWriter({
      storage: again,
      segmentSize: SEG,
      systemIdentifier: 42n,
      startLsn: end.lsn,
      prevLsn: end.kind === 'end' ? end.prevLsn : 0n,
    });
    w2.insert({ rmid: 1, info: 99 });
    await w2.flush();
    const all = [
      ...new WalReader({ storage: again, segmentSize: SEG, startLsn: BigInt(SEG + 40) }).records(),
    ];
    expect(all.length).toBe(21);
    again.remove('000000010000000000000002');
    expect(again.list()).toEqual(['000000010000000000000001']);
    again.close();
  });
});

describe('group commit on files (asynchronous fdatasync)', () => {
  it('records inserted while a flush is on disk share the next one; each promise resolves only when its record is durable', async () => {
    const dir = join(mkdtempSync(join(tmpdir(), 'pg-wal-')), 'pg_wal');
    try {
      const storage = new FileWalStorage(dir);
      const w = new WalWriter({ storage, segmentSize: SEG });
      const done: bigint[] = [];
      const commit = (i: number) => {
        const { end } = w.insert({ rmid: 1, info: 0, data: new Uint8Array(64).fill(i) });
        return w.flush(end).then(() => {
          // durable means flushedLsn covers it at the moment the promise resolves
          expect(w.flushedLsn >= end).toBe(true);
          done.push(end);
        });
      };
      // 1 commit starts a flush; 20 more arrive while its fdatasync runs off the loop.
      const first = commit(0);
      await new Promise((r) => setImmediate(r));
      const rest = Array.from({ length: 20 }, (_, i) => commit(i + 1));
      await Promise.all([first, ...rest]);
      expect(done.length).toBe(21);
      expect(w.fsyncCount).toBeLessThanOrEqual(3);
      // flushSync while nothing is pending is a no-op; the data reads back after reopening.
      w.flushSync();
      storage.close();
      const again = new FileWalStorage(dir);
      const got = [
        ...new WalReader({
          storage: again,
          segmentSize: SEG,
          startLsn: BigInt(SEG + 40),
        }).records(),
      ];
      expect(got.length).toBe(21);
      again.close();
    } finally {
      rmSync(join(dir, '..'), { recursive: true, force: true });
    }
  });

  it('flushSync during an asynchronous flush syncs the segment itself before it returns', async () => {
    const dir = join(mkdtempSync(join(tmpdir(), 'pg-wal-')), 'pg_wal');
    try {
      const storage = new FileWalStorage(dir);
      const synced: string[] = [];
      const inner = storage.fdatasync.bind(storage);
      storage.fdatasync = (name: string) => {
        synced.push(name);
        inner(name);
      };
      const w = new WalWriter({ storage, segmentSize: SEG });
      const { end } = w.insert({ rmid: 1, info: 0, data: new Uint8Array(100) });
      const p = w.flush(end);
      await new Promise((r) => setImmediate(r)); // the async flush has started
      w.flushSync(); // must not return before the segment is synced
      expect(synced).toEqual(['000000010000000000000001']);
      await p;
      storage.close();
    } finally {
      rmSync(join(dir, '..'), { recursive: true, force: true });
    }
  });
});

describe('MemoryWalStorage({ volatile: true })', () => {
  it('reads back what was written, keeps no crash model, and drops a recycled segment', () => {
    const s = new MemoryWalStorage({ volatile: true });
    s.create('000000010000000000000001', 1 << 16);
    s.pwrite('000000010000000000000001', 100, Uint8Array.of(1, 2, 3));
    s.fdatasync('000000010000000000000001');
    expect([...s.pread('000000010000000000000001', 100, 3)]).toEqual([1, 2, 3]);
    expect(() => s.crash()).toThrow(/no crash model/);
    s.rename('000000010000000000000001', '000000010000000000000002');
    expect(s.list()).toEqual([]);
  });
});
