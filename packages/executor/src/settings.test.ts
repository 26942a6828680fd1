/**
 * current_setting() and set_config() read and change the settings the
 * ExecContext carries; without settings every name is unrecognized.
 */
import { executePlan, planQuery, type SessionSettings } from '@pg/executor';
import { TestDb } from '@pg/executor/testing';
import { analyze, type CatalogView, loadParser, parse } from '@pg/sql';
import { builtins, SqlError } from '@pg/types';
import { beforeAll, expect, it } from 'vitest';

beforeAll(async () => {
  await loadParser();
});

const catalog: CatalogView = {
  registry: builtins,
  searchPath: ['pg_catalog', 'public'],
  lookupRelation: () => undefined,
  currentUser: 'postgres',
  currentDatabase: 'postgres',
};

/** A settings map in the shape the engine passes (SET LOCAL values recorded apart). */
function fakeSettings() {
  const values = new Map([['work_mem', '4MB']]);
  const local = new Map<string, string>();
  const settings: SessionSettings = {
    get(name, missingOk) {
      const v = local.get(name) ?? values.get(name);
      if (v !== undefined) return v;
      if (missingOk) return null;
      throw new SqlError('42704', `unrecognized configuration parameter "${name}"`);
    },
    set(name, value, isLocal) {
      if (!values.has(name) && !name.includes('.')) {
        throw new SqlError('42704', `unrecognized configuration parameter "${name}"`);
      }
      (isLocal ? local : values).set(name, value);
      return value;
    },
  };
  return { settings, values, local };
}

async function run(db: TestDb, sql: string, settings?: SessionSettings) {
  const q = analyze(parse(sql)[0]!, catalog);
  db.manager.begin(1, 'read committed');
  try {
    const ctx = { ...db.context(1), ...(settings ? { settings } : {}) };
    return (await executePlan(planQuery(q, db), ctx)).rows;
  } finally {
    db.manager.rollback(1);
  }
}

it('current_setting reads the session settings; missing_ok gives NULL for an unknown name', async () => {
  const db = new TestDb();
  const { settings } = fakeSettings();
  expect(await run(db, "select current_setting('work_mem') as wm", settings)).toEqual([['4MB']]);
  expect(await run(db, "select current_setting('nosuch', true)", settings)).toEqual([[null]]);
  expect(await run(db, 'select current_setting(null)', settings)).toEqual([[null]]);
  await expect(run(db, "select current_setting('nosuch')", settings)).rejects.toMatchObject({
    code: '42704',
    message: 'unrecognized configuration parameter "nosuch"',
  });
});

it('set_config sets (locally or not) and returns the new value', async () => {
  const db = new TestDb();
  const { settings, values, local } = fakeSettings();
  expect(await run(db, "select set_config('work_mem', '32MB', false) as s", settings)).toEqual([
    ['32MB'],
  ]);
  expect(values.get('work_mem')).toBe('32MB');
  expect(await run(db, "select set_config('my.custom', 'v', true)", settings)).toEqual([['v']]);
  expect(local.get('my.custom')).toBe('v');
  await expect(run(db, "select set_config(null, 'v', true)", settings)).rejects.toMatchObject({
    code: '22004',
  });
});

it('without settings every name is unrecognized (42704), or NULL with missing_ok', async () => {
  const db = new TestDb();
  await expect(run(db, "select current_setting('work_mem')")).rejects.toMatchObject({
    code: '42704',
    message: 'unrecognized configuration parameter "work_mem"',
  });
  expect(await run(db, "select current_setting('work_mem', true)")).toEqual([[null]]);
  await expect(run(db, "select set_config('work_mem', '1MB', false)")).rejects.toMatchObject({
    code: '42704',
  });
});

it('analysis: text results, set_config is volatile; other argument types are 42883', () => {
  const q = analyze(parse("select current_setting('a'), set_config('a', 'b', false)")[0]!, catalog);
  expect(q.targetList.map((t) => [t.name, t.expr.type])).toEqual([
    ['current_setting', 25],
    ['set_config', 25],
  ]);
  expect(() => analyze(parse('select current_setting(1, 2)')[0]!, catalog)).toThrow(
    'function current_setting(integer, integer) does not exist',
  );
});
