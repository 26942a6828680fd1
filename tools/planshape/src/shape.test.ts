import {
  formatShape,
  nodeName,
  type PlanNode,
  parseQueries,
  planShape,
  sameShape,
} from '@pg/planshape';
import fc from 'fast-check';
import { describe, expect, it } from 'vitest';

const RUNS = Number(process.env.PG_PROPERTY_RUNS ?? 200);

describe('nodeName', () => {
  it.each([
    ['Seq Scan on fact f', 'Seq Scan'],
    ['Index Scan using fact_pkey on fact', 'Index Scan'],
    ['Index Scan Backward using fact_pkey on fact', 'Index Scan Backward'],
    ['Index Only Scan using customer_region on customer', 'Index Only Scan'],
    ['Bitmap Index Scan on fact_cust', 'Bitmap Index Scan'],
    ['Hash Left Join', 'Hash Left Join'],
    ['Hash Join  (cost=1.00..2.00 rows=10 width=4)', 'Hash Join'],
    ['Subquery Scan on s', 'Subquery Scan'],
    ['CTE Scan on t a', 'CTE Scan'],
    ['Function Scan on generate_series g', 'Function Scan'],
    ['Values Scan on "*VALUES*"', 'Values Scan'],
    ['HashSetOp Except', 'HashSetOp Except'],
    ['Sort  (actual time=0.1..0.2 rows=1 loops=1)', 'Sort'],
  ])('%s -> %s', (line, name) => {
    expect(nodeName(line)).toBe(name);
  });
});

describe('planShape', () => {
  it('reads PostgreSQL 15 text output: nodes, depths, InitPlan/SubPlan/CTE labels; drops properties', () => {
    const lines = [
      'Seq Scan on fact',
      '  Filter: (amount = $0)',
      '  InitPlan 1 (returns $0)',
      '    ->  Aggregate',
      '          ->  Seq Scan on fact fact_1',
    ];
    expect(planShape(lines)).toEqual([
      { depth: 0, name: 'Seq Scan' },
      { depth: 1, name: 'InitPlan' },
      { depth: 2, name: 'Aggregate' },
      { depth: 3, name: 'Seq Scan' },
    ]);
    const join = [
      'Hash Join',
      '  Hash Cond: (f.prod_id = p.id)',
      '  ->  Seq Scan on fact f',
      '  ->  Hash',
      '        ->  Seq Scan on product p',
      '              Filter: (price < 2)',
      '  SubPlan 2',
      '    ->  Result',
    ];
    expect(formatShape(planShape(join))).toBe(
      'Hash Join\n  Seq Scan\n  Hash\n    Seq Scan\n  SubPlan\n    Result',
    );
    expect(
      planShape(['CTE Scan on t a', '  CTE t', '    ->  HashAggregate', '  ->  Sort']).map(
        (n) => `${n.depth}${n.name}`,
      ),
    ).toEqual(['0CTE Scan', '1CTE', '2HashAggregate', '1Sort']);
  });

  it('sameShape compares names and depths', () => {
    const a = planShape(['Limit', '  ->  Index Scan using i on t']);
    expect(sameShape(a, planShape(['Limit', '  ->  Index Scan using j on u']))).toBe(true);
    expect(sameShape(a, planShape(['Limit', '  ->  Seq Scan on t']))).toBe(false);
    expect(sameShape(a, planShape(['Limit']))).toBe(false);
  });

  // A random plan tree printed the way PostgreSQL's explain.c indents it reads back as the same shape.
  interface Tree {
    name: string;
    label: string | undefined;
    children: Tree[];
  }
  const nodeNames = fc.constantFrom(
    'Seq Scan on t',
    'Index Scan using i on t',
    'Hash Join',
    'Nested Loop Left Join',
    'Hash',
    'Sort',
    'Aggregate',
    'Limit',
    'Subquery Scan on s',
    'Result',
  );
  const labels = fc.option(fc.constantFrom('InitPlan 1 (returns $0)', 'SubPlan 2', 'CTE x'), {
    nil: undefined,
  });
  // Trees up to five levels deep, up to three children per node.
  const treeAt = (levels: number): fc.Arbitrary<Tree> =>
    fc.record({
      name: nodeNames,
      label: labels,
      children: levels === 0 ? fc.constant([]) : fc.array(treeAt(levels - 1), { maxLength: 3 }),
    });
  const tree = treeAt(4);

  // explain.c: a child node's line is "->  " at the parent's indent + 2; its properties at +6;
  // a label (InitPlan/SubPlan/CTE) at the parent's indent + 2, its plan's "->" at + 4.
  function print(
    t: Tree,
    indent: number,
    arrow: boolean,
    out: string[],
    shape: PlanNode[],
    depth: number,
  ): void {
    out.push(`${' '.repeat(indent)}${arrow ? '->  ' : ''}${t.name}`);
    shape.push({ depth, name: nodeName(t.name) });
    const own = arrow ? indent + 6 : indent + 2; // where this node's properties and children's "->" start
    out.push(`${' '.repeat(own)}Filter: (x > 1)`);
    if (t.label !== undefined && t.children.length > 0) {
      const [first, ...rest] = t.children as [Tree, ...Tree[]];
      out.push(`${' '.repeat(own)}${t.label}`);
      shape.push({ depth: depth + 1, name: t.label.split(' ')[0] as string });
      print(first, own + 2, true, out, shape, depth + 2);
      for (const c of rest) print(c, own, true, out, shape, depth + 1);
      return;
    }
    for (const c of t.children) print(c, own, true, out, shape, depth + 1);
  }

  it('reads back any tree printed with explain.c indentation', () => {
    fc.assert(
      fc.property(tree, (t) => {
        const lines: string[] = [];
        const expected: PlanNode[] = [];
        print(t, 0, false, lines, expected, 0);
        expect(planShape(lines)).toEqual(expected);
      }),
      { numRuns: RUNS },
    );
  });
});

describe('parseQueries', () => {
  it('splits on ; outside quotes and comments and names statements by the comment before them', () => {
    const text = [
      '-- group',
      '-- first one',
      "SELECT ';' AS x;",
      'SELECT 2; SELECT /* ; */ 3',
      '  FROM t; -- trailing',
      '-- quoted',
      'SELECT "a;b" FROM t WHERE s = $$;$$;',
      '',
    ].join('\n');
    expect(parseQueries(text)).toEqual([
      { name: 'first one', sql: "SELECT ';' AS x" },
      { name: 'q2', sql: 'SELECT 2' },
      { name: 'q3', sql: 'SELECT /* ; */ 3\n  FROM t' },
      { name: 'quoted', sql: 'SELECT "a;b" FROM t WHERE s = $$;$$' },
    ]);
  });
});
