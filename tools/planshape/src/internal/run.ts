/**
 * Runs the setup script and `EXPLAIN (COSTS OFF)` of every query on two
 * databases — real PostgreSQL 15 and @pg/engine — and compares the shapes.
 * Errors on either side are results, not exceptions: a setup statement that
 * fails is reported and the run goes on; a query whose EXPLAIN fails is a
 * mismatch carrying the error's text.
 */
import type { ReferencePostgres } from '@pg/pg-reference';
import { type NamedQuery, parseQueries } from './queries.js';
import { formatShape, type PlanNode, planShape, sameShape } from './shape.js';

/** One database session the plans come from. */
export interface PlanSource {
  readonly label: string;
  /** Runs one statement; the rows' first column as text. Throws on an SQL error. */
  run(sql: string): Promise<string[]>;
  close(): Promise<void>;
}

/** A failed statement: its SQLSTATE (when known) and message. */
export interface StatementError {
  readonly code: string | undefined;
  readonly message: string;
}

export type ShapeOrError =
  | { readonly ok: true; readonly shape: PlanNode[]; readonly lines: string[] }
  | { readonly ok: false; readonly error: StatementError };

export interface QueryOutcome {
  readonly name: string;
  readonly sql: string;
  readonly reference: ShapeOrError;
  readonly engine: ShapeOrError;
  readonly match: boolean;
}

export interface SetupError {
  readonly side: 'reference' | 'engine';
  readonly sql: string;
  readonly error: StatementError;
}

export interface PlanshapeReport {
  readonly queries: QueryOutcome[];
  readonly setupErrors: SetupError[];
  readonly matched: number;
  readonly total: number;
}

export interface PlanshapeOptions {
  /** The setup script (CREATE TABLE, INSERT ... generate_series, CREATE INDEX, ANALYZE). */
  readonly setupSql: string;
  /** The queries, separated by `;`; a `-- name` comment line names the next one. */
  readonly queriesSql: string;
  readonly reference: PlanSource;
  readonly engine: PlanSource;
  /** Only the queries whose name or text contains one of these. */
  readonly filters?: readonly string[];
  /** Called after each query (progress). */
  readonly onQuery?: (q: QueryOutcome) => void;
}

/** The EXPLAIN statement run for a query on both sides. */
export function explainSql(sql: string): string {
  return `EXPLAIN (COSTS OFF) ${sql}`;
}

export function toStatementError(e: unknown): StatementError {
  const err = e as { code?: unknown; message?: unknown } | null;
  const code = typeof err?.code === 'string' ? err.code : undefined;
  const message =
    typeof err?.message === 'string' ? err.message : String(e as string | number | undefined);
  return { code, message };
}

async function explain(source: PlanSource, sql: string): Promise<ShapeOrError> {
  try {
    const lines = await source.run(explainSql(sql));
    return { ok: true, shape: planShape(lines), lines };
  } catch (e) {
    return { ok: false, error: toStatementError(e) };
  }
}

function selected(q: NamedQuery, filters: readonly string[] | undefined): boolean {
  if (filters === undefined || filters.length === 0) return true;
  return filters.some((f) => q.name.includes(f) || q.sql.includes(f));
}

/** Runs setup and every query on both sources (the sources stay open; the caller closes them). */
export async function runPlanshape(o: PlanshapeOptions): Promise<PlanshapeReport> {
  const setupErrors: SetupError[] = [];
  for (const { sql } of parseQueries(o.setupSql)) {
    for (const [side, source] of [
      ['reference', o.reference],
      ['engine', o.engine],
    ] as const) {
      try {
        await source.run(sql);
      } catch (e) {
        setupErrors.push({ side, sql, error: toStatementError(e) });
      }
    }
  }
  const queries: QueryOutcome[] = [];
  for (const q of parseQueries(o.queriesSql)) {
    if (!selected(q, o.filters)) continue;
    const reference = await explain(o.reference, q.sql);
    const engine = await explain(o.engine, q.sql);
    const match = reference.ok && engine.ok && sameShape(reference.shape, engine.shape);
    const outcome: QueryOutcome = { name: q.name, sql: q.sql, reference, engine, match };
    queries.push(outcome);
    o.onQuery?.(outcome);
  }
  return {
    queries,
    setupErrors,
    matched: queries.filter((q) => q.match).length,
    total: queries.length,
  };
}

