/**
 * Test-only helper of `query.pg.test.ts` (not exported from the package):
 * random SELECTs from a small grammar over three tables of the same shape,
 * t1, t2, t3 (a int, b int, c text), with NULLs in every column.
 *
 * A query is built from a "tape" of random numbers: each choice takes the
 * next number modulo the number of options, and option 0 is always the
 * simplest, so when fast-check shrinks the tape toward zeros the query
 * shrinks toward `SELECT ... FROM t1`. The grammar covers what issue 8
 * adds: joins of every type (ON, USING), FROM lists, sub-SELECTs in WHERE
 * (EXISTS, NOT EXISTS, IN, NOT IN, scalar, ANY/ALL, correlated or not), in
 * FROM and in the select list, GROUP BY with aggregates (DISTINCT, FILTER,
 * ORDER BY inside) and HAVING, GROUPING SETS / ROLLUP / CUBE, window
 * functions with PARTITION BY / ORDER BY / frames, WITH (and WITH
 * RECURSIVE over a bounded series), UNION / INTERSECT / EXCEPT [ALL],
 * DISTINCT, ORDER BY with LIMIT, VALUES and generate_series; FULL JOIN on a
 * constant, unnest WITH ORDINALITY and of several arrays (LATERAL),
 * GROUPING() inside CASE, DISTINCT over groups, several set-returning
 * functions in a FROM-less select list, multidimensional ARRAY[] and
 * ARRAY(SELECT <array>).
 *
 * Every output column is cast to text, so results compare as text; rows
 * compare as a multiset unless the query has an ORDER BY over all of its
 * columns (then LIMIT is safe: ties are equal rows).
 */

export const TABLES = ['t1', 't2', 't3'] as const;

/** Rows for a table: a in 0..4, b in 0..9, c in x/y/z; each NULL now and then. */
export function tableRows(tape: readonly number[]): string[] {
  const rows: string[] = [];
  let k = 0;
  const next = () => tape[k++ % tape.length] ?? 0;
  const count = next() % 12;
  for (let i = 0; i < count; i++) {
    const a = next() % 6;
    const b = next() % 11;
    const c = next() % 4;
    rows.push(
      `(${a === 5 ? 'NULL' : a}, ${b === 10 ? 'NULL' : b}, ${c === 3 ? 'NULL' : `'${'xyz'[c]}'`})`,
    );
  }
  return rows;
}

