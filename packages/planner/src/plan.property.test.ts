/**
 * Property: for random queries from a small grammar (joins of every type,
 * sub-SELECTs in WHERE and the select list, grouping, windows, DISTINCT,
 * ORDER BY, LIMIT, set operations, subqueries in FROM) under random
 * enable_* settings, the planner returns a plan that satisfies R1–R4
 * (checkPlan: every expression of every node reads only its input's
 * columns, no Var of another level survives, ExecParams and SubPlans
 * exist) with sane estimates.
 */
import type { PlannerSettings } from '@pg/planner';
import { planSelect } from '@pg/planner';
import { checkPlan, planShape } from '@pg/planner/testing';
import type { Expr, RangeTblEntry, SelectQuery, TargetEntry } from '@pg/sql';
import fc from 'fast-check';
import { beforeAll, expect, it } from 'vitest';
import {
  and,
  col,
  count,
  INT4,
  INT8,
  int,
  join,
  not,
  op,
  or,
  rel,
  select,
  sublink,
  TEXT,
  te,
  types,
} from './build.test-helper.js';
import { type Fixture, fixture } from './fixture.test-helper.js';

let f: Fixture;
beforeAll(async () => {
  f = await fixture();
});

const TABLES = ['t', 'u', 'v', 'e'];

/** A small deterministic PRNG (mulberry32), so one integer seed is one query. */
function prng(seed: number) {
  let a = seed >>> 0;
  const next = () => {
    a = (a + 0x6d2b79f5) >>> 0;
    let t = a;
    t = Math.imul(t ^ (t >>> 15), t | 1);
    t ^= t + Math.imul(t ^ (t >>> 7), t | 61);
    return ((t ^ (t >>> 14)) >>> 0) / 4294967296;
  };
  return {
    int: (n: number) => Math.floor(next() * n),
    chance: (p: number) => next() < p,
    pick<T>(xs: readonly T[]): T {
      return xs[Math.floor(next() * xs.length)]!;
    },
  };
}
type R = ReturnType<typeof prng>;

/** A base entry's int columns as Vars (at `levelsUp`). */
function intCols(rtable: readonly RangeTblEntry[], rts: readonly number[], levelsUp = 0): Expr[] {
  const out: Expr[] = [];
  for (const rt of rts) {
    const rte = rtable[rt];
    if (rte?.kind !== 'relation') continue;
    const name = [...f.rels.values()].find((d) => d.oid === rte.relationOid)!.name;
    types(f, name).forEach((ty, i) => {
      if (ty === INT4) out.push(col(rt, i + 1, INT4, levelsUp));
    });
  }
  return out;
}

function simpleSub(r: R, outerCols: Expr[], correlated: boolean, linkCol: boolean): SelectQuery {
  const name = r.pick(TABLES);
  const rtable = [rel(f, name, `s_${name}`)];
  const inner = intCols(rtable, [0]);
  const where: Expr[] = [];
  if (correlated && outerCols.length > 0) {
    const oc = r.pick(outerCols);
    const lifted = oc.kind === 'var' ? { ...oc, levelsUp: 1 } : oc;
    where.push(op(r.pick(['=', '<']), r.pick(inner), lifted));
  }
  if (r.chance(0.4)) where.push(op('>', r.pick(inner), int(r.int(100))));
  return select(rtable, [0], [te(linkCol ? r.pick(inner) : int(1))], {
    ...(where.length > 0 ? { where: and(...where) } : {}),
  });
}

