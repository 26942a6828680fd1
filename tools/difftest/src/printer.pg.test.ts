/**
 * The proof that the statement splitter and the printer are right: a case,
 * run through node-postgres against real PostgreSQL 15 and printed here,
 * must reproduce psql's checked-in expected file byte for byte.
 */
import { readFileSync } from 'node:fs';
import { fileURLToPath } from 'node:url';
import { listCases, pgEngineFactory, runScript } from '@pg/difftest';
import { type ReferencePostgres, startReferencePostgres } from '@pg/pg-reference';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';

const casesDir = fileURLToPath(new URL('../cases', import.meta.url));
/**
 * Each case costs a fresh database on PostgreSQL, so the default run proves
 * the printer on a fixed quarter of the cases (chosen by a hash of the name,
 * so the same ones every run, and new groups get their share); PG_SLOW_TESTS=1
 * runs every case.
 */
const cases = listCases(casesDir).filter(
  (c) => process.env.PG_SLOW_TESTS === '1' || nameHash(c.name) % 4 === 0,
);

function nameHash(name: string): number {
  let h = 2166136261;
  for (let i = 0; i < name.length; i++) h = Math.imul(h ^ name.charCodeAt(i), 16777619) >>> 0;
  return h;
}

let server: ReferencePostgres;

beforeAll(async () => {
  server = await startReferencePostgres({ extensions: [] });
});

afterAll(async () => {
  await server?.stop();
});

describe('node-postgres + this printer reproduce psql', () => {
  it('has cases', () => {
    expect(cases.length).toBeGreaterThan(0);
  });

  it.each(cases.map((c) => [c.name, c] as const))('%s', async (_name, c) => {
    const engine = await pgEngineFactory(server)();
    let actual: string;
    try {
      actual = await runScript(readFileSync(c.sqlPath, 'utf8'), engine);
    } finally {
      await engine.close();
    }
    expect(actual).toBe(readFileSync(c.outPath, 'utf8'));
  });
});
