/**
 * The commit log: PostgreSQL's addressing and bit layout, a model-based
 * test of random tree commits and aborts over xids on many pages and two
 * segments with a two-page cache (so pages are evicted and re-read),
 * checkpoints, clean restarts and crashes (unsynced writes lost: the
 * statuses are those of the last checkpoint), the commit protocol's order
 * (C2), files on disk across a restart, and transam's answers.
 */
import { mkdtempSync, readdirSync, rmSync, statSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import fc from 'fast-check';
import { describe, expect, it } from 'vitest';
import {
  CLOG_XACTS_PER_PAGE,
  Clog,
  clogPageOffset,
  clogSegmentName,
  TRANSACTION_STATUS_ABORTED,
  TRANSACTION_STATUS_COMMITTED,
  TRANSACTION_STATUS_IN_PROGRESS,
  TRANSACTION_STATUS_SUB_COMMITTED,
  transactionIdToBitShift,
  transactionIdToByte,
  transactionIdToPage,
  type XidStatus,
} from './internal/clog.js';
import { FileSlruStore, MemorySlruStore } from './internal/clog-store.js';
import { SubTrans } from './internal/clog-subtrans.js';
import { redoXactCommit, Transam } from './internal/clog-transam.js';
import { XidGenerator } from './internal/xid.js';
import { MvccError } from './internal/xid-errors.js';

const RUNS = Number(process.env.PG_PROPERTY_RUNS ?? 100);
const PAGE = CLOG_XACTS_PER_PAGE;

describe('addressing', () => {
  it('follows clog.c and slru.c', () => {
    expect(PAGE).toBe(32768);
    expect(transactionIdToPage(32767)).toBe(0);
    expect(transactionIdToPage(32768)).toBe(1);
    expect(transactionIdToByte(32768 + 9)).toBe(2);
    expect(transactionIdToBitShift(9)).toBe(2);
    expect(clogSegmentName(0)).toBe('0000');
    expect(clogSegmentName(31)).toBe('0000');
    expect(clogSegmentName(32)).toBe('0001');
    expect(clogSegmentName(transactionIdToPage(0xffff_ffff))).toBe('0FFF');
    expect(clogSegmentName(transactionIdToPage(1_000_000_000))).toBe('03B9');
    expect(clogPageOffset(33)).toBe(8192);
  });

  it('packs four xids to a byte, the lowest in the low bits', () => {
    const store = new MemorySlruStore();
    const clog = new Clog({ store });
    clog.zeroPage(0);
    // xids 4..7 share byte 1: committed, aborted, sub-committed, in progress
    clog.setTreeStatus(4, [], TRANSACTION_STATUS_COMMITTED);
    clog.setTreeStatus(5, [], TRANSACTION_STATUS_ABORTED);
    clog.setTreeStatus(6, [], TRANSACTION_STATUS_SUB_COMMITTED);
    clog.checkpoint();
    const bytes = store.fileBytes('0000') as Uint8Array;
    expect(bytes.length).toBe(8192);
    expect(bytes[1]).toBe(0b00_11_10_01);
    expect([4, 5, 6, 7].map((x) => clog.getStatus(x))).toEqual([1, 2, 3, 0]);
  });
});

describe('the commit log against a model', () => {
  // xids on 40 pages (two segments), a handful per page, at both ends of the page
  const xidArb = fc
    .tuple(fc.nat(39), fc.constantFrom(0, 1, 2, 3, 5, PAGE - 2, PAGE - 1))
    .map(([page, off]) => page * PAGE + off)
    .filter((x) => x >= 3);
  type Op =
    | { kind: 'tree'; xid: number; subxids: number[]; commit: boolean }
    | { kind: 'get'; xid: number }
    | { kind: 'checkpoint' | 'restart' | 'crash' };
  const opArb: fc.Arbitrary<Op> = fc.oneof(
    {
      arbitrary: fc.record({
        kind: fc.constant('tree' as const),
        xid: xidArb,
        subxids: fc.uniqueArray(xidArb, { maxLength: 4 }),
        commit: fc.boolean(),
      }),
      weight: 6,
    },
    { arbitrary: fc.record({ kind: fc.constant('get' as const), xid: xidArb }), weight: 4 },
    {
      arbitrary: fc.record({
        kind: fc.constantFrom('checkpoint' as const, 'restart' as const, 'crash' as const),
      }),
      weight: 2,
    },
  );

  it('reads back what was set, keeps what was checkpointed, and commits trees in order (C1..C3)', () => {
    fc.assert(
      fc.property(fc.array(opArb, { minLength: 1, maxLength: 80, size: 'max' }), (ops) => {
        const store = new MemorySlruStore();
        const shadow = new Map<number, XidStatus>();
        let parentOf: { parent: number; subs: number[] } | undefined;
        const trace = (xid: number, status: XidStatus) => {
          shadow.set(xid, status);
          // C2: when the parent turns COMMITTED, no subtransaction is still IN_PROGRESS
          if (
            parentOf !== undefined &&
            xid === parentOf.parent &&
            status === TRANSACTION_STATUS_COMMITTED
          ) {
            for (const s of parentOf.subs)
              expect(shadow.get(s) ?? 0).not.toBe(TRANSACTION_STATUS_IN_PROGRESS);
          }
        };
        let clog = new Clog({ store, buffers: 2, trace });
        for (let p = 0; p < 40; p++) clog.zeroPage(p);
        clog.checkpoint();
        let current = new Map<number, XidStatus>();
        let durable = new Map<number, XidStatus>();
        for (const op of ops) {
          switch (op.kind) {
            case 'tree': {
              const subs = [...new Set(op.subxids.filter((s) => s > op.xid))].sort((a, b) => a - b);
              const all = [op.xid, ...subs];
              const finished = all.find(
                (x) => (current.get(x) ?? 0) !== TRANSACTION_STATUS_IN_PROGRESS,
              );
              if (finished !== undefined) {
                // C1: a finished transaction cannot change its fate
                const was = current.get(finished) as XidStatus;
                const other =
                  was === TRANSACTION_STATUS_COMMITTED
                    ? TRANSACTION_STATUS_ABORTED
                    : TRANSACTION_STATUS_COMMITTED;
                expect(() => clog.setTreeStatus(finished, [], other)).toThrow(MvccError);
                clog.setTreeStatus(finished, [], was); // to itself: allowed, a no-op
                expect(clog.getStatus(finished)).toBe(was);
                break;
              }
              for (const x of all) shadow.set(x, current.get(x) ?? 0);
              parentOf = { parent: op.xid, subs };
              const status = op.commit ? TRANSACTION_STATUS_COMMITTED : TRANSACTION_STATUS_ABORTED;
              clog.setTreeStatus(op.xid, subs, status);
              parentOf = undefined;
              for (const x of all) current.set(x, status);
              break;
            }
            case 'get':
              expect(clog.getStatus(op.xid)).toBe(current.get(op.xid) ?? 0);
              break;
            case 'checkpoint':
              clog.checkpoint();
              durable = new Map(current);
              break;
            case 'restart':
              clog.checkpoint();
              durable = new Map(current);
              clog = new Clog({ store, buffers: 2, trace });
              break;
            case 'crash':
              store.crash();
              current = new Map(durable);
              clog = new Clog({ store, buffers: 2, trace });
              break;
          }
          expect(clog.cachedPages().length).toBeLessThanOrEqual(2);
        }
        for (const [x, s] of current) expect(clog.getStatus(x)).toBe(s);
      }),
      { numRuns: RUNS },
    );
  });

  it('marks subtransactions on other pages SUB_COMMITTED before the parent commits', () => {
    const steps: [number, XidStatus][] = [];
    const clog = new Clog({ store: new MemorySlruStore(), trace: (x, s) => steps.push([x, s]) });
    for (let p = 0; p < 3; p++) clog.zeroPage(p);
    const parent = PAGE - 2;
    clog.setTreeStatus(parent, [PAGE - 1, PAGE + 5, 2 * PAGE + 1], TRANSACTION_STATUS_COMMITTED);
    expect(steps).toEqual([
      [PAGE + 5, 3], // other pages first, sub-committed
      [2 * PAGE + 1, 3],
      [PAGE - 1, 3], // the parent's page: its subxid sub-committed, the parent committed, then the subxid
      [parent, 1],
      [PAGE - 1, 1],
      [PAGE + 5, 1], // then the other pages committed
      [2 * PAGE + 1, 1],
    ]);
    steps.length = 0;
    clog.setTreeStatus(10, [11, PAGE + 6], TRANSACTION_STATUS_ABORTED);
    expect(steps).toEqual([
      [10, 2],
      [11, 2],
      [PAGE + 6, 2],
    ]);
  });
});

describe('pages that are not there', () => {
  it('is an error outside recovery, zeros in recovery', () => {
    const store = new MemorySlruStore();
    const clog = new Clog({ store });
    expect(() => clog.getStatus(40_000)).toThrow(
      expect.objectContaining({
        code: '58P01',
        message: 'could not access status of transaction 40000',
        detail: 'Could not open file "pg_xact/0000": No such file or directory.',
      }),
    );
    store.write('0000', 0, new Uint8Array(8192));
    expect(() => clog.getStatus(40_000)).toThrow(
      expect.objectContaining({
        code: 'XX000',
        detail: 'Could not read from file "pg_xact/0000" at offset 8192: read too few bytes.',
      }),
    );
    clog.setInRecovery(true);
    expect(clog.getStatus(40_000)).toBe(0);
  });

  it('extend zeroes a page on its first xid only', () => {
    const clog = new Clog({ store: new MemorySlruStore() });
    const gen = new XidGenerator({ nextFullXid: BigInt(PAGE - 1), extend: (x) => clog.extend(x) });
    clog.zeroPage(0);
    clog.setTreeStatus(PAGE - 1, [], TRANSACTION_STATUS_COMMITTED);
    gen.getNewTransactionId(); // PAGE - 1: no new page
    expect(clog.cachedPages().map((p) => p.pageno)).toEqual([0]);
    gen.getNewTransactionId(); // PAGE: page 1 zeroed
    expect(clog.cachedPages().map((p) => p.pageno)).toEqual([0, 1]);
    expect(clog.getStatus(PAGE - 1)).toBe(TRANSACTION_STATUS_COMMITTED);
  });
});

describe('files on disk', () => {
  it('keeps statuses across a restart, in segment files named as PostgreSQL names them', () => {
    const dir = mkdtempSync(join(tmpdir(), 'pg-xact-'));
    try {
      const statuses = new Map<number, XidStatus>();
      const clog = new Clog({ store: new FileSlruStore(dir), buffers: 3 });
      const xids = [3, 4, 5, PAGE * 31 + 7, PAGE * 32 + 1, PAGE * 33 + 100];
      for (const x of xids) clog.zeroPage(transactionIdToPage(x));
      xids.forEach((x, i) => {
        const s = (i % 3 === 0 ? 1 : i % 3 === 1 ? 2 : 0) as XidStatus;
        if (s !== 0) clog.setTreeStatus(x, [], s);
        statuses.set(x, s);
      });
      clog.checkpoint();
      expect(readdirSync(dir).sort()).toEqual(['0000', '0001']);
      expect(statSync(join(dir, '0000')).size).toBe(32 * 8192);
      expect(statSync(join(dir, '0001')).size).toBe(2 * 8192);
      const again = new Clog({ store: new FileSlruStore(dir) });
      for (const [x, s] of statuses) expect(again.getStatus(x)).toBe(s);
    } finally {
      rmSync(dir, { recursive: true, force: true });
    }
  });
});

describe('transam', () => {
  it('answers special xids without the log and follows sub-committed xids to their parent', () => {
    const clog = new Clog({ store: new MemorySlruStore() });
    clog.zeroPage(0);
    const subtrans = new SubTrans();
    const t = new Transam(clog, subtrans);
    expect([0, 1, 2].map((x) => t.didCommit(x))).toEqual([false, true, true]);
    expect(t.didAbort(0)).toBe(true);
    subtrans.setParent(11, 10);
    subtrans.setParent(12, 11);
    expect(subtrans.getTopmost(12)).toBe(10);
    clog.setTreeStatus(12, [], TRANSACTION_STATUS_SUB_COMMITTED);
    expect(t.didCommit(12)).toBe(false);
    expect(t.didAbort(12)).toBe(false);
    t.commitTree(10, [12, 11]);
    expect([10, 11, 12].map((x) => t.didCommit(x))).toEqual([true, true, true]);
    // a sub-committed xid whose parent is unknown (after a restart) did not commit
    clog.setTreeStatus(20, [], TRANSACTION_STATUS_SUB_COMMITTED);
    expect(t.didCommit(20)).toBe(false);
    expect(t.didAbort(20)).toBe(true);
  });

  it('redo of a commit record is idempotent and moves the counter', () => {
    const clog = new Clog({ store: new MemorySlruStore() });
    clog.zeroPage(0);
    const t = new Transam(clog, new SubTrans());
    const gen = new XidGenerator({ nextFullXid: 10n });
    clog.setInRecovery(true);
    redoXactCommit(t, gen, { xid: 40, subxids: [41, 42] });
    redoXactCommit(t, gen, { xid: 40, subxids: [41, 42] });
    expect([40, 41, 42].map((x) => clog.getStatus(x))).toEqual([1, 1, 1]);
    expect(gen.nextFullXid).toBe(43n);
  });
});
