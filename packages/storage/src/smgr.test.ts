/**
 * Storage managers, example by example: the same contract checked on
 * MemorySmgr and FileSmgr (errors with PostgreSQL's SQLSTATEs and texts,
 * holes, segments, truncation, unlink, what sync() counts), then what only
 * one of them has: FileSmgr's files on disk and OS errors, MemorySmgr's
 * crash model, FaultySmgr's failures.
 */

import {
  mkdirSync,
  mkdtempSync,
  readdirSync,
  rmSync,
  statSync,
  symlinkSync,
  writeFileSync,
} from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import {
  BLCKSZ,
  FileSmgr,
  ForkNumber,
  MAX_BLOCK_NUMBER,
  MemorySmgr,
  RELSEG_SIZE,
  type RelFileLocator,
  SECTOR_SIZE,
  type Smgr,
  StorageError,
} from '@pg/storage';
import { checkForkFiles, FaultySmgr } from '@pg/storage/testing';
import { afterAll, describe, expect, it } from 'vitest';

import { errcodeForFileAccess, strerror } from './internal/smgr-file.js';

const REL: RelFileLocator = { spcOid: 1663, dbOid: 5, relNumber: 16384 };
const OTHER: RelFileLocator = { spcOid: 1663, dbOid: 5, relNumber: 16385 };
const SHARED: RelFileLocator = { spcOid: 1664, dbOid: 0, relNumber: 1262 };
const SPACE: RelFileLocator = { spcOid: 16400, dbOid: 5, relNumber: 16401 };
const { main, fsm, vm, init } = ForkNumber;
const S = 4; // blocks per segment in these tests

/** A page whose every byte depends on `seed` (never all zeros). */
function pageOf(seed: number): Uint8Array {
  const p = new Uint8Array(BLCKSZ);
  let x = (seed * 2654435761) | 1;
  for (let i = 0; i < BLCKSZ; i++) {
    x ^= x << 13;
    x ^= x >>> 17;
    x ^= x << 5;
    p[i] = x & 0xff;
  }
  return p;
}

function readBlock(smgr: Smgr, rel: RelFileLocator, fork: ForkNumber, block: number): Uint8Array {
  const into = new Uint8Array(BLCKSZ);
  smgr.read(rel, fork, block, into);
  return into;
}

/** Runs `fn` and checks that it throws a StorageError with this SQLSTATE and message. */
function expectError(fn: () => unknown, code: string, message: string | RegExp): void {
  let caught: unknown;
  try {
    fn();
  } catch (e) {
    caught = e;
  }
  expect(caught).toBeInstanceOf(StorageError);
  const err = caught as StorageError;
  if (typeof message === 'string') expect(err.message).toBe(message);
  else expect(err.message).toMatch(message);
  expect(err.code).toBe(code);
}

const dirs: string[] = [];
afterAll(() => {
  for (const d of dirs.splice(0)) rmSync(d, { recursive: true, force: true });
});
function tempDir(): string {
  const d = mkdtempSync(join(tmpdir(), 'pg-smgr-'));
  dirs.push(d);
  return d;
}

const implementations: [string, () => Smgr][] = [
  ['MemorySmgr', () => new MemorySmgr({ segmentBlocks: S })],
  ['FileSmgr', () => new FileSmgr(tempDir(), { segmentBlocks: S })],
];

