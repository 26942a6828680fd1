import { existsSync } from 'node:fs';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { findPostgresBinDir, type ReferencePostgres, startReferencePostgres } from './index.js';

function pidExists(pid: number): boolean {
  try {
    process.kill(pid, 0);
    return true;
  } catch {
    return false;
  }
}

describe('findPostgresBinDir', () => {
  it('finds a PostgreSQL 15 bin directory', () => {
    expect(existsSync(`${findPostgresBinDir()}/postgres`)).toBe(true);
  });

  it('throws a clear error when PG_BINDIR points at no PostgreSQL 15', () => {
    const saved = process.env.PG_BINDIR;
    process.env.PG_BINDIR = '/nonexistent/pg/bin';
    try {
      expect(() => findPostgresBinDir()).toThrow(/no PostgreSQL 15 server binaries found/);
    } finally {
      if (saved === undefined) delete process.env.PG_BINDIR;
      else process.env.PG_BINDIR = saved;
    }
  });
});

describe('startReferencePostgres', () => {
  let pg: ReferencePostgres;
  let startMs = 0;

  beforeAll(async () => {
    const t0 = performance.now();
    pg = await startReferencePostgres();
    startMs = performance.now() - t0;
  });

  afterAll(async () => {
    await pg?.stop();
  });

  it('runs PostgreSQL 15 on a loopback port', () => {
    expect(pg.version).toMatch(/^15\./);
    expect(pg.host).toBe('127.0.0.1');
    expect(pg.port).toBeGreaterThan(0);
    expect(pg.user).toBe('postgres');
    expect(pg.database).toBe('postgres');
    expect(pg.connectionString).toBe(`postgresql://postgres@127.0.0.1:${pg.port}/postgres`);
    expect(pidExists(pg.pid)).toBe(true);
    expect(existsSync(`${pg.dataDir}/PG_VERSION`)).toBe(true);
    // Reported so slow machines are visible in the test log.
    console.info(`reference PostgreSQL ${pg.version} started in ${Math.round(startMs)} ms`);
  });

  it('enables data checksums by default', async () => {
    const rows = await pg.query<{ data_checksums: string }>('SHOW data_checksums');
    expect(rows).toEqual([{ data_checksums: 'on' }]);
  });

  it('has pageinspect', async () => {
    const rows = await pg.query<{ lower: number; upper: number }>(
      "SELECT lower, upper FROM page_header(get_raw_page('pg_class', 0))",
    );
    expect(rows).toHaveLength(1);
    const [row] = rows;
    expect(typeof row?.lower).toBe('number');
    expect(typeof row?.upper).toBe('number');
    expect(row!.lower).toBeLessThanOrEqual(row!.upper);
  });

  it('passes parameters', async () => {
    const rows = await pg.query<{ sum: number }>('SELECT $1::int + $2::int AS sum', [2, 3]);
    expect(rows).toEqual([{ sum: 5 }]);
  });

  it('hands out separate connected clients', async () => {
    const client = await pg.connect();
    try {
      const { rows } = await client.query<{ pid: number }>('SELECT pg_backend_pid() AS pid');
      const [shared] = await pg.query<{ pid: number }>('SELECT pg_backend_pid() AS pid');
      expect(rows[0]?.pid).not.toBe(shared?.pid);
    } finally {
      await client.end();
    }
  });

  it('reads relation files from the data directory', async () => {
    const [row] = await pg.query<{ path: string }>(
      "SELECT pg_relation_filepath('pg_class') AS path",
    );
    const bytes = await pg.readDataFile(row!.path);
    expect(bytes).toBeInstanceOf(Uint8Array);
    expect(bytes.byteLength).toBeGreaterThan(0);
    expect(bytes.byteLength % 8192).toBe(0);
    await expect(pg.readDataFile('../outside')).rejects.toThrow(/leaves the data directory/);
  });

  it('stops: the postmaster is gone, the data directory removed, stop() idempotent', async () => {
    const { pid, dataDir } = pg;
    await pg.stop();
    expect(pidExists(pid)).toBe(false);
    expect(existsSync(dataDir)).toBe(false);
    await pg.stop();
    await expect(pg.query('SELECT 1')).rejects.toThrow(/has been stopped/);
  });
});
