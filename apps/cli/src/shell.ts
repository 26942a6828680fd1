/**
 * `pg-ts shell [dir]`: an interactive SQL session on a data directory
 * (created with initdb's layout on first use, recovered after a crash),
 * in the spirit of psql: statements end with `;`, results print as
 * aligned tables with `(N rows)`, errors as `ERROR:  ...` with their
 * SQLSTATE, `\q` (or end of input) closes the database cleanly.
 */
import { createInterface } from 'node:readline';
import { Database, type EngineError, type QueryResult, type Session } from '@pg/engine';
import { builtins, defaultContext } from '@pg/types';
import type { Io } from './cli.js';

/** Type OIDs psql right-aligns (numbers). */
const NUMERIC = new Set([20, 21, 23, 26, 700, 701, 1700, 790]);

/** One result as psql prints it: aligned columns, `(N rows)`; a command's tag otherwise. */
export function formatResult(r: QueryResult<unknown[]>, timeZone = 'UTC'): string {
  if (r.fields.length === 0) return `${r.command}\n`;
  const ctx = defaultContext({ timeZone });
  const cells = r.rows.map((row) =>
    row.map((v, i) =>
      v === null ? null : builtins.mustType(r.fields[i]?.dataTypeID ?? 25).output(v, ctx),
    ),
  );
  return formatTable(r.fields, cells);
}

/** Rows of text cells (null for NULL) as psql's aligned format prints them. */
export function formatTable(
  fields: readonly { readonly name: string; readonly dataTypeID: number }[],
  rows: readonly (readonly (string | null)[])[],
): string {
  const cells = rows.map((row) => row.map((v) => v ?? ''));
  const widths = fields.map((f, i) =>
    Math.max(f.name.length, ...cells.map((c) => (c[i] ?? '').length)),
  );
  const header = fields
    .map((f, i) => {
      const w = widths[i] ?? 0;
      const left = Math.floor((w - f.name.length) / 2);
      return ` ${' '.repeat(left)}${f.name}${' '.repeat(w - f.name.length - left)} `;
    })
    .join('|');
  const rule = widths.map((w) => '-'.repeat(w + 2)).join('+');
  const lines = cells.map((c) =>
    c
      .map((text, i) => {
        const w = widths[i] ?? 0;
        const right = NUMERIC.has(fields[i]?.dataTypeID ?? 0);
        return ` ${right ? text.padStart(w) : text.padEnd(w)} `;
      })
      .join('|')
      .trimEnd(),
  );
  const n = rows.length;
  return `${[header, rule, ...lines].join('\n')}\n(${n} ${n === 1 ? 'row' : 'rows'})\n\n`;
}

export function formatError(e: EngineError): string {
  let text = `ERROR:  ${e.message}\n`;
  if (e.detail) text += `DETAIL:  ${e.detail}\n`;
  if (e.hint) text += `HINT:  ${e.hint}\n`;
  return text;
}

/** Whether `sql` ends a statement: a `;` outside quotes and comments at its end. */
export function complete(sql: string): boolean {
  let quote: string | undefined;
  let last = '';
  for (let i = 0; i < sql.length; i++) {
    const c = sql[i]!;
    if (quote !== undefined) {
      if (c === quote) quote = undefined;
      continue;
    }
    if (c === "'" || c === '"') quote = c;
    else if (c === '-' && sql[i + 1] === '-') {
      const nl = sql.indexOf('\n', i);
      if (nl === -1) break;
      i = nl;
      continue;
    }
    if (!/\s/.test(c)) last = c;
  }
  return quote === undefined && last === ';';
}

async function runOne(session: Session, sql: string, io: Io): Promise<void> {
  try {
    const results = await session.execute<unknown[]>(sql, [], { rowMode: 'array' });
    const tz = session.setting('TimeZone');
    for (const r of results) {
      for (const n of r.notices) io.out(`${n.severity}:  ${n.message}\n`);
      io.out(formatResult(r, tz));
    }
  } catch (e) {
    const err = e as EngineError;
    if (typeof err.code === 'string') io.out(formatError(err));
    else throw e;
  }
}

/** The shell on `dir`, reading statements from `input` until `\q` or its end. */
export async function runShell(
  io: Io,
  dir: string,
  input: NodeJS.ReadableStream = process.stdin,
): Promise<void> {
  const db = await Database.open({ dataDir: dir, onProgress: (step) => io.err(`${step}\n`) });
  try {
    const session = await db.connect();
    io.err(`pg-ts shell on ${dir} (PostgreSQL 15 compatible). End statements with ;  \\q quits.\n`);
    const lines = createInterface({ input, terminal: false });
    // psql's prompts, when a person is typing
    const tty = (input as { isTTY?: boolean }).isTTY === true;
    const prompt = () => {
      if (tty) io.out(buffer === '' ? 'postgres=# ' : 'postgres-# ');
    };
    let buffer = '';
    prompt();
    for await (const line of lines) {
      if (buffer === '' && line.trim() === '\\q') break;
      if (buffer !== '' || line.trim() !== '') buffer += `${line}\n`;
      if (buffer !== '' && complete(buffer)) {
        await runOne(session, buffer, io);
        buffer = '';
      }
      prompt();
    }
    if (buffer.trim() !== '') await runOne(session, buffer, io);
  } finally {
    await db.close();
  }
}