describe.each(implementations)('%s', (_name, make) => {
  it('creates empty forks, and refuses to create one twice except in redo', () => {
    const smgr = make();
    expect(smgr.exists(REL, main)).toBe(false);
    smgr.create(REL, main);
    expect(smgr.exists(REL, main)).toBe(true);
    expect(smgr.exists(REL, fsm)).toBe(false);
    expect(smgr.nblocks(REL, main)).toBe(0);
    smgr.extend(REL, main, 0, pageOf(1));
    expectError(
      () => smgr.create(REL, main),
      '58P02',
      'could not create file "base/5/16384": File exists',
    );
    smgr.create(REL, main, true);
    expect(smgr.nblocks(REL, main)).toBe(1);
    expect(readBlock(smgr, REL, main, 0)).toEqual(pageOf(1));
  });

  it('reads back what was written, and holes as zeros', () => {
    const smgr = make();
    smgr.create(REL, main);
    smgr.extend(REL, main, 0, pageOf(1));
    smgr.extend(REL, main, 6, pageOf(2)); // blocks 1..5 are a hole, across a segment boundary
    expect(smgr.nblocks(REL, main)).toBe(7);
    for (let b = 1; b <= 5; b++)
      expect(readBlock(smgr, REL, main, b)).toEqual(new Uint8Array(BLCKSZ));
    smgr.write(REL, main, 3, pageOf(3));
    expect(readBlock(smgr, REL, main, 0)).toEqual(pageOf(1));
    expect(readBlock(smgr, REL, main, 3)).toEqual(pageOf(3));
    expect(readBlock(smgr, REL, main, 6)).toEqual(pageOf(2));
    // The caller's buffer is copied on the way in.
    const page = pageOf(4);
    smgr.write(REL, main, 0, page);
    page.fill(9);
    expect(readBlock(smgr, REL, main, 0)).toEqual(pageOf(4));
  });

  it('XX001 for a read or write past the end, naming the segment file for reads', () => {
    const smgr = make();
    smgr.create(REL, main);
    smgr.extend(REL, main, 0, pageOf(1));
    smgr.extend(REL, main, 1, pageOf(2));
    expectError(
      () => readBlock(smgr, REL, main, 2),
      'XX001',
      'could not read block 2 in file "base/5/16384": read only 0 of 8192 bytes',
    );
    expectError(
      () => readBlock(smgr, REL, main, 7),
      'XX001',
      'could not read block 7 in file "base/5/16384.1": read only 0 of 8192 bytes',
    );
    expectError(
      () => smgr.write(REL, main, 2, pageOf(3)),
      'XX001',
      `could not write block 2 in file "base/5/16384": it's only 2 blocks now`,
    );
  });

  it('extends only at or past the end, and never to InvalidBlockNumber', () => {
    const smgr = make();
    smgr.create(REL, vm);
    smgr.extend(REL, vm, 2, pageOf(1));
    expectError(
      () => smgr.extend(REL, vm, 1, pageOf(2)),
      'XX000',
      'could not extend file "base/5/16384_vm" at block 1: it already has 3 blocks',
    );
    expectError(
      () => smgr.extend(REL, vm, 0xffffffff, pageOf(2)),
      '54000',
      'cannot extend file "base/5/16384_vm" beyond 4294967295 blocks',
    );
    expect(smgr.nblocks(REL, vm)).toBe(3);
  });

  it('58P01 for every call on a fork that does not exist', () => {
    const smgr = make();
    smgr.create(REL, main);
    const msg = 'could not open file "base/5/16384_fsm": No such file or directory';
    expectError(() => smgr.nblocks(REL, fsm), '58P01', msg);
    expectError(() => readBlock(smgr, REL, fsm, 0), '58P01', msg);
    expectError(() => smgr.write(REL, fsm, 0, pageOf(1)), '58P01', msg);
    expectError(() => smgr.extend(REL, fsm, 0, pageOf(1)), '58P01', msg);
    expectError(() => smgr.truncate(REL, fsm, 0), '58P01', msg);
    expectError(() => smgr.immedsync(REL, fsm), '58P01', msg);
    expectError(
      () => smgr.nblocks(SHARED, main),
      '58P01',
      'could not open file "global/1262": No such file or directory',
    );
    expectError(
      () => smgr.nblocks(SPACE, init),
      '58P01',
      'could not open file "pg_tblspc/16400/PG_15_202209061/5/16401_init": No such file or directory',
    );
  });

  it('truncates durably and never grows; what was cut reads back as zeros when regrown', () => {
    const smgr = make();
    smgr.create(REL, main);
    for (let b = 0; b < 10; b++) smgr.extend(REL, main, b, pageOf(b + 1));
    expectError(
      () => smgr.truncate(REL, main, 11),
      'XX000',
      `could not truncate file "base/5/16384" to 11 blocks: it's only 10 blocks now`,
    );
    smgr.truncate(REL, main, 10);
    smgr.truncate(REL, main, 5);
    expect(smgr.nblocks(REL, main)).toBe(5);
    expect(readBlock(smgr, REL, main, 4)).toEqual(pageOf(5));
    expectError(
      () => readBlock(smgr, REL, main, 5),
      'XX001',
      'could not read block 5 in file "base/5/16384.1": read only 0 of 8192 bytes',
    );
    smgr.extend(REL, main, 9, pageOf(99));
    expect(smgr.nblocks(REL, main)).toBe(10);
    for (let b = 5; b < 9; b++)
      expect(readBlock(smgr, REL, main, b)).toEqual(new Uint8Array(BLCKSZ));
    smgr.truncate(REL, main, 4);
    smgr.truncate(REL, main, 0);
    expect(smgr.nblocks(REL, main)).toBe(0);
  });

  it('unlinks one fork or all, and a missing fork is no error', () => {
    const smgr = make();
    for (const f of [main, fsm, vm]) {
      smgr.create(REL, f);
      smgr.extend(REL, f, 5, pageOf(f));
    }
    smgr.unlink(REL, fsm);
    expect(smgr.exists(REL, fsm)).toBe(false);
    expect(smgr.exists(REL, main)).toBe(true);
    smgr.unlink(REL, fsm);
    smgr.unlink(REL);
    for (const f of [main, fsm, vm, init]) expect(smgr.exists(REL, f)).toBe(false);
    expect(smgr.sync()).toBe(0);
    // The relation file number can be used again, from nothing.
    smgr.create(REL, main);
    expect(smgr.nblocks(REL, main)).toBe(0);
  });

  it('sync() syncs each segment file written since the last sync, once; immedsync() one fork', () => {
    const smgr = make();
    smgr.create(REL, main);
    smgr.create(OTHER, main);
    expect(smgr.sync()).toBe(0); // creating is durable already
    smgr.extend(REL, main, 0, pageOf(1));
    smgr.write(REL, main, 0, pageOf(2));
    smgr.extend(REL, main, 9, pageOf(3)); // pads segments 0 and 1, writes 2
    smgr.extend(OTHER, main, 0, pageOf(4));
    expect(smgr.sync()).toBe(4);
    expect(smgr.sync()).toBe(0);
    smgr.write(REL, main, 1, pageOf(5));
    smgr.write(OTHER, main, 0, pageOf(6));
    smgr.immedsync(REL, main);
    expect(smgr.sync()).toBe(1);
    smgr.write(REL, main, 9, pageOf(7));
    smgr.truncate(REL, main, 1); // segment 2 becomes inactive but was written: still synced
    expect(smgr.sync()).toBe(1);
  });

  it('rejects malformed arguments with XX000 before touching anything', () => {
    const smgr = make();
    smgr.create(REL, main);
    smgr.extend(REL, main, 0, pageOf(1));
    for (const block of [-1, 1.5, Number.NaN, 0xffffffff + 1, 0xfffffffe + 1]) {
      expectError(() => readBlock(smgr, REL, main, block), 'XX000', /^invalid block number/);
    }
    expectError(
      () => smgr.write(REL, main, 0, new Uint8Array(100)),
      'XX000',
      'invalid page buffer: expected 8192 bytes, got 100 bytes',
    );
    expectError(
      () => smgr.read(REL, main, 0, new Uint8Array(8193)),
      'XX000',
      'invalid page buffer: expected 8192 bytes, got 8193 bytes',
    );
    expectError(() => smgr.nblocks(REL, 4 as ForkNumber), 'XX000', 'invalid fork number 4');
    expectError(
      () => smgr.exists({ spcOid: 1663, dbOid: -5, relNumber: 1 }, main),
      'XX000',
      'invalid relation file locator 1663/-5/1',
    );
    expectError(
      () => smgr.create({ spcOid: 1663, dbOid: 5, relNumber: 0.5 }, main),
      'XX000',
      'invalid relation file locator 1663/5/0.5',
    );
    expectError(() => smgr.truncate(REL, main, -1), 'XX000', 'invalid number of blocks -1');
    expect(readBlock(smgr, REL, main, 0)).toEqual(pageOf(1));
  });

  it('works for shared catalogs and other tablespaces too', () => {
    const smgr = make();
    for (const rel of [SHARED, SPACE]) {
      smgr.create(rel, main);
      smgr.extend(rel, main, 4, pageOf(rel.relNumber));
      expect(readBlock(smgr, rel, main, 4)).toEqual(pageOf(rel.relNumber));
    }
    expectError(
      () => readBlock(smgr, SHARED, main, 5),
      'XX001',
      'could not read block 5 in file "global/1262.1": read only 0 of 8192 bytes',
    );
  });
});

