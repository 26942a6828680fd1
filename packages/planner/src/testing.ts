/**
 * Test helpers: a checker of the plan tree's rules R1–R4 (plan.ts) and a
 * compact shape printer, for this package's tests and the executor's.
 */
import type { Expr } from '@pg/sql';
import { children, exprKey } from './internal/exprs.js';
import type { BitmapNode, PlanNode, PlannedSelect } from './internal/plan.js';

/** Every rule violation found, as readable strings (empty: the plan is well-formed). */
export function checkPlan(planned: PlannedSelect): string[] {
  const errors: string[] = [];
  const seen = new Set<PlanNode>();
  const checkTop = (node: PlanNode, where: string) => {
    checkNode(node, `${where}`, errors, planned, seen);
  };
  checkTop(planned.plan, 'plan');
  planned.subplans.forEach((p, i) => {
    checkTop(p, `subplan ${i}`);
  });
  // R4: the non-junk columns first
  const out = planned.plan.output;
  if (out.length < planned.columns.length)
    errors.push('R4: top node returns fewer columns than the query');
  planned.columns.forEach((c, i) => {
    const e = out[i];
    if (e !== undefined && e.type !== c.typeOid)
      errors.push(`R4: column ${i} type ${e.type} != ${c.typeOid}`);
  });
  if (planned.subplanNames.length !== planned.subplans.length) errors.push('subplanNames length');
  return errors;
}

function keys(exprs: readonly Expr[]): Set<string> {
  return new Set(exprs.map(exprKey));
}

/** R2/R3: `e` evaluated over a row of `inputs`. */
function checkBound(
  e: Expr,
  inputs: ReadonlySet<string>,
  at: string,
  errors: string[],
  planned: PlannedSelect,
): void {
  if (inputs.has(exprKey(e))) return;
  switch (e.kind) {
    case 'var':
      errors.push(
        `R2: ${at}: Var ${e.rt}.${e.attnum}${e.levelsUp ? ` levelsUp ${e.levelsUp}` : ''} is not an input column`,
      );
      return;
    case 'aggref':
    case 'windowfunc':
    case 'groupingfunc':
      errors.push(`R2: ${at}: ${e.kind} is not an input column`);
      return;
    case 'sublink':
      errors.push(`${at}: unplanned SubLink`);
      return;
    case 'execparam':
      if (e.id < 0 || e.id >= planned.execParams)
        errors.push(`${at}: ExecParam ${e.id} out of range`);
      return;
    case 'subplan':
      if (planned.subplans[e.plan] === undefined) errors.push(`${at}: SubPlan ${e.plan} missing`);
      if (e.params.length !== e.args.length) errors.push(`${at}: SubPlan params/args differ`);
      if (e.testExpr !== undefined)
        checkBound(e.testExpr, new Set(), `${at} testExpr`, errors, planned);
      for (const a of e.args) checkBound(a, inputs, at, errors, planned);
      return;
    default:
      for (const c of children(e)) checkBound(c, inputs, at, errors, planned);
  }
}

