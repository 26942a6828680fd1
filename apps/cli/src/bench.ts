/**
 * `pg-ts bench` (pgbench's built-in scripts) and `pg-ts vacuumdb`.
 *
 * bench -i creates pgbench's four tables at scale s (s branches, 10·s
 * tellers, 100 000·s accounts) with its primary keys; a run drives
 * `clients` connections for `seconds` with the TPC-B-like transaction (or
 * select-only with -S), sent as simple queries with literal values as
 * pgbench -M simple does, and prints pgbench's summary with latency
 * percentiles. A failed transaction (deadlock, serialization failure) is
 * rolled back and counted, not retried.
 */
import type { Io } from './cli.js';
import type { Conn } from './conn.js';
import { progressSteps } from './progress.js';

const ACCOUNTS_PER_SCALE = 100_000;

export async function benchInit(io: Io, conn: Conn, scale: number): Promise<void> {
  io.err('dropping old tables...\n');
  await conn.query(
    'DROP TABLE IF EXISTS pgbench_accounts, pgbench_branches, pgbench_history, pgbench_tellers',
  );
  io.err('creating tables...\n');
  await conn.query(
    'CREATE TABLE pgbench_history (tid int, bid int, aid int, delta int, mtime timestamp, filler char(22));' +
      'CREATE TABLE pgbench_tellers (tid int NOT NULL, bid int, tbalance int, filler char(84));' +
      'CREATE TABLE pgbench_accounts (aid int NOT NULL, bid int, abalance int, filler char(84));' +
      'CREATE TABLE pgbench_branches (bid int NOT NULL, bbalance int, filler char(88))',
  );
  io.err('generating data (client-side)...\n');
  let branches = '';
  for (let b = 1; b <= scale; b++) branches += `${b}\t0\t\\N\n`;
  await conn.copyIn('COPY pgbench_branches FROM STDIN', branches);
  let tellers = '';
  for (let t = 1; t <= 10 * scale; t++)
    tellers += `${t}\t${Math.floor((t - 1) / 10) + 1}\t0\t\\N\n`;
  await conn.copyIn('COPY pgbench_tellers FROM STDIN', tellers);
  const total = ACCOUNTS_PER_SCALE * scale;
  const progress = progressSteps(io, 'accounts', total);
  const batch = 10_000;
  for (let from = 1; from <= total; from += batch) {
    let text = '';
    const to = Math.min(total, from + batch - 1);
    for (let a = from; a <= to; a++) {
      text += `${a}\t${Math.floor((a - 1) / ACCOUNTS_PER_SCALE) + 1}\t0\t\n`;
    }
    await conn.copyIn('COPY pgbench_accounts FROM STDIN', text);
    if (io.tty === true) progress.update(to);
    else if (to % ACCOUNTS_PER_SCALE === 0 || to === total) {
      io.err(`${to} of ${total} tuples (${Math.round((100 * to) / total)}%) done\n`);
    }
  }
  progress.done();
  io.err('vacuuming...\n');
  try {
    await conn.query(
      'VACUUM ANALYZE pgbench_branches, pgbench_tellers, pgbench_accounts, pgbench_history',
    );
  } catch {
    await conn.query('ANALYZE');
  }
  io.err('creating primary keys...\n');
  await conn.query(
    'ALTER TABLE pgbench_branches ADD PRIMARY KEY (bid);' +
      'ALTER TABLE pgbench_tellers ADD PRIMARY KEY (tid);' +
      'ALTER TABLE pgbench_accounts ADD PRIMARY KEY (aid)',
  );
  io.err('done.\n');
}

export interface BenchRunOptions {
  readonly clients: number;
  readonly seconds: number;
  readonly selectOnly: boolean;
}

export interface BenchResult {
  readonly transactions: number;
  readonly failed: number;
  readonly tps: number;
  readonly latencies: readonly number[];
}

const rand = (lo: number, hi: number) => lo + Math.floor(Math.random() * (hi - lo + 1));

/** Percentile p (0..100) of sorted values. */
function percentile(sorted: readonly number[], p: number): number {
  if (sorted.length === 0) return 0;
  const k = Math.min(sorted.length - 1, Math.ceil((p / 100) * sorted.length) - 1);
  return sorted[Math.max(0, k)] ?? 0;
}