describe('FileSmgr on disk', () => {
  it('syncAll fsyncs every relation file, also those another process wrote (SyncDataDirectory)', () => {
    const dir = tempDir();
    const before = new FileSmgr(dir, { segmentBlocks: S });
    const page = new Uint8Array(BLCKSZ).fill(3);
    const a = { spcOid: 1663, dbOid: 5, relNumber: 16384 };
    const g = { spcOid: 1664, dbOid: 0, relNumber: 1262 };
    for (const rel of [a, g]) {
      before.create(rel, ForkNumber.main);
      for (let b = 0; b < S + 1; b++) before.extend(rel, ForkNumber.main, b, page);
    }
    before.create(a, ForkNumber.fsm);
    before.close();
    // A new process knows nothing of the old one's writes; syncAll finds them all.
    const after = new FileSmgr(dir, { segmentBlocks: S });
    expect(after.sync()).toBe(0);
    expect(after.syncAll()).toBe(5); // two segments each of two forks, and the empty fsm fork
  });

  const sizesOf = (dir: string, prefix: string) =>
    Object.fromEntries(
      readdirSync(dir)
        .filter((n) => n === prefix || n.startsWith(`${prefix}.`) || n.startsWith(`${prefix}_`))
        .sort()
        .map((n) => [n, statSync(join(dir, n)).size / BLCKSZ]),
    );

  it('lays out forks and segments as PostgreSQL does, padding segments when extending past them', () => {
    const dataDir = tempDir();
    const smgr = new FileSmgr(dataDir, { segmentBlocks: S });
    smgr.create(REL, main);
    smgr.create(REL, fsm);
    smgr.create(REL, vm);
    smgr.create(REL, init);
    smgr.extend(REL, main, 0, pageOf(1));
    smgr.extend(REL, main, 1, pageOf(2));
    smgr.extend(REL, main, 10, pageOf(3));
    smgr.extend(REL, fsm, 2, pageOf(4));
    expect(sizesOf(join(dataDir, 'base/5'), '16384')).toEqual({
      '16384': 4,
      '16384.1': 4,
      '16384.2': 3,
      '16384_fsm': 3,
      '16384_init': 0,
      '16384_vm': 0,
    });
    for (const f of [main, fsm, vm, init]) expect(checkForkFiles(dataDir, REL, f, S)).toEqual([]);
    smgr.close();
    const again = new FileSmgr(dataDir, { segmentBlocks: S });
    expect(again.nblocks(REL, main)).toBe(11);
    expect(readBlock(again, REL, main, 1)).toEqual(pageOf(2));
    expect(readBlock(again, REL, main, 7)).toEqual(new Uint8Array(BLCKSZ));
    expect(readBlock(again, REL, main, 10)).toEqual(pageOf(3));
    again.close();
  });

  it('uses 1 GiB segments by default (sparse when extended past)', () => {
    const dataDir = tempDir();
    const smgr = new FileSmgr(dataDir);
    smgr.create(REL, main);
    smgr.extend(REL, main, RELSEG_SIZE + 1, pageOf(1));
    expect(statSync(join(dataDir, 'base/5/16384')).size).toBe(1024 ** 3);
    expect(statSync(join(dataDir, 'base/5/16384.1')).size).toBe(2 * BLCKSZ);
    expect(smgr.nblocks(REL, main)).toBe(RELSEG_SIZE + 2);
    expect(readBlock(smgr, REL, main, RELSEG_SIZE + 1)).toEqual(pageOf(1));
    expect(smgr.dirtyFiles()).toEqual(['base/5/16384', 'base/5/16384.1']);
    smgr.unlink(REL, main);
    smgr.close();
  });

  it('truncate leaves later segments inactive at length 0, as mdtruncate does; unlink removes them', () => {
    const dataDir = tempDir();
    const smgr = new FileSmgr(dataDir, { segmentBlocks: S });
    smgr.create(REL, main);
    for (let b = 0; b < 14; b++) smgr.extend(REL, main, b, pageOf(b));
    smgr.truncate(REL, main, 4);
    expect(sizesOf(join(dataDir, 'base/5'), '16384')).toEqual({
      '16384': 4,
      '16384.1': 0,
      '16384.2': 0,
      '16384.3': 0,
    });
    expect(checkForkFiles(dataDir, REL, main, S)).toEqual([]);
    expect(new FileSmgr(dataDir, { segmentBlocks: S }).nblocks(REL, main)).toBe(4);
    smgr.extend(REL, main, 5, pageOf(50)); // reuses the inactive segment .1
    expect(sizesOf(join(dataDir, 'base/5'), '16384')['16384.1']).toBe(2);
    smgr.unlink(REL);
    expect(readdirSync(join(dataDir, 'base/5'))).toEqual([]);
  });

  it('creates base/<db>, global and tablespace directories as needed', () => {
    const dataDir = tempDir();
    const smgr = new FileSmgr(dataDir);
    smgr.create(REL, main);
    smgr.create(SHARED, main);
    smgr.create(SPACE, vm);
    expect(statSync(join(dataDir, 'base/5/16384')).size).toBe(0);
    expect(statSync(join(dataDir, 'global/1262')).isFile()).toBe(true);
    expect(statSync(join(dataDir, 'pg_tblspc/16400/PG_15_202209061/5/16401_vm')).isFile()).toBe(
      true,
    );
    expect(statSync(join(dataDir, 'base/5/16384')).mode & 0o777).toBe(0o600);
    smgr.close();
  });

  it('measures what it finds: a short segment is the last, a partial block is not counted', () => {
    const dataDir = tempDir();
    mkdirSync(join(dataDir, 'base/5'), { recursive: true });
    writeFileSync(join(dataDir, 'base/5/16384'), new Uint8Array(S * BLCKSZ).fill(1));
    writeFileSync(join(dataDir, 'base/5/16384.1'), new Uint8Array(BLCKSZ + 4096).fill(2));
    writeFileSync(join(dataDir, 'base/5/16384.3'), new Uint8Array(BLCKSZ).fill(3)); // past a gap
    const smgr = new FileSmgr(dataDir, { segmentBlocks: S });
    expect(smgr.nblocks(REL, main)).toBe(5);
    expect(readBlock(smgr, REL, main, 4)).toEqual(new Uint8Array(BLCKSZ).fill(2));
    expectError(
      () => readBlock(smgr, REL, main, 5),
      'XX001',
      'could not read block 5 in file "base/5/16384.1": read only 4096 of 8192 bytes',
    );
    expect(checkForkFiles(dataDir, REL, main, S)).toEqual([
      'F5: segment 2 is missing but 3 exists',
      'F4: "base/5/16384.1" is 12288 bytes, not whole blocks',
    ]);
    writeFileSync(join(dataDir, 'base/5/16385'), new Uint8Array((S + 1) * BLCKSZ));
    expectError(() => smgr.nblocks(OTHER, main), 'XX001', /^segment too big/);
    smgr.close();
  });

  it('reports OS errors with errcode_for_file_access() and strerror()', () => {
    const dataDir = tempDir();
    const smgr = new FileSmgr(dataDir);
    // A directory where a segment should be: EISDIR.
    mkdirSync(join(dataDir, 'base/5/16384'), { recursive: true });
    expectError(
      () => smgr.extend(REL, main, 0, pageOf(1)),
      '42809',
      'could not open file "base/5/16384": Is a directory',
    );
    // A file that cannot take more data: ENOSPC.
    symlinkSync('/dev/full', join(dataDir, 'base/5/16385'));
    expectError(
      () => smgr.extend(OTHER, main, 0, pageOf(1)),
      '53100',
      'could not extend file "base/5/16385": No space left on device',
    );
    // A file where a directory should be: ENOTDIR on the way, EEXIST at the end.
    const other = tempDir();
    writeFileSync(join(other, 'base'), 'not a directory');
    writeFileSync(join(other, 'global'), 'not a directory');
    const smgr2 = new FileSmgr(other);
    expectError(
      () => smgr2.create(REL, main),
      '42809',
      'could not create directory "base/5": Not a directory',
    );
    expectError(
      () => smgr2.create(SHARED, main),
      '58P02',
      'could not create directory "global": File exists',
    );
    expectError(
      () => smgr2.exists(REL, main),
      '42809',
      'could not open file "base/5/16384": Not a directory',
    );
    smgr.close();
  });

  it('maps errno as errcode_for_file_access() does, and words it as glibc strerror() does', () => {
    const cases: [string, string, string][] = [
      ['EIO', '58030', 'Input/output error'],
      ['ENOENT', '58P01', 'No such file or directory'],
      ['EEXIST', '58P02', 'File exists'],
      ['EACCES', '42501', 'Permission denied'],
      ['EROFS', '42501', 'Read-only file system'],
      ['ENOSPC', '53100', 'No space left on device'],
      ['EMFILE', '53000', 'Too many open files'],
      ['EISDIR', '42809', 'Is a directory'],
      ['EINVAL', 'XX000', 'Invalid argument'],
    ];
    for (const [code, sqlstate, text] of cases) {
      expect(errcodeForFileAccess(code)).toBe(sqlstate);
      expect(strerror(Object.assign(new Error(code), { code }))).toBe(text);
    }
    // Others take libuv's text, capitalized as strerror()'s are.
    const timedOut = Object.assign(new Error('x'), { code: 'ETIMEDOUT', errno: -110 });
    expect(strerror(timedOut)).toBe('Connection timed out');
  });

  it('keeps at most maxOpenFiles descriptors, and syncs files it had to close', () => {
    const dataDir = tempDir();
    const smgr = new FileSmgr(dataDir, { segmentBlocks: S, maxOpenFiles: 2 });
    const rels = [1, 2, 3, 4, 5].map((n) => ({ spcOid: 1663, dbOid: 5, relNumber: 20000 + n }));
    for (const rel of rels) {
      smgr.create(rel, main);
      smgr.extend(rel, main, 5, pageOf(rel.relNumber));
      expect(smgr.openFiles()).toBeLessThanOrEqual(2);
    }
    expect(smgr.dirtyFiles()).toHaveLength(10);
    expect(smgr.sync()).toBe(10);
    expect(smgr.openFiles()).toBeLessThanOrEqual(2);
    for (const rel of rels) expect(readBlock(smgr, rel, main, 5)).toEqual(pageOf(rel.relNumber));
    smgr.close();
    expect(smgr.openFiles()).toBe(0);
  });

  it('forgets pending syncs of files it unlinks', () => {
    const smgr = new FileSmgr(tempDir(), { segmentBlocks: S });
    smgr.create(REL, main);
    smgr.create(OTHER, main);
    smgr.extend(REL, main, 6, pageOf(1));
    smgr.extend(OTHER, main, 0, pageOf(2));
    expect(smgr.dirtyFiles()).toEqual(['base/5/16384', 'base/5/16384.1', 'base/5/16385']);
    smgr.unlink(REL);
    expect(smgr.dirtyFiles()).toEqual(['base/5/16385']);
    expect(smgr.sync()).toBe(1);
    smgr.close();
  });

  it('is usable again after close(), with its pending syncs kept', () => {
    const smgr = new FileSmgr(tempDir(), { segmentBlocks: S });
    smgr.create(REL, main);
    smgr.extend(REL, main, 0, pageOf(1));
    smgr.close();
    expect(smgr.sync()).toBe(1);
    expect(readBlock(smgr, REL, main, 0)).toEqual(pageOf(1));
    smgr.close();
  });
});

