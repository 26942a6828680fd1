/**
 * Differential property test against real PostgreSQL 15 (issue 7): random
 * sequences of transactions — BEGIN, a few DDL and DML statements with
 * SAVEPOINT / ROLLBACK TO / RELEASE among them, then COMMIT or ROLLBACK;
 * sometimes statements outside a block — run as the same SQL text on a
 * fresh in-memory engine (`Database.open()`) and on a real server whose
 * tables t1..t3 were dropped first. The statements come from
 * `random-ops.ts`: CREATE TABLE (int, bigint, text, boolean, numeric,
 * numeric(5,2); NOT NULL, DEFAULT, PRIMARY KEY, UNIQUE, two-column table
 * constraints), DROP TABLE [IF EXISTS], CREATE [UNIQUE] INDEX (named or
 * not, one or two columns), DROP INDEX [IF EXISTS], ALTER TABLE ADD COLUMN
 * (DEFAULT, NOT NULL, UNIQUE) / DROP COLUMN / RENAME COLUMN / ALTER COLUMN
 * SET DEFAULT, DROP DEFAULT, SET NOT NULL, DROP NOT NULL, TRUNCATE, INSERT
 * (one to three rows, column lists, DEFAULT, RETURNING), UPDATE ... SET
 * (literals, DEFAULT, n + 1 and the like) WHERE and DELETE ... WHERE (with
 * RETURNING). Some fail on purpose: 23505, 23502, 42703, 42P01, 42P07,
 * 42704, 22012, 22003, 42P16, 2BP01, 3B001, and 25P02 after them.
 *
 * Checked per statement: success or failure; for an error its SQLSTATE,
 * message, detail and hint; otherwise the command word, the row count of
 * INSERT/UPDATE/DELETE, the rows returned (as text, a multiset) and the
 * NOTICEs. Checked after every transaction: the relations of `public`
 * (pg_class), and per table its columns (pg_attribute: name, type, NOT
 * NULL, has a default), its indexes (pg_index: unique, primary, columns),
 * its constraints (pg_constraint) and its rows, every value as text, as a
 * multiset.
 *
 * PostgreSQL runs with enable_bitmapscan = off: an UPDATE's row order is
 * its plan's, and which row fails first shows in the error; PostgreSQL's
 * bitmap scans walk the heap where the engine's index scans walk the key
 * order (a plan difference, not a wrong answer).
 *
 * Values are read as `col::text` (booleans too: text(boolean) gives
 * 'true', as PostgreSQL's cast does; this test found it missing). RETURNING * is
 * not used on tables with a numeric column: the Session API returns a
 * numeric as an object, not as text.
 *
 * Found by this test and fixed since (the generator covers them again):
 * RENAME COLUMN of a missing column's message; DROP COLUMN of a text
 * column leaving the table unreadable; DROP TABLE / TRUNCATE / DROP INDEX
 * / DROP COLUMN undone by ROLLBACK TO still removing the file at COMMIT
 * (the savepoint levels of the catalog's pending deletes; see also
 * savepoint-ddl.test.ts); ADD COLUMN with a DEFAULT on a table with rows;
 * a table-level PRIMARY KEY written after a UNIQUE column (PostgreSQL's
 * transformIndexConstraints makes the primary key's index first); a
 * DEFAULT that overflows its column's typmod (numeric(5,2) DEFAULT
 * 999.999), refused at once instead of when used, also in an UPDATE whose
 * WHERE names a missing column (the analyzer folded the length coercion).
 *
 * Runs: PG_PROP_RUNS (default 25, about 15 s). A failure prints
 * fast-check's seed, path and shrunk program, and the statement log up to
 * the first difference; PG_PROPERTY_SEED=<seed> PG_PROP_PATH=<path>
 * replays it. PG_PROP_VERBOSE=1 prints every expected error.
 */
