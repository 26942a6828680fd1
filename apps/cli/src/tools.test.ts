import { existsSync } from 'node:fs';
import { mkdtemp, readFile, rm, writeFile } from 'node:fs/promises';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { Readable } from 'node:stream';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { run } from './cli.js';
import { splitDump } from './dump.js';
import { infomaskFlags } from './inspect.js';

async function cli(argv: string[], stdin = '') {
  const out: string[] = [];
  const err: string[] = [];
  const code = await run(
    argv,
    { out: (t) => out.push(t), err: (t) => err.push(t) },
    Readable.from([stdin]),
  );
  return { code, out: out.join(''), err: err.join('') };
}

let dir: string;
let data: string;

beforeAll(async () => {
  dir = await mkdtemp(join(tmpdir(), 'pg-cli-tools-'));
  data = join(dir, 'data');
});

afterAll(async () => {
  await rm(dir, { recursive: true, force: true });
});

describe('initdb, sql, controldata, waldump, inspect (embedded)', () => {
  it('initdb creates a data directory and refuses a non-empty one', async () => {
    const r = await cli(['initdb', data]);
    expect(r.code).toBe(0);
    expect(r.out).toContain('Success. You can now start the database server using');
    expect(existsSync(join(data, 'PG_VERSION'))).toBe(true);
    const again = await cli(['initdb', data]);
    expect(again.code).toBe(1);
    expect(again.err).toContain('exists but is not empty');
  });

  it('sql -c and -f run SQL embedded and print as psql does', async () => {
    const script = join(dir, 'setup.sql');
    await writeFile(
      script,
      "CREATE TABLE t (id int PRIMARY KEY, name text);\nINSERT INTO t VALUES (1, 'a'), (22, NULL);\nSELECT nosuch;\n",
    );
    const f = await cli(['sql', '-D', data, '-f', script]);
    expect(f.code).toBe(0);
    expect(f.out).toBe('CREATE TABLE\nINSERT 0 2\n');
    expect(f.err).toContain('ERROR:  column "nosuch" does not exist');
    const c = await cli(['sql', '-D', data, '-c', 'SELECT id, name FROM t ORDER BY id']);
    expect(c.code).toBe(0);
    expect(c.out).toBe(' id | name \n----+------\n  1 | a\n 22 |\n(2 rows)\n\n');
    const bad = await cli(['sql', '-D', data, '-c', 'SELECT 1/0']);
    expect(bad.code).toBe(1);
    expect(bad.err).toContain('ERROR:  division by zero');
    const stop = await cli(['sql', '-D', data, '--stop-on-error', '-f', script]);
    expect(stop.code).toBe(3);
  });

  it('sql without -D or -h is a usage error; --help works for every command', async () => {
    expect((await cli(['sql', '-c', 'SELECT 1'])).code).toBe(2);
    const refused = await cli(['sql', '-h', '127.0.0.1', '-p', '1', '-c', 'SELECT 1']);
    expect(refused).toMatchObject({
      code: 2,
      err: 'pg-ts: error: connection to server at "127.0.0.1", port 1 failed: Connection refused\n',
    });
    for (const c of [
      'initdb',
      'start',
      'stop',
      'restart',
      'status',
      'sql',
      'controldata',
      'waldump',
      'dump',
      'restore',
      'vacuumdb',
      'bench',
    ]) {
      const h = await cli([c, '--help']);
      expect(h.code, c).toBe(0);
      expect(h.out, c).toContain(`Usage: pg-ts ${c}`);
    }
    expect((await cli(['inspect', 'tuples', '--help'])).code).toBe(0);
    expect((await cli(['stop', '-D', data, '-m', 'gentle'])).code).toBe(2);
  });

  it("controldata prints pg_controldata's labels", async () => {
    const r = await cli(['controldata', data]);
    expect(r.code).toBe(0);
    expect(r.out).toMatch(/^Database cluster state: {15}shut down$/m);
    expect(r.out).toMatch(/^Latest checkpoint location: {11}0\/[0-9A-F]+$/m);
    expect(r.out).toMatch(/^Latest checkpoint's REDO WAL file: {4}0{7}1[0-9A-F]{16}$/m);
    expect(r.out).toMatch(/^Database block size: {18}8192$/m);
    expect((await cli(['controldata', join(dir, 'nowhere')])).code).toBe(1);
  });

  it("waldump prints one line per record in pg_waldump's layout", async () => {
    const r = await cli(['waldump', data]);
    expect(r.code).toBe(0);
    const lines = r.out.trimEnd().split('\n');
    expect(lines.length).toBeGreaterThan(10);
    for (const l of lines) {
      expect(l).toMatch(
        /^rmgr: \S+ +len \(rec\/tot\): +\d+\/ +\d+, tx: +\d+, lsn: [0-9A-F]+\/[0-9A-F]{8}, prev [0-9A-F]+\/[0-9A-F]{8}, desc: /,
      );
    }
    expect(r.out).toMatch(/rmgr: Heap +len.*desc: INSERT.*blkref #0: rel 1663\/5\/\d+ blk 0/);
    expect(r.out).toMatch(/rmgr: Transaction .*desc: COMMIT \d+/);
    const limited = await cli(['waldump', data, '--limit', '3']);
    expect(limited.out.trimEnd().split('\n')).toHaveLength(3);
    const second = lines[1]?.match(/lsn: (\S+),/)?.[1] ?? '';
    const from = await cli(['waldump', data, '--start', second, '-n', '1']);
    expect(from.out).toBe(`${lines[1]}\n`);
  });

  it('inspect tuples decodes heap tuple headers', async () => {
    const q = await cli([
      'sql',
      '-D',
      data,
      '-c',
      "SELECT relfilenode FROM pg_class WHERE relname = 't'",
    ]);
    const rel = `base/5/${q.out.split('\n')[2]?.trim() ?? ''}`;
    expect(rel).toMatch(/^base\/5\/\d+$/);
    const r = await cli(['inspect', 'tuples', join(data, rel), '-b', '0']);
    expect(r.code).toBe(0);
    expect(r.out).toContain('2 line pointers');
    expect(r.out).toMatch(
      / {2}1 \| +\d+ \| NORMAL +\| +\d+ \| +\d+ \| +0 \| +0 \| +\(0,1\) \| +2 \| +24 \| 0x/,
    );
    expect(r.out).toMatch(/HASNULL.* nulls 10/);
    expect(infomaskFlags(0x0902, 0x4002)).toEqual([
      'HASVARWIDTH',
      'XMIN_COMMITTED',
      'XMAX_INVALID',
      'HOT_UPDATED',
    ]);
  });

  it('inspect btree shows the meta page and each page of an index', async () => {
    const q = await cli([
      'sql',
      '-D',
      data,
      '-c',
      "CREATE TABLE big (a int PRIMARY KEY); INSERT INTO big SELECT generate_series(1, 2000); SELECT relfilenode FROM pg_class WHERE relname = 'big_pkey'",
    ]);
    const rel = `base/5/${q.out.split('\n')[4]?.trim() ?? ''}`;
    const r = await cli(['inspect', 'btree', join(data, rel)]);
    expect(r.err).toBe('');
    expect(r.out).toMatch(/^meta: magic 0x53162, version 4, root (\d+), level 1, /m);
    const root = /root (\d+)/.exec(r.out)?.[1];
    expect(r.out).toMatch(new RegExp(`^ +${root} \\| r +\\| +1 \\| +\\d+ \\| +0 \\| .*ROOT$`, 'm'));
    const leaves = r.out.split('\n').filter((l) => / \| l +\| +0 \| /.test(l));
    expect(leaves.length).toBeGreaterThan(3);
    expect(leaves[0]).toMatch(/\| +0 \| +\d+ \| LEAF$/); // the leftmost leaf has no left sibling
    expect((await cli(['inspect', 'btree', join(data, 'PG_VERSION')])).code).toBe(1);
  });

  it('vacuumdb runs VACUUM with its options', async () => {
    const r = await cli(['vacuumdb', '-D', data, '--analyze', '-t', 't']);
    expect(r.err).toBe('');
    expect(r.code).toBe(0);
    expect(r.out).toBe('vacuumdb: vacuuming database "postgres"\n');
  });
});

describe('dump and restore (embedded)', () => {
  it('dumps schema and data that restore into a new data directory gives back', async () => {
    const src = join(dir, 'src');
    const setup = await cli([
      'sql',
      '-D',
      src,
      '-c',
      "CREATE TABLE items (id serial PRIMARY KEY, name text NOT NULL DEFAULT 'x', price numeric(10,2), code int UNIQUE, tags text[], note text);" +
        'CREATE INDEX items_price ON items (price);' +
        'CREATE SEQUENCE counter START 5 INCREMENT 3;' +
        "SELECT nextval('counter');" +
        'CREATE TABLE "Mixed Case" ("select" int, b boolean);' +
        `INSERT INTO items (name, price, code, tags, note) VALUES ('tab\tand\\\\slash', 1.5, 1, '{a,b}', NULL), ('line
break', NULL, 2, NULL, 'é');` +
        'INSERT INTO "Mixed Case" VALUES (1, true), (NULL, NULL);',
    ]);
    expect(setup.err).not.toContain('ERROR');
    const file = join(dir, 'dump.sql');
    const d = await cli(['dump', '-D', src, '-f', file]);
    expect(d.err).not.toContain('error');
    expect(d.code).toBe(0);
    const text = await readFile(file, 'utf8');
    expect(text).toContain('CREATE SEQUENCE public.items_id_seq');
    expect(text).toContain("id integer DEFAULT nextval('items_id_seq'::regclass) NOT NULL");
    expect(text).toContain('COPY public.items (id, name, price, code, tags, note) FROM stdin;\n');
    expect(text).toContain(
      'CREATE TABLE public."Mixed Case" (\n    "select" integer,\n    b boolean\n);',
    );
    expect(text).toContain("SELECT pg_catalog.setval('public.counter', 5, true);");
    expect(text).toContain('ADD CONSTRAINT items_pkey PRIMARY KEY (id);');
    expect(text).toContain('CREATE INDEX items_price ON public.items USING btree (price);');
    expect(splitDump(text).filter((i) => i.copyData !== undefined)).toHaveLength(2);

    const dst = join(dir, 'dst');
    const r = await cli(['restore', '-D', dst, '-f', file]);
    expect(r.err.replace(/^(creating|syncing).*\n/gm, '')).toBe('');
    expect(r.code).toBe(0);
    const q =
      'SELECT * FROM items ORDER BY id; SELECT * FROM "Mixed Case" ORDER BY 1; ' +
      "SELECT nextval('counter'), nextval('items_id_seq'); " +
      "SELECT indexdef FROM pg_indexes WHERE tablename = 'items' ORDER BY 1";
    const a = await cli(['sql', '-D', src, '-c', q]);
    const b = await cli(['sql', '-D', dst, '-c', q]);
    expect(b.out).toBe(a.out);
    expect(a.out).toContain('tab\tand\\\\slash');
  });

  it('restore reports failing statements and exits 1', async () => {
    const file = join(dir, 'bad.sql');
    await writeFile(
      file,
      'CREATE TABLE z (a int);\nCOPY z (a) FROM stdin;\n1\nx\n\\.\nSELECT 1;\n',
    );
    const r = await cli(['restore', '-D', join(dir, 'bad'), '-f', file]);
    expect(r.code).toBe(1);
    expect(r.err).toContain('invalid input syntax for type integer: "x"');
    expect(r.err).toContain('errors ignored on restore: 1');
  });
});