class Tape {
  #i = 0;
  constructor(readonly values: readonly number[]) {}
  /** A choice among n options (0 when the tape is exhausted: the simplest). */
  pick(n: number): number {
    const v = this.values[this.#i++];
    return v === undefined ? 0 : v % n;
  }
  chance(percent: number): boolean {
    return this.pick(100) >= 100 - percent;
  }
}

interface Scope {
  /** Qualified int columns (`x.a`) and text columns visible. */
  readonly ints: string[];
  readonly texts: string[];
  /** Aliases of the FROM items (for correlated references from sub-SELECTs). */
  readonly aliases: string[];
}

let aliasCounter = 0;

function freshAlias(prefix: string): string {
  aliasCounter++;
  return `${prefix}${aliasCounter}`;
}

function intConst(t: Tape): string {
  return String(t.pick(8) - 1);
}

function intExpr(t: Tape, s: Scope): string {
  const col = s.ints[t.pick(s.ints.length)]!;
  switch (t.pick(6)) {
    case 0:
    case 1:
    case 2:
      return col;
    case 3:
      return `(${col} + ${intConst(t)})`;
    case 4:
      return `coalesce(${col}, ${intConst(t)})`;
    default:
      return `(${col} * 2)`;
  }
}

function textExpr(t: Tape, s: Scope): string {
  const col = s.texts[t.pick(s.texts.length)]!;
  return t.pick(4) === 3 ? `upper(${col})` : col;
}

/** A boolean condition over `s`, possibly with sub-SELECTs correlated to it. */
function condition(t: Tape, s: Scope, depth: number): string {
  const options = depth > 1 ? 4 : 12;
  switch (t.pick(options)) {
    case 0:
      return `${intExpr(t, s)} ${['=', '<', '>', '<>', '<=', '>='][t.pick(6)]} ${intConst(t)}`;
    case 1:
      return `${intExpr(t, s)} IS ${t.chance(50) ? 'NOT ' : ''}NULL`;
    case 2:
      return `${textExpr(t, s)} IN ('x', 'y')`;
    case 3:
      return `(${condition(t, s, depth + 1)} ${t.chance(50) ? 'AND' : 'OR'} ${condition(t, s, depth + 1)})`;
    case 4:
      return `${t.chance(50) ? 'NOT ' : ''}EXISTS (${subSelect(t, s, depth, 'a')})`;
    case 5:
      return `${intExpr(t, s)} ${t.chance(40) ? 'NOT ' : ''}IN (${subSelect(t, s, depth, 'a')})`;
    case 6:
      return `${intExpr(t, s)} ${['=', '<', '>'][t.pick(3)]} ${t.chance(50) ? 'ANY' : 'ALL'} (${subSelect(t, s, depth, 'b')})`;
    case 7:
      return `${intExpr(t, s)} = (SELECT max(u.b) FROM ${TABLES[t.pick(3)]} u WHERE u.a = ${s.ints[0]})`;
    case 8:
      return `${intExpr(t, s)} BETWEEN ${intConst(t)} AND ${Number(intConst(t)) + 3}`;
    case 9:
      return `${intExpr(t, s)} IS DISTINCT FROM ${intExpr(t, s)}`;
    case 10:
      return `${textExpr(t, s)} > 'x'`;
    default:
      return `NOT (${condition(t, s, depth + 1)})`;
  }
}

/** `SELECT u.<col> FROM tN u [WHERE correlated]`: one int column. */
function subSelect(t: Tape, outer: Scope, depth: number, col: 'a' | 'b'): string {
  const alias = freshAlias('s');
  const inner: Scope = {
    ints: [`${alias}.a`, `${alias}.b`],
    texts: [`${alias}.c`],
    aliases: [alias],
  };
  let where = '';
  switch (t.pick(4)) {
    case 0:
      break;
    case 1:
      where = ` WHERE ${alias}.c = ${outer.texts[t.pick(outer.texts.length)]}`;
      break;
    case 2:
      where = ` WHERE ${condition(t, inner, depth + 2)}`;
      break;
    default:
      where = ` WHERE ${alias}.a = ${outer.ints[t.pick(outer.ints.length)]}`;
  }
  return `SELECT ${alias}.${col} FROM ${TABLES[t.pick(3)]} ${alias}${where}`;
}

/** A FROM clause and the scope it makes. */
function fromClause(t: Tape): { sql: string; scope: Scope } {
  const first = freshAlias('x');
  const scope: Scope = {
    ints: [`${first}.a`, `${first}.b`],
    texts: [`${first}.c`],
    aliases: [first],
  };
  let sql = `${TABLES[t.pick(3)]} ${first}`;
  const joins = t.pick(3);
  for (let j = 0; j < joins; j++) {
    const alias = freshAlias('x');
    const table = TABLES[t.pick(3)];
    const kind = t.pick(10);
    const prev = scope.aliases[t.pick(scope.aliases.length)]!;
    const on = () => {
      const eq = `${prev}.${t.chance(70) ? 'a' : 'b'} = ${alias}.${t.chance(70) ? 'a' : 'b'}`;
      return t.chance(25) ? `${eq} AND ${alias}.b > ${intConst(t)}` : eq;
    };
    switch (kind) {
      case 0:
        sql += ` JOIN ${table} ${alias} ON ${on()}`;
        break;
      case 1:
        sql += ` LEFT JOIN ${table} ${alias} ON ${on()}`;
        break;
      case 2:
        sql += ` RIGHT JOIN ${table} ${alias} ON ${on()}`;
        break;
      case 3:
        sql += ` FULL JOIN ${table} ${alias} ON ${on()}`;
        break;
      case 4:
        sql += `, ${table} ${alias}`;
        break;
      case 5:
        sql += ` CROSS JOIN (SELECT a, b, c FROM ${table} WHERE b < ${t.pick(10)}) ${alias}`;
        break;
      case 6:
        sql += ` LEFT JOIN LATERAL (SELECT q.a, q.b, q.c FROM ${table} q WHERE q.a = ${prev}.a) ${alias} ON true`;
        break;
      case 7:
        // a FULL JOIN on a constant (a merge join without merge keys)
        sql += ` FULL JOIN ${table} ${alias} ON ${t.chance(50) ? 'false' : 'true'}`;
        break;
      case 8: {
        // WITH ORDINALITY, lateral
        const left = t.chance(50);
        sql += ` ${left ? 'LEFT JOIN' : 'CROSS JOIN'} LATERAL (SELECT g.v AS a, g.n::int AS b, 'w'::text AS c FROM unnest(ARRAY[${prev}.a, ${prev}.b]) WITH ORDINALITY g(v, n)) ${alias}${left ? ' ON true' : ''}`;
        break;
      }
      default:
        // unnest of several arrays: side by side, the shorter padded with NULLs
        sql += ` CROSS JOIN LATERAL (SELECT u.p AS a, u.q AS b, u.r AS c FROM unnest(ARRAY[${prev}.a, ${t.pick(5)}], ARRAY[${prev}.b], ARRAY['u', 'v', 'w']) u(p, q, r)) ${alias}`;
    }
    scope.ints.push(`${alias}.a`, `${alias}.b`);
    scope.texts.push(`${alias}.c`);
    scope.aliases.push(alias);
  }
  return { sql, scope };
}

/** Columns of a select list, each cast to text. */
function plainList(t: Tape, s: Scope): string[] {
  const n = 1 + t.pick(3);
  const out: string[] = [];
  for (let i = 0; i < n; i++) {
    const kind = t.pick(7);
    if (kind === 4) out.push(`(${textExpr(t, s)})::text`);
    else if (kind === 5)
      out.push(`(ARRAY[[${intExpr(t, s)}, 1], [${intExpr(t, s)}, ${intConst(t)}]])::text`);
    else if (kind === 6)
      out.push(
        `(ARRAY(SELECT ARRAY[z.a, z.b] FROM ${TABLES[t.pick(3)]} z WHERE z.a <= ${s.ints[0]} ORDER BY z.a, z.b NULLS FIRST))::text`,
      );
    else if (kind === 3 && t.chance(30))
      out.push(`(SELECT count(*) FROM ${TABLES[t.pick(3)]} z WHERE z.a = ${s.ints[0]})::text`);
    else out.push(`(${intExpr(t, s)})::text`);
  }
  return out;
}

function aggregate(t: Tape, s: Scope): string {
  const col = intExpr(t, s);
  switch (t.pick(10)) {
    case 0:
      return 'count(*)';
    case 1:
      return `sum(${col})`;
    case 2:
      return `min(${col})`;
    case 3:
      return `max(${col})`;
    case 4:
      return `count(DISTINCT ${col})`;
    case 5:
      return `avg(${col})`;
    case 6: {
      // the aggregated value last in the ORDER BY: ties then concatenate equal strings
      const v = textExpr(t, s);
      return `string_agg(${v}, ',' ORDER BY ${textExpr(t, s)}, ${col}, ${v})`;
    }
    case 7:
      return `count(*) FILTER (WHERE ${col} > ${intConst(t)})`;
    case 8:
      return `array_agg(${col} ORDER BY ${col} NULLS FIRST)`;
    default:
      return `bool_or(${col} > 2)`;
  }
}

function windowCall(t: Tape, s: Scope): string {
  const part = t.chance(60) ? `PARTITION BY ${s.ints[t.pick(s.ints.length)]} ` : '';
  // ORDER BY every column in scope, so ranks and frames do not depend on the row order of ties
  const order = `ORDER BY ${[...s.ints, ...s.texts].map((c) => `${c} NULLS FIRST`).join(', ')}`;
  const col = intExpr(t, s);
  const frames = [
    '',
    ' ROWS BETWEEN 1 PRECEDING AND 1 FOLLOWING',
    ' ROWS BETWEEN UNBOUNDED PRECEDING AND CURRENT ROW',
    ' ROWS BETWEEN CURRENT ROW AND UNBOUNDED FOLLOWING EXCLUDE CURRENT ROW',
    ' GROUPS BETWEEN 1 PRECEDING AND CURRENT ROW',
  ];
  switch (t.pick(9)) {
    case 0:
      return `row_number() OVER (${part}${order})`;
    case 1:
      return `rank() OVER (${part}${order})`;
    case 2:
      return `dense_rank() OVER (${part}${order})`;
    case 3:
      return `sum(${col}) OVER (${part}${order}${frames[t.pick(frames.length)]})`;
    case 4:
      return `lag(${col}) OVER (${part}${order})`;
    case 5:
      return `lead(${col}, 2, -1) OVER (${part}${order})`;
    case 6:
      return `first_value(${col}) OVER (${part}${order})`;
    case 7:
      return `count(*) OVER (${part})`;
    default:
      return `ntile(3) OVER (${part}${order})`;
  }
}

/** One random SELECT; `ordered` when its ORDER BY covers every output column. */
export function randomQuery(values: readonly number[]): { sql: string; ordered: boolean } {
  aliasCounter = 0;
  const t = new Tape(values);
  switch (t.pick(11)) {
    case 0:
    case 1:
    case 2:
      return plainQuery(t);
    case 10:
      // set-returning functions side by side in a select list without FROM
      return {
        sql: `SELECT generate_series(1, ${t.pick(5)})::text, generate_series(${t.pick(3)}, 3)::text, unnest(ARRAY['p', 'q'])`,
        ordered: false,
      };
    case 3:
    case 4:
      return groupedQuery(t);
    case 5:
      return windowQuery(t);
    case 6:
      return setOpQuery(t);
    case 7:
      return cteQuery(t);
    case 8:
      return {
        sql: `SELECT g::text, (g % 3)::text FROM generate_series(1, ${t.pick(8)}) g WHERE g NOT IN (SELECT a FROM t1 WHERE a IS NOT NULL)`,
        ordered: false,
      };
    default:
      return {
        sql: `SELECT v.n::text, v.s FROM (VALUES (1, 'a'), (2, NULL), (${t.pick(4)}, 'c')) AS v(n, s) LEFT JOIN t2 ON t2.a = v.n`,
        ordered: false,
      };
  }
}

function plainQuery(t: Tape): { sql: string; ordered: boolean } {
  const { sql: from, scope } = fromClause(t);
  const list = plainList(t, scope);
  const distinct = t.chance(20) ? 'DISTINCT ' : '';
  const where = t.chance(70) ? ` WHERE ${condition(t, scope, 0)}` : '';
  if (t.chance(30)) {
    const order = list
      .map((_, i) => `${i + 1}${t.chance(50) ? ' DESC' : ''} NULLS FIRST`)
      .join(', ');
    return {
      sql: `SELECT ${distinct}${list.join(', ')} FROM ${from}${where} ORDER BY ${order} LIMIT ${1 + t.pick(6)}`,
      ordered: true,
    };
  }
  return { sql: `SELECT ${distinct}${list.join(', ')} FROM ${from}${where}`, ordered: false };
}

function groupedQuery(t: Tape): { sql: string; ordered: boolean } {
  const { sql: from, scope } = fromClause(t);
  const keys = [scope.ints[t.pick(scope.ints.length)]!];
  if (t.chance(40)) keys.push(scope.texts[t.pick(scope.texts.length)]!);
  const aggs = [aggregate(t, scope)];
  if (t.chance(50)) aggs.push(aggregate(t, scope));
  const where = t.chance(40) ? ` WHERE ${condition(t, scope, 1)}` : '';
  const having = t.chance(30) ? ` HAVING count(*) > ${t.pick(3)}` : '';
  let group = `GROUP BY ${keys.join(', ')}`;
  const shape = t.pick(6);
  if (shape === 3) group = `GROUP BY ROLLUP (${keys.join(', ')})`;
  if (shape === 4) group = `GROUP BY CUBE (${keys.join(', ')})`;
  if (shape === 5) group = `GROUP BY GROUPING SETS ((${keys.join(', ')}), ())`;
  const list = [...keys.map((k) => `(${k})::text`), ...aggs.map((a) => `(${a})::text`)];
  // GROUPING() inside an expression of the select list
  // (in place of the key's own column: then the key is only a GROUP BY entry)
  if (shape >= 3 && t.chance(50))
    list[0] = `CASE WHEN GROUPING(${keys[0]}) = 1 THEN 'ALL' ELSE (${keys[0]})::text END`;
  const distinct = t.chance(20) ? 'DISTINCT ' : '';
  if (t.chance(15))
    return {
      sql: `SELECT ${aggs.map((a) => `(${a})::text`).join(', ')} FROM ${from}${where}`,
      ordered: false,
    };
  return {
    sql: `SELECT ${distinct}${list.join(', ')} FROM ${from}${where} ${group}${having}`,
    ordered: false,
  };
}

function windowQuery(t: Tape): { sql: string; ordered: boolean } {
  const { sql: from, scope } = fromClause(t);
  const list = [...plainList(t, scope), `(${windowCall(t, scope)})::text`];
  if (t.chance(40)) list.push(`(${windowCall(t, scope)})::text`);
  const where = t.chance(40) ? ` WHERE ${condition(t, scope, 1)}` : '';
  return { sql: `SELECT ${list.join(', ')} FROM ${from}${where}`, ordered: false };
}

function simpleSide(t: Tape): string {
  const table = TABLES[t.pick(3)];
  const where = t.chance(50) ? ` WHERE b ${t.chance(50) ? '<' : '>'} ${t.pick(10)}` : '';
  return `SELECT a, c FROM ${table}${where}`;
}

function setOpQuery(t: Tape): { sql: string; ordered: boolean } {
  const ops = ['UNION', 'UNION ALL', 'INTERSECT', 'INTERSECT ALL', 'EXCEPT', 'EXCEPT ALL'];
  let sql = simpleSide(t);
  const n = 1 + t.pick(2);
  for (let i = 0; i < n; i++) sql = `${sql} ${ops[t.pick(ops.length)]} ${simpleSide(t)}`;
  return { sql: `SELECT a::text, c FROM (${sql}) u`, ordered: false };
}

function cteQuery(t: Tape): { sql: string; ordered: boolean } {
  if (t.chance(40)) {
    const limit = 1 + t.pick(6);
    return {
      sql:
        `WITH RECURSIVE r(n, path) AS (SELECT a, c FROM t1 WHERE a IS NOT NULL ` +
        `UNION ${t.chance(50) ? 'ALL ' : ''}SELECT r.n + 1, r.path || 'x' FROM r WHERE r.n < ${limit}) ` +
        `SELECT n::text, path FROM r`,
      ordered: false,
    };
  }
  const mat = ['', 'MATERIALIZED ', 'NOT MATERIALIZED '][t.pick(3)];
  const inner = simpleSide(t);
  const twice = t.chance(40);
  return {
    sql:
      `WITH q AS ${mat}(${inner}) SELECT q.a::text, q.c FROM q` +
      (twice ? ` JOIN q q2 ON q.a = q2.a` : ` WHERE q.a > ${intConst(t)}`),
    ordered: false,
  };
}
