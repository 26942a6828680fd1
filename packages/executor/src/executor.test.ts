import { describePlan, executePlan, outputColumns, planQuery } from '@pg/executor';
import {
  and,
  col,
  deleteFrom,
  fn,
  insertInto,
  lit,
  not,
  op,
  or,
  param,
  selectFrom,
  star,
  TestDb,
  target,
  updateOf,
} from '@pg/executor/testing';
import type { Expr } from '@pg/sql';
import { builtins, SqlError, TypeOid } from '@pg/types';
import { describe, expect, it } from 'vitest';

const { int4, int8, text, bool, numeric } = TypeOid;

function setup() {
  const db = new TestDb();
  const t = db.createTable(
    't',
    [
      { name: 'id', type: int4, notNull: true },
      { name: 'a', type: int4 },
      { name: 'b', type: text },
    ],
    [
      { name: 't_pkey', columns: [1], unique: true },
      { name: 't_a_idx', columns: [2] },
    ],
  );
  return { db, t };
}

/** SELECT expr (no FROM) */
async function evaluate(e: Expr): Promise<unknown> {
  const db = new TestDb();
  const r = await db.autocommit(1, selectFrom(undefined, { targets: [target(e)] }));
  return r.rows[0]![0];
}

async function errorOf(p: Promise<unknown>): Promise<string> {
  try {
    await p;
  } catch (e) {
    if (e instanceof SqlError)
      return `${e.code} ${e.message}${e.detail === undefined ? '' : ` | ${e.detail}`}`;
    return String(e);
  }
  return 'no error';
}

const NULLB = lit(null, bool);
const T = lit(true, bool);
const F = lit(false, bool);