import { Database, type Session } from '@pg/engine';
import { type ReferencePostgres, startReferencePostgres } from '@pg/pg-reference';
import fc from 'fast-check';
import type { Client } from 'pg';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { cloneModel, emptyModel, type Model, programArb, render, type Txn } from './random-ops.js';

const RUNS = Number(process.env.PG_PROP_RUNS ?? 25);

/** Statements that schedule a relation file's removal at commit (RelationDropStorage). */

/** Outcomes seen (command word or ERROR code), printed at the end so a run shows what it covered. */
const seen = new Map<string, number>();

let pg: ReferencePostgres;
let client: Client;
/** NOTICEs PostgreSQL sent during the current statement. */
let pgNotices: string[] = [];

beforeAll(async () => {
  pg = await startReferencePostgres({ extensions: [] });
  client = await pg.connect();
  // Row order of an UPDATE is the plan's: PostgreSQL would often take a
  // bitmap scan (heap order) where the engine takes an index scan (key
  // order), and which row fails first shows in the error (its detail, or
  // which constraint). Without bitmap scans both walk the index in order.
  await client.query('SET enable_bitmapscan = off');
  client.on('notice', (n) => pgNotices.push(`${n.code ?? '?'} ${n.message}`));
}, 60_000);

afterAll(async () => {
  await client?.end();
  await pg?.stop();
});

/** What one statement did, in a form both sides can be compared in. */
type Outcome =
  | { ok: true; command: string; rowCount: number | null; rows: string[]; notices: string[] }
  | { ok: false; code: string; message: string; detail: string | null; hint: string | null };

const COUNTED = new Set(['INSERT', 'UPDATE', 'DELETE']);

function failed(err: unknown): Outcome {
  const e = err as { code?: string; message: string; detail?: string; hint?: string };
  return {
    ok: false,
    code: e.code ?? '?',
    message: e.message,
    detail: e.detail ?? null,
    hint: e.hint ?? null,
  };
}

async function onPg(sql: string): Promise<Outcome> {
  pgNotices = [];
  try {
    const r = await client.query(sql);
    return {
      ok: true,
      command: r.command,
      rowCount: COUNTED.has(r.command) ? r.rowCount : null,
      rows: rowsAsText(r.rows as Record<string, unknown>[]),
      notices: pgNotices,
    };
  } catch (err) {
    return failed(err);
  }
}

async function onEngine(s: Session, sql: string): Promise<Outcome> {
  try {
    const r = await s.query(sql);
    const command = r.command.split(' ')[0] ?? '';
    return {
      ok: true,
      command,
      rowCount: COUNTED.has(command) ? r.rowCount : null,
      rows: rowsAsText(r.rows as Record<string, unknown>[]),
      notices: r.notices.map((n) => `${n.code} ${n.message}`),
    };
  } catch (err) {
    return failed(err);
  }
}

type Run = (
  sql: string,
) => Promise<{ rows: Record<string, unknown>[]; fields: { name: string; dataTypeID: number }[] }>;

function text(v: unknown): string | null {
  if (v === null || v === undefined) return null;
  if (typeof v === 'boolean') return v ? 't' : 'f';
  return String(v);
}

/** Rows as a sorted list of JSON lines of text values (a multiset). */
function rowsAsText(rows: Record<string, unknown>[]): string[] {
  return rows.map((r) => JSON.stringify(Object.values(r).map(text))).sort();
}

/**
 * The state of `public` as plain data: tables, indexes and columns from
 * the catalogs, and each table's rows as sorted JSON lines of text values.
 */
