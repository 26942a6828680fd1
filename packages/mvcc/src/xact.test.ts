/**
 * The transaction manager: the block state machine and its error codes,
 * snapshots per isolation level, and a model-based property over random
 * transaction and savepoint sequences of several sessions, checking which
 * xids end committed or aborted (and which are still running) against a
 * reference model after every step.
 */
import {
  Clog,
  LockManager,
  MemorySlruStore,
  MvccError,
  ProcArray,
  SubTrans,
  TRANSACTION_STATUS_ABORTED,
  TRANSACTION_STATUS_COMMITTED,
  TRANSACTION_STATUS_IN_PROGRESS,
  Transam,
  transactionIdAdvance,
  transactionLockTag,
  XidGenerator,
} from '@pg/mvcc';
import fc from 'fast-check';
import { describe, expect, it } from 'vitest';
import { type IsolationLevel, TransactionManager, type XactWal } from './internal/xact.js';
import {
  decodeXactRecord,
  encodeXactRecord,
  RM_XACT_ID,
  XLOG_XACT_ABORT,
  XLOG_XACT_COMMIT,
  xactRmgr,
} from './internal/xact-wal.js';

const RUNS = Number(process.env.PG_PROPERTY_RUNS ?? 200);

function setup(options: { wal?: XactWal; start?: bigint } = {}) {
  const clog = new Clog({ store: new MemorySlruStore(), buffers: 2 });
  const subtrans = new SubTrans();
  const transam = new Transam(clog, subtrans);
  const xids = new XidGenerator({
    nextFullXid: options.start ?? 3n,
    extend: (x) => clog.extend(x),
  });
  // A start in the middle of a page: zero it as initdb's BootStrapCLOG would.
  clog.zeroPage(Math.floor(Number(options.start ?? 3n) / 32768) % 131072);
  const procArray = new ProcArray({ latestCompletedXid: Number(options.start ?? 3n) - 1 });
  const locks = new LockManager();
  const notices: string[] = [];
  const manager = new TransactionManager({
    xids,
    transam,
    procArray,
    locks,
    ...(options.wal ? { wal: options.wal } : {}),
    onNotice: (_s, n) => notices.push(n.message),
  });
  return { clog, subtrans, transam, xids, procArray, locks, manager, notices };
}

function code(f: () => unknown): string | undefined {
  try {
    f();
  } catch (e) {
    if (e instanceof MvccError) return `${e.code} ${e.message}`;
    throw e;
  }
  return undefined;
}

const FAILED =
  '25P02 current transaction is aborted, commands ignored until end of transaction block';