describe('expressions', () => {
  it('AND / OR / NOT with three-valued logic', async () => {
    expect(await evaluate(and(T, NULLB))).toBe(null);
    expect(await evaluate(and(F, NULLB))).toBe(false);
    expect(await evaluate(and(NULLB, F))).toBe(false);
    expect(await evaluate(or(NULLB, T))).toBe(true);
    expect(await evaluate(or(NULLB, F))).toBe(null);
    expect(await evaluate(not(NULLB))).toBe(null);
    expect(await evaluate(not(F))).toBe(true);
  });

  it('strict functions give NULL for a NULL argument; operators come from the registry', async () => {
    expect(await evaluate(op('+', lit(2, int4), lit(3, int4)))).toBe(5);
    expect(await evaluate(op('+', lit(2, int4), lit(null, int4)))).toBe(null);
    expect(await evaluate(op('||', lit('a', text), lit('b', text)))).toBe('ab');
    expect(await evaluate(fn('upper', lit('abc', text)))).toBe('ABC');
  });

  it('errors carry PostgreSQL SQLSTATEs (22012 division by zero)', async () => {
    expect(await errorOf(evaluate(op('/', lit(1, int4), lit(0, int4))))).toBe(
      '22012 division by zero',
    );
    expect(await errorOf(evaluate(op('+', lit(2147483647, int4), lit(1, int4))))).toMatch(/^22003/);
  });

  it('CASE, COALESCE, NULLIF, GREATEST/LEAST, IS [NOT] NULL, IS TRUE', async () => {
    const x = lit(5, int4);
    const c: Expr = {
      kind: 'case',
      whens: [
        // biome-ignore lint/suspicious/noThenProperty: CaseExpr's field (query.ts)
        { when: op('<', x, lit(3, int4)), then: lit('small', text) },
        // biome-ignore lint/suspicious/noThenProperty: CaseExpr's field (query.ts)
        { when: op('<', x, lit(10, int4)), then: lit('medium', text) },
      ],
      otherwise: lit('large', text),
      type: text,
      typmod: -1,
    };
    expect(await evaluate(c)).toBe('medium');
    expect(
      await evaluate({
        kind: 'coalesce',
        args: [lit(null, int4), lit(7, int4), op('/', lit(1, int4), lit(0, int4))],
        type: int4,
        typmod: -1,
      }),
    ).toBe(7); // stops at the first non-null (never divides)
    const nullif = (a: number, b: number): Expr => ({
      kind: 'nullif',
      args: [lit(a, int4), lit(b, int4)],
      eq: op('=', lit(a, int4), lit(b, int4)),
      type: int4,
      typmod: -1,
    });
    expect(await evaluate(nullif(1, 1))).toBe(null);
    expect(await evaluate(nullif(1, 2))).toBe(1);
    const mm = (op: 'greatest' | 'least'): Expr => ({
      kind: 'minmax',
      op,
      args: [lit(3, int4), lit(null, int4), lit(9, int4)],
      type: int4,
      typmod: -1,
    });
    expect(await evaluate(mm('greatest'))).toBe(9);
    expect(await evaluate(mm('least'))).toBe(3);
    expect(
      await evaluate({
        kind: 'nulltest',
        arg: lit(null, int4),
        isNull: true,
        type: bool,
        typmod: -1,
      }),
    ).toBe(true);
    expect(
      await evaluate({ kind: 'booltest', arg: NULLB, test: 'not true', type: bool, typmod: -1 }),
    ).toBe(true);
    expect(
      await evaluate({ kind: 'booltest', arg: NULLB, test: 'false', type: bool, typmod: -1 }),
    ).toBe(false);
  });

  it('x = ANY / <> ALL (array) with NULL semantics', async () => {
    const arr = (...xs: (number | null)[]): Expr => ({
      kind: 'array',
      elementType: int4,
      elements: xs.map((v) => lit(v, int4)),
      type: TypeOid._int4,
      typmod: -1,
    });
    const eq = op('=', lit(1, int4), lit(1, int4));
    const ne = op('<>', lit(1, int4), lit(1, int4));
    const sao = (useOr: boolean, x: number | null, a: Expr): Expr => {
      const o = useOr ? eq : ne;
      if (o.kind !== 'op') throw new Error();
      return {
        kind: 'scalararrayop',
        useOr,
        op: o.op,
        fn: o.fn,
        scalar: lit(x, int4),
        array: a,
        type: bool,
        typmod: -1,
      };
    };
    expect(await evaluate(sao(true, 2, arr(1, 2)))).toBe(true);
    expect(await evaluate(sao(true, 3, arr(1, 2)))).toBe(false);
    expect(await evaluate(sao(true, 3, arr(1, null)))).toBe(null);
    expect(await evaluate(sao(true, 1, arr(1, null)))).toBe(true);
    expect(await evaluate(sao(true, null, arr()))).toBe(false);
    expect(await evaluate(sao(false, 3, arr(1, 2)))).toBe(true); // 3 NOT IN (1, 2)
    expect(await evaluate(sao(false, 3, arr(1, null)))).toBe(null);
    expect(await evaluate(sao(false, 1, arr(1, null)))).toBe(false);
    expect(await evaluate(sao(false, null, arr()))).toBe(true);
  });

  it('casts: a pg_cast function, text I/O, and typmods', async () => {
    const cast = builtins.cast(int4, int8)!;
    expect(
      await evaluate({
        kind: 'coerce',
        arg: lit(5, int4),
        cast,
        via: 'cast',
        explicit: true,
        type: int8,
        typmod: -1,
      }),
    ).toBe(5n);
    expect(
      await evaluate({
        kind: 'coerce',
        arg: lit('42', text),
        via: 'io',
        explicit: true,
        type: int4,
        typmod: -1,
      }),
    ).toBe(42);
    expect(
      await errorOf(
        evaluate({
          kind: 'coerce',
          arg: lit('x', text),
          via: 'io',
          explicit: true,
          type: int4,
          typmod: -1,
        }),
      ),
    ).toBe('22P02 invalid input syntax for type integer: "x"');
    // varchar(3): explicit casts truncate, assignment ones fail
    const varchar = TypeOid.varchar;
    const v3 = (explicit: boolean): Expr => ({
      kind: 'coerce',
      arg: lit('abcdef', varchar),
      via: 'typmod',
      explicit,
      type: varchar,
      typmod: 7,
    });
    expect(await evaluate(v3(true))).toBe('abc');
    expect(await errorOf(evaluate(v3(false)))).toBe(
      '22001 value too long for type character varying(3)',
    );
    const n = builtins.mustType(numeric);
    const r = await evaluate({
      kind: 'coerce',
      arg: lit(n.input('3.14159', -1, undefined as never), numeric),
      via: 'typmod',
      explicit: false,
      type: numeric,
      typmod: ((5 << 16) | 2) + 4,
    });
    expect(n.output(r, undefined as never)).toBe('3.14');
  });

  it('parameters', async () => {
    const db = new TestDb();
    const q = selectFrom(undefined, {
      targets: [target(op('*', param(1, int4), lit(2, int4)))],
      paramTypes: [int4],
    });
    const plan = planQuery(q, db);
    db.manager.begin(1);
    expect((await executePlan(plan, db.context(1, [21]))).rows).toEqual([[42]]);
    expect((await executePlan(plan, db.context(1, [5]))).rows).toEqual([[10]]);
    expect((await executePlan(plan, db.context(1, [null]))).rows).toEqual([[null]]);
    db.manager.rollback(1);
  });
});