function genQuery(r: R, depth = 0): SelectQuery {
  const rtable: RangeTblEntry[] = [];
  const from: number[] = [];
  const baseRts: number[] = [];
  const nItems = 1 + r.int(depth > 0 ? 2 : 4);
  const addBase = (): number => {
    const name = r.pick(TABLES);
    rtable.push(rel(f, name, `${name}${rtable.length}`));
    baseRts.push(rtable.length - 1);
    return rtable.length - 1;
  };
  const addItem = (): { rt: number; rts: number[] } => {
    if (r.chance(0.35)) {
      const l = addItem();
      const rr = addItem();
      const jt = r.pick(['inner', 'left', 'right', 'full'] as const);
      const lc = intCols(rtable, l.rts);
      const rc = intCols(rtable, rr.rts);
      let quals: Expr | undefined;
      if (lc.length > 0 && rc.length > 0) {
        quals = op('=', r.pick(lc), r.pick(rc));
        if (r.chance(0.3)) quals = and(quals, op('<', r.pick(rc), int(r.int(1000))));
      } else if (jt !== 'inner') quals = { kind: 'const', value: true, type: 16, typmod: -1 };
      if (jt === 'full' && (lc.length === 0 || rc.length === 0)) return l;
      rtable.push(join(jt, l.rt, rr.rt, quals));
      return { rt: rtable.length - 1, rts: [...l.rts, ...rr.rts] };
    }
    const rt = addBase();
    return { rt, rts: [rt] };
  };
  for (let i = 0; i < nItems; i++) from.push(addItem().rt);
  const cols = intCols(rtable, baseRts);
  const where: Expr[] = [];
  const nWhere = r.int(4);
  for (let i = 0; i < nWhere && cols.length > 0; i++) {
    switch (r.int(8)) {
      case 0:
        where.push(op(r.pick(['=', '<', '>', '<=']), r.pick(cols), int(r.int(1000))));
        break;
      case 1:
        where.push(op('=', r.pick(cols), r.pick(cols)));
        break;
      case 2:
        where.push({
          kind: 'nulltest',
          arg: r.pick(cols),
          isNull: r.chance(0.5),
          type: 16,
          typmod: -1,
        });
        break;
      case 3:
        where.push(
          or(op('=', r.pick(cols), int(r.int(50))), op('=', r.pick(cols), int(r.int(50)))),
        );
        break;
      case 4: {
        const sl = sublink('exists', simpleSub(r, cols, r.chance(0.8), false));
        where.push(r.chance(0.5) ? not(sl) : sl);
        break;
      }
      case 5: {
        const sq = simpleSub(r, cols, r.chance(0.3), true);
        const test = op('=', r.pick(cols), {
          kind: 'sublinkparam',
          column: 1,
          type: INT4,
          typmod: -1,
        });
        const sl = sublink('any', sq, test);
        where.push(r.chance(0.4) ? not(sl) : sl);
        break;
      }
      case 6: {
        const sq = simpleSub(r, cols, r.chance(0.6), true);
        where.push(
          op('<', r.pick(cols), sublink('expr', { ...sq, limit: int(1) }, undefined, INT4)),
        );
        break;
      }
      default:
        where.push(op('>', op('+', r.pick(cols), int(1)), int(r.int(10))));
    }
  }
  let targetList: TargetEntry[];
  const extra: { -readonly [K in keyof SelectQuery]?: SelectQuery[K] } = {};
  const grouped = cols.length > 0 && r.chance(0.25);
  if (grouped) {
    const g = r.pick(cols);
    const c = count();
    targetList = [te(g, 'g'), te(c.ref, 'count')];
    extra.aggregates = c.aggregates;
    extra.group = [0];
    if (r.chance(0.3))
      extra.having = op('>', c.ref, { kind: 'const', value: 1n, type: INT8, typmod: -1 });
  } else {
    const n = 1 + r.int(3);
    targetList = [];
    for (let i = 0; i < n; i++) {
      const dice = r.int(10);
      if (cols.length === 0 || dice === 0) targetList.push(te(int(i), `c${i}`));
      else if (dice <= 2) targetList.push(te(op('+', r.pick(cols), int(1)), `c${i}`));
      else if (dice === 3)
        targetList.push(
          te(
            sublink('expr', { ...simpleSub(r, cols, true, true), limit: int(1) }, undefined, INT4),
            `c${i}`,
          ),
        );
      else targetList.push(te(r.pick(cols), `c${i}`));
    }
    if (cols.length > 0 && r.chance(0.2)) {
      extra.windowFuncs = [{ name: 'row_number', args: [], window: 0, type: INT8, typmod: -1 }];
      extra.windows = [
        {
          partition: [r.pick(cols)],
          order: [{ expr: r.pick(cols), descending: r.chance(0.5), nullsFirst: false }],
          frame: {
            mode: 'range',
            start: { kind: 'unbounded preceding' },
            end: { kind: 'current row' },
            exclude: 'no others',
          },
        },
      ];
      targetList.push(te({ kind: 'windowfunc', index: 0, type: INT8, typmod: -1 }, 'rn'));
    }
    if (r.chance(0.15)) extra.distinct = 'all';
  }
  if (r.chance(0.4)) {
    const idx = r.int(targetList.length);
    extra.sort = [{ index: idx, descending: r.chance(0.5), nullsFirst: r.chance(0.5) }];
  } else if (!grouped && extra.distinct === undefined && cols.length > 0 && r.chance(0.2)) {
    // ORDER BY a column not selected: a junk entry
    targetList.push(te(r.pick(cols), 'junk', true));
    extra.sort = [{ index: targetList.length - 1, descending: false, nullsFirst: false }];
  }
  if (r.chance(0.3)) extra.limit = int(1 + r.int(20));
  if (r.chance(0.1)) extra.offset = int(r.int(5));
  return select(rtable, from, targetList, {
    ...(where.length > 0 ? { where: and(...where) } : {}),
    ...extra,
  });
}

