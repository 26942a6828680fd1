/**
 * Durability of commits, model-based: random transactions of three
 * sessions with savepoints over @pg/storage's openStorage on memory WAL,
 * relation files and pg_xact, with WAL flush turns, checkpoints and
 * crashes. A crash loses every unsynced write of the WAL (tearing the
 * last one at 512-byte sectors), of the relation files and of pg_xact,
 * and kills the old WAL writer. After recovery:
 *
 *   - a transaction whose COMMIT was acknowledged is COMMITTED, with its
 *     released subtransactions; its rolled-back ones are ABORTED;
 *   - a transaction whose COMMIT was waiting for its flush is COMMITTED
 *     exactly when its record is within the recovered WAL, else ABORTED;
 *   - everything else that had an xid (running, rolled back) is ABORTED;
 *   - no xid is handed out again, and no transaction is running.
 */

import {
  MemorySlruStore,
  MvccError,
  TRANSACTION_STATUS_ABORTED,
  TRANSACTION_STATUS_COMMITTED,
  TRANSACTION_STATUS_IN_PROGRESS,
  transactionIdPrecedes,
  type XidStatus,
  xidFromFullTransactionId,
} from '@pg/mvcc';
import { MemoryControlStore, MemorySmgr } from '@pg/storage';
import { MemoryWalStorage, WalPanic } from '@pg/wal';
import fc from 'fast-check';
import { describe, expect, it } from 'vitest';
import { type OpenedTransactions, openTransactions } from './internal/xact-startup.js';

const RUNS = Number(process.env.PG_PROPERTY_RUNS ?? 40);

type Op =
  | { kind: 'begin'; s: number }
  | { kind: 'write'; s: number }
  | { kind: 'savepoint'; s: number; name: string }
  | { kind: 'release'; s: number; name: string }
  | { kind: 'rollbackTo'; s: number; name: string }
  | { kind: 'commit'; s: number }
  | { kind: 'rollback'; s: number }
  | { kind: 'tick' }
  | { kind: 'checkpoint' }
  | { kind: 'crash'; seed: number };

const session = fc.integer({ min: 1, max: 3 });
const name = fc.constantFrom('a', 'b');
const opArb: fc.Arbitrary<Op> = fc.oneof(
  { weight: 3, arbitrary: fc.record({ kind: fc.constant('begin' as const), s: session }) },
  { weight: 4, arbitrary: fc.record({ kind: fc.constant('write' as const), s: session }) },
  {
    weight: 2,
    arbitrary: fc.record({ kind: fc.constant('savepoint' as const), s: session, name }),
  },
  { weight: 1, arbitrary: fc.record({ kind: fc.constant('release' as const), s: session, name }) },
  {
    weight: 1,
    arbitrary: fc.record({ kind: fc.constant('rollbackTo' as const), s: session, name }),
  },
  { weight: 3, arbitrary: fc.record({ kind: fc.constant('commit' as const), s: session }) },
  { weight: 1, arbitrary: fc.record({ kind: fc.constant('rollback' as const), s: session }) },
  { weight: 2, arbitrary: fc.constant({ kind: 'tick' as const }) },
  { weight: 1, arbitrary: fc.constant({ kind: 'checkpoint' as const }) },
  { weight: 1, arbitrary: fc.record({ kind: fc.constant('crash' as const), seed: fc.integer() }) },
);

function rng(seed: number): () => number {
  let s = seed >>> 0 || 1;
  return () => {
    s ^= s << 13;
    s ^= s >>> 17;
    s ^= s << 5;
    return (s >>> 0) / 0x100000000;
  };
}

interface Cluster {
  readonly wal: MemoryWalStorage;
  readonly smgr: MemorySmgr;
  readonly control: MemoryControlStore;
  readonly clogStore: MemorySlruStore;
  t: OpenedTransactions;
  /** every xid handed out, ever */
  readonly assigned: Set<number>;
  /** commits started and not yet settled: the record's end and the tree's xids */
  pending: Map<number, { end: bigint; xids: number[]; acked: boolean }>;
}

function open(c: Omit<Cluster, 't' | 'assigned' | 'pending'>): OpenedTransactions {
  return openTransactions({
    walStorage: c.wal,
    smgr: c.smgr,
    control: c.control,
    clogStore: c.clogStore,
    clogBuffers: 2,
    segmentSize: 64 * 1024,
    walBuffers: 2,
    systemIdentifier: 7n,
  });
}

const seen = {
  crashes: 0,
  ackedAtCrash: 0,
  pendingCommitted: 0,
  pendingLost: 0,
  startupAborts: 0,
  forgotten: 0,
};