describe('plans', () => {
  // the rule-based scan of UPDATE/DELETE and SELECT ... FOR UPDATE (other SELECTs: @pg/planner)
  it('uses a B-tree index for =, ranges and BETWEEN on its column, not for a + 0 = 1', () => {
    const { db, t } = setup();
    const plan = (where: Expr) =>
      describePlan(planQuery(selectFrom(t, { where, forUpdate: 'update' }), db)).replace(
        /^LockRows\n {2}-> {2}/,
        '',
      );
    expect(plan(op('=', col(1, int4), lit(1, int4)))).toBe('Index Scan using t_pkey on t');
    expect(plan(op('=', lit(1, int4), col(1, int4)))).toBe('Index Scan using t_pkey on t');
    expect(plan(op('<', col(2, int4), param(1, int4)))).toBe('Index Scan using t_a_idx on t');
    expect(
      plan(and(op('>=', col(2, int4), lit(1, int4)), op('<=', col(2, int4), lit(5, int4)))),
    ).toBe('Index Scan using t_a_idx on t');
    expect(plan(op('=', op('+', col(1, int4), lit(0, int4)), lit(1, int4)))).toBe('Seq Scan on t');
    expect(plan(op('=', col(1, int4), col(2, int4)))).toBe('Seq Scan on t');
    expect(plan(or(op('=', col(1, int4), lit(1, int4)), op('=', col(1, int4), lit(2, int4))))).toBe(
      'Seq Scan on t',
    );
    expect(plan(op('=', col(3, text), lit('x', text)))).toBe('Seq Scan on t');
    // equality on the unique key beats a range on the other
    expect(
      plan(and(op('>', col(2, int4), lit(1, int4)), op('=', col(1, int4), lit(3, int4)))),
    ).toBe('Index Scan using t_pkey on t');
    expect(
      describePlan(planQuery(updateOf(t, new Map(), op('=', col(1, int4), lit(1, int4))), db)),
    ).toBe('Update on t\n  ->  Index Scan using t_pkey on t');
    expect(
      describePlan(
        planQuery(
          selectFrom(t, {
            sort: [{ index: 0, descending: false, nullsFirst: false }],
            limit: lit(1n, int8),
            forUpdate: 'update',
          }),
          db,
        ),
      ),
    ).toBe('Limit\n  ->  LockRows\n        ->  Sort\n              ->  Seq Scan on t');
  });

  it('uses equality on a prefix then a range on a multi-column index', () => {
    const db = new TestDb();
    const t = db.createTable(
      'm',
      [
        { name: 'x', type: int4 },
        { name: 'y', type: int4 },
        { name: 'z', type: int4 },
      ],
      [{ name: 'm_xyz', columns: [1, 2, 3] }],
    );
    const p = planQuery(
      selectFrom(t, {
        where: and(
          op('=', col(1, int4), lit(1, int4)),
          op('>', col(2, int4), lit(2, int4)),
          op('=', col(3, int4), lit(3, int4)),
        ),
        forUpdate: 'update',
      }),
      db,
    );
    expect(p.scan?.kind).toBe('indexscan');
    if (p.scan?.kind !== 'indexscan') return;
    expect(p.scan.indexQuals.map((q) => [q.column, q.strategy])).toEqual([
      [1, 3],
      [2, 5],
    ]);
    expect(p.scan.filter).toBeDefined(); // z = 3 stays a filter
  });

  it('describes output columns without running', () => {
    const { db, t } = setup();
    const p = planQuery(
      selectFrom(t, {
        targets: [...star(t).slice(0, 1), target(op('+', col(2, int4), lit(1, int4)))],
      }),
      db,
    );
    expect(outputColumns(p.query)).toEqual(p.columns);
    expect(p.columns).toEqual([
      { name: 'id', typeOid: int4, typmod: -1, tableOid: t.desc.oid, attnum: 1 },
      { name: '?column?', typeOid: int4, typmod: -1, tableOid: 0, attnum: 0 },
    ]);
  });
});