async function snapshot(run: Run): Promise<unknown> {
  const rels = await run(
    "SELECT relname, relkind FROM pg_class WHERE relnamespace = 2200 AND relkind IN ('r', 'i')",
  );
  const names = rels.rows.map((r) => `${String(r.relkind)} ${String(r.relname)}`).sort();
  const tables: Record<string, unknown> = {};
  for (const line of names) {
    const [kind, name] = line.split(' ') as [string, string];
    if (kind !== 'r') continue;
    const oid = await run(
      `SELECT oid FROM pg_class WHERE relname = '${name}' AND relnamespace = 2200`,
    );
    const attrs = await run(
      `SELECT attname, atttypid, attnotnull, atthasdef FROM pg_attribute WHERE attrelid = ${String(oid.rows[0]?.oid)} AND attnum > 0 AND NOT attisdropped ORDER BY attnum`,
    );
    const cols = attrs.rows.map((a) => ({
      name: String(a.attname),
      type: Number(a.atttypid),
      notNull: a.attnotnull === true,
      hasDefault: a.atthasdef === true,
    }));
    // Each index by name: unique, primary, its columns (attnums); each constraint by name and kind.
    const relname = new Map(
      (
        await run(`SELECT oid, relname FROM pg_class WHERE relnamespace = 2200 AND relkind = 'i'`)
      ).rows.map((r) => [String(r.oid), String(r.relname)]),
    );
    const indexes = (
      await run(
        `SELECT indexrelid, indisunique, indisprimary, indnatts, indkey FROM pg_index WHERE indrelid = ${String(oid.rows[0]?.oid)}`,
      )
    ).rows
      .map((r) =>
        [
          relname.get(String(r.indexrelid)),
          r.indisunique,
          r.indisprimary,
          r.indnatts,
          // int2vector: text '1 2' from node-postgres, an array from the Session API.
          Array.isArray(r.indkey) ? r.indkey.join(' ') : String(r.indkey),
        ].join(' '),
      )
      .sort();
    const constraints = (
      await run(
        `SELECT conname, contype FROM pg_constraint WHERE conrelid = ${String(oid.rows[0]?.oid)}`,
      )
    ).rows
      .map((r) => `${String(r.conname)} ${String(r.contype)}`)
      .sort();
    let rows: string[] = [];
    if (cols.length > 0) {
      const list = cols.map((c) => `${c.name}::text`).join(', ');
      const data = await run(`SELECT ${list} FROM ${name}`);
      rows = rowsAsText(data.rows);
    }
    tables[name] = { cols, indexes, constraints, rows };
  }
  return { relations: names, tables };
}

const pgRun: Run = async (sql) => {
  const r = await client.query(sql);
  return { rows: r.rows as Record<string, unknown>[], fields: r.fields };
};

function engineRun(s: Session): Run {
  return async (sql) => {
    const r = await s.query(sql);
    return { rows: r.rows as Record<string, unknown>[], fields: [...r.fields] };
  };
}

