/**
 * The shape of a plan: the node types of an EXPLAIN (text format) plan, in
 * order, each with its depth in the tree. Costs, row counts, relation and
 * index names and the property lines (Filter:, Hash Cond:, Sort Key:, ...)
 * are dropped, so two plans have the same shape when they chose the same
 * nodes in the same places.
 *
 * PostgreSQL's text format: the first line is the root node; every other
 * node line starts with `->  ` indented under its parent; InitPlan, SubPlan
 * and CTE labels stand on their own line above the plans they introduce;
 * everything else is a property line `Name: value`.
 */

/** One node (or InitPlan / SubPlan / CTE label) of a plan. */
export interface PlanNode {
  /** 0 for the root. */
  readonly depth: number;
  /** The node type, e.g. 'Hash Join', 'Index Only Scan', 'Bitmap Heap Scan', or 'InitPlan'. */
  readonly name: string;
}

const NODE_LINE = /^(\s*)->\s+(.*)$/;
const LABEL_LINE = /^(\s*)(InitPlan|SubPlan|CTE)\s+\S/;

/**
 * The node type of a node line's text: what comes before the cost or
 * actual-time parentheses and before ` on <relation>` / ` using <index>`.
 */
export function nodeName(text: string): string {
  let s = text;
  const paren = s.search(/\s\s\(/);
  if (paren >= 0) s = s.slice(0, paren);
  const target = s.search(/ (on|using) /);
  if (target >= 0) s = s.slice(0, target);
  return s.trim();
}

/** The shape of a plan given as EXPLAIN's lines (one line per row of `QUERY PLAN`). */
export function planShape(lines: readonly string[]): PlanNode[] {
  const out: PlanNode[] = [];
  const stack: number[] = []; // indentation columns of the open ancestors
  const push = (column: number, name: string): void => {
    while (stack.length > 0 && (stack.at(-1) as number) >= column) stack.pop();
    out.push({ depth: stack.length, name });
    stack.push(column);
  };
  let first = true;
  for (const raw of lines) {
    const line = raw.replace(/\s+$/, '');
    if (line.trim() === '') continue;
    if (first) {
      first = false;
      const indent = line.length - line.trimStart().length;
      push(indent, nodeName(line));
      continue;
    }
    const node = NODE_LINE.exec(line);
    if (node !== null) {
      push((node[1] as string).length, nodeName(node[2] as string));
      continue;
    }
    const label = LABEL_LINE.exec(line);
    if (label !== null) push((label[1] as string).length, label[2] as string);
    // anything else is a property line
  }
  return out;
}

/** The shape as text: one node per line, indented two spaces per level. */
export function formatShape(shape: readonly PlanNode[]): string {
  return shape.map((n) => `${'  '.repeat(n.depth)}${n.name}`).join('\n');
}

/** Same nodes at the same depths in the same order. */
export function sameShape(a: readonly PlanNode[], b: readonly PlanNode[]): boolean {
  return (
    a.length === b.length && a.every((n, i) => n.depth === b[i]?.depth && n.name === b[i]?.name)
  );
}