describe('DML', () => {
  it('INSERT ... RETURNING, SELECT with ORDER BY / LIMIT / OFFSET / DISTINCT', async () => {
    const { db, t } = setup();
    const ins = await db.autocommit(
      1,
      insertInto(
        t,
        [
          [1, 10, 'x'],
          [2, null, 'y'],
          [3, 10, 'x'],
          [4, 5, null],
        ],
        [target(op('*', col(1, int4), lit(100, int4)), 'r')],
      ),
    );
    expect(ins).toEqual({ rows: [[100], [200], [300], [400]], rowCount: 4, command: 'INSERT' });
    const sortA = (descending: boolean, nullsFirst: boolean) => [
      { index: 1, descending, nullsFirst },
      { index: 0, descending: false, nullsFirst: false },
    ];
    const ids = async (spec: Parameters<typeof selectFrom>[1]) =>
      (await db.autocommit(1, selectFrom(t, spec))).rows.map((r) => r[0]);
    expect(await ids({ sort: sortA(false, false) })).toEqual([4, 1, 3, 2]);
    expect(await ids({ sort: sortA(true, true) })).toEqual([2, 1, 3, 4]);
    expect(
      await ids({ sort: sortA(false, false), limit: lit(2n, int8), offset: lit(1n, int8) }),
    ).toEqual([1, 3]);
    expect(await ids({ sort: sortA(false, false), limit: lit(null, int8) })).toEqual([4, 1, 3, 2]);
    expect(await errorOf(ids({ limit: lit(-1n, int8) }))).toBe('2201W LIMIT must not be negative');
    expect(await errorOf(ids({ offset: lit(-1n, int8) }))).toBe(
      '2201X OFFSET must not be negative',
    );
    const bs = await db.autocommit(
      1,
      selectFrom(t, {
        targets: [target(col(3, text), 'b')],
        distinct: 'all',
        sort: [{ index: 0, descending: false, nullsFirst: false }],
      }),
    );
    expect(bs.rows).toEqual([['x'], ['y'], [null]]);
    // DISTINCT ON (a) ... ORDER BY a, id DESC: the highest id per a
    const on = await db.autocommit(
      1,
      selectFrom(t, {
        targets: star(t),
        distinct: [1],
        sort: [
          { index: 1, descending: false, nullsFirst: false },
          { index: 0, descending: true, nullsFirst: false },
        ],
      }),
    );
    expect(on.rows).toEqual([
      [4, 5, null],
      [3, 10, 'x'],
      [2, null, 'y'],
    ]);
  });

  it('NOT NULL violation: 23502 with the failing row', async () => {
    const { db, t } = setup();
    expect(await errorOf(db.autocommit(1, insertInto(t, [[null, 1, 'x']])))).toBe(
      '23502 null value in column "id" of relation "t" violates not-null constraint | Failing row contains (null, 1, x).',
    );
    await db.autocommit(1, insertInto(t, [[1, 1, 'x']]));
    expect(
      await errorOf(
        db.autocommit(
          1,
          updateOf(t, new Map([[1, lit(null, int4)]]), op('=', col(1, int4), lit(1, int4))),
        ),
      ),
    ).toBe(
      '23502 null value in column "id" of relation "t" violates not-null constraint | Failing row contains (null, 1, x).',
    );
  });

  it('unique violation: 23505 with the key, on INSERT and on UPDATE', async () => {
    const { db, t } = setup();
    await db.autocommit(
      1,
      insertInto(t, [
        [1, 1, 'x'],
        [2, 2, 'y'],
      ]),
    );
    expect(await errorOf(db.autocommit(1, insertInto(t, [[1, 3, 'z']])))).toBe(
      '23505 duplicate key value violates unique constraint "t_pkey" | Key (id)=(1) already exists.',
    );
    expect(
      await errorOf(
        db.autocommit(
          1,
          updateOf(t, new Map([[1, lit(2, int4)]]), op('=', col(1, int4), lit(1, int4))),
        ),
      ),
    ).toBe(
      '23505 duplicate key value violates unique constraint "t_pkey" | Key (id)=(2) already exists.',
    );
    // a deleted row's key can be used again, also within one transaction
    db.manager.begin(1);
    await db.run(1, deleteFrom(t, op('=', col(1, int4), lit(1, int4))));
    await db.run(1, insertInto(t, [[1, 9, 'again']]));
    await db.manager.commit(1);
    const rows = (
      await db.autocommit(1, selectFrom(t, { where: op('=', col(1, int4), lit(1, int4)) }))
    ).rows;
    expect(rows).toEqual([[1, 9, 'again']]);
  });

  it('UPDATE a = a + 1 changes each row once (Halloween), RETURNING the new values; DELETE RETURNING', async () => {
    const { db, t } = setup();
    await db.autocommit(
      1,
      insertInto(t, [
        [1, 1, 'x'],
        [2, 2, 'y'],
        [3, 3, 'z'],
      ]),
    );
    const up = await db.autocommit(
      1,
      updateOf(
        t,
        new Map([[2, op('+', col(2, int4), lit(1, int4))]]),
        op('>=', col(2, int4), lit(1, int4)),
        [target(col(1, int4), 'id'), target(col(2, int4), 'a')],
      ),
    );
    expect(up.rowCount).toBe(3);
    expect(up.rows).toEqual([
      [1, 2],
      [2, 3],
      [3, 4],
    ]);
    // the key itself: id = id + 1 over an index scan on id
    const up2 = await db.autocommit(
      1,
      updateOf(
        t,
        new Map([[1, op('+', col(1, int4), lit(10, int4))]]),
        op('>', col(1, int4), lit(0, int4)),
      ),
    );
    expect(up2.rowCount).toBe(3);
    const del = await db.autocommit(
      1,
      deleteFrom(t, op('=', col(1, int4), lit(12, int4)), [target(col(3, text), 'b')]),
    );
    expect(del).toEqual({ rows: [['y']], rowCount: 1, command: 'DELETE' });
    const all = await db.autocommit(
      1,
      selectFrom(t, { sort: [{ index: 0, descending: false, nullsFirst: false }] }),
    );
    expect(all.rows).toEqual([
      [11, 2, 'x'],
      [13, 4, 'z'],
    ]);
  });

  it('a statement sees the earlier statements of its transaction', async () => {
    const { db, t } = setup();
    db.manager.begin(1);
    await db.run(1, insertInto(t, [[1, 1, 'x']]));
    await db.run(1, updateOf(t, new Map([[2, lit(5, int4)]])));
    expect(
      (await db.run(1, selectFrom(t, { where: op('=', col(2, int4), lit(5, int4)) }))).rows,
    ).toEqual([[1, 5, 'x']]);
    await db.manager.commit(1);
  });
});