describe('transaction block states', () => {
  it('SERIALIZABLE is 0A000, not a silent downgrade', () => {
    const { manager } = setup();
    expect(code(() => manager.begin(1, 'serializable'))).toBe(
      '0A000 SERIALIZABLE isolation is not supported yet',
    );
    expect(manager.state(1)).toBe('idle');
  });

  it('assigns xids lazily, parents first, and commits the tree', async () => {
    const { manager, transam, subtrans, procArray, locks } = setup();
    manager.begin(1);
    expect(manager.topXidIfAny(1)).toBe(0);
    manager.statementSnapshot(1);
    expect(procArray.runningXids()).toEqual([]);
    manager.savepoint(1, 'a');
    const sub = manager.getXid(1);
    expect(manager.topXidIfAny(1)).toBe(3);
    expect(sub).toBe(4);
    expect(subtrans.getParent(4)).toBe(3);
    expect(procArray.isInProgress(4)).toBe(true);
    expect(locks.holdCount(1, transactionLockTag(3), 7)).toBe(1);
    manager.releaseSavepoint(1, 'a');
    expect(await manager.commit(1)).toBe('COMMIT');
    expect(transam.didCommit(3)).toBe(true);
    expect(transam.didCommit(4)).toBe(true);
    expect(procArray.runningXids()).toEqual([]);
    expect(locks.size).toBe(0);
    expect(manager.state(1)).toBe('idle');
  });

  it('ROLLBACK TO aborts the subtransaction and keeps the savepoint', async () => {
    const { manager, transam, procArray } = setup();
    manager.begin(1);
    manager.getXid(1); // 3
    manager.savepoint(1, 'a');
    manager.getXid(1); // 4
    manager.savepoint(1, 'b');
    manager.getXid(1); // 5
    manager.releaseSavepoint(1, 'b');
    manager.rollbackToSavepoint(1, 'a');
    expect(transam.didAbort(4)).toBe(true);
    expect(transam.didAbort(5)).toBe(true);
    expect(procArray.isInProgress(4)).toBe(false);
    expect(procArray.isInProgress(3)).toBe(true);
    expect(manager.getXid(1)).toBe(6); // the savepoint again, a new subtransaction
    manager.rollbackToSavepoint(1, 'a'); // still there
    expect(await manager.commit(1)).toBe('COMMIT');
    expect(transam.didCommit(3)).toBe(true);
    expect(transam.didAbort(6)).toBe(true);
  });

  it("PostgreSQL's errors for savepoints and failed blocks", async () => {
    const { manager, transam, notices } = setup();
    expect(code(() => manager.savepoint(1, 'a'))).toBe(
      '25P01 SAVEPOINT can only be used in transaction blocks',
    );
    expect(code(() => manager.releaseSavepoint(1, 'a'))).toBe(
      '25P01 RELEASE SAVEPOINT can only be used in transaction blocks',
    );
    expect(code(() => manager.rollbackToSavepoint(1, 'a'))).toBe(
      '25P01 ROLLBACK TO SAVEPOINT can only be used in transaction blocks',
    );
    expect(await manager.commit(1)).toBe('COMMIT');
    manager.rollback(1);
    expect(notices).toEqual([
      'there is no transaction in progress',
      'there is no transaction in progress',
    ]);
    manager.begin(1);
    manager.begin(1);
    expect(notices.at(-1)).toBe('there is already a transaction in progress');
    expect(code(() => manager.releaseSavepoint(1, 'x'))).toBe('3B001 savepoint "x" does not exist');
    expect(code(() => manager.rollbackToSavepoint(1, 'x'))).toBe(
      '3B001 savepoint "x" does not exist',
    );
    manager.getXid(1);
    manager.fail(1); // a statement failed at top level: the transaction aborts now
    expect(manager.state(1)).toBe('failed');
    expect(transam.didAbort(3)).toBe(true);
    expect(code(() => manager.statementSnapshot(1))).toBe(FAILED);
    expect(code(() => manager.getXid(1))).toBe(FAILED);
    expect(code(() => manager.savepoint(1, 'a'))).toBe(FAILED);
    expect(code(() => manager.releaseSavepoint(1, 'a'))).toBe(FAILED);
    expect(code(() => manager.commandCounterIncrement(1))).toBe(FAILED);
    expect(code(() => manager.begin(1))).toBe(FAILED);
    expect(code(() => manager.rollbackToSavepoint(1, 'a'))).toBe(
      '3B001 savepoint "a" does not exist',
    );
    expect(manager.state(1)).toBe('failed');
    expect(await manager.commit(1)).toBe('ROLLBACK');
    expect(manager.state(1)).toBe('idle');
  });

  it('a failure inside a savepoint is undone by ROLLBACK TO', async () => {
    const { manager, transam } = setup();
    manager.begin(1);
    manager.getXid(1);
    manager.savepoint(1, 'a');
    manager.getXid(1);
    manager.fail(1);
    expect(transam.didAbort(4)).toBe(true);
    expect(transam.didAbort(3)).toBe(false);
    expect(code(() => manager.getXid(1))).toBe(FAILED);
    manager.rollbackToSavepoint(1, 'a');
    expect(manager.state(1)).toBe('in progress');
    expect(manager.getXid(1)).toBe(5);
    manager.fail(1);
    manager.rollback(1);
    expect(transam.didAbort(3)).toBe(true);
    expect(transam.didAbort(5)).toBe(true);
  });

  it('command ids advance only after a command that used its id', () => {
    const { manager } = setup();
    manager.begin(1);
    expect(manager.commandId(1)).toBe(0);
    manager.commandCounterIncrement(1);
    expect(manager.commandId(1, true)).toBe(0);
    manager.commandCounterIncrement(1);
    expect(manager.commandId(1)).toBe(1);
    expect(manager.statementSnapshot(1).curcid).toBe(1);
  });

  it('READ COMMITTED takes a snapshot per statement, REPEATABLE READ one per transaction', async () => {
    for (const iso of ['read committed', 'repeatable read'] as IsolationLevel[]) {
      const { manager } = setup();
      manager.begin(1, iso);
      const first = manager.statementSnapshot(1);
      manager.begin(2);
      manager.getXid(2);
      expect(await manager.commit(2)).toBe('COMMIT');
      const second = manager.statementSnapshot(1);
      expect(first.xmax).toBe(3);
      expect(second.xmax).toBe(iso === 'read committed' ? 4 : 3);
      manager.rollback(1);
    }
  });

  it('commit is visible to others only after the WAL flush resolves', async () => {
    const inserted: { info: number; xid: number; data: Uint8Array }[] = [];
    let release: () => void = () => {};
    const wal: XactWal = {
      insert(r) {
        inserted.push({ info: r.info, xid: r.xid ?? 0, data: r.data ?? new Uint8Array() });
        return { end: BigInt(inserted.length) };
      },
      flush: () =>
        new Promise<void>((resolve) => {
          release = resolve;
        }),
    };
    const { manager, transam, procArray } = setup({ wal });
    manager.begin(1);
    manager.getXid(1);
    manager.savepoint(1, 's');
    manager.getXid(1);
    manager.savepoint(1, 't');
    manager.getXid(1);
    manager.rollbackToSavepoint(1, 't');
    const done = manager.commit(1);
    expect(manager.state(1)).toBe('committing');
    expect(code(() => manager.getXid(1))).toMatch(/^XX000/);
    await Promise.resolve();
    expect(transam.didCommit(3)).toBe(false);
    expect(procArray.isInProgress(3)).toBe(true);
    manager.begin(2);
    expect(manager.statementSnapshot(2).xip).toEqual([3]);
    release();
    expect(await done).toBe('COMMIT');
    expect(transam.didCommit(3)).toBe(true);
    expect(transam.didCommit(4)).toBe(true);
    expect(transam.didAbort(5)).toBe(true);
    expect(inserted.map((r) => [r.info, r.xid, decodeXactRecord(r.data)])).toEqual([
      [XLOG_XACT_ABORT, 5, { xid: 5, subxids: [] }],
      [XLOG_XACT_COMMIT, 3, { xid: 3, subxids: [4] }],
    ]);
  });

  it('the record format round-trips and redo sets the clog', () => {
    const data = encodeXactRecord(10, [11, 13]);
    expect([...data.slice(0, 8)]).toEqual([10, 0, 0, 0, 2, 0, 0, 0]);
    expect(decodeXactRecord(data)).toEqual({ xid: 10, subxids: [11, 13] });
    expect(code(() => decodeXactRecord(data.slice(0, 9)))).toBe(
      'XX001 xact record of 9 bytes for 2 subtransactions',
    );
    const { transam, xids, clog } = setup();
    clog.setInRecovery(true);
    const rmgr = xactRmgr({ transam, xids });
    expect(rmgr.id).toBe(RM_XACT_ID);
    const rec = (info: number, d: Uint8Array) =>
      ({ info, data: d, xid: 0, rmid: 1, blocks: [], prev: 0n, crc: 0, totalLength: 0 }) as const;
    rmgr.redo(rec(XLOG_XACT_COMMIT, data));
    rmgr.redo(rec(XLOG_XACT_ABORT, encodeXactRecord(12, [])));
    expect(transam.didCommit(13)).toBe(true);
    expect(transam.didAbort(12)).toBe(true);
    expect(xids.nextFullXid).toBe(14n);
    expect(rmgr.describe(rec(XLOG_XACT_COMMIT, data))).toBe('COMMIT 10; subxacts: 11 13');
  });
});

