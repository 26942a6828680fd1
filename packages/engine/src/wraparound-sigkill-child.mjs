// The process the freeze SIGKILL test kills (wraparound-sigkill.test.ts).
// The first life initdb's 3 xids below the 32-bit wrap (so the
// table's xids straddle it) and creates t (id int PRIMARY KEY, v int) with
// 2000 rows; every life then loops: UPDATE a fifth of the rows, INSERT one
// row, VACUUM FREEZE t. Lines written synchronously: `open` once open,
// `i <id>` after an INSERT committed, `v` just before a VACUUM FREEZE
// starts (the parent kills soon after one). It runs dist/. argv: dir.
import { existsSync, writeSync } from 'node:fs';
import { join } from 'node:path';
import { Database } from '@pg/engine';

const [dir] = process.argv.slice(2);
const fresh = !existsSync(join(dir, 'PG_VERSION'));
const db = await Database.open(fresh ? { dataDir: dir, nextXid: 0xffff_fffdn } : { dataDir: dir });
const s = await db.connect();
if (fresh) {
  await s.query('CREATE TABLE t (id int PRIMARY KEY, v int)');
  await s.query('INSERT INTO t SELECT g, 0 FROM generate_series(1, 2000) g');
}
const max = (await s.query('SELECT coalesce(max(id), 0) AS m FROM t')).rows[0].m;
writeSync(1, 'open\n');
for (let i = 1; ; i++) {
  await s.query('UPDATE t SET v = v + 1 WHERE id % 5 = $1', [i % 5]);
  await s.query('INSERT INTO t VALUES ($1, 0)', [max + i]);
  writeSync(1, `i ${max + i}\n`);
  writeSync(1, 'v\n');
  await s.query('VACUUM FREEZE t');
}
