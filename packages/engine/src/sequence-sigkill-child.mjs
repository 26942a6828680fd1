// The process the sequence SIGKILL test kills. It opens the data directory
// (initdb the first time, crash recovery after a kill), creates the
// sequence s and the table t (id bigserial) if missing, and then takes
// values until it is killed, alternating `SELECT nextval('s')` with
// `INSERT INTO t DEFAULT VALUES RETURNING id` and, now and then, a
// nextval inside a rolled-back transaction. Lines written synchronously
// (so a kill cannot reorder them): `s <v>` / `t <v>` after a committed
// statement returned v; `r <v>` for a value from a rolled-back
// transaction; `open` once the database is open. It runs dist/, as a
// user's process would. argv: dir.
import { writeSync } from 'node:fs';
import { Database } from '@pg/engine';

const [dir] = process.argv.slice(2);
const db = await Database.open({ dataDir: dir });
const s = await db.connect();
await s.query('CREATE SEQUENCE IF NOT EXISTS s');
await s.query('CREATE TABLE IF NOT EXISTS t (id bigserial PRIMARY KEY)');
writeSync(1, 'open\n');
for (let i = 0; ; i++) {
  if (i % 7 === 6) {
    await s.query('BEGIN');
    const r = await s.query("SELECT nextval('s') AS v");
    writeSync(1, `r ${r.rows[0].v}\n`);
    await s.query('ROLLBACK');
  } else if (i % 2 === 0) {
    const r = await s.query("SELECT nextval('s') AS v");
    writeSync(1, `s ${r.rows[0].v}\n`);
  } else {
    const r = await s.query('INSERT INTO t DEFAULT VALUES RETURNING id');
    writeSync(1, `t ${r.rows[0].id}\n`);
  }
}