// ---------------------------------------------------------------------------
// Model-based: random sequences of several sessions.

type Op =
  | { kind: 'begin'; s: number; iso: IsolationLevel }
  | { kind: 'write'; s: number }
  | { kind: 'savepoint'; s: number; name: string }
  | { kind: 'release'; s: number; name: string }
  | { kind: 'rollbackTo'; s: number; name: string }
  | { kind: 'fail'; s: number }
  | { kind: 'commit'; s: number }
  | { kind: 'rollback'; s: number };

const session = fc.integer({ min: 1, max: 3 });
const name = fc.constantFrom('a', 'b', 'c');
const opArb: fc.Arbitrary<Op> = fc.oneof(
  {
    weight: 2,
    arbitrary: fc.record({
      kind: fc.constant('begin' as const),
      s: session,
      iso: fc.constantFrom<IsolationLevel>('read committed', 'repeatable read', 'serializable'),
    }),
  },
  { weight: 4, arbitrary: fc.record({ kind: fc.constant('write' as const), s: session }) },
  {
    weight: 3,
    arbitrary: fc.record({ kind: fc.constant('savepoint' as const), s: session, name }),
  },
  { weight: 2, arbitrary: fc.record({ kind: fc.constant('release' as const), s: session, name }) },
  {
    weight: 2,
    arbitrary: fc.record({ kind: fc.constant('rollbackTo' as const), s: session, name }),
  },
  { weight: 1, arbitrary: fc.record({ kind: fc.constant('fail' as const), s: session }) },
  { weight: 2, arbitrary: fc.record({ kind: fc.constant('commit' as const), s: session }) },
  { weight: 1, arbitrary: fc.record({ kind: fc.constant('rollback' as const), s: session }) },
);

