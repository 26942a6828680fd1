/**
 * `pg-ts sql`: the shell of `pg-ts shell`, embedded on -D DIR or over the
 * wire (-h/-p): statements end with `;`, results print in psql's aligned
 * format, `\q` quits. -c runs one command string and -f a file (psql's
 * options); errors print as psql prints them and make the exit code 1
 * with -c/-f only when ON_ERROR_STOP-like `--stop-on-error` is given.
 */
import { createReadStream } from 'node:fs';
import { createInterface } from 'node:readline';
import type { Readable } from 'node:stream';
import type { Io } from './cli.js';
import type { Conn } from './conn.js';
import { complete, formatError, formatTable } from './shell.js';

export interface SqlOptions {
  readonly command?: string;
  readonly file?: string;
  readonly stopOnError?: boolean;
}

/** Runs the shell; resolves to the exit code (1 when an error stopped it). */
export async function runSql(
  io: Io,
  conn: Conn,
  options: SqlOptions,
  input: NodeJS.ReadableStream,
): Promise<number> {
  conn.onNotice((severity, message) => io.err(`${severity}:  ${message}\n`));
  let failed = false;
  const runOne = async (sql: string): Promise<boolean> => {
    try {
      for (const r of await conn.query(sql)) {
        io.out(r.fields.length === 0 ? `${r.command}\n` : formatTable(r.fields, r.rows));
      }
      return true;
    } catch (e) {
      const err = e as { code?: unknown; message: string; detail?: string; hint?: string };
      if (typeof err.code !== 'string') throw e;
      io.err(formatError(err as never));
      failed = true;
      return false;
    }
  };
  if (options.command !== undefined) {
    const ok = await runOne(options.command);
    return ok ? 0 : 1;
  }
  const source: NodeJS.ReadableStream =
    options.file === undefined
      ? input
      : options.file === '-'
        ? input
        : (createReadStream(options.file) as unknown as NodeJS.ReadableStream);
  const lines = createInterface({ input: source as Readable, terminal: false });
  const tty = options.file === undefined && (input as { isTTY?: boolean }).isTTY === true;
  let buffer = '';
  const prompt = () => {
    if (tty) io.out(buffer === '' ? 'postgres=# ' : 'postgres-# ');
  };
  prompt();
  for await (const line of lines) {
    if (buffer === '' && line.trim() === '\\q') break;
    if (buffer !== '' || line.trim() !== '') buffer += `${line}\n`;
    if (buffer !== '' && complete(buffer)) {
      const ok = await runOne(buffer);
      buffer = '';
      if (!ok && options.stopOnError === true) return 3;
    }
    prompt();
  }
  if (buffer.trim() !== '') await runOne(buffer);
  return failed && options.file !== undefined && options.stopOnError === true ? 3 : 0;
}
