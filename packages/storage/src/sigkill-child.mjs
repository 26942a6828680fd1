// The process the SIGKILL crash test kills: it opens a data directory
// (recovering it after the previous kill), prints what recovery left, then
// commits changes from four concurrent sessions until it is killed.
// It runs the built package (dist/), as a user's process would.
import { writeSync } from 'node:fs';
import { join } from 'node:path';
import { FileControlStore, FileSmgr, ForkNumber, openStorage } from '@pg/storage';
import { DEMO_SLOTS, demoInit, demoReadBlock, demoRmgr, demoSet } from '@pg/storage/testing';
import { FileWalStorage } from '@pg/wal';

const [dir, mode] = process.argv.slice(2);
const REL = { spcOid: 1663, dbOid: 5, relNumber: 16384 };
const BLOCKS = 40;
const out = (line) => writeSync(1, `${line}\n`);

const s = openStorage({
  walStorage: new FileWalStorage(join(dir, 'pg_wal')),
  smgr: new FileSmgr(dir),
  control: new FileControlStore(join(dir, 'global', 'pg_control')),
  rmgrs: [demoRmgr],
  sharedBuffers: 16 * 8192,
  dataChecksums: true,
  segmentSize: 1024 * 1024,
});
const { pool, inserter, wal, checkpointer } = s;
const smgr = pool.smgr;
if (!smgr.exists(REL, ForkNumber.main)) smgr.create(REL, ForkNumber.main);

// What recovery left: every initialised page's counters.
const pages = [];
let count = 0;
const nblocks = smgr.nblocks(REL, ForkNumber.main);
for (let b = 0; b < nblocks; b++) {
  const buffer = pool.readBuffer(REL, ForkNumber.main, b);
  const isNew = pool.page(buffer).isNew();
  pool.release(buffer);
  if (isNew) break;
  pages.push(demoReadBlock(pool, REL, ForkNumber.main, b));
  count++;
}
out(`recovered ${JSON.stringify({ records: s.recovery?.records ?? 0, pages })}`);
if (mode === 'check') {
  s.shutdown();
  process.exit(0);
}

// Change i sets slot i % 8 of block (i * 7) % 40 to i + 1; the next i is one past the largest value seen.
let next = 0;
for (const p of pages) for (const v of p) next = Math.max(next, v);

function change() {
  const i = next++;
  const block = (i * 7) % BLOCKS;
  let buffer;
  if (block >= count) {
    // Blocks are initialised in order; a change to a later block first initialises the ones before it.
    while (count <= block) {
      buffer =
        count < smgr.nblocks(REL, ForkNumber.main)
          ? pool.readBuffer(REL, ForkNumber.main, count)
          : pool.extend(REL, ForkNumber.main);
      pool.lock(buffer, 'exclusive');
      demoInit(inserter, buffer);
      if (count < block) pool.unlockRelease(buffer);
      count++;
    }
  } else {
    buffer = pool.readBuffer(REL, ForkNumber.main, block);
    pool.lock(buffer, 'exclusive');
  }
  const end = demoSet(inserter, [{ buffer, slot: i % DEMO_SLOTS, value: i + 1 }], i + 3);
  pool.unlockRelease(buffer);
  return { i, end };
}

async function session() {
  for (;;) {
    const { i, end } = change();
    await wal.flush(end);
    out(`ack ${i}`);
    if (i % 97 === 0) pool.backgroundWrite(4);
    if (i % 250 === 0) checkpointer.checkpoint();
  }
}
out('ready');
await Promise.all([session(), session(), session(), session()]);