describe('MemorySmgr crashes', () => {
  const zeros = new Uint8Array(BLCKSZ);

  it('loses what was not synced, keeps what was', () => {
    const m = new MemorySmgr();
    m.create(REL, main);
    m.extend(REL, main, 0, pageOf(1));
    m.sync();
    m.write(REL, main, 0, pageOf(2));
    m.extend(REL, main, 1, pageOf(3));
    expect(m.unsyncedWrites()).toBe(2);
    expect(m.durableBlock(REL, main, 0)).toEqual(pageOf(1));
    expect(m.durableNblocks(REL, main)).toBe(1);
    m.crash();
    expect(m.nblocks(REL, main)).toBe(1);
    expect(readBlock(m, REL, main, 0)).toEqual(pageOf(1));
    expect(m.unsyncedWrites()).toBe(0);
    expect(m.sync()).toBe(0);
  });

  it('tears a block write at sector boundaries', () => {
    const m = new MemorySmgr();
    m.create(REL, main);
    m.extend(REL, main, 0, pageOf(1));
    m.immedsync(REL, main);
    m.write(REL, main, 0, pageOf(2));
    const seen: string[] = [];
    m.crash({
      survives: (path, block, sector) => {
        seen.push(`${path}:${block}:${sector}`);
        return sector % 2 === 0;
      },
    });
    expect(seen).toHaveLength(16);
    expect(seen[0]).toBe('base/5/16384:0:0');
    const got = readBlock(m, REL, main, 0);
    for (let s = 0; s < 16; s++) {
      const from = s % 2 === 0 ? pageOf(2) : pageOf(1);
      const range = [s * SECTOR_SIZE, (s + 1) * SECTOR_SIZE] as const;
      expect(got.subarray(...range)).toEqual(from.subarray(...range));
    }
  });

  it('grows a fork to cover a surviving sector, with zeros in between', () => {
    const m = new MemorySmgr();
    m.create(REL, fsm);
    m.extend(REL, fsm, 0, pageOf(1));
    m.sync();
    m.extend(REL, fsm, 2, pageOf(2));
    m.extend(REL, fsm, 5, pageOf(3));
    m.crash({ survives: (_p, block, sector) => block === 5 && sector === 15 });
    expect(m.nblocks(REL, fsm)).toBe(6);
    for (const b of [1, 2, 3, 4]) expect(readBlock(m, REL, fsm, b)).toEqual(zeros);
    const last = readBlock(m, REL, fsm, 5);
    expect(last.subarray(0, 15 * SECTOR_SIZE)).toEqual(zeros.subarray(0, 15 * SECTOR_SIZE));
    expect(last.subarray(15 * SECTOR_SIZE)).toEqual(pageOf(3).subarray(15 * SECTOR_SIZE));
  });

  it('applies surviving sectors of several writes of one block in write order', () => {
    const m = new MemorySmgr();
    m.create(REL, main);
    m.extend(REL, main, 0, pageOf(1));
    m.write(REL, main, 0, pageOf(2));
    m.write(REL, main, 0, pageOf(3));
    let call = 0;
    // The first write keeps sectors 0-1, the second 1, the third none.
    m.crash({
      survives: (_p, _b, sector) => {
        const write = Math.floor(call++ / 16);
        return (write === 0 && sector <= 1) || (write === 1 && sector === 1);
      },
    });
    const got = readBlock(m, REL, main, 0);
    expect(got.subarray(0, 512)).toEqual(pageOf(1).subarray(0, 512));
    expect(got.subarray(512, 1024)).toEqual(pageOf(2).subarray(512, 1024));
    expect(got.subarray(1024)).toEqual(zeros.subarray(1024));
  });

  it('create, truncate and unlink are durable at once', () => {
    const m = new MemorySmgr();
    m.create(REL, main);
    m.create(OTHER, main);
    for (let b = 0; b < 6; b++) m.extend(REL, main, b, pageOf(b + 1));
    m.extend(OTHER, main, 0, pageOf(9));
    m.sync();
    m.truncate(REL, main, 2);
    m.unlink(OTHER);
    m.create(REL, vm);
    m.write(REL, main, 1, pageOf(7));
    m.crash({ survives: () => true });
    expect(m.exists(OTHER, main)).toBe(false);
    expect(m.exists(REL, vm)).toBe(true);
    expect(m.nblocks(REL, vm)).toBe(0);
    expect(m.nblocks(REL, main)).toBe(2);
    expect(readBlock(m, REL, main, 1)).toEqual(pageOf(7));
  });

  it('a truncated block never comes back, even if a write of it was torn', () => {
    const m = new MemorySmgr();
    m.create(REL, main);
    m.extend(REL, main, 0, pageOf(1));
    m.extend(REL, main, 1, pageOf(2));
    m.truncate(REL, main, 1);
    m.crash({ survives: () => true });
    expect(m.nblocks(REL, main)).toBe(1);
    expect(readBlock(m, REL, main, 0)).toEqual(pageOf(1));
  });

  it('holds a fork of the largest length there is, 2^32 - 1 blocks', () => {
    const m = new MemorySmgr();
    m.create(REL, main);
    m.extend(REL, main, MAX_BLOCK_NUMBER, pageOf(1));
    expect(m.nblocks(REL, main)).toBe(0xffffffff);
    expect(readBlock(m, REL, main, MAX_BLOCK_NUMBER)).toEqual(pageOf(1));
    expect(readBlock(m, REL, main, 12345)).toEqual(zeros);
    expectError(
      () => m.extend(REL, main, MAX_BLOCK_NUMBER + 1, pageOf(2)),
      '54000',
      'cannot extend file "base/5/16384" beyond 4294967295 blocks',
    );
  });

  it('counts reads, writes, extends and syncs', () => {
    const m = new MemorySmgr();
    m.create(REL, main);
    m.extend(REL, main, 0, pageOf(1));
    m.extend(REL, main, 1, pageOf(1));
    m.write(REL, main, 0, pageOf(2));
    readBlock(m, REL, main, 0);
    expect(() => readBlock(m, REL, main, 5)).toThrow(StorageError);
    m.sync();
    m.immedsync(REL, main);
    m.truncate(REL, main, 1);
    expect(m.stats).toEqual({
      reads: 1,
      writes: 1,
      extends: 2,
      syncs: 1,
      immedsyncs: 1,
      filesSynced: 1,
      truncates: 1,
    });
    m.resetStats();
    expect(m.stats.reads).toBe(0);
  });

  it('clone() is independent of the original', () => {
    const m = new MemorySmgr();
    m.create(REL, main);
    m.extend(REL, main, 0, pageOf(1));
    const c = m.clone();
    c.crash();
    expect(c.nblocks(REL, main)).toBe(0);
    expect(m.nblocks(REL, main)).toBe(1);
    m.sync();
    expect(c.dirtyFiles()).toEqual([]);
    expect(m.forks()).toEqual([{ rel: REL, fork: main }]);
    const d = m.clone();
    d.write(REL, main, 0, pageOf(2));
    expect(readBlock(m, REL, main, 0)).toEqual(pageOf(1));
  });
});