/** Runs one program on both sides; throws (with the statement log) at the first difference. */
async function runProgram(program: Txn[]): Promise<void> {
  await client.query('ROLLBACK').catch(() => {});
  // Dropping the schema would give public a new OID; the generator only ever makes t1..t3 (and their indexes).
  await client.query('DROP TABLE IF EXISTS t1, t2, t3 CASCADE');
  const db = await Database.open();
  const log: string[] = [];
  try {
    const s = await db.connect();
    const both = async (sql: string): Promise<Outcome> => {
      const theirs = await onPg(sql);
      const ours = await onEngine(s, sql);
      const tag = theirs.ok ? theirs.command : `ERROR ${theirs.code}`;
      log.push(`${sql}  -- ${tag}`);
      const key = theirs.ok
        ? `${sql
            .split(' ')
            .slice(0, sql.startsWith('ALTER') ? 4 : 1)
            .join(' ')} ok`
        : tag;
      seen.set(key, (seen.get(key) ?? 0) + 1);
      for (const n of theirs.ok ? theirs.notices : []) {
        const k = `NOTICE ${n.split(' ')[0]}`;
        seen.set(k, (seen.get(k) ?? 0) + 1);
      }
      if (process.env.PG_PROP_VERBOSE && !theirs.ok && theirs.code !== '25P02')
        console.log(`${tag}: ${sql}`);
      if (JSON.stringify(ours) !== JSON.stringify(theirs)) {
        throw new Error(
          `statement differs: ${sql}\n  postgres: ${JSON.stringify(theirs)}\n  engine:   ${JSON.stringify(ours)}\n--- log:\n${log.join('\n')}`,
        );
      }
      return theirs;
    };
    const compare = async (when: string): Promise<void> => {
      const theirs = await snapshot(pgRun);
      const ours = await snapshot(engineRun(s)).catch((err: unknown) => {
        throw new Error(`reading the engine's state ${when} failed\n--- log:\n${log.join('\n')}`, {
          cause: err,
        });
      });
      if (JSON.stringify(ours) !== JSON.stringify(theirs)) {
        expect(ours, `state differs ${when}\n--- log:\n${log.join('\n')}`).toEqual(theirs);
      }
    };

    let model: Model = emptyModel();
    for (const [ti, txn] of program.entries()) {
      if (!txn.block) {
        // Each statement its own transaction: the model follows each success.
        for (const step of txn.steps) {
          const r = render(model, step);
          if (r === undefined) continue;
          const o = await both(r.sql);
          if (o.ok) r.apply?.(model);
        }
        await compare(`after autocommit statements of transaction ${ti}`);
        continue;
      }
      const before = cloneModel(model);
      let aborted = false;
      const savepoints: { name: string; model: Model }[] = [];
      await both('BEGIN');
      for (const step of txn.steps) {
        const k = step.n[0] ?? 0;
        const toSavepoint = step.kind === 'rollbackTo' || step.kind === 'release';
        // Without a savepoint, ROLLBACK TO and RELEASE usually make one instead (else 3B001).
        if (step.kind === 'savepoint' || (toSavepoint && savepoints.length === 0 && k % 8 !== 7)) {
          const name = `s${k % 2}`;
          const o = await both(`SAVEPOINT ${name}`);
          if (o.ok) savepoints.push({ name, model: cloneModel(model) });
          continue;
        }
        if (toSavepoint) {
          // Usually a savepoint that exists; sometimes (3B001) one that does not.
          const sp =
            savepoints.length === 0 || k % 8 === 7 ? undefined : savepoints[k % savepoints.length];
          const name = sp?.name ?? `s${k % 2}`;
          const o = await both(
            `${step.kind === 'release' ? 'RELEASE' : 'ROLLBACK TO'} SAVEPOINT ${name}`,
          );
          if (o.ok) {
            // The newest savepoint of that name; the ones after it are gone.
            const at = savepoints.map((p) => p.name).lastIndexOf(name);
            const sp = savepoints[at];
            if (sp !== undefined) {
              if (step.kind === 'release') savepoints.splice(at);
              else {
                savepoints.splice(at + 1);
                model = cloneModel(sp.model);
                aborted = false;
              }
            }
          }
          continue;
        }
        const r = render(model, step);
        if (r === undefined) continue;
        const o = await both(r.sql);
        if (o.ok && !aborted) r.apply?.(model);
        else aborted = true;
      }
      const o = await both(txn.end);
      if (!(txn.end === 'COMMIT' && o.ok && o.command === 'COMMIT' && !aborted)) model = before;
      await compare(`after ${txn.end} of transaction ${ti}`);
    }
  } finally {
    await db.close();
  }
}

describe('random DDL/DML transactions agree with PostgreSQL 15', () => {
  it('same outcome per statement, same tables and rows after each transaction', async () => {
    await fc.assert(
      fc.asyncProperty(programArb(), async (program) => {
        await runProgram(program);
      }),
      {
        numRuns: RUNS,
        // Replays one failure: PG_PROPERTY_SEED=<seed> PG_PROP_PATH=<path> (as fast-check printed them).
        ...(process.env.PG_PROP_PATH ? { path: process.env.PG_PROP_PATH } : {}),
      },
    );
    console.log(
      [...seen]
        .sort((a, b) => b[1] - a[1])
        .map(([k, v]) => `${k}: ${v}`)
        .join(', '),
    );
  }, 600_000);
});
