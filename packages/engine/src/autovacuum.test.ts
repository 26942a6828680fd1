/**
 * Autovacuum (issue 11, autovacuum.ts): relation_needs_vacanalyze's
 * arithmetic, the storage parameters' validation, the launcher driven by
 * its timer (autovacuum_naptime = 1s) and by Database.autovacuumNow(),
 * autovacuum_enabled = false honoured, the anti-wraparound vacuum forced
 * with autovacuum = off, pg_stat_user_tables' last_autovacuum /
 * autovacuum_count, and the bloat test: pgbench-style single-row UPDATE
 * transactions keep the table and its indexes within a bound with
 * autovacuum on, grow past it with autovacuum off, and VACUUM FULL gives
 * the space back to the file system.
 */
import { mkdtempSync, rmSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { Database, type Session } from '@pg/engine';
import fc from 'fast-check';
import { afterAll, describe, expect, it } from 'vitest';
import {
  autovacuumReloptions,
  needsVacAnalyze,
  type VacAnalyzeParams,
} from './internal/autovacuum.js';
import { reloptionValue } from './internal/table-reloptions.js';

const RUNS = Number(process.env.PG_PROPERTY_RUNS ?? 200);
const SLOW = process.env.PG_SLOW_TESTS === '1';

let dirs: string[] = [];
afterAll(() => {
  for (const d of dirs) rmSync(d, { recursive: true, force: true });
  dirs = [];
});

const DEFAULTS: VacAnalyzeParams = {
  enabled: true,
  vacThreshold: 50,
  vacScaleFactor: 0.2,
  insThreshold: 1000,
  insScaleFactor: 0.2,
  anlThreshold: 50,
  anlScaleFactor: 0.1,
  freezeMaxAge: 200_000_000,
};

describe('relation_needs_vacanalyze', () => {
  it('PostgreSQL 15 defaults: 1000 tuples vacuum past 250 dead, analyze past 150 changes', () => {
    const d = (dead: number, ins: number, mod: number) =>
      needsVacAnalyze(DEFAULTS, true, 1000, 0, {
        nDeadTup: dead,
        nInsSinceVacuum: ins,
        nModSinceAnalyze: mod,
      });
    expect(d(250, 0, 0)).toMatchObject({ doVacuum: false, vacThresh: 250, insThresh: 1200 });
    expect(d(251, 0, 0).doVacuum).toBe(true);
    expect(d(0, 1200, 0).doVacuum).toBe(false);
    expect(d(0, 1201, 0).doVacuum).toBe(true);
    expect(d(0, 0, 150)).toMatchObject({ doAnalyze: false, anlThresh: 150 });
    expect(d(0, 0, 151).doAnalyze).toBe(true);
    // reltuples -1 (never vacuumed or analyzed) counts as 0 tuples
    expect(needsVacAnalyze(DEFAULTS, true, -1, 0, undefined).vacThresh).toBe(50);
    // TOAST tables are never analyzed
    expect(
      needsVacAnalyze(
        DEFAULTS,
        true,
        0,
        0,
        { nDeadTup: 0, nInsSinceVacuum: 0, nModSinceAnalyze: 99 },
        true,
      ).doAnalyze,
    ).toBe(false);
  });

  it('matches the formula for any settings and counts (property)', () => {
    const scale = fc.oneof(
      fc.constantFrom(0, 0.01, 0.1, 0.2, 0.5, 1, 100),
      fc.double({ min: 0, max: 100, noNaN: true }),
    );
    const near = fc.oneof(
      { weight: 4, arbitrary: fc.integer({ min: -1, max: 1 }) },
      { weight: 1, arbitrary: fc.integer({ min: -1000, max: 1000 }) },
    );
    const mostlyTrue = fc.oneof({ weight: 4, arbitrary: fc.constant(true) }, fc.constant(false));
    fc.assert(
      fc.property(
        fc.record({
          vacThreshold: fc.integer({ min: 0, max: 10_000 }),
          vacScaleFactor: scale,
          insThreshold: fc.integer({ min: -1, max: 10_000 }),
          insScaleFactor: scale,
          anlThreshold: fc.integer({ min: 0, max: 10_000 }),
          anlScaleFactor: scale,
          freezeMaxAge: fc.integer({ min: 100_000, max: 2_000_000_000 }),
          enabled: mostlyTrue,
        }),
        mostlyTrue,
        fc.integer({ min: -1, max: 1_000_000 }),
        fc.oneof(fc.integer({ min: 0, max: 2_100_000_000 }), fc.integer({ min: -2, max: 2 })),
        fc.tuple(near, near, near),
        (p, on, reltuples, ageOrDelta, [dd, di, dm]) => {
          // the counts (and the age) mostly within 2 of their thresholds
          const n0 = Math.max(0, reltuples);
          const around = (t: number, d: number) => Math.max(0, Math.round(t) + d);
          const age = Math.abs(ageOrDelta) <= 2 ? around(p.freezeMaxAge, ageOrDelta) : ageOrDelta;
          const c = {
            nDeadTup: around(p.vacThreshold + p.vacScaleFactor * n0, dd),
            nInsSinceVacuum: around(p.insThreshold + p.insScaleFactor * n0, di),
            nModSinceAnalyze: around(p.anlThreshold + p.anlScaleFactor * n0, dm),
          };
          const d = needsVacAnalyze(p, on, reltuples, age, c);
          // autovacuum.c, relation_needs_vacanalyze, as the documentation states it
          const n = Math.max(0, reltuples);
          const wrap = age > p.freezeMaxAge;
          const active = on && p.enabled;
          const vac =
            wrap ||
            (active &&
              (c.nDeadTup > p.vacThreshold + p.vacScaleFactor * n ||
                (p.insThreshold >= 0 &&
                  c.nInsSinceVacuum > p.insThreshold + p.insScaleFactor * n)));
          const anl = active && c.nModSinceAnalyze > p.anlThreshold + p.anlScaleFactor * n;
          expect(d.wraparound).toBe(wrap);
          expect(d.doVacuum).toBe(vac);
          expect(d.doAnalyze).toBe(anl);
        },
      ),
      { numRuns: RUNS },
    );
  });
});

describe('autovacuum storage parameters', () => {
  it('validates as PostgreSQL 15 (22023)', () => {
    expect(autovacuumReloptions(['fillfactor=50', 'autovacuum_enabled=false'])).toEqual({
      autovacuum_enabled: false,
    });
    expect(autovacuumReloptions({ elements: ['autovacuum_vacuum_threshold=1.5'] })).toEqual({
      autovacuum_vacuum_threshold: 2,
    });
    const err = (name: string, value: string) => {
      try {
        reloptionValue(name, value);
      } catch (e) {
        const x = e as { code: string; message: string; detail?: string };
        return [x.code, x.message, x.detail];
      }
      return undefined;
    };
    expect(err('autovacuum_enabled', 'maybe')).toEqual([
      '22023',
      'invalid value for boolean option "autovacuum_enabled": maybe',
      undefined,
    ]);
    expect(err('autovacuum_vacuum_threshold', '-5')).toEqual([
      '22023',
      'value -5 out of bounds for option "autovacuum_vacuum_threshold"',
      'Valid values are between "0" and "2147483647".',
    ]);
    expect(err('autovacuum_vacuum_scale_factor', '200')).toEqual([
      '22023',
      'value 200 out of bounds for option "autovacuum_vacuum_scale_factor"',
      'Valid values are between "0.000000" and "100.000000".',
    ]);
    expect(err('autovacuum_vacuum_scale_factor', 'abc')?.[1]).toBe(
      'invalid value for floating point option "autovacuum_vacuum_scale_factor": abc',
    );
    expect(err('autovacuum_foo', '1')?.[1]).toBe('unrecognized parameter "autovacuum_foo"');
  });
});

/**
 * A launcher that logs every run and sleeps 4 x 100 ms at every delay
 * point (each exceeds the cost limit; vacuum_delay_point's cap). Tests
 * share settings: each distinct set bootstraps a cluster in memory.
 */
const SLEEPY = {
  autovacuum: 'on',
  log_autovacuum_min_duration: '0',
  autovacuum_vacuum_cost_limit: '1',
  autovacuum_vacuum_cost_delay: '100ms',
};

async function stat(s: Session, table: string) {
  const r = await s.query<{
    n_dead_tup: bigint;
    autovacuum_count: bigint;
    autoanalyze_count: bigint;
    vacuum_count: bigint;
    last_autovacuum: unknown;
    last_autoanalyze: unknown;
  }>(
    `SELECT n_dead_tup, autovacuum_count, autoanalyze_count, vacuum_count, last_autovacuum, last_autoanalyze
       FROM pg_stat_user_tables WHERE relname = '${table}'`,
  );
  const row = r.rows[0];
  if (row === undefined) throw new Error(`no statistics for ${table}`);
  return {
    dead: Number(row.n_dead_tup),
    autovacuums: Number(row.autovacuum_count),
    autoanalyzes: Number(row.autoanalyze_count),
    vacuums: Number(row.vacuum_count),
    lastAutovacuum: row.last_autovacuum,
    lastAutoanalyze: row.last_autoanalyze,
  };
}

describe('the launcher', () => {
  it('is off in memory by default and runs on its timer when turned on (naptime 1s)', async () => {
    const quiet = await Database.open();
    const q = await quiet.connect();
    expect((await q.query('SHOW autovacuum')).rows).toEqual([{ autovacuum: 'off' }]);
    await quiet.close();

    const db = await Database.open({
      settings: { autovacuum: 'on', autovacuum_naptime: '1s' },
    });
    const s = await db.connect();
    await s.query('CREATE TABLE t (a int PRIMARY KEY, b int)');
    await s.query('INSERT INTO t SELECT g, 0 FROM generate_series(1, 100) g');
    await s.query('VACUUM t'); // reltuples 100: vacthresh 70, anlthresh 60
    await s.query('UPDATE t SET b = 1');
    expect(await stat(s, 't')).toMatchObject({ dead: 100, autovacuums: 0, vacuums: 1 });
    // the client waits (the event loop runs the launcher's timer meanwhile)
    const deadline = Date.now() + 15_000;
    let st = await stat(s, 't');
    while ((st.autovacuums === 0 || st.autoanalyzes === 0) && Date.now() < deadline) {
      await new Promise((r) => setTimeout(r, 100));
      st = await stat(s, 't');
    }
    expect(st).toMatchObject({ dead: 0, autovacuums: 1, autoanalyzes: 1, vacuums: 1 });
    expect(st.lastAutovacuum).not.toBeNull();
    expect(st.lastAutoanalyze).not.toBeNull();
    await s.close();
    await db.close();
  }, 30_000);

  it('honours autovacuum_enabled = false, logs as PostgreSQL, sleeps for its cost', async () => {
    const log: string[] = [];
    const db = await Database.open({
      settings: SLEEPY,
      onLog: (severity, message) => log.push(`${severity}:  ${message}`),
    });
    const s = await db.connect();
    for (const t of ['on_t', 'off_t']) {
      await s.query(`CREATE TABLE ${t} (a int)`);
      await s.query(`INSERT INTO ${t} SELECT g FROM generate_series(1, 100) g`);
      await s.query(`VACUUM ${t}`);
      await s.query(`DELETE FROM ${t}`);
    }
    // CREATE TABLE ... WITH (autovacuum_enabled = false) does not store
    // reloptions in this engine yet: the superuser writes pg_class directly
    await s.query(
      "UPDATE pg_class SET reloptions = '{autovacuum_enabled=false}' WHERE relname = 'off_t'",
    );
    const start = performance.now();
    await db.autovacuumNow('postgres');
    expect(performance.now() - start).toBeGreaterThanOrEqual(390); // one statement, one sleep
    expect(await stat(s, 'on_t')).toMatchObject({ dead: 0, autovacuums: 1 });
    expect(await stat(s, 'off_t')).toMatchObject({ dead: 100, autovacuums: 0 });
    expect(log).toContainEqual(
      expect.stringMatching(
        /^LOG: {2}automatic vacuum of table "postgres\.public\.on_t": index scans: 0\npages: 1 removed, 0 remain/,
      ),
    );
    expect(log).toContain('LOG:  automatic analyze of table "postgres.public.on_t"');
    // closing while a worker sleeps for its cost: the worker ends, then the cluster
    await s.query('DELETE FROM on_t');
    await s.query('INSERT INTO on_t SELECT g FROM generate_series(1, 100) g');
    await s.query('DELETE FROM on_t');
    let settled = false;
    const visit = db.autovacuumNow('postgres').finally(() => {
      settled = true;
    });
    await new Promise((r) => setTimeout(r, 50));
    await s.close();
    await db.close();
    expect(settled).toBe(true); // close() waited for the worker
    await visit;
    expect(db.sessionCount).toBe(0);
  });

  it('forces an anti-wraparound vacuum with autovacuum = off', async () => {
    const dir = mkdtempSync(join(tmpdir(), 'pg-autovac-'));
    dirs.push(dir);
    const settings = { autovacuum: 'off', autovacuum_freeze_max_age: '100000' };
    let db = await Database.open({ dataDir: dir, nextXid: 1000n, settings });
    let s = await db.connect();
    await s.query('CREATE TABLE t (a int)');
    await s.query('INSERT INTO t VALUES (1), (2)');
    await s.close();
    await db.close();
    // 200000 transactions later: age(relfrozenxid) > autovacuum_freeze_max_age
    db = await Database.open({ dataDir: dir, nextXid: 201_000n, settings });
    s = await db.connect();
    const age = async () =>
      Number(
        (
          await s.query<{ a: number }>(
            "SELECT age(relfrozenxid) AS a FROM pg_class WHERE relname = 't'",
          )
        ).rows[0]?.a,
      );
    expect(await age()).toBeGreaterThan(100_000);
    expect((await s.query('SHOW autovacuum')).rows).toEqual([{ autovacuum: 'off' }]);
    // every database is in danger: each visit goes to the oldest one left
    const datAges = async () =>
      (
        await s.query<{ a: number }>('SELECT age(datfrozenxid) AS a FROM pg_database ORDER BY oid')
      ).rows.map((r) => Number(r.a));
    expect((await datAges()).every((a) => a > 100_000)).toBe(true);
    for (let i = 0; i < 3; i++) await db.autovacuumNow();
    expect((await datAges()).every((a) => a < 100_000)).toBe(true);
    expect(await age()).toBeLessThan(100_000);
    expect((await stat(s, 't')).autovacuums).toBe(1);
    expect((await s.query('SELECT count(*)::int AS n FROM t')).rows).toEqual([{ n: 2 }]);
    await s.close();
    await db.close();
  }, 30_000);
});

// autovacuum vs CREATE/DROP DATABASE (issue 11)
describe('CREATE DATABASE and DROP DATABASE end the autovacuum worker there (CountOtherDBBackends)', () => {
  it('the worker vacuum stops at its next delay point and disconnects; the statement goes on', async () => {
    const log: string[] = [];
    // a sleep of 400 ms at every delay point: the vacuum takes seconds (only
    // autovacuumNow visits: the default naptime, 1min, does not come round)
    const db = await Database.open({
      settings: SLEEPY,
      onLog: (severity, message) => log.push(`${severity}:  ${message}`),
    });
    const s = await db.connect();
    const progress = async () =>
      (await s.query<{ phase: string }>('SELECT phase FROM pg_stat_progress_vacuum')).rows;
    await s.query('CREATE DATABASE busy');
    const v = await db.connect({ database: 'busy' });
    await v.query('CREATE TABLE t (a int, pad text)');
    await v.query("INSERT INTO t SELECT g, repeat('x', 200) FROM generate_series(1, 1000) g");
    await v.query('DELETE FROM t');
    await v.close();
    /** A worker visit to `busy`, once its vacuum of t runs (the table's dead rows are left each time). */
    const workerVacuuming = async () => {
      const visit = db.autovacuumNow('busy');
      while ((await progress()).length === 0) await new Promise((r) => setTimeout(r, 5));
      return { visit }; // (not the promise itself: an async function would wait for it)
    };

    const first = (await workerVacuuming()).visit;
    let start = performance.now();
    await s.query('CREATE DATABASE copy1 TEMPLATE busy');
    expect(performance.now() - start).toBeLessThan(1500); // the vacuum alone takes 3 s
    await first;
    expect(await progress()).toEqual([]);
    expect(log).toContain('FATAL:  terminating autovacuum process due to administrator command');
    expect(log).toContain('CONTEXT:  automatic vacuum of table "busy.public.t"');

    const second = (await workerVacuuming()).visit;
    start = performance.now();
    await s.query('DROP DATABASE busy');
    expect(performance.now() - start).toBeLessThan(1500); // the vacuum alone takes 3 s
    await second;
    expect(db.sessionCount).toBe(1);
    expect(log.filter((l) => l.startsWith('FATAL')).length).toBe(2);
    // the copy is usable, and the dropped database gone
    const c = await db.connect({ database: 'copy1' });
    expect((await c.query('SELECT count(*)::int AS n FROM t')).rows).toEqual([{ n: 0 }]);
    await c.close();
    expect(
      (await s.query("SELECT datname FROM pg_database WHERE datname LIKE 'busy%' ORDER BY 1")).rows,
    ).toEqual([]);
    await s.close();
    await db.close();
  });
});

/**
 * pgbench-style: `accounts` of N rows, T single-row UPDATE transactions at
 * random, with the launcher's visits (`autovacuum`) or without (as with
 * autovacuum = off: nothing else vacuums).
 */
async function bloat(
  autovacuum: boolean,
  n: number,
  transactions: number,
): Promise<{ db: Database; s: Session; table: number; indexes: number; loaded: number }> {
  const db = await Database.open({
    // only the visits below (no timer: the sizes do not depend on the machine's speed)
    settings: { autovacuum: 'on', autovacuum_naptime: '1h' },
  });
  const s = await db.connect();
  await s.query(
    'CREATE TABLE accounts (aid int PRIMARY KEY, bid int, abalance int, filler char(84))',
  );
  await s.query('CREATE INDEX accounts_abalance ON accounts (abalance)');
  await s.query(`INSERT INTO accounts SELECT g, 1, 0, '' FROM generate_series(1, ${n}) g`);
  await s.query('VACUUM ANALYZE accounts');
  const l = await sizesOf(s);
  let seed = 42;
  const rnd = () => {
    seed = (seed * 1103515245 + 12345) % 2147483648;
    return seed;
  };
  for (let i = 1; i <= transactions; i++) {
    // with parameters, as pgbench -M extended sends them (a cached plan)
    await s.query('UPDATE accounts SET abalance = abalance + $1 WHERE aid = $2', [
      (rnd() % 10000) - 5000,
      1 + (rnd() % n),
    ]);
    // the launcher's visit to this database every 120 transactions (its
    // naptime, in transactions, so that the sizes do not depend on the
    // machine's speed; the timer itself is tested above)
    if (autovacuum && i % 120 === 0) await db.autovacuumNow('postgres');
  }
  const sizes = await sizesOf(s);
  return { db, s, ...sizes, loaded: l.table + l.indexes };
}

async function sizesOf(s: Session): Promise<{ table: number; indexes: number }> {
  const r = await s.query<{ t: bigint; i: bigint }>(
    "SELECT pg_relation_size('accounts') AS t, pg_indexes_size('accounts') AS i",
  );
  return { table: Number(r.rows[0]?.t), indexes: Number(r.rows[0]?.i) };
}

describe('bloat', () => {
  // by default 1000 transactions on 150 accounts (PG_SLOW_TESTS=1: 50000 on 5000)
  const N = SLOW ? 5000 : 150;
  const T = SLOW ? 50_000 : 1000;
  // the bound: the table and its indexes just after loading them, plus 50%
  let bound = 0;
  const overhead = 1.5;

  it(`${T} updates of ${N} accounts stay within bounds with autovacuum on`, async () => {
    const { db, s, table, indexes, loaded } = await bloat(true, N, T);
    const st = await stat(s, 'accounts');
    bound = Math.round(loaded * overhead);
    console.log(
      `autovacuum on: table ${table} B, indexes ${indexes} B (bound ${bound} B), ${st.autovacuums} autovacuums, ${st.autoanalyzes} autoanalyzes`,
    );
    expect(st.autovacuums).toBeGreaterThan(0);
    expect(table + indexes).toBeLessThanOrEqual(bound);
    await s.close();
    await db.close();
  }, 60_000);

  it('grow past the bound with autovacuum off; VACUUM FULL gives the space back', async () => {
    const { db, s, table, indexes, loaded } = await bloat(false, N, T);
    if (bound === 0) bound = Math.round(loaded * overhead); // run alone (-t)
    const st = await stat(s, 'accounts');
    console.log(`autovacuum off: table ${table} B, indexes ${indexes} B (bound ${bound} B)`);
    expect(st.autovacuums).toBe(0);
    expect(table + indexes).toBeGreaterThan(bound);
    await s.query('VACUUM FULL accounts');
    const after = await sizesOf(s);
    console.log(`after VACUUM FULL: table ${after.table} B, indexes ${after.indexes} B`);
    expect(after.table + after.indexes).toBeLessThan(table + indexes);
    expect(after.table + after.indexes).toBeLessThanOrEqual(bound);
    await s.close();
    await db.close();
  }, 60_000);
});
