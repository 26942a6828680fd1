/**
 * Regenerates the expected files from real PostgreSQL 15: one throwaway
 * server (tools/pg-reference), a fresh database per case, and psql from the
 * same installation run as pg_regress runs it:
 *
 *   psql -X -a -q -d <db> < case.sql > case.out 2>&1
 *
 * with PGOPTIONS carrying SESSION_SETTINGS, PGAPPNAME, PGCLIENTENCODING=UTF8 and
 * LC_ALL=C (psql's own messages untranslated).
 */
import { spawn } from 'node:child_process';
import { closeSync, openSync } from 'node:fs';
import { join } from 'node:path';
import {
  findPostgresBinDir,
  type ReferencePostgres,
  startReferencePostgres,
} from '@pg/pg-reference';
import type { Case } from './runner.js';
import { createDatabaseSql, SESSION_SETTINGS, startupOptions } from './settings.js';

/** Runs one case file through psql into its .out file. */
export async function regenCase(
  server: ReferencePostgres,
  c: Case,
  psql: string,
  n: number,
): Promise<void> {
  const db = `difftest_regen_${process.pid}_${n}`;
  await server.query(createDatabaseSql(db));
  try {
    const input = openSync(c.sqlPath, 'r');
    const output = openSync(c.outPath, 'w');
    try {
      const code = await new Promise<number | null>((resolve, reject) => {
        const child = spawn(
          psql,
          [
            '-X',
            '-a',
            '-q',
            '-h',
            server.host,
            '-p',
            String(server.port),
            '-U',
            server.user,
            '-d',
            db,
          ],
          {
            stdio: [input, output, output],
            env: {
              PATH: process.env.PATH ?? '/usr/bin:/bin',
              PGOPTIONS: startupOptions(),
              PGCLIENTENCODING: 'UTF8',
              PGAPPNAME: SESSION_SETTINGS.application_name,
              LC_ALL: 'C',
            },
          },
        );
        child.on('error', reject);
        child.on('exit', resolve);
      });
      if (code !== 0) throw new Error(`psql exited with ${code} on ${c.sqlPath}`);
    } finally {
      closeSync(input);
      closeSync(output);
    }
  } finally {
    await server.query(`DROP DATABASE "${db}"`);
  }
}

/** Regenerates every given case; returns the server version used. */
export async function regenAll(
  cases: readonly Case[],
  log: (line: string) => void,
): Promise<string> {
  const psql = join(findPostgresBinDir(), 'psql');
  const server = await startReferencePostgres({ extensions: [] });
  try {
    log(`difftest regen: PostgreSQL ${server.version}, ${psql}`);
    let n = 0;
    for (const c of cases) {
      await regenCase(server, c, psql, ++n);
      log(`  ${c.name}`);
    }
    return server.version;
  } finally {
    await server.stop();
  }
}
