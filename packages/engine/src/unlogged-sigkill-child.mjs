// The process the unlogged-table SIGKILL test kills (issue 9, H). It opens
// the data directory (initdb the first time), creates a logged table l and
// unlogged tables u (primary key, an index on v, a TOASTed column) and w
// (truncated after its first rows, so its files are a second relfilenode),
// fills them, takes a CHECKPOINT (so the unlogged pages reach their files),
// adds more rows, prints `ready` and waits to be killed. It runs dist/, as a
// user's process would. argv: dir.
import { writeSync } from 'node:fs';
import { Database } from '@pg/engine';

const [dir] = process.argv.slice(2);
const db = await Database.open({ dataDir: dir });
const s = await db.connect();
await s.query('CREATE TABLE l (id int PRIMARY KEY, v int, t text)');
await s.query('CREATE UNLOGGED TABLE u (id int PRIMARY KEY, v int, t text)');
await s.query('CREATE INDEX u_v ON u (v)');
await s.query('CREATE UNLOGGED TABLE w (id int PRIMARY KEY)');
await s.query('INSERT INTO w SELECT g FROM generate_series(1, 50) g');
await s.query('TRUNCATE w');
const fill = async (from, to) => {
  for (const t of ['l', 'u']) {
    await s.query(
      `INSERT INTO ${t} SELECT g, g % 17, repeat(md5(g::text), CASE WHEN g % 50 = 0 THEN 300 ELSE 1 END) FROM generate_series(${from}, ${to}) g`,
    );
  }
  await s.query(`INSERT INTO w SELECT g FROM generate_series(${from}, ${to}) g`);
};
await fill(1, 500);
await s.query('CHECKPOINT');
await fill(501, 1000);
writeSync(1, 'ready\n');
setInterval(() => {}, 1000);