async function crash(c: Cluster, seed: number): Promise<void> {
  seen.crashes++;
  const before = new Map<number, XidStatus>();
  for (const x of c.assigned) before.set(x, c.t.clog.getStatus(x));
  const pending = [...c.pending.values()];
  // The machine dies: the old writer can write nothing more.
  Reflect.set(c.t.storage.wal, 'failure', new WalPanic('simulated crash'));
  const r = rng(seed);
  c.smgr.crash({ survives: () => r() < 0.5 });
  c.wal.crash({ tornSectors: (_name, sectors) => Math.floor(r() * (sectors + 1)) });
  c.clogStore.crash();
  await new Promise<void>((resolve) => setImmediate(resolve)); // pending flushes fail now
  c.t = open(c);
  c.pending = new Map();
  const end = c.t.storage.recovery?.endLsn ?? 0n;
  const expected = new Map<number, XidStatus>();
  for (const [x, st] of before) {
    expect(
      st === TRANSACTION_STATUS_COMMITTED ||
        st === TRANSACTION_STATUS_ABORTED ||
        st === TRANSACTION_STATUS_IN_PROGRESS,
    ).toBe(true);
    expected.set(x, st === TRANSACTION_STATUS_COMMITTED ? st : TRANSACTION_STATUS_ABORTED);
  }
  for (const p of pending) {
    if (p.acked) seen.ackedAtCrash++;
    const committed = p.end <= end;
    if (p.acked) expect(committed).toBe(true);
    if (committed) {
      seen.pendingCommitted++;
      for (const x of p.xids) expected.set(x, TRANSACTION_STATUS_COMMITTED);
    } else seen.pendingLost++;
  }
  seen.startupAborts += c.t.abortedAtStartup.length;
  // An xid no WAL record and no checkpoint recorded left no trace: it is
  // handed out again (as in PostgreSQL, where every record naming an xid
  // moves the counter past it in redo).
  const next = xidFromFullTransactionId(c.t.xids.nextFullXid);
  for (const x of [...expected.keys()]) {
    if (!transactionIdPrecedes(x, next)) {
      expect(expected.get(x)).toBe(TRANSACTION_STATUS_ABORTED);
      expected.set(x, TRANSACTION_STATUS_IN_PROGRESS);
      c.assigned.delete(x);
      seen.forgotten++;
    }
  }
  for (const [x, st] of expected) expect(c.t.clog.getStatus(x), `xid ${x}`).toBe(st);
  expect(c.t.procArray.runningXids()).toEqual([]);
}

describe('crash recovery of the commit log', () => {
  it('acknowledged commits survive, unflushed ones and running ones abort', async () => {
    await fc.assert(
      fc.asyncProperty(
        fc.array(opArb, { minLength: 20, maxLength: 80, size: 'max' }),
        async (ops) => {
          const base = {
            wal: new MemoryWalStorage(),
            smgr: new MemorySmgr(),
            control: new MemoryControlStore(),
            clogStore: new MemorySlruStore(),
          };
          const c: Cluster = { ...base, t: open(base), assigned: new Set(), pending: new Map() };
          for (const op of [...ops, { kind: 'crash' as const, seed: 1 }]) {
            const m = c.t.manager;
            if ('s' in op && m.state(op.s) === 'committing') continue;
            try {
              switch (op.kind) {
                case 'begin':
                  m.begin(op.s, 'read committed');
                  break;
                case 'write': {
                  if (m.state(op.s) !== 'in progress') break;
                  m.getXid(op.s);
                  // A fresh xid is never one used before a crash.
                  for (const y of m.liveXids(op.s)) {
                    if (!c.assigned.has(y)) {
                      expect(c.t.clog.getStatus(y)).toBe(TRANSACTION_STATUS_IN_PROGRESS);
                    }
                    c.assigned.add(y);
                  }
                  break;
                }
                case 'savepoint':
                  m.savepoint(op.s, op.name);
                  break;
                case 'release':
                  m.releaseSavepoint(op.s, op.name);
                  break;
                case 'rollbackTo':
                  m.rollbackToSavepoint(op.s, op.name);
                  break;
                case 'rollback':
                  if (m.state(op.s) !== 'committing') m.rollback(op.s);
                  break;
                case 'commit': {
                  if (m.state(op.s) !== 'in progress') break;
                  const xids = m.liveXids(op.s);
                  const t = c.t;
                  const done = m.commit(op.s);
                  if (xids.length === 0) {
                    await done;
                    break;
                  }
                  const p = { end: t.storage.wal.insertLsn, xids, acked: false };
                  c.pending.set(op.s, p);
                  done.then(
                    () => {
                      p.acked = true;
                      // Reported committed: the clog says so already.
                      for (const x of xids) {
                        expect(t.clog.getStatus(x)).toBe(TRANSACTION_STATUS_COMMITTED);
                      }
                    },
                    () => {},
                  );
                  break;
                }
                case 'tick':
                  await new Promise<void>((resolve) => setImmediate(resolve));
                  break;
                case 'checkpoint':
                  c.t.storage.checkpointer.checkpoint();
                  break;
                case 'crash':
                  await crash(c, op.seed);
                  break;
              }
            } catch (e) {
              if (!(e instanceof MvccError)) throw e;
              expect(['3B001', '25P01']).toContain(e.code);
            }
          }
        },
      ),
      { numRuns: RUNS },
    );
    expect(seen.crashes).toBeGreaterThan(RUNS);
    expect(seen.pendingCommitted).toBeGreaterThan(0);
    expect(seen.ackedAtCrash).toBeGreaterThan(0);
    expect(seen.pendingLost).toBeGreaterThan(0);
    expect(seen.startupAborts).toBeGreaterThan(0);
  });
});