/** Wraps a query: as a subquery in FROM, or UNION [ALL] with another. */
function genTop(r: R): SelectQuery {
  const q = genQuery(r);
  if (r.chance(0.15)) {
    const names = q.targetList.filter((t) => !t.junk).map((t) => t.name);
    const sub: RangeTblEntry = { kind: 'subquery', query: q, alias: 'sq', columnNames: names };
    const outs = q.targetList.filter((t) => !t.junk);
    return select(
      [sub],
      [0],
      outs.map((t, i) => te(col(0, i + 1, t.expr.type), t.name)),
      {
        where: op(
          '>',
          col(0, 1, outs[0]!.expr.type),
          outs[0]!.expr.type === INT8
            ? { kind: 'const', value: 0n, type: INT8, typmod: -1 }
            : outs[0]!.expr.type === TEXT
              ? { kind: 'const', value: 'a', type: TEXT, typmod: -1 }
              : int(0),
        ),
      },
    );
  }
  if (r.chance(0.15)) {
    const one = (): SelectQuery => {
      const name = r.pick(TABLES);
      const rt = [rel(f, name)];
      return select(rt, [0], [te(intCols(rt, [0])[0]!, 'x')]);
    };
    const all = r.chance(0.5);
    const opn = r.pick(['union', 'intersect', 'except'] as const);
    return select(
      [
        { kind: 'subquery', query: one(), alias: '*SELECT* 1', columnNames: ['x'] },
        { kind: 'subquery', query: one(), alias: '*SELECT* 2', columnNames: ['x'] },
      ],
      [],
      [te(col(0, 1), 'x')],
      {
        setOp: {
          kind: 'setop',
          op: opn,
          all,
          left: { kind: 'leaf', rt: 0 },
          right: { kind: 'leaf', rt: 1 },
          columnTypes: [{ type: INT4, typmod: -1 }],
        },
        ...(r.chance(0.5) ? { sort: [{ index: 0, descending: true, nullsFirst: true }] } : {}),
      },
    );
  }
  return q;
}

const settingsArb = fc.record({
  enableSeqscan: fc.boolean(),
  enableIndexscan: fc.boolean(),
  enableIndexonlyscan: fc.boolean(),
  enableBitmapscan: fc.boolean(),
  enableNestloop: fc.boolean(),
  enableHashjoin: fc.boolean(),
  enableMergejoin: fc.boolean(),
  enableHashagg: fc.boolean(),
  enableSort: fc.boolean(),
  enableIncrementalSort: fc.boolean(),
  enableMaterial: fc.boolean(),
}) as fc.Arbitrary<Partial<PlannerSettings>>;

const runs = Number(process.env.PG_PROPERTY_RUNS ?? 150);

it('every plan of a random query satisfies R1–R4', () => {
  fc.assert(
    fc.property(fc.integer(), settingsArb, fc.boolean(), (seed, settings, useSettings) => {
      const q = genTop(prng(seed));
      const planned = planSelect(q, f.ctx(useSettings ? settings : {}));
      const errors = checkPlan(planned);
      if (errors.length > 0) {
        throw new Error(`seed ${seed}: ${errors.slice(0, 5).join('; ')}\n${planShape(planned)}`);
      }
      expect(planned.plan.output.length).toBeGreaterThanOrEqual(planned.columns.length);
    }),
    { numRuns: runs },
  );
});

it('the grammar reaches the node types', () => {
  const kinds = new Map<string, number>();
  const visit = (n: unknown) => {
    if (n === null || typeof n !== 'object') return;
    if (Array.isArray(n)) return n.forEach(visit);
    const o = n as Record<string, unknown>;
    if (typeof o.kind === 'string' && typeof o.totalCost === 'number') {
      const k = `${o.kind}${o.joinType ? `:${o.joinType}` : ''}${o.strategy ? `:${o.strategy}` : ''}`;
      kinds.set(k, (kinds.get(k) ?? 0) + 1);
    }
    for (const [key, v] of Object.entries(o)) if (key !== 'output') visit(v);
  };
  for (let seed = 0; seed < 400; seed++) {
    const p = planSelect(genTop(prng(seed)), f.ctx());
    visit(p.plan);
    p.subplans.forEach(visit);
  }
  console.log(
    [...kinds]
      .sort()
      .map(([k, n]) => `${k}=${n}`)
      .join(' '),
  );
});

