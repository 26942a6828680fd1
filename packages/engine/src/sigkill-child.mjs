// The process the engine's SIGKILL crash test kills. It opens the data
// directory with Database.open (initdb the first time, crash recovery after
// a kill), reports what recovery left — the rows of t by a sequential
// scan, the ledger of committed transactions, the plans of the checking
// queries, and every disagreement between the indexes and the heap — and
// then, in 'run' mode, runs the transactions of sigkill-workload.mjs from
// SESSIONS sessions through SQL until it is killed.
//
// The sessions' statements are interleaved in an order drawn from the
// seed: each turn picks an idle session and starts its next statement,
// and either waits for it or goes on to another session while it runs.
// Lines written (synchronously, so a kill cannot reorder them):
//   begin <n>    before transaction n's BEGIN
//   sent <n>     before its COMMIT is sent
//   commit <n>   after COMMIT returned 'COMMIT': the acknowledgement
// It runs the built package (dist/), as a user's process would.
//
// In some lives it also shuts down cleanly and reopens once, after
// `restartAt` acknowledged commits (printing `restarted`), so that the
// next recovery starts from a shutdown checkpoint taken mid-life (the
// engine has no CHECKPOINT statement and its checkpointer's timeout is
// five minutes; every crash recovery also ends with a checkpoint).
//
// argv: dir, mode ('run' | 'check'), the first transaction number (a
// multiple of SESSIONS), the workload seed, the schedule seed, restartAt
// (-1: no restart).
import { writeSync } from 'node:fs';
import { Database } from '@pg/engine';
import { digest, idOf, plan, SESSIONS, SLOTS } from './sigkill-workload.mjs';

const [dir, mode, firstArg, seedArg, scheduleArg, restartArg] = process.argv.slice(2);
const first = Number(firstArg);
const seed = Number(seedArg);
let restartAt = Number(restartArg ?? -1);
const out = (line) => writeSync(1, `${line}\n`);

let db = await Database.open({ dataDir: dir });
const admin = await db.connect();
const fresh =
  (await admin.query("SELECT count(*) AS c FROM pg_class WHERE relname = 'commits'")).rows[0].c ===
  0n;
if (fresh) {
  await admin.query('CREATE TABLE t (id int PRIMARY KEY, name text, v int NOT NULL)');
  await admin.query('CREATE INDEX t_v ON t (v)');
  await admin.query('CREATE TABLE commits (n int PRIMARY KEY)');
}