/** The reference: a session's frames, each with its own xid and the xids released into it. */
interface Frame {
  name: string | undefined;
  own: number | undefined;
  xids: number[];
  dead: boolean;
}
interface ModelSession {
  state: 'idle' | 'in progress' | 'failed';
  frames: Frame[];
}

class XactModel {
  next: number;
  readonly fate = new Map<number, 'committed' | 'aborted' | 'running'>();
  readonly sessions = new Map<number, ModelSession>();
  constructor(next: number) {
    this.next = next;
  }
  get(s: number): ModelSession {
    let m = this.sessions.get(s);
    if (m === undefined) {
      m = { state: 'idle', frames: [] };
      this.sessions.set(s, m);
    }
    return m;
  }
  private end(fs: Frame[], fate: 'committed' | 'aborted'): void {
    for (const f of fs) {
      if (f.dead && fate === 'committed') continue;
      for (const x of f.xids) this.fate.set(x, fate);
    }
  }
  private find(m: ModelSession, name: string): number {
    for (let i = m.frames.length - 1; i > 0; i--) if (m.frames[i]?.name === name) return i;
    return -1;
  }
  /** applies an op; returns the SQLSTATE it fails with, if any */
  apply(op: Op): string | undefined {
    const m = this.get(op.s);
    const frame = (name: string | undefined): Frame => ({
      name,
      own: undefined,
      xids: [],
      dead: false,
    });
    switch (op.kind) {
      case 'begin':
        if (op.iso === 'serializable') return '0A000';
        if (m.state === 'failed') return '25P02';
        if (m.state === 'idle') m.frames = [frame(undefined)];
        m.state = 'in progress';
        return undefined;
      case 'write': {
        if (m.state === 'idle') return 'XX000';
        if (m.state === 'failed') return '25P02';
        for (const f of m.frames) {
          if (f.own === undefined) {
            f.own = this.next;
            this.next = transactionIdAdvance(this.next);
            f.xids.push(f.own);
            this.fate.set(f.own, 'running');
          }
        }
        return undefined;
      }
      case 'savepoint':
        if (m.state === 'idle') return '25P01';
        if (m.state === 'failed') return '25P02';
        m.frames.push(frame(op.name));
        return undefined;
      case 'release': {
        if (m.state === 'idle') return '25P01';
        if (m.state === 'failed') return '25P02';
        const at = this.find(m, op.name);
        if (at < 0) return '3B001';
        const gone = m.frames.splice(at);
        const parent = m.frames.at(-1) as Frame;
        for (const f of gone) parent.xids.push(...f.xids);
        return undefined;
      }
      case 'rollbackTo': {
        if (m.state === 'idle') return '25P01';
        const at = this.find(m, op.name);
        if (at < 0) return '3B001';
        this.end(m.frames.splice(at), 'aborted');
        m.frames.push(frame(op.name));
        m.state = 'in progress';
        return undefined;
      }
      case 'fail':
        if (m.state !== 'in progress') return undefined;
        if (m.frames.length === 1) this.end(m.frames, 'aborted');
        else this.end([m.frames.at(-1) as Frame], 'aborted');
        (m.frames.at(-1) as Frame).dead = true;
        m.state = 'failed';
        return undefined;
      case 'commit':
      case 'rollback':
        if (m.state === 'idle') return undefined;
        this.end(
          m.frames,
          m.state === 'in progress' && op.kind === 'commit' ? 'committed' : 'aborted',
        );
        m.state = 'idle';
        m.frames = [];
        return undefined;
    }
  }
}