/** Random SQL text through @pg/sql's analyzer (its real query trees), every plan checked. */
function genSql(r: R): string {
  const tables: Record<string, string[]> = {
    t: ['a', 'c'],
    u: ['x', 'y'],
    v: ['k'],
    e: ['p', 'q'],
  };
  const n = 1 + r.int(3);
  const items: { alias: string; cols: string[] }[] = [];
  let from = '';
  for (let i = 0; i < n; i++) {
    const name = r.pick(Object.keys(tables));
    const alias = `${name}${i}`;
    const cols = tables[name]!.map((c) => `${alias}.${c}`);
    if (i === 0) from = `${name} ${alias}`;
    else {
      const jt = r.pick(['join', 'left join', 'right join', 'full join', ',']);
      const on = `${r.pick(items.flatMap((x) => x.cols))} = ${r.pick(cols)}`;
      from += jt === ',' ? `, ${name} ${alias}` : ` ${jt} ${name} ${alias} on ${on}`;
    }
    items.push({ alias, cols });
  }
  const cols = items.flatMap((x) => x.cols);
  const conds: string[] = [];
  for (let i = r.int(3); i > 0; i--) {
    switch (r.int(6)) {
      case 0:
        conds.push(`${r.pick(cols)} ${r.pick(['=', '<', '>='])} ${r.int(100)}`);
        break;
      case 1:
        conds.push(`${r.pick(cols)} = ${r.pick(cols)}`);
        break;
      case 2:
        conds.push(
          `${r.chance(0.5) ? 'not ' : ''}exists (select 1 from u s where s.x = ${r.pick(cols)})`,
        );
        break;
      case 3:
        conds.push(`${r.pick(cols)} ${r.chance(0.5) ? 'not ' : ''}in (select k from v)`);
        break;
      case 4:
        conds.push(`${r.pick(cols)} < (select max(y) from u s where s.x = ${r.pick(cols)})`);
        break;
      default:
        conds.push(`(${r.pick(cols)} is null or ${r.pick(cols)} = 1)`);
    }
  }
  const where = conds.length > 0 ? ` where ${conds.join(' and ')}` : '';
  switch (r.int(5)) {
    case 0: {
      const g = r.pick(cols);
      return `select ${g}, count(*), sum(${r.pick(cols)}) from ${from}${where} group by ${g}${r.chance(0.5) ? ` having count(*) > 1` : ''}${r.chance(0.5) ? ' order by 1' : ''}`;
    }
    case 1:
      return `select ${r.pick(cols)}, row_number() over (partition by ${r.pick(cols)} order by ${r.pick(cols)}) from ${from}${where}`;
    case 2:
      return `select distinct ${r.pick(cols)} from ${from}${where} order by 1${r.chance(0.5) ? ' limit 3' : ''}`;
    case 3:
      return `with w as (select ${r.pick(cols)} as c from ${from}${where}) select * from w${r.chance(0.5) ? ', w w2 where w.c = w2.c' : ''}`;
    default:
      return `select ${r.pick(cols)}, ${r.pick(cols)} + 1 from ${from}${where}${r.chance(0.5) ? ` order by ${r.pick(cols)} desc limit 7` : ''}`;
  }
}

it('every plan of random SQL (through the analyzer) satisfies R1–R4', () => {
  let planned = 0;
  fc.assert(
    fc.property(fc.integer(), settingsArb, (seed, settings) => {
      const sql = genSql(prng(seed));
      let q: SelectQuery;
      try {
        q = f.q(sql);
      } catch {
        return; // the analyzer refuses it (ambiguous names, unsupported syntax)
      }
      planned++;
      const p = planSelect(q, f.ctx(settings));
      const errors = checkPlan(p);
      if (errors.length > 0)
        throw new Error(`${sql}: ${errors.slice(0, 5).join('; ')}\n${planShape(p)}`);
    }),
    { numRuns: runs },
  );
  expect(planned).toBeGreaterThan(runs / 2);
});
