/**
 * Relation file paths and sizes against real PostgreSQL 15 (one server):
 *
 * 1. relpath() of a table's relfilenode in its database names the file
 *    pg_relation_filepath() names, and its _fsm and _vm forks are files there;
 * 2. a shared catalog (pg_database) lives at global/1262;
 * 3. a table in a tablespace lives under pg_tblspc/<oid>/PG_15_202209061/;
 * 4. FileSmgr, pointed at the server's data directory after CHECKPOINT,
 *    counts the blocks pg_relation_size() reports for every fork and reads
 *    block 0 byte for byte as it is in the file. It only reads there.
 */

import { execFileSync } from 'node:child_process';
import { chownSync, mkdirSync } from 'node:fs';
import { dirname, join } from 'node:path';
import { type ReferencePostgres, startReferencePostgres } from '@pg/pg-reference';
import {
  BLCKSZ,
  DEFAULTTABLESPACE_OID,
  FileSmgr,
  ForkNumber,
  GLOBALTABLESPACE_OID,
  type RelFileLocator,
  relpath,
} from '@pg/storage';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';

let pg: ReferencePostgres;

beforeAll(async () => {
  pg = await startReferencePostgres({ extensions: [] });
});

afterAll(async () => {
  await pg?.stop();
});

type RelRow = {
  path: string;
  spc: string;
  db: string;
  node: string;
  main: string;
  fsm: string;
  vm: string;
};

/** Where PostgreSQL keeps a relation, and how big each fork is. */
async function locate(relation: string): Promise<RelRow> {
  const [row] = await pg.query<RelRow>(
    `SELECT pg_relation_filepath($1) AS path,
            (CASE WHEN c.reltablespace = 0 THEN d.dattablespace ELSE c.reltablespace END)::text AS spc,
            (CASE WHEN c.relisshared THEN 0 ELSE d.oid END)::text AS db,
            pg_relation_filenode($1)::text AS node,
            pg_relation_size($1, 'main')::text AS main,
            pg_relation_size($1, 'fsm')::text AS fsm,
            pg_relation_size($1, 'vm')::text AS vm
       FROM pg_class c, pg_database d
      WHERE c.oid = $1::regclass AND d.datname = current_database()`,
    [relation],
  );
  if (!row) throw new Error(`no relation ${relation}`);
  return row;
}

function locator(row: RelRow): RelFileLocator {
  return { spcOid: Number(row.spc), dbOid: Number(row.db), relNumber: Number(row.node) };
}

/** Reads a relation's forks through FileSmgr and compares with PostgreSQL's sizes and bytes. */
async function readWithFileSmgr(row: RelRow): Promise<void> {
  const rel = locator(row);
  const smgr = new FileSmgr(pg.dataDir);
  try {
    for (const [fork, size] of [
      [ForkNumber.main, row.main],
      [ForkNumber.fsm, row.fsm],
      [ForkNumber.vm, row.vm],
    ] as const) {
      const blocks = Number(size) / BLCKSZ;
      expect(smgr.exists(rel, fork)).toBe(blocks > 0);
      if (blocks === 0) continue;
      expect(smgr.nblocks(rel, fork)).toBe(blocks);
      const page = new Uint8Array(BLCKSZ);
      smgr.read(rel, fork, 0, page);
      const file = await pg.readDataFile(relpath(rel, fork));
      expect(Buffer.from(page).equals(Buffer.from(file.subarray(0, BLCKSZ)))).toBe(true);
    }
    expect(smgr.dirtyFiles()).toEqual([]);
  } finally {
    smgr.close();
  }
}

describe('relation files against PostgreSQL 15', () => {
  it('a table: base/<db>/<relfilenode> with _fsm and _vm beside it', async () => {
    await pg.query('CREATE TABLE t (a int, b text)');
    await pg.query("INSERT INTO t SELECT g, repeat('x', 300) FROM generate_series(1, 1000) g");
    await pg.query('VACUUM t');
    await pg.query('CHECKPOINT');
    const row = await locate('t');
    const rel = locator(row);
    expect(rel.spcOid).toBe(DEFAULTTABLESPACE_OID);
    expect(relpath(rel)).toBe(row.path);
    expect(relpath(rel, ForkNumber.fsm)).toBe(`${row.path}_fsm`);
    expect(relpath(rel, ForkNumber.vm)).toBe(`${row.path}_vm`);
    expect(Number(row.main)).toBeGreaterThan(BLCKSZ);
    expect(Number(row.fsm)).toBeGreaterThan(0);
    expect(Number(row.vm)).toBeGreaterThan(0);
    await readWithFileSmgr(row);
  });

  it('a shared catalog: pg_database is global/1262', async () => {
    const row = await locate('pg_database');
    const rel = locator(row);
    expect(row.path).toBe('global/1262');
    expect(rel).toEqual({ spcOid: GLOBALTABLESPACE_OID, dbOid: 0, relNumber: 1262 });
    expect(relpath(rel)).toBe(row.path);
    await readWithFileSmgr(row);
  });

  it('a table in a tablespace: pg_tblspc/<oid>/PG_15_202209061/<db>/<relfilenode>', async () => {
    const location = join(dirname(pg.dataDir), 'space');
    mkdirSync(location, { mode: 0o700 });
    if (process.getuid?.() === 0) {
      const id = (flag: string) =>
        Number(execFileSync('id', [flag, 'postgres'], { encoding: 'utf8' }));
      chownSync(location, id('-u'), id('-g'));
    }
    await pg.query(`CREATE TABLESPACE space LOCATION '${location}'`);
    await pg.query('CREATE TABLE u (a int) TABLESPACE space');
    await pg.query('INSERT INTO u SELECT generate_series(1, 3000)');
    await pg.query('CHECKPOINT');
    const row = await locate('u');
    const rel = locator(row);
    expect(rel.spcOid).not.toBe(DEFAULTTABLESPACE_OID);
    expect(relpath(rel)).toBe(row.path);
    expect(row.path).toMatch(/^pg_tblspc\/\d+\/PG_15_202209061\/\d+\/\d+$/);
    await readWithFileSmgr(row);
    await pg.query('DROP TABLE u');
    await pg.query('DROP TABLESPACE space');
  });
});
