import { mkdtemp, rm, writeFile } from 'node:fs/promises';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { Readable } from 'node:stream';
import { BLCKSZ, Page } from '@pg/page';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { run } from './cli.js';

async function cli(...argv: string[]) {
  const out: string[] = [];
  const err: string[] = [];
  const code = await run(argv, { out: (t) => out.push(t), err: (t) => err.push(t) });
  return { code, out: out.join(''), err: err.join('') };
}

let dir: string;
let file: string;

beforeAll(async () => {
  dir = await mkdtemp(join(tmpdir(), 'pg-cli-'));
  file = join(dir, '16384');
  const a = Page.create();
  a.addItem(new TextEncoder().encode('hello, page'));
  a.setChecksum(0);
  const b = Page.create();
  b.addItem(new Uint8Array(100).fill(7));
  b.setChecksum(1);
  const c = Page.create();
  c.setChecksum(2);
  c.bytes[5000] = 1; // damaged after checksumming
  const data = new Uint8Array(4 * BLCKSZ); // block 3 stays all zeros
  data.set(a.bytes, 0);
  data.set(b.bytes, BLCKSZ);
  data.set(c.bytes, 2 * BLCKSZ);
  await writeFile(file, data);
});

afterAll(async () => {
  await rm(dir, { recursive: true, force: true });
});

describe('pg-ts', () => {
  it('demo draws the page at every step', async () => {
    const { code, out } = await cli('demo');
    expect(code).toBe(0);
    expect(out.match(/^ {2}\[H/gm)?.length).toBe(4);
    expect(out).toContain('REDIRECT');
    expect(out).toMatch(/verifies: yes/);
  });

  it('inspect page draws a block and verifies its checksum', async () => {
    const { code, out } = await cli('inspect', 'page', file, '--block', '1', '--checksums');
    expect(code).toBe(0);
    expect(out).toContain('block 1, checksum verified');
    expect(out).toContain('lower 28, upper 8088, special 8192');
  });

  it('inspect page --summary lists every block, naming the bad one', async () => {
    const { code, out } = await cli('inspect', 'page', file, '--summary', '--checksums');
    expect(code).toBe(0);
    expect(out).toContain('4 blocks');
    expect(out).toMatch(
      / {4}2 {2}INVALID: page verification failed, calculated checksum \d+ but expected \d+/,
    );
    expect(out).toMatch(/ {4}3 {2}new \(all zeros\)/);
  });

  it('reports a corrupted block with its SQLSTATE and exit code 1', async () => {
    const { code, err } = await cli('inspect', 'page', file, '--block', '2', '--checksums');
    expect(code).toBe(1);
    expect(err).toMatch(
      /^pg-ts: error: page verification failed.*\(block 2\) \(SQLSTATE XX001\)\n$/,
    );
  });

  it('says what is wrong with bad arguments', async () => {
    expect((await cli('inspect', 'page', file, '--block', '9')).err).toContain('past the end');
    expect((await cli('nonsense')).code).not.toBe(0);
  });
});

describe('pg-ts shell', () => {
  it('runs SQL on a data directory, keeps it across runs, and prints as psql does', async () => {
    const data = join(dir, 'data');
    const shell = async (...lines: string[]) => {
      const out: string[] = [];
      const err: string[] = [];
      const code = await run(
        ['shell', data],
        { out: (t) => out.push(t), err: (t) => err.push(t) },
        Readable.from(lines.map((l) => `${l}\n`)),
      );
      return { code, out: out.join(''), err: err.join('') };
    };
    const first = await shell(
      'CREATE TABLE t (id int PRIMARY KEY,',
      '  name text);',
      "INSERT INTO t VALUES (1, 'a'), (22, NULL);",
      "INSERT INTO t VALUES (1, 'dup');",
      '\\q',
    );
    expect(first.code).toBe(0);
    expect(first.err).toContain('creating directory');
    expect(first.out).toBe(
      'CREATE TABLE\nINSERT 0 2\n' +
        'ERROR:  duplicate key value violates unique constraint "t_pkey"\n' +
        'DETAIL:  Key (id)=(1) already exists.\n',
    );
    const second = await shell(
      "SELECT id, name FROM t WHERE id > 0 ORDER BY id; SELECT 'x;y' AS s;",
    );
    expect(second.out).toBe(
      ' id | name \n----+------\n  1 | a\n 22 |\n(2 rows)\n\n' + '  s  \n-----\n x;y\n(1 row)\n\n',
    );
  });
});