describe('model-based: random transactions and savepoints of three sessions', () => {
  for (const start of [3n, 32766n, 0xffff_fffdn]) {
    it(`matches the reference model (xids from ${start})`, async () => {
      const stats = { committed: 0, aborted: 0, subCommitted: 0, subAborted: 0 };
      await fc.assert(
        fc.asyncProperty(
          fc.array(opArb, { minLength: 20, maxLength: 80, size: 'max' }),
          async (ops) => {
            const t = setup({ start });
            const model = new XactModel(Number(start));
            const subs = new Set<number>();
            for (const op of ops) {
              const expected = model.apply(op);
              let got: string | undefined;
              try {
                switch (op.kind) {
                  case 'begin':
                    t.manager.begin(op.s, op.iso);
                    break;
                  case 'write': {
                    const x = t.manager.getXid(op.s);
                    if (t.manager.topXidIfAny(op.s) !== x) subs.add(x);
                    break;
                  }
                  case 'savepoint':
                    t.manager.savepoint(op.s, op.name);
                    break;
                  case 'release':
                    t.manager.releaseSavepoint(op.s, op.name);
                    break;
                  case 'rollbackTo':
                    t.manager.rollbackToSavepoint(op.s, op.name);
                    break;
                  case 'fail':
                    t.manager.fail(op.s);
                    break;
                  case 'commit':
                    await t.manager.commit(op.s);
                    break;
                  case 'rollback':
                    t.manager.rollback(op.s);
                    break;
                }
              } catch (e) {
                if (!(e instanceof MvccError)) throw e;
                got = e.code;
              }
              expect(got, JSON.stringify(op)).toBe(expected);
              expect(t.manager.state(op.s)).toBe(model.get(op.s).state);
              for (const [x, fate] of model.fate) {
                const st = t.clog.getStatus(x);
                if (fate === 'committed') expect(st).toBe(TRANSACTION_STATUS_COMMITTED);
                else if (fate === 'aborted') expect(st).toBe(TRANSACTION_STATUS_ABORTED);
                else {
                  expect(st).toBe(TRANSACTION_STATUS_IN_PROGRESS);
                  expect(t.procArray.isInProgress(x, t.subtrans, t.transam)).toBe(true);
                }
                if (fate !== 'running') {
                  expect(t.procArray.isInProgress(x, t.subtrans, t.transam)).toBe(false);
                }
              }
            }
            for (const [x, fate] of model.fate) {
              if (fate === 'committed') stats[subs.has(x) ? 'subCommitted' : 'committed']++;
              if (fate === 'aborted') stats[subs.has(x) ? 'subAborted' : 'aborted']++;
            }
          },
        ),
        { numRuns: RUNS },
      );
      // The generator reaches every fate, for top-level xids and subtransactions.
      expect(stats.committed).toBeGreaterThan(0);
      expect(stats.aborted).toBeGreaterThan(0);
      expect(stats.subCommitted).toBeGreaterThan(0);
      expect(stats.subAborted).toBeGreaterThan(0);
    });
  }
});