describe('FaultySmgr', () => {
  it('counts calls and fails reads, writes, extends and syncs on demand', () => {
    const mem = new MemorySmgr({ segmentBlocks: S });
    const smgr = new FaultySmgr(mem, { segmentBlocks: S });
    smgr.create(REL, main);
    smgr.extend(REL, main, 0, pageOf(1));
    smgr.failExtend = true;
    expectError(
      () => smgr.extend(REL, main, 5, pageOf(2)),
      '53100',
      'could not extend file "base/5/16384.1": No space left on device',
    );
    smgr.failExtend = false;
    smgr.failWrite = true;
    expectError(
      () => smgr.write(REL, main, 0, pageOf(2)),
      '58030',
      'could not write block 0 in file "base/5/16384": Input/output error',
    );
    smgr.failWrite = false;
    smgr.failRead = true;
    expectError(
      () => readBlock(smgr, REL, main, 0),
      '58030',
      'could not read block 0 in file "base/5/16384": Input/output error',
    );
    smgr.failRead = false;
    smgr.failImmedsync = true;
    expectError(
      () => smgr.immedsync(REL, main),
      '58030',
      'could not fsync file "base/5/16384": Input/output error',
    );
    smgr.failImmedsync = false;
    smgr.failSync = true;
    expectError(
      () => smgr.sync(),
      '58030',
      'could not fsync file "base/5/16384": Input/output error',
    );
    // Nothing failed reached the inner smgr.
    expect(mem.nblocks(REL, main)).toBe(1);
    expect(readBlock(mem, REL, main, 0)).toEqual(pageOf(1));
    expect(mem.unsyncedWrites()).toBe(1);
    smgr.failSync = false;
    expect(smgr.sync()).toBe(1);
    expect(smgr.calls).toMatchObject({
      create: 1,
      extend: 2,
      write: 1,
      read: 1,
      immedsync: 1,
      sync: 2,
    });
    smgr.resetCalls();
    expect(smgr.calls.extend).toBe(0);
  });

  it('failWhen picks single calls; a failed sync followed by a crash loses the writes (PANIC path)', () => {
    const mem = new MemorySmgr();
    const smgr = new FaultySmgr(mem);
    smgr.create(REL, main);
    for (let b = 0; b < 3; b++) smgr.extend(REL, main, b, pageOf(b));
    smgr.sync();
    let writes = 0;
    smgr.failWhen = (call) => call.op === 'write' && ++writes === 3;
    smgr.write(REL, main, 0, pageOf(10));
    smgr.write(REL, main, 1, pageOf(11));
    expect(() => smgr.write(REL, main, 2, pageOf(12))).toThrow(StorageError);
    smgr.failWhen = (call) => call.op === 'sync';
    expect(() => smgr.sync()).toThrow(/could not fsync file "base\/5\/16384"/);
    mem.crash();
    expect(readBlock(mem, REL, main, 0)).toEqual(pageOf(0));
    expect(readBlock(mem, REL, main, 1)).toEqual(pageOf(1));
    expect(smgr.calls.write).toBe(3);
    // With nothing written through it, a failing sync names the data directory.
    const idle = new FaultySmgr(new MemorySmgr());
    idle.failSync = true;
    expectError(() => idle.sync(), '58030', 'could not fsync file ".": Input/output error');
  });
});

describe('MemorySmgr({ volatile: true })', () => {
  it('stores blocks without a crash model', () => {
    const smgr = new MemorySmgr({ volatile: true });
    const rel: RelFileLocator = { spcOid: 1663, dbOid: 5, relNumber: 16384 };
    smgr.create(rel, ForkNumber.main);
    const page = new Uint8Array(BLCKSZ).fill(7);
    smgr.extend(rel, ForkNumber.main, 0, page);
    smgr.sync();
    const into = new Uint8Array(BLCKSZ);
    smgr.read(rel, ForkNumber.main, 0, into);
    expect(into).toEqual(page);
    expect(() => smgr.crash()).toThrow(/no crash model/);
  });
});
