/**
 * Test-only: an in-memory cluster (MemorySmgr, buffer pool, no WAL) with
 * bootstrapped catalogs and @pg/mvcc transactions, and sessions that run
 * catalog operations inside them.
 */
import {
  Clog,
  LockManager,
  ManualClock,
  MemorySlruStore,
  ProcArray,
  SubTrans,
  TransactionManager,
  Transam,
  XidGenerator,
} from '@pg/mvcc';
import { BufferPool, MemorySmgr } from '@pg/storage';
import { bootstrapCatalog } from './bootstrap.js';
import { Catalog } from './catalog.js';
import { CatalogCluster } from './cluster.js';
import { POSTGRES_OID } from './consts.js';
import type { CatalogNotice } from './errors.js';
import type { CatalogTxn } from './txn.js';
import { type MvccParts, mvccCatalogTxn } from './txn-mvcc.js';
import type { SettingRow } from './views.js';

export interface HarnessSession {
  readonly id: number;
  readonly catalog: Catalog;
  readonly notices: CatalogNotice[];
  /** BEGIN (when idle), then a statement: beginStatement + `fn`. An error aborts the transaction (as a failed statement in autocommit would). */
  run<T>(fn: (c: Catalog) => T): T;
  commit(): Promise<void>;
  rollback(): void;
  /** SAVEPOINT name (inside a transaction). */
  savepoint(name: string): void;
  /** ROLLBACK TO SAVEPOINT name (the savepoint stays). */
  rollbackTo(name: string): void;
  readonly inTransaction: boolean;
  /** The running transaction's CatalogTxn (after run). */
  readonly txn: CatalogTxn | undefined;
}

/**
 * The bootstrapped catalogs, written once per process (most of a harness's
 * set-up time); each harness starts from a copy, as clusters start from
 * initdb's output.
 */
let bootstrapped: MemorySmgr | undefined;

function bootstrappedCopy(): MemorySmgr {
  if (bootstrapped === undefined) {
    const smgr = new MemorySmgr();
    const pool = new BufferPool({ smgr, sharedBuffers: 512 * 8192 });
    bootstrapCatalog({ pool });
    pool.flushAll();
    smgr.syncAll();
    bootstrapped = smgr;
  }
  return bootstrapped.clone();
}

export function catalogHarness(
  options: { sharedBuffers?: number; settings?: () => Iterable<SettingRow> } = {},
) {
  const clog = new Clog({ store: new MemorySlruStore(), buffers: 4 });
  const transam = new Transam(clog, new SubTrans());
  const xids = new XidGenerator({ nextFullXid: 3n, extend: (x) => clog.extend(x) });
  clog.zeroPage(0);
  const procArray = new ProcArray({ latestCompletedXid: 2 });
  const locks = new LockManager({ clock: new ManualClock(), deadlockTimeoutMs: 1000 });
  const manager = new TransactionManager({ xids, transam, procArray, locks });
  const smgr = bootstrappedCopy();
  const pool = new BufferPool({ smgr, sharedBuffers: (options.sharedBuffers ?? 512) * 8192 });
  const cluster = new CatalogCluster({ pool });
  const parts: MvccParts = { manager, procArray, transam };
  let nextSession = 1;
  const session = (dbOid = POSTGRES_OID): HarnessSession => {
    const id = nextSession++;
    const notices: CatalogNotice[] = [];
    const catalog = new Catalog(cluster, {
      dbOid,
      onNotice: (n) => notices.push(n),
      ...(options.settings ? { settings: options.settings } : {}),
    });
    let inTx = false;
    let txn = undefined as ReturnType<typeof mvccCatalogTxn> | undefined;
    const s: HarnessSession = {
      id,
      catalog,
      notices,
      get inTransaction() {
        return inTx;
      },
      get txn() {
        return inTx ? txn : undefined;
      },
      run(fn) {
        if (!inTx) {
          manager.begin(id, 'read committed');
          inTx = true;
          txn = mvccCatalogTxn(parts, id); // one per transaction: it holds the combo command ids
        }
        catalog.beginStatement(txn as ReturnType<typeof mvccCatalogTxn>);
        try {
          const r = fn(catalog);
          manager.commandCounterIncrement(id);
          return r;
        } catch (e) {
          s.rollback();
          throw e;
        }
      },
      async commit() {
        if (!inTx) return;
        inTx = false;
        const outcome = await manager.commit(id);
        if (outcome === 'COMMIT') cluster.atCommit(id);
        else cluster.atAbort(id);
      },
      savepoint(name) {
        manager.savepoint(id, name);
        cluster.atSubBegin(id);
      },
      rollbackTo(name) {
        manager.rollbackToSavepoint(id, name);
        cluster.atSubAbort(id);
        cluster.atSubBegin(id);
      },
      rollback() {
        if (!inTx) return;
        inTx = false;
        manager.rollback(id);
        cluster.atAbort(id);
      },
    };
    return s;
  };
  return { cluster, pool, smgr, manager, procArray, transam, parts, session };
}
