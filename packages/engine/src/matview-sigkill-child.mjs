// The process the materialized-view SIGKILL test kills. It opens the data
// directory (initdb the first time, crash recovery after a kill), creates
// the table t (a int primary key) and the materialized view mv (SELECT a
// FROM t, with a unique index) if missing, then until it is killed inserts
// the next row of t (autocommit) and, every few rows, refreshes mv inside a
// transaction — plainly or CONCURRENTLY. Lines written synchronously (so a
// kill cannot reorder them): `i <a>` after the INSERT of a committed,
// `b <a>` before a refresh that will see rows 1..a starts, `c <a>` after
// its COMMIT returned. It runs dist/, as a user's process would. argv: dir.
import { writeSync } from 'node:fs';
import { Database } from '@pg/engine';

const [dir] = process.argv.slice(2);
const db = await Database.open({ dataDir: dir });
const s = await db.connect();
await s.query('CREATE TABLE IF NOT EXISTS t (a int PRIMARY KEY)');
await s.query('CREATE MATERIALIZED VIEW IF NOT EXISTS mv AS SELECT a FROM t');
await s.query('CREATE UNIQUE INDEX IF NOT EXISTS mv_a ON mv (a)');
const max = await s.query('SELECT coalesce(max(a), 0) AS m FROM t');
let a = Number(max.rows[0].m);
writeSync(1, 'open\n');
for (let i = 0; ; i++) {
  a++;
  await s.query(`INSERT INTO t VALUES (${a})`);
  writeSync(1, `i ${a}\n`);
  if (i % 3 === 2) {
    await s.query('BEGIN');
    writeSync(1, `b ${a}\n`);
    await s.query(`REFRESH MATERIALIZED VIEW ${i % 2 === 0 ? 'CONCURRENTLY ' : ''}mv`);
    await s.query('COMMIT');
    writeSync(1, `c ${a}\n`);
  }
}