// What recovery left.
const key = (r) => JSON.stringify([r.id, digest(r.name), r.v]);
const rows = (await admin.query('SELECT id, name, v FROM t')).rows;
const ledger = (await admin.query('SELECT n FROM commits')).rows.map((r) => r.n);
// the plans of the checking queries below, as they run them (with a parameter)
const plans = {};
for (const [what, sql] of [
  ['seq', 'SELECT id, name, v FROM t'],
  ['id', 'SELECT id, name, v FROM t WHERE id = $1'],
  ['v', 'SELECT id, name, v FROM t WHERE v = $1'],
  ['ledger', 'SELECT n FROM commits WHERE n = $1'],
]) {
  const params = sql.includes('$1') ? [1] : [];
  const explained = await admin.query(`EXPLAIN (COSTS OFF) ${sql}`, params);
  // the scan nodes: `Index Scan using t_pkey on t`, or a bitmap scan's two lines
  plans[what] = explained.rows
    .map((r) => r['QUERY PLAN'].trim().replace(/^->\s+/, ''))
    .filter((l) => /Scan/.test(l))
    .join(' / ');
}
const mismatches = [];
const byId = new Map(rows.map((r) => [r.id, r]));
if (byId.size !== rows.length) mismatches.push('the sequential scan shows an id twice');
const byV = new Map();
for (const r of rows) byV.set(r.v, [...(byV.get(r.v) ?? []), key(r)].sort());
// every row through the primary key, and every v through t_v
for (const r of rows) {
  const got = (await admin.query('SELECT id, name, v FROM t WHERE id = $1', [r.id])).rows.map(key);
  if (JSON.stringify(got) !== JSON.stringify([key(r)])) {
    mismatches.push(`t_pkey at ${r.id}: ${got.join(' ')} (heap: ${key(r)})`);
  }
}
for (const [v, want] of byV) {
  const got = (await admin.query('SELECT id, name, v FROM t WHERE v = $1', [v])).rows
    .map(key)
    .sort();
  if (JSON.stringify(got) !== JSON.stringify(want)) {
    mismatches.push(`t_v at ${v}: ${got.join(' ')} (heap: ${want.join(' ')})`);
  }
}
// ids and ledger entries of the recent transactions that the heap does not show: no index may
const recent = Math.max(0, first - 300);
const inLedger = new Set(ledger);
for (let n = recent; n < first; n++) {
  for (let j = 0; j < SLOTS; j++) {
    const id = idOf(n, j);
    if (byId.has(id)) continue;
    const got = (await admin.query('SELECT id, name, v FROM t WHERE id = $1', [id])).rows;
    if (got.length > 0) mismatches.push(`t_pkey shows ${id}, the heap does not`);
  }
  const got = (await admin.query('SELECT n FROM commits WHERE n = $1', [n])).rows.length;
  if (got !== (inLedger.has(n) ? 1 : 0)) mismatches.push(`commits_pkey at ${n}: ${got} rows`);
}
out(
  `recovered ${JSON.stringify({ rows: rows.map((r) => [r.id, digest(r.name), r.v]), ledger, plans, mismatches })}`,
);
await admin.close();
if (mode === 'check') {
  await db.close();
  process.exit(0);
}

let schedule = Number(scheduleArg) >>> 0 || 1;
const random = () => {
  schedule = (Math.imul(schedule, 1103515245) + 12345) >>> 0;
  return schedule / 0x100000000;
};

function* statements(i, from) {
  for (let n = from + i; ; n += SESSIONS) {
    const { steps, end } = plan(n, seed);
    yield { n, sql: 'BEGIN', params: [] };
    for (const step of steps) yield { n, sql: step.sql, params: step.params ?? [] };
    yield { n, sql: end === 'commit' ? 'COMMIT' : 'ROLLBACK', params: [] };
  }
}

let sessions = [];
let queues = [];
let highest = first - 1;
let acked = 0;
async function connectAll(from) {
  sessions = [];
  for (let i = 0; i < SESSIONS; i++) sessions.push(await db.connect());
  queues = sessions.map((_, i) => statements(i, from));
}
await connectAll(first);

async function run(i, { n, sql, params }) {
  if (sql === 'BEGIN') {
    out(`begin ${n}`);
    highest = Math.max(highest, n);
  }
  if (sql === 'COMMIT') out(`sent ${n}`);
  const result = await sessions[i].query(sql, params);
  if (sql === 'COMMIT') {
    if (result.command !== 'COMMIT') throw new Error(`transaction ${n}: ${result.command}`);
    out(`commit ${n}`);
    acked++;
  }
}

out('ready');
const busy = new Array(SESSIONS).fill(null);
for (;;) {
  if (restartAt >= 0 && acked >= restartAt) {
    // A clean restart in the middle of the life: the statements running
    // finish, `fast` shutdown rolls back the open transactions and writes a
    // shutdown checkpoint, and the sessions go on with new transactions.
    restartAt = -1;
    await Promise.all(busy);
    await db.close();
    db = await Database.open({ dataDir: dir });
    out('restarted');
    await connectAll((Math.floor(highest / SESSIONS) + 1) * SESSIONS);
  }
  const idle = [];
  for (let i = 0; i < SESSIONS; i++) if (busy[i] === null) idle.push(i);
  if (idle.length === 0) {
    await Promise.race(busy);
    continue;
  }
  const i = idle[Math.floor(random() * idle.length)];
  const running = run(i, queues[i].next().value).then(() => {
    busy[i] = null;
  });
  busy[i] = running;
  if (random() < 0.6) await running;
}
