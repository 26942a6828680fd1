// The process the heap's SIGKILL crash test kills: it opens a data
// directory (recovering it after the previous kill), prints what recovery
// left — the rows a fresh snapshot sees, the heap-only tuples and the
// redirect line pointers (pruned HOT chains) on the pages,
// and the commit log's statuses of the previous life's xids — then runs the
// transactions of sigkill-workload.mjs from four concurrent sessions until
// it is killed. It prints `commit <n>` only after COMMIT returned (its WAL
// flush resolved), and each xid as soon as it is assigned, before any WAL
// record could carry it. It runs the built packages (dist/), as a user's
// process would. The table has a toast relation (a heap and its B-tree on
// (chunk_id, chunk_seq)): its doc column is toasted transparently.
//
// argv: dir, mode ('run' | 'check'), the first transaction number, the
// lowest xid whose status to report (-1: none).
import { writeSync } from 'node:fs';
import { join } from 'node:path';
import { BTree, btreeRmgr } from '@pg/btree';
import { Heap, heapRmgr, isHeapOnly, SessionTable, Toaster, tupleInfomask2 } from '@pg/heap';
import { FileSlruStore, LockManager, openTransactions, xidFromFullTransactionId } from '@pg/mvcc';
import { LP_REDIRECT, Page } from '@pg/page';
import { createFork, FileControlStore, FileSmgr, ForkNumber } from '@pg/storage';
import { builtins } from '@pg/types';
import { FileWalStorage } from '@pg/wal';
import { digest, plan, SESSIONS } from './sigkill-workload.mjs';

const [dir, mode, firstArg, loArg] = process.argv.slice(2);
const REL = { spcOid: 1663, dbOid: 5, relNumber: 16384 };
const TOAST_REL = { spcOid: 1663, dbOid: 5, relNumber: 16385 };
const TOAST_INDEX_REL = { spcOid: 1663, dbOid: 5, relNumber: 16386 };
const out = (line) => writeSync(1, `${line}\n`);

const locks = new LockManager();
const t = openTransactions({
  walStorage: new FileWalStorage(join(dir, 'pg_wal')),
  smgr: new FileSmgr(dir),
  control: new FileControlStore(join(dir, 'global', 'pg_control')),
  clogStore: new FileSlruStore(join(dir, 'pg_xact')),
  rmgrs: [heapRmgr, btreeRmgr],
  locks,
  sharedBuffers: 64 * 8192,
  dataChecksums: true,
  segmentSize: 1024 * 1024,
});
const { storage, manager, transam, procArray, clog } = t;
const { pool, inserter, wal, checkpointer } = storage;
const int4 = builtins.typeByName('int4');
const oid = builtins.typeByName('oid');
const bytea = builtins.typeByName('bytea');
const indexOptions = {
  pool,
  rel: TOAST_INDEX_REL,
  inserter,
  descriptor: {
    name: 'pg_toast_16385_index',
    keys: [
      { name: 'chunk_id', type: oid },
      { name: 'chunk_seq', type: int4 },
    ],
    unique: true,
  },
};
let index;
if (!pool.smgr.exists(REL, ForkNumber.main)) {
  createFork(inserter, REL, ForkNumber.main); // CREATE TABLE commits
  createFork(inserter, TOAST_REL, ForkNumber.main);
  index = BTree.create(indexOptions);
  wal.flushSync();
} else index = new BTree(indexOptions);
const toastHeap = new Heap({ pool, rel: TOAST_REL, types: [oid, int4, bytea], inserter });
const toaster = new Toaster({ heap: toastHeap, index, toastRelId: 16385 });
const heap = new Heap({
  pool,
  rel: REL,
  types: [int4, int4, int4, bytea],
  inserter,
  fillfactor: 70,
  toast: { toaster },
});
const table = new SessionTable({
  heap,
  manager,
  locks,
  transam,
  procArray,
  indexedColumns: new Set([1]),
});

// What recovery left.
table.begin(100, 'read committed');
const rows = table
  .read(100, () => true)
  .map((r) => [r.values[0], r.values[1], r.values[2], digest(r.values[3])]);
await table.commit(100);
let heapOnly = 0;
let redirects = 0;
for (let b = 0; b < heap.nblocks(); b++) {
  const page = Page.wrap(heap.readCopy(b));
  if (page.isNew()) continue;
  const ids = page.itemIds();
  for (let off = 1; off <= ids.length; off++) {
    if (ids[off - 1].flags === LP_REDIRECT) redirects++;
    const item = page.item(off);
    if (item !== undefined && isHeapOnly(tupleInfomask2(item))) heapOnly++;
  }
}
const next = xidFromFullTransactionId(t.xids.nextFullXid);
const lo = Number(loArg);
let statuses = '';
if (lo >= 3) for (let x = lo; x < next; x++) statuses += String(clog.getStatus(x));
out(`recovered ${JSON.stringify({ rows, heapOnly, redirects, next, statuses })}`);
if (mode === 'check') {
  storage.shutdown();
  process.exit(0);
}

const ctx = {
  log: transam,
  isCurrentTransactionId: () => false,
  isInProgress: (x) => procArray.isInProgress(x, transam.subtrans, transam),
  getTopmost: (x) => transam.subtrans.getTopmost(x),
};

async function transaction(n) {
  const { session, steps, end } = plan(n);
  const s = session + 1;
  table.begin(s, 'read committed');
  let top = true;
  let sub = false;
  for (const step of steps) {
    switch (step.op) {
      case 'insert':
        table.insert(s, step.row);
        if (top) out(`x ${n} ${manager.liveXids(s)[0]}`);
        top = false;
        if (sub) {
          out(`s ${n} ${manager.liveXids(s)[1]}`);
          sub = false;
        }
        break;
      case 'update':
        await table.update(s, step.where, step.set);
        break;
      case 'delete':
        await table.delete(s, step.where);
        break;
      case 'savepoint':
        table.savepoint(s, 'sp');
        sub = true;
        break;
      case 'rollbackTo':
        table.rollbackTo(s, 'sp');
        break;
      case 'release':
        manager.releaseSavepoint(s, 'sp');
        break;
    }
  }
  if (end === 'rollback') {
    table.rollback(s);
    return;
  }
  const outcome = await table.commit(s);
  if (outcome !== 'COMMIT') throw new Error(`transaction ${n}: ${outcome}`);
  out(`commit ${n}`);
}

const first = Number(firstArg); // a multiple of SESSIONS
async function session(index) {
  for (let n = first + index; ; n += SESSIONS) {
    await transaction(n);
    if (n % 7 === 0) {
      const { xmin } = procArray.getSnapshotData(undefined, 0);
      for (let b = 0; b < heap.nblocks(); b++) heap.pruneOpt(b, xmin, ctx);
    }
    if (n % 37 === 0) pool.backgroundWrite(4);
    if (n % 101 === 0) checkpointer.checkpoint();
  }
}
out('ready');
await Promise.all(Array.from({ length: SESSIONS }, (_, i) => session(i)));
