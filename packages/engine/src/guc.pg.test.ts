/**
 * Settings against real PostgreSQL 15: the same SET gives the same SHOW
 * text (units chosen as _ShowOption does), the same SQLSTATE for a bad
 * value, and the same transaction semantics for SET, SET LOCAL and
 * savepoints.
 */
import { type ReferencePostgres, startReferencePostgres } from '@pg/pg-reference';
import fc from 'fast-check';
import type { Client } from 'pg';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { ClusterSettings, SessionSettings } from './internal/guc.js';

let pg: ReferencePostgres;
let client: Client;

beforeAll(async () => {
  pg = await startReferencePostgres({ extensions: [] });
  client = await pg.connect();
}, 60_000);

afterAll(async () => {
  await client?.end();
  await pg?.stop();
});

async function pgShow(sql: string, name: string): Promise<string> {
  try {
    await client.query(sql);
  } catch (err) {
    return `ERROR ${(err as { code: string }).code}`;
  }
  const r = await client.query(`SHOW ${name}`);
  return String(Object.values(r.rows[0] as object)[0]);
}

function oursShow(settings: SessionSettings, name: string, value: string): string {
  try {
    // A quoted SET value of a list setting is one element, as the parser hands it over.
    settings.set(name, name === 'search_path' ? [value] : value);
  } catch (err) {
    return `ERROR ${(err as { code: string }).code}`;
  }
  return settings.show(name);
}

const CASES: [string, string][] = [
  ['work_mem', '64MB'],
  ['work_mem', '1GB'],
  ['work_mem', '4096'],
  ['work_mem', '1500kB'],
  ['work_mem', '10'],
  ['work_mem', '3TB'],
  ['work_mem', 'abc'],
  ['work_mem', '5s'],
  ['statement_timeout', '1500'],
  ['statement_timeout', '2s'],
  ['statement_timeout', '1min'],
  ['statement_timeout', '90s'],
  ['statement_timeout', '0'],
  ['statement_timeout', '3h'],
  ['statement_timeout', '1d'],
  ['lock_timeout', '250ms'],
  ['maintenance_work_mem', '128MB'],
  ['effective_cache_size', '4GB'],
  ['effective_cache_size', '1000'],
  ['enable_seqscan', 'off'],
  ['enable_seqscan', 'no'],
  ['enable_seqscan', 'maybe'],
  ['extra_float_digits', '3'],
  ['extra_float_digits', '4'],
  ['random_page_cost', '1.1'],
  ['random_page_cost', '-1'],
  ['DateStyle', 'sql, dmy'],
  ['DateStyle', 'german'],
  ['DateStyle', 'ymd'],
  ['DateStyle', 'bogus'],
  ['TimeZone', 'Europe/Paris'],
  ['TimeZone', 'utc'],
  ['client_min_messages', 'WARNING'],
  ['client_min_messages', 'loud'],
  ['default_transaction_isolation', 'repeatable read'],
  ['synchronous_commit', 'off'],
  ['search_path', 'public, pg_catalog'],
  ['application_name', 'psql'],
  ['bytea_output', 'escape'],
  ['shared_buffers', '256MB'],
  ['server_version', '1'],
  ['no_such_setting', '1'],
];

describe('SET and SHOW agree with PostgreSQL 15', () => {
  it.each(CASES)('SET %s = %s', async (name, value) => {
    const ours = new SessionSettings(new ClusterSettings());
    const expected = await pgShow(`SET ${name} = '${value}'`, name);
    await client.query('RESET ALL');
    expect(oursShow(ours, name, value)).toBe(expected);
  });

  it('transaction semantics: SET, SET LOCAL, savepoints, ROLLBACK', async () => {
    type Step =
      | { op: 'set'; local: boolean; value: number }
      | { op: 'savepoint' }
      | { op: 'rollback to' }
      | { op: 'release' };
    const step = fc.oneof(
      fc.record({
        op: fc.constant('set' as const),
        local: fc.boolean(),
        value: fc.integer({ min: 64, max: 999 }),
      }),
      fc.constant({ op: 'savepoint' as const }),
      fc.constant({ op: 'rollback to' as const }),
      fc.constant({ op: 'release' as const }),
    );
    await fc.assert(
      fc.asyncProperty(fc.array(step, { maxLength: 10 }), fc.boolean(), async (steps, commit) => {
        await client.query("SET work_mem = '100kB'");
        const ours = new SessionSettings(new ClusterSettings());
        ours.set('work_mem', '100kB');
        await client.query('BEGIN');
        ours.beginTransaction();
        const levels: number[] = [];
        for (const s of steps as Step[]) {
          if (s.op === 'set') {
            const kw = s.local ? 'SET LOCAL' : 'SET';
            await client.query(`${kw} work_mem = '${s.value}kB'`);
            ours.set('work_mem', `${s.value}kB`, s.local);
          } else if (s.op === 'savepoint') {
            await client.query('SAVEPOINT sp');
            levels.push(ours.savepoint());
          } else if (levels.length > 0) {
            const level = levels[levels.length - 1] as number;
            if (s.op === 'rollback to') {
              await client.query('ROLLBACK TO SAVEPOINT sp');
              ours.rollbackToSavepoint(level);
            } else {
              await client.query('RELEASE SAVEPOINT sp');
              ours.releaseSavepoint(level);
              levels.pop();
            }
          }
          const inside = (await client.query('SHOW work_mem')).rows[0].work_mem;
          expect(ours.show('work_mem')).toBe(inside);
        }
        await client.query(commit ? 'COMMIT' : 'ROLLBACK');
        ours.endTransaction(commit);
        const after = (await client.query('SHOW work_mem')).rows[0].work_mem;
        expect(ours.show('work_mem')).toBe(after);
      }),
      { numRuns: 60 },
    );
  });
});
