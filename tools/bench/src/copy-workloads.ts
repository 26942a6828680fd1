/**
 * Bulk loading (issue 9's COPY benchmark): one CSV file of N rows of five
 * mixed columns (int, bigint, text, numeric, timestamptz) — 1M rows by
 * default — loaded into an empty table by
 *
 * - @pg/engine's COPY ... FROM STDIN, the file streamed into
 *   `Session.copyFrom` (in memory);
 * - @pg/engine's INSERT, the same rows as multi-row INSERTs of 1,000 rows
 *   in one transaction;
 * - PGlite's COPY ... FROM '/dev/blob' (the file handed over as a Blob,
 *   PGlite's way);
 * - real PostgreSQL 15's COPY ... FROM STDIN over a local socket (psql's
 *   \copy against a throwaway server from @pg/pg-reference).
 *
 * Each load runs once, in a child process of its own, so its peak resident
 * set size (getrusage's ru_maxrss) is its own; the PostgreSQL row has no
 * peak (its memory is the server's, in other processes). Rows per second
 * and the ratios of @pg/engine's COPY to each of the others are printed.
 */
import { spawn } from 'node:child_process';
import { createReadStream, mkdtempSync, readFileSync, rmSync, writeFileSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { fileURLToPath } from 'node:url';
import { PGlite } from '@electric-sql/pglite';
import { Database } from '@pg/engine';
import { findPostgresBinDir, startReferencePostgres } from '@pg/pg-reference';
import { formatRatio } from './render.js';

/** The argument that turns main.js into a COPY child. */
export const COPY_CHILD = '--copy-child';

export const DEFAULT_COPY_ROWS = 1_000_000;
export const QUICK_COPY_ROWS = 50_000;

export const COPY_ENGINE = '@pg/engine COPY';
export const COPY_ENGINE_INSERT = '@pg/engine INSERT x1000';
export const COPY_PGLITE = 'PGlite COPY';
export const COPY_POSTGRES = 'PostgreSQL 15 COPY';
export const COPY_VARIANTS = [COPY_ENGINE, COPY_ENGINE_INSERT, COPY_PGLITE, COPY_POSTGRES];

const CREATE = 'CREATE TABLE t (id int, big bigint, name text, amount numeric, at timestamptz)';

export interface CopyResult {
  readonly name: string;
  readonly rows: number;
  readonly seconds: number;
  /** Peak RSS of the process that loaded, in bytes (undefined for the server). */
  readonly peakBytes?: number;
}

/** Row `i` of the file, as CSV (deterministic). */
function csvRow(i: number): string {
  const big = BigInt(i) * 1_000_003n - 7n;
  const name = i % 17 === 0 ? `"name, ${i}"` : `name ${i}`;
  const amount = `${(i % 100_000) - 50_000}.${String(i % 100).padStart(2, '0')}`;
  const day = String((i % 28) + 1).padStart(2, '0');
  const sec = String(i % 60).padStart(2, '0');
  return `${i},${big},${name},${amount},2024-02-${day} 12:34:${sec}+00\n`;
}

/** Writes the CSV file of `rows` rows; returns its path (in a new temporary directory). */
export function writeCopyFile(rows: number): string {
  const dir = mkdtempSync(join(tmpdir(), 'pg-bench-copy-'));
  const path = join(dir, 'rows.csv');
  const parts: string[] = [];
  let chunk = '';
  for (let i = 0; i < rows; i++) {
    chunk += csvRow(i);
    if (chunk.length > 1 << 20) {
      parts.push(chunk);
      chunk = '';
    }
  }
  parts.push(chunk);
  writeFileSync(path, parts.join(''));
  return path;
}

/** SQL literal rows of the same data, for INSERT. */
function insertValues(from: number, to: number): string {
  const values: string[] = [];
  for (let i = from; i < to; i++) {
    const [id, big, ...rest] = csvRow(i)
      .trimEnd()
      .split(/,(?=(?:[^"]*"[^"]*")*[^"]*$)/);
    const name = (rest[0] ?? '').replace(/^"|"$/g, '');
    values.push(`(${id}, ${big}, '${name}', ${rest[1]}, '${rest[2]}')`);
  }
  return values.join(', ');
}

/** In the child: one load, timed; prints { rows, seconds, peakBytes } as JSON. */
export async function copyChild(name: string, path: string, rows: number): Promise<number> {
  const seconds = await loadOnce(name, path, rows);
  process.stdout.write(
    `${JSON.stringify({ rows, seconds, peakBytes: process.resourceUsage().maxRSS * 1024 })}\n`,
  );
  return 0;
}

/** One in-process load of the file by the named variant (checked: every row arrived); its seconds. */
export async function loadOnce(name: string, path: string, rows: number): Promise<number> {
  let seconds: number;
  if (name === COPY_ENGINE || name === COPY_ENGINE_INSERT) {
    const db = await Database.open();
    const s = await db.connect();
    await s.query(CREATE);
    const start = performance.now();
    if (name === COPY_ENGINE) {
      const r = await s.copyFrom(
        'COPY t FROM STDIN (FORMAT csv)',
        createReadStream(path, { highWaterMark: 256 * 1024 }),
      );
      if (r.rowCount !== rows) throw new Error(`COPY loaded ${r.rowCount} rows, not ${rows}`);
    } else {
      await s.query('BEGIN');
      for (let k = 0; k < rows; k += 1000) {
        await s.query(`INSERT INTO t VALUES ${insertValues(k, Math.min(rows, k + 1000))}`);
      }
      await s.query('COMMIT');
    }
    seconds = (performance.now() - start) / 1000;
    const n = await s.query<{ n: number }>('SELECT count(*)::int AS n FROM t');
    if (n.rows[0]?.n !== rows) throw new Error(`${name}: ${n.rows[0]?.n} rows, not ${rows}`);
    await db.close();
  } else if (name === COPY_PGLITE) {
    const db = new PGlite();
    await db.waitReady;
    await db.query(CREATE);
    const start = performance.now();
    const blob = new Blob([readFileSync(path)]);
    await db.query("COPY t FROM '/dev/blob' WITH (FORMAT csv)", [], { blob });
    seconds = (performance.now() - start) / 1000;
    const n = await db.query<{ n: number }>('SELECT count(*)::int AS n FROM t');
    if (n.rows[0]?.n !== rows) throw new Error(`${name}: ${n.rows[0]?.n} rows, not ${rows}`);
    await db.close();
  } else {
    throw new Error(`no COPY variant named ${name}`);
  }
  return seconds;
}

function runChild(name: string, path: string, rows: number): Promise<CopyResult> {
  const main = fileURLToPath(new URL('./main.js', import.meta.url));
  return new Promise((resolve, reject) => {
    const child = spawn(process.execPath, [main, COPY_CHILD, name, path, String(rows)], {
      stdio: ['ignore', 'pipe', 'pipe'],
    });
    let out = '';
    let err = '';
    child.stdout.on('data', (d: Buffer) => {
      out += d.toString();
    });
    child.stderr.on('data', (d: Buffer) => {
      err += d.toString();
    });
    child.on('error', reject);
    child.on('close', (code) => {
      const line = out.trim().split('\n').at(-1) ?? '';
      if (code !== 0 || !line.startsWith('{')) {
        reject(new Error(`COPY child for ${name} exited with ${code}: ${err.trim()}`));
        return;
      }
      const r = JSON.parse(line) as { seconds: number; peakBytes: number };
      resolve({ name, rows, seconds: r.seconds, peakBytes: r.peakBytes });
    });
  });
}

/** Real PostgreSQL 15: psql's \copy (COPY FROM STDIN over the socket) into a fresh server. */
export async function postgresCopy(path: string, rows: number): Promise<CopyResult> {
  const server = await startReferencePostgres({ dataChecksums: false, extensions: [] });
  try {
    const client = await server.connect();
    await client.query(CREATE);
    await client.end();
    const psql = join(findPostgresBinDir(), 'psql');
    const args = ['-X', '-q', '-h', server.host, '-p', String(server.port), '-U', server.user];
    const start = performance.now();
    await new Promise<void>((resolve, reject) => {
      const child = spawn(
        psql,
        [...args, '-d', server.database, '-c', `\\copy t from '${path}' with (format csv)`],
        { stdio: ['ignore', 'ignore', 'pipe'] },
      );
      let err = '';
      child.stderr.on('data', (d: Buffer) => {
        err += d.toString();
      });
      child.on('error', reject);
      child.on('close', (code) =>
        code === 0 ? resolve() : reject(new Error(`psql \\copy failed: ${err.trim()}`)),
      );
    });
    return { name: COPY_POSTGRES, rows, seconds: (performance.now() - start) / 1000 };
  } finally {
    await server.stop();
  }
}

/** Every variant's load of the same file, one after another (so they do not compete). */
export async function measureCopy(
  rows: number,
  onStep: (name: string) => void,
  names: readonly string[] = COPY_VARIANTS,
): Promise<CopyResult[]> {
  const path = writeCopyFile(rows);
  try {
    const out: CopyResult[] = [];
    for (const name of names) {
      onStep(name);
      out.push(
        name === COPY_POSTGRES ? await postgresCopy(path, rows) : await runChild(name, path, rows),
      );
    }
    return out;
  } finally {
    rmSync(join(path, '..'), { recursive: true, force: true });
  }
}

/** Rows per second, @pg/engine COPY's ratio to each, and peak RSS. */
export function renderCopy(results: readonly CopyResult[]): string {
  const subject = results.find((r) => r.name === COPY_ENGINE);
  const rate = (r: CopyResult) => r.rows / r.seconds;
  const nameWidth = Math.max(...results.map((r) => r.name.length));
  const rows = results[0]?.rows ?? 0;
  const lines = [
    `COPY of ${rows} rows (int, bigint, text, numeric, timestamptz) from CSV into an empty table:`,
  ];
  for (const r of results) {
    const perSec = `${Math.round(rate(r)).toLocaleString('en-US')} rows/s`.padStart(18);
    const peak =
      r.peakBytes === undefined
        ? '   peak RSS n/a (server)'
        : `   peak RSS ${`${(r.peakBytes / 2 ** 20).toFixed(0)} MB`.padStart(7)}`;
    const ratio =
      subject === undefined || r === subject
        ? ''
        : `   ${subject.name} ${formatRatio(rate(subject) / rate(r))} of this`;
    lines.push(`  ${r.name.padEnd(nameWidth)} ${perSec}${peak}${ratio}`);
  }
  return lines.join('\n');
}