export async function benchRun(
  io: Io,
  conns: readonly Conn[],
  o: BenchRunOptions,
): Promise<BenchResult> {
  const [{ rows } = { rows: [] }] = await (conns[0] as Conn).query(
    'SELECT count(*) FROM pgbench_branches',
  );
  const scale = Number(rows[0]?.[0] ?? 0);
  if (!(scale > 0)) throw new Error('pgbench_branches is empty: run bench -i first');
  const naccounts = ACCOUNTS_PER_SCALE * scale;
  const latencies: number[] = [];
  let failed = 0;
  const end = performance.now() + o.seconds * 1000;
  const started = performance.now();
  await Promise.all(
    conns.map(async (conn) => {
      while (performance.now() < end) {
        const aid = rand(1, naccounts);
        const t0 = performance.now();
        try {
          if (o.selectOnly) {
            await conn.query(`SELECT abalance FROM pgbench_accounts WHERE aid = ${aid};`);
          } else {
            const bid = rand(1, scale);
            const tid = rand(1, 10 * scale);
            const delta = rand(-5000, 5000);
            await conn.query('BEGIN;');
            try {
              await conn.query(
                `UPDATE pgbench_accounts SET abalance = abalance + ${delta} WHERE aid = ${aid};`,
              );
              await conn.query(`SELECT abalance FROM pgbench_accounts WHERE aid = ${aid};`);
              await conn.query(
                `UPDATE pgbench_tellers SET tbalance = tbalance + ${delta} WHERE tid = ${tid};`,
              );
              await conn.query(
                `UPDATE pgbench_branches SET bbalance = bbalance + ${delta} WHERE bid = ${bid};`,
              );
              await conn.query(
                `INSERT INTO pgbench_history (tid, bid, aid, delta, mtime) VALUES (${tid}, ${bid}, ${aid}, ${delta}, CURRENT_TIMESTAMP);`,
              );
              await conn.query('END;');
            } catch (e) {
              await conn.query('ROLLBACK;').catch(() => {});
              throw e;
            }
          }
          latencies.push(performance.now() - t0);
        } catch (e) {
          if (typeof (e as { code?: unknown }).code !== 'string') throw e;
          failed++;
        }
      }
    }),
  );
  const elapsed = (performance.now() - started) / 1000;
  const sorted = [...latencies].sort((a, b) => a - b);
  const n = latencies.length;
  const tps = n / elapsed;
  const avg = n === 0 ? 0 : latencies.reduce((s, x) => s + x, 0) / n;
  const ms = (x: number) => x.toFixed(3);
  io.out(
    `transaction type: <builtin: ${o.selectOnly ? 'select only' : 'TPC-B (sort of)'}>\n` +
      `scaling factor: ${scale}\nquery mode: simple\nnumber of clients: ${o.clients}\n` +
      `number of threads: 1\nduration: ${o.seconds} s\n` +
      `number of transactions actually processed: ${n}\n` +
      `number of failed transactions: ${failed} (${((100 * failed) / Math.max(1, n + failed)).toFixed(3)}%)\n` +
      `latency average = ${ms(avg)} ms\n` +
      `latency percentiles: p50 = ${ms(percentile(sorted, 50))} ms, p90 = ${ms(percentile(sorted, 90))} ms, p99 = ${ms(percentile(sorted, 99))} ms, max = ${ms(sorted[n - 1] ?? 0)} ms\n` +
      `tps = ${tps.toFixed(6)} (without initial connection time)\n`,
  );
  return { transactions: n, failed, tps, latencies };
}

/** vacuumdb: VACUUM [(FULL, ANALYZE)] [table], with vacuumdb's messages. */
export async function vacuumdb(
  io: Io,
  conn: Conn,
  database: string,
  o: { analyze: boolean; full: boolean; tables: readonly string[] },
): Promise<void> {
  io.out(`vacuumdb: vacuuming database "${database}"\n`);
  const opts = [o.full ? 'FULL' : '', o.analyze ? 'ANALYZE' : ''].filter((s) => s !== '');
  const head = `VACUUM${opts.length === 0 ? '' : ` (${opts.join(', ')})`}`;
  if (o.tables.length === 0) await conn.query(`${head};`);
  else for (const t of o.tables) await conn.query(`${head} ${t};`);
}