function checkNode(
  node: PlanNode,
  at: string,
  errors: string[],
  planned: PlannedSelect,
  seen: Set<PlanNode>,
): void {
  if (seen.has(node)) return;
  seen.add(node);
  const here = `${at}/${node.kind}`;
  const bound = (e: Expr | undefined, inputs: ReadonlySet<string>, what: string) => {
    if (e !== undefined) checkBound(e, inputs, `${here} ${what}`, errors, planned);
  };
  const none = new Set<string>();
  const own = keys(node.output);
  const sub = (n: PlanNode) => checkNode(n, here, errors, planned, seen);
  const scanOutput = (rt: number) => {
    node.output.forEach((e, i) => {
      if (e.kind !== 'var' || e.rt !== rt || e.attnum !== i + 1 || e.levelsUp)
        errors.push(`R1: ${here}: output ${i} is not Var(${rt}, ${i + 1})`);
    });
  };
  if (!(node.rows >= 1) || !(node.totalCost >= node.startupCost) || node.startupCost < 0)
    errors.push(
      `${here}: bad estimates rows=${node.rows} cost=${node.startupCost}..${node.totalCost}`,
    );
  switch (node.kind) {
    case 'seqscan':
      scanOutput(node.rt);
      bound(node.filter, own, 'filter');
      break;
    case 'indexscan':
    case 'indexonlyscan':
      scanOutput(node.rt);
      bound(node.filter, own, 'filter');
      for (const q of node.indexQuals) bound(q.value, none, 'index qual');
      break;
    case 'bitmapheapscan': {
      scanOutput(node.rt);
      bound(node.filter, own, 'filter');
      bound(node.recheck, own, 'recheck');
      const walkBitmap = (b: BitmapNode) => {
        if (b.kind === 'bitmapindexscan')
          for (const q of b.indexQuals) bound(q.value, none, 'index qual');
        else if (b.kind === 'bitmapand' || b.kind === 'bitmapor') b.children.forEach(walkBitmap);
      };
      walkBitmap(node.bitmap);
      break;
    }
    case 'valuesscan':
      scanOutput(node.rt);
      bound(node.filter, own, 'filter');
      for (const r of node.values) for (const e of r) bound(e, none, 'value');
      break;
    case 'functionscan':
      scanOutput(node.rt);
      bound(node.filter, own, 'filter');
      bound(node.call, none, 'call');
      break;
    case 'subqueryscan':
      scanOutput(node.rt);
      bound(node.filter, own, 'filter');
      if (node.input.output.length < node.output.length)
        errors.push(`R4: ${here}: subquery returns too few columns`);
      sub(node.input);
      break;
    case 'ctescan':
      scanOutput(node.rt);
      bound(node.filter, own, 'filter');
      if (planned.subplans[node.plan] === undefined) errors.push(`${here}: CTE plan missing`);
      break;
    case 'worktablescan':
      scanOutput(node.rt);
      bound(node.filter, own, 'filter');
      break;
    case 'result':
    case 'projectset': {
      const inputs = node.input === undefined ? none : keys(node.input.output);
      for (const e of node.output) bound(e, inputs, 'output');
      if (node.kind === 'result') {
        bound(node.filter, inputs, 'filter');
        bound(node.oneTimeFilter, none, 'one-time filter');
      }
      if (node.input !== undefined) sub(node.input);
      break;
    }
    case 'nestloop':
    case 'hashjoin':
    case 'mergejoin': {
      const o = keys(node.outer.output);
      const both = keys([...node.outer.output, ...node.inner.output]);
      bound(node.joinQual, both, 'join qual');
      bound(node.filter, both, 'filter');
      const semi = node.joinType === 'semi' || node.joinType === 'anti';
      const expected = semi ? node.outer.output : [...node.outer.output, ...node.inner.output];
      for (const e of node.output) bound(e, keys(expected), 'output');
      if (node.kind === 'nestloop') for (const p of node.params) bound(p.value, o, 'param');
      if (node.kind === 'hashjoin') {
        for (const e of node.hashClauses) bound(e, both, 'hash clause');
        for (const e of node.outerKeys) bound(e, o, 'outer key');
        for (const e of node.inner.keys) bound(e, keys(node.inner.input.output), 'hash key');
      }
      if (node.kind === 'mergejoin') {
        for (const e of node.mergeClauses) bound(e, both, 'merge clause');
        for (const e of node.outerKeys) bound(e, o, 'outer key');
        for (const e of node.innerKeys) bound(e, keys(node.inner.output), 'inner key');
      }
      sub(node.outer);
      sub(node.inner);
      break;
    }
    case 'hash':
    case 'sort':
    case 'incrementalsort':
    case 'unique':
    case 'limit':
    case 'material':
    case 'memoize': {
      const inputs = keys(node.input.output);
      for (const e of node.output) bound(e, inputs, 'output');
      if (node.kind === 'sort' || node.kind === 'incrementalsort')
        for (const k of node.keys) bound(k.expr, inputs, 'sort key');
      if (node.kind === 'limit') {
        bound(node.limit, none, 'limit');
        bound(node.offset, none, 'offset');
      }
      sub(node.input);
      break;
    }
    case 'agg': {
      const inputs = keys(node.input.output);
      for (const e of node.groupExprs) bound(e, inputs, 'group');
      for (const a of node.aggregates) {
        for (const x of a.args) bound(x, inputs, 'aggregate arg');
        bound(a.filter, inputs, 'aggregate filter');
        for (const k of a.order ?? []) bound(k.expr, inputs, 'aggregate order');
      }
      node.output.forEach((e, i) => {
        if (i < node.groupExprs.length) {
          if (exprKey(e) !== exprKey(node.groupExprs[i]!))
            errors.push(`R1: ${here}: output ${i} is not group expression ${i}`);
        } else if (e.kind !== 'aggref' && e.kind !== 'groupingfunc')
          errors.push(`R1: ${here}: output ${i} is ${e.kind}`);
      });
      bound(node.having, own, 'having');
      sub(node.input);
      break;
    }
    case 'windowagg': {
      const inputs = keys(node.input.output);
      for (const e of node.window.partition) bound(e, inputs, 'partition');
      for (const k of node.window.order) bound(k.expr, inputs, 'window order');
      for (const f of node.funcs) for (const x of f.call.args) bound(x, inputs, 'window arg');
      node.input.output.forEach((e, i) => {
        if (exprKey(e) !== exprKey(node.output[i] ?? e) || node.output[i] === undefined)
          errors.push(`R1: ${here}: output ${i} is not the input's`);
      });
      sub(node.input);
      break;
    }
    case 'append':
    case 'mergeappend':
      for (const c of node.children) {
        if (c.output.length < node.output.length)
          errors.push(`${here}: child returns too few columns`);
        sub(c);
      }
      break;
    case 'setop':
      sub(node.left);
      sub(node.right);
      break;
    case 'recursiveunion':
      sub(node.nonRecursive);
      sub(node.recursive);
      break;
    default:
      break;
  }
}