function describe(s: ShapeOrError): string {
  if (!s.ok)
    return `ERROR${s.error.code === undefined ? '' : ` ${s.error.code}`}: ${s.error.message}`;
  return formatShape(s.shape);
}

function indent(text: string, by: string): string {
  return text
    .split('\n')
    .map((l) => by + l)
    .join('\n');
}

/** The closing line: `planshape: N of M queries match`. */
export function summaryLine(r: PlanshapeReport): string {
  return `planshape: ${r.matched} of ${r.total} queries match`;
}

/** One query's verdict, with both shapes when they differ. */
export function formatOutcome(q: QueryOutcome): string {
  if (q.match) return `match     ${q.name}`;
  return [
    `mismatch  ${q.name}`,
    `    ${q.sql}`,
    '    PostgreSQL 15:',
    indent(describe(q.reference), '      '),
    '    @pg/engine:',
    indent(describe(q.engine), '      '),
  ].join('\n');
}

/** The whole report: setup errors, one verdict per query, the summary line. */
export function formatReport(r: PlanshapeReport): string {
  const parts: string[] = [];
  for (const e of r.setupErrors) {
    parts.push(
      `setup error (${e.side}): ${e.sql.replace(/\s+/g, ' ').slice(0, 100)}\n    ${e.error.code ?? ''} ${e.error.message}`,
    );
  }
  for (const q of r.queries) parts.push(formatOutcome(q));
  parts.push(summaryLine(r));
  return `${parts.join('\n')}\n`;
}

/** The value a pg / engine row holds in its first column, as text. */
function firstColumn(row: unknown): string {
  const v = Array.isArray(row) ? row[0] : Object.values(row as Record<string, unknown>)[0];
  return v === null || v === undefined ? '' : String(v);
}

/** A PlanSource over one connection to real PostgreSQL (one session, so SETs persist). */
export async function referenceSource(server: ReferencePostgres): Promise<PlanSource> {
  const client = await server.connect();
  return {
    label: 'PostgreSQL 15',
    async run(sql) {
      const r = await client.query({ text: sql, rowMode: 'array' });
      const results = Array.isArray(r) ? r : [r];
      const last = results.at(-1) as { rows?: unknown[] } | undefined;
      return (last?.rows ?? []).map(firstColumn);
    },
    async close() {
      await client.end();
    },
  };
}

interface EngineSessionLike {
  query(
    sql: string,
    params?: readonly unknown[],
    options?: { rowMode?: 'array' | 'object' },
  ): Promise<{ rows: unknown[] }>;
  close(): Promise<void>;
}
interface EngineModuleLike {
  Database: {
    open(options?: Record<string, unknown>): Promise<{
      connect(options?: Record<string, unknown>): Promise<EngineSessionLike> | EngineSessionLike;
      close(): Promise<void>;
    }>;
  };
}

/**
 * A PlanSource over a new in-memory @pg/engine database (one session).
 * @pg/engine is imported dynamically: when it cannot be loaded or opened,
 * every statement fails with that reason instead of the run failing.
 */
export async function engineSource(specifier = '@pg/engine'): Promise<PlanSource> {
  let session: EngineSessionLike;
  let db: { close(): Promise<void> };
  try {
    const mod = (await import(specifier)) as EngineModuleLike;
    const opened = await mod.Database.open();
    db = opened;
    session = await opened.connect();
  } catch (e) {
    const error = toStatementError(e);
    return {
      label: '@pg/engine',
      run() {
        return Promise.reject(
          Object.assign(new Error(`@pg/engine did not open: ${error.message}`), {
            code: error.code,
          }),
        );
      },
      async close() {},
    };
  }
  return {
    label: '@pg/engine',
    async run(sql) {
      const r = await session.query(sql, [], { rowMode: 'array' });
      return r.rows.map(firstColumn);
    },
    async close() {
      try {
        await session.close();
      } finally {
        await db.close();
      }
    },
  };
}