/** The plan's node shape, one line per node, indented two spaces per level (subplans after). */
export function planShape(planned: PlannedSelect): string {
  const lines: string[] = [];
  const label = (n: PlanNode | BitmapNode): string => {
    switch (n.kind) {
      case 'seqscan':
        return `SeqScan ${n.alias}`;
      case 'indexscan':
      case 'indexonlyscan':
        return `${n.kind === 'indexscan' ? 'IndexScan' : 'IndexOnlyScan'}${n.direction === 'backward' ? ' Backward' : ''} ${n.indexName} ${n.alias}`;
      case 'bitmapheapscan':
        return `BitmapHeapScan ${n.alias}`;
      case 'nestloop':
      case 'hashjoin':
      case 'mergejoin':
        return `${{ nestloop: 'NestLoop', hashjoin: 'HashJoin', mergejoin: 'MergeJoin' }[n.kind]} ${n.joinType}`;
      case 'agg':
        return `Agg ${n.strategy}`;
      case 'setop':
        return `SetOp ${n.op}${n.all ? ' all' : ''} ${n.strategy}`;
      case 'subqueryscan':
      case 'ctescan':
      case 'functionscan':
      case 'worktablescan':
        return `${n.kind} ${n.alias}`;
      default:
        return n.kind;
    }
  };
  type AnyNode = PlanNode | BitmapNode;
  const kids = (n: AnyNode): AnyNode[] => {
    switch (n.kind) {
      case 'bitmapheapscan':
        return [n.bitmap];
      case 'bitmapand':
      case 'bitmapor':
      case 'append':
      case 'mergeappend':
        return [...n.children];
      case 'nestloop':
      case 'hashjoin':
      case 'mergejoin':
        return [n.outer, n.inner];
      case 'setop':
        return [n.left, n.right];
      case 'recursiveunion':
        return [n.nonRecursive, n.recursive];
      default:
        return 'input' in n && n.input !== undefined ? [n.input] : [];
    }
  };
  const walkNode = (n: PlanNode | BitmapNode, depth: number) => {
    lines.push(`${'  '.repeat(depth)}${label(n)}`);
    for (const c of kids(n)) walkNode(c, depth + 1);
  };
  walkNode(planned.plan, 0);
  planned.subplans.forEach((p, i) => {
    lines.push(`${planned.subplanNames[i]}:`);
    walkNode(p, 1);
  });
  return lines.join('\n');
}
