/**
 * EXPLAIN output as PostgreSQL 15 prints it (src/backend/commands/explain.c),
 * from a PlannedSelect and, for EXPLAIN ANALYZE, the executor's per-node
 * instrumentation.
 *
 * The shape follows explain.c: one emitter (`Out`) with PostgreSQL's
 * ExplainProperty* / ExplainOpenGroup / ExplainCloseGroup for the four
 * formats, and `explainNode` walking the plan in ExplainNode's order:
 *
 *   label line (text) or Node Type ... Async Capable (structured)
 *   costs, actuals, Output (VERBOSE), the node's own details,
 *   Buffers, then the children: InitPlans (and CTEs), outer, inner,
 *   members (Append, BitmapAnd/Or), the subquery, and last the SubPlans
 *   the node's expressions call.
 *
 * Text indentation: a child's line starts at its parent's indent with
 * "->  "; a node's property lines are indented two more spaces than its
 * label, so each level adds 6 spaces, as psql shows it.
 *
 * Differences from PostgreSQL, each because the plan does not carry it:
 *   - VERBOSE shows a scan's whole row as Output (R1), and "Schema" /
 *     qualified relation names use "public".
 *   - "Inner Unique" is always false; Memoize's Hits/Misses, Bitmap Heap
 *     Scan's Heap Blocks, Incremental Sort's group statistics, and
 *     planning-time buffers are not shown (no instrumentation for them).
 *   - A simple CASE prints in its searched form (the query tree keeps
 *     only `arg = value` conditions).
 */
import type {
  AggregateCall,
  CommonTableExpr,
  Expr,
  RangeTblEntry,
  SelectQuery,
  SubPlanExpr,
  WindowFuncCall,
} from '@pg/sql';
import { type Registry, SqlError } from '@pg/types';
import {
  type DeparseContext,
  type DeparseLevel,
  deparseExpr,
  quoteName,
  sameExpr,
  sortOrderSuffix,
} from './deparse.js';
import type { BitmapNode, NodeInstrumentation, PlanNode, PlannedSelect, SortKey } from './plan.js';

export interface ExplainOptions {
  analyze: boolean;
  verbose: boolean;
  costs: boolean;
  buffers: boolean;
  timing: boolean;
  summary: boolean;
  format: 'text' | 'json' | 'yaml' | 'xml';
}

/** A node EXPLAIN shows: a plan node, a bitmap node, or the Append PostgreSQL puts under a SetOp. */
type ShownNode = PlanNode | BitmapNode | SyntheticAppend;

interface SyntheticAppend {
  readonly kind: 'setop-append';
  readonly children: readonly PlanNode[];
}

/**
 * The lines of EXPLAIN's single "QUERY PLAN" column: one per row in text
 * format; one element holding the whole document for json, yaml and xml.
 */
export function explainSelect(
  planned: PlannedSelect,
  query: SelectQuery,
  options: ExplainOptions,
  registry: Registry,
  instrumentation?: ReadonlyMap<PlanNode, NodeInstrumentation>,
  totals?: { planningMs: number; executionMs: number },
): string[] {
  const ex = new Explainer(planned, planned.query ?? query, options, registry, instrumentation);
  const out = ex.out;
  out.beginOutput();
  out.openGroup('Query', null, true);
  ex.explainRoot();
  if (options.buffers && out.format !== 'text') {
    // Planning buffers are not measured: PostgreSQL shows the group with zeros then.
    out.openGroup('Planning', 'Planning', true);
    ex.showBufferCounts(0, 0);
    out.closeGroup('Planning', 'Planning', true);
  }
  if (options.summary && totals !== undefined) {
    out.propFloat('Planning Time', 'ms', totals.planningMs, 3);
  }
  if (options.analyze && out.format !== 'text') {
    out.openGroup('Triggers', 'Triggers', false);
    out.closeGroup('Triggers', 'Triggers', false);
  }
  if (options.summary && options.analyze && totals !== undefined) {
    out.propFloat('Execution Time', 'ms', totals.executionMs, 3);
  }
  out.closeGroup('Query', null, true);
  out.endOutput();
  const text = out.text();
  if (out.format === 'text') {
    const lines = text.split('\n');
    if (lines[lines.length - 1] === '') lines.pop();
    return lines;
  }
  return [text];
}

// ---------------------------------------------------------------- emitter

/** PostgreSQL's ExplainState output half: the four formats' grouping and property rules. */
class Out {
  #s = '';
  indent = 0;
  /** JSON: whether the group has a member yet; YAML: whether the next line starts fresh. */
  readonly #stack: number[] = [];

  constructor(readonly format: ExplainOptions['format']) {}

  text(): string {
    return this.#s;
  }

  append(s: string): void {
    this.#s += s;
  }

  indentText(): void {
    this.#s += ' '.repeat(this.indent * 2);
  }

  beginOutput(): void {
    switch (this.format) {
      case 'xml':
        this.#s += '<explain xmlns="http://www.postgresql.org/2009/explain">\n';
        this.indent++;
        break;
      case 'json':
        this.#s += '[';
        this.#stack.unshift(0);
        this.indent++;
        break;
      case 'yaml':
        this.#stack.unshift(0);
        break;
      case 'text':
        break;
    }
  }

  endOutput(): void {
    switch (this.format) {
      case 'xml':
        this.indent--;
        this.#s += '</explain>';
        break;
      case 'json':
        this.indent--;
        this.#s += '\n]';
        this.#stack.shift();
        break;
      case 'yaml':
        this.#stack.shift();
        break;
      case 'text':
        break;
    }
  }

  openGroup(objtype: string, labelname: string | null, labeled: boolean): void {
    switch (this.format) {
      case 'text':
        return;
      case 'xml':
        this.#xmlTag(objtype, 'open', false);
        this.indent++;
        return;
      case 'json':
        this.#jsonLineEnding();
        this.indentText();
        if (labelname !== null) this.#s += `${JSON.stringify(labelname)}: `;
        this.#s += labeled ? '{' : '[';
        this.#stack.unshift(0);
        this.indent++;
        return;
      case 'yaml':
        this.#yamlLineStarting();
        if (labelname !== null) {
          this.#s += `${labelname}: `;
          this.#stack.unshift(1);
        } else {
          this.#s += '- ';
          this.#stack.unshift(0);
        }
        this.indent++;
        return;
    }
  }

  closeGroup(objtype: string, _labelname: string | null, labeled: boolean): void {
    switch (this.format) {
      case 'text':
        return;
      case 'xml':
        this.indent--;
        this.#xmlTag(objtype, 'close', false);
        return;
      case 'json':
        this.indent--;
        this.#s += '\n';
        this.indentText();
        this.#s += labeled ? '}' : ']';
        this.#stack.shift();
        return;
      case 'yaml':
        this.indent--;
        this.#stack.shift();
        return;
    }
  }

  #property(label: string, unit: string | null, value: string, numeric: boolean): void {
    switch (this.format) {
      case 'text':
        this.indentText();
        this.#s += unit !== null ? `${label}: ${value} ${unit}\n` : `${label}: ${value}\n`;
        return;
      case 'xml':
        this.indentText();
        this.#xmlTag(label, 'open', true);
        this.#s += escapeXml(value);
        this.#xmlTag(label, 'close', true);
        this.#s += '\n';
        return;
      case 'json':
        this.#jsonLineEnding();
        this.indentText();
        this.#s += `${JSON.stringify(label)}: ${numeric ? value : JSON.stringify(value)}`;
        return;
      case 'yaml':
        this.#yamlLineStarting();
        this.#s += `${label}: ${numeric ? value : JSON.stringify(value)}`;
        return;
    }
  }

  propText(label: string, value: string): void {
    this.#property(label, null, value, false);
  }

  propInt(label: string, unit: string | null, value: number): void {
    this.#property(label, unit, String(Math.trunc(value)), true);
  }

  propFloat(label: string, unit: string | null, value: number, digits: number): void {
    this.#property(label, unit, formatFixed(value, digits), true);
  }

  propBool(label: string, value: boolean): void {
    this.#property(label, null, value ? 'true' : 'false', true);
  }

  propList(label: string, items: readonly string[]): void {
    switch (this.format) {
      case 'text':
        this.indentText();
        this.#s += `${label}: ${items.join(', ')}\n`;
        return;
      case 'xml':
        this.#xmlTag(label, 'open', false);
        for (const item of items) {
          this.#s += `${' '.repeat(this.indent * 2 + 2)}<Item>${escapeXml(item)}</Item>\n`;
        }
        this.#xmlTag(label, 'close', false);
        return;
      case 'json':
        this.#jsonLineEnding();
        this.indentText();
        this.#s += `${JSON.stringify(label)}: [${items.map((i) => JSON.stringify(i)).join(', ')}]`;
        return;
      case 'yaml':
        this.#yamlLineStarting();
        this.#s += `${label}: `;
        for (const item of items) {
          this.#s += `\n${' '.repeat(this.indent * 2 + 2)}- ${JSON.stringify(item)}`;
        }
        return;
    }
  }

  /** ExplainPropertyListNested: an unlabeled list inside a list group (XML: a `xmlLabel` list). */
  propListNested(items: readonly string[], xmlLabel: string): void {
    if (this.format === 'json') {
      this.#jsonLineEnding();
      this.indentText();
      this.#s += `[${items.map((i) => JSON.stringify(i)).join(', ')}]`;
    } else if (this.format === 'yaml') {
      this.#yamlLineStarting();
      this.#s += `- [${items.map((i) => JSON.stringify(i)).join(', ')}]`;
    } else {
      this.propList(xmlLabel, items);
    }
  }

  #jsonLineEnding(): void {
    if (this.#stack[0] !== 0) this.#s += ',';
    else this.#stack[0] = 1;
    this.#s += '\n';
  }

  #yamlLineStarting(): void {
    if (this.#stack[0] === 0) this.#stack[0] = 1;
    else {
      this.#s += '\n';
      this.indentText();
    }
  }

  #xmlTag(name: string, which: 'open' | 'close', noWhitespace: boolean): void {
    if (!noWhitespace) this.indentText();
    this.#s += `<${which === 'close' ? '/' : ''}${name.replaceAll(' ', '-')}>`;
    if (!noWhitespace) this.#s += '\n';
  }
}

function escapeXml(s: string): string {
  return s
    .replaceAll('&', '&amp;')
    .replaceAll('<', '&lt;')
    .replaceAll('>', '&gt;')
    .replaceAll('\r', '&#x0d;');
}

/**
 * printf("%.*f"): JavaScript's toFixed rounds an exact tie up, C to even
 * (the double's exact decimal expansion decides which case it is).
 */
export function formatFixed(x: number, digits: number): string {
  if (!Number.isFinite(x)) return String(x);
  const exact = Math.abs(x).toFixed(Math.min(100, digits + 60));
  const dot = exact.indexOf('.');
  const rest = exact.slice(dot + 1 + digits);
  if (/^50*$/.test(rest)) {
    // An exact tie: keep the even neighbour.
    const kept = digits === 0 ? exact.slice(0, dot) : exact.slice(0, dot + 1 + digits);
    const lastDigit = Number(kept[kept.length - 1]);
    const down = lastDigit % 2 === 0;
    let result: string;
    if (down) result = kept;
    else {
      const step = 10 ** -digits;
      result = (Number(kept) + step).toFixed(digits);
    }
    return x < 0 ? `-${result}` : result;
  }
  return x.toFixed(digits);
}

// ---------------------------------------------------------------- levels

interface Level extends DeparseLevel {
  readonly parent: Level | undefined;
}

const SUBPLAN_NAME = /^(SubPlan|InitPlan) (\d+)(?: \(returns (.*)\))?$/;

class Explainer {
  readonly out: Out;
  readonly #useprefix: boolean;
  readonly #used = new Set<string>();
  readonly #levels = new Map<SelectQuery, Level>();
  /** subplan index -> the query it plans (WITH queries and sub-SELECTs). */
  readonly #subplanQuery = new Map<number, SelectQuery>();
  /** subplan index -> the level root it is shown under (InitPlans and CTEs). */
  readonly #attachedTo = new Map<number, PlanNode>();
  readonly #initPlansAt = new Map<PlanNode, number[]>();
  #rtableSize = 0;

  constructor(
    readonly planned: PlannedSelect,
    readonly query: SelectQuery,
    readonly options: ExplainOptions,
    readonly registry: Registry,
    readonly instrumentation: ReadonlyMap<PlanNode, NodeInstrumentation> | undefined,
  ) {
    this.out = new Out(options.format);
    this.#nameLevels();
    this.#useprefix = this.#rtableSize > 1;
    this.#attach();
  }

  // ------------------------------------------------------------ naming

  /**
   * select_rtable_names_for_explain: every range-table entry of the
   * statement gets a unique name, the first `t` keeps it and later ones
   * become `t_1`, `t_2`, in the order of PostgreSQL's flattened range
   * table: the main query (and the sub-SELECTs pulled up into it), then
   * each planned subquery and subplan.
   */
  #nameLevels(): void {
    this.#mapSubplans();
    const main = this.#levelDeep(this.query, undefined);
    for (let i = 0; i < this.planned.subplans.length; i++) {
      const q = this.#subplanQuery.get(i);
      if (q !== undefined) this.#levelDeep(q, main);
    }
  }

  #levelDeep(q: SelectQuery, parent: Level | undefined): Level {
    const level = this.#level(q, parent);
    for (const rte of level.rtable) if (rte.kind === 'subquery') this.#levelDeep(rte.query, level);
    for (const cte of q.ctes ?? []) this.#levelDeep(cte.query, level);
    return level;
  }

  /**
   * A level's range table: the query's own entries, then those of the
   * sub-SELECTs the planner pulled up into semi and anti joins (WHERE's
   * EXISTS / NOT EXISTS / IN conjuncts not planned as subplans), in order.
   */
  #level(q: SelectQuery, parent: Level | undefined): Level {
    const existing = this.#levels.get(q);
    if (existing !== undefined) return existing;
    const mapped = new Set(this.#subplanQuery.values());
    const rtable: RangeTblEntry[] = [...q.rtable];
    for (const sub of pullableSubLinks(q)) if (!mapped.has(sub)) rtable.push(...sub.rtable);
    const names = rtable.map((rte) => {
      this.#rtableSize++;
      if (rte.kind === 'join') return rte.alias;
      let name = rte.alias;
      if (this.#used.has(name)) {
        let i = 1;
        while (this.#used.has(`${rte.alias}_${i}`)) i++;
        name = `${rte.alias}_${i}`;
      }
      this.#used.add(name);
      return name;
    });
    const level: Level = { query: q, rtable, names, parent };
    this.#levels.set(q, level);
    return level;
  }

  /**
   * Which query each subplan plans: a CTE scan names its WITH query; a
   * SubPlan is matched to a sub-SELECT of the same kind that reads the
   * same relations, in order.
   */
  #mapSubplans(): void {
    const ctes = collectCtes(this.query);
    walkPlans(this.planned.plan, this.planned, (n) => {
      if (n.kind !== 'ctescan') return;
      const cte = ctes.find((c) => c.name === n.cteName);
      if (cte !== undefined && !this.#subplanQuery.has(n.plan))
        this.#subplanQuery.set(n.plan, cte.query);
    });
    const taken = new Set<SelectQuery>(this.#subplanQuery.values());
    const links = collectSubLinks(this.query);
    const pullable = new Set(links.flatMap((l) => pullableSubLinks(l.query)));
    for (const q of pullableSubLinks(this.query)) pullable.add(q);
    for (let i = 0; i < this.planned.subplans.length; i++) {
      if (this.#subplanQuery.has(i)) continue;
      const plan = this.planned.subplans[i] as PlanNode;
      const rels = relationsOf(plan, this.planned);
      const free = links.filter((l) => !taken.has(l.query));
      // A pull-up candidate more likely became a join than a subplan.
      const order = [
        ...free.filter((l) => !pullable.has(l.query)),
        ...free.filter((l) => pullable.has(l.query)),
      ];
      const fit = order.find((l) => sameSet(rels, relationsOfQuery(l.query))) ?? order[0];
      if (fit !== undefined) {
        this.#subplanQuery.set(i, fit.query);
        taken.add(fit.query);
      }
    }
  }

  // ------------------------------------------------------------ attachment

  /**
   * SS_attach_initplans: InitPlans and CTEs are shown under the top node
   * of the query level that uses them, in plan order.
   */
  #attach(): void {
    const visit = (
      root: PlanNode,
      roots: readonly { node: PlanNode; query: SelectQuery | undefined }[],
    ) => {
      const here = roots[roots.length - 1];
      walkLevel(root, (n) => {
        for (const sp of subplansIn(ownExprs(n))) {
          if (sp.initPlan) this.#attachInit(sp.plan, here?.node ?? root);
          this.#visitSubplan(sp.plan, roots, visit);
        }
        if (n.kind === 'ctescan') {
          const rte = here?.query?.rtable[n.rt];
          const up = rte?.kind === 'cte' ? rte.levelsUp : 0;
          const at = roots[Math.max(0, roots.length - 1 - up)]?.node ?? root;
          this.#attachInit(n.plan, at);
          this.#visitSubplan(n.plan, roots, visit);
        }
        if (n.kind === 'subqueryscan') {
          const rte = here?.query?.rtable[n.rt];
          visit(n.input, [
            ...roots,
            { node: n.input, query: rte?.kind === 'subquery' ? rte.query : undefined },
          ]);
        }
      });
    };
    visit(this.planned.plan, [{ node: this.planned.plan, query: this.query }]);
  }

  #visitSubplan(
    index: number,
    roots: readonly { node: PlanNode; query: SelectQuery | undefined }[],
    visit: (
      root: PlanNode,
      roots: readonly { node: PlanNode; query: SelectQuery | undefined }[],
    ) => void,
  ): void {
    const child = this.planned.subplans[index];
    if (child === undefined || this.#visited.has(index)) return;
    this.#visited.add(index);
    visit(child, [...roots, { node: child, query: this.#subplanQuery.get(index) }]);
  }

  readonly #visited = new Set<number>();

  #attachInit(plan: number, root: PlanNode): void {
    if (this.#attachedTo.has(plan)) return;
    this.#attachedTo.set(plan, root);
    const list = this.#initPlansAt.get(root) ?? [];
    list.push(plan);
    list.sort((a, b) => a - b);
    this.#initPlansAt.set(root, list);
  }

  // ------------------------------------------------------------ walking

  explainRoot(): void {
    const main = this.#levels.get(this.query) as Level;
    const root = this.planned.plan;
    // set_subqueryscan_references: a Subquery Scan that only passes its sub-SELECT's rows on
    // is removed from the plan; at the top of the statement nothing else names its columns
    if (
      root.kind === 'subqueryscan' &&
      root.filter === undefined &&
      this.planned.subplans.length === 0 &&
      root.input.output.length === root.output.length &&
      root.output.every((e, i) => e.kind === 'var' && e.rt === root.rt && e.attnum === i + 1)
    ) {
      const rte = main.rtable[root.rt];
      const sub = rte?.kind === 'subquery' ? this.#levels.get(rte.query) : undefined;
      if (sub !== undefined) {
        this.#node(root.input, sub, null, null, new Map());
        return;
      }
    }
    this.#node(root, main, null, null, new Map());
  }

  #inst(n: ShownNode): NodeInstrumentation | undefined {
    if (n.kind === 'setop-append') return this.#appendInst(n);
    return this.instrumentation?.get(FOLDED.get(n as PlanNode) ?? (n as PlanNode));
  }

  /**
   * A projection Result (no quals) over a node that can project itself is
   * shown as that node with the Result's target list and estimates: in
   * PostgreSQL the projection is the node's own (create_projection_plan
   * adds a Result only over nodes that cannot project).
   */
  #fold(n: ShownNode): ShownNode {
    if (n.kind !== 'result' || n.input === undefined) return n;
    if (n.oneTimeFilter !== undefined || n.filter !== undefined || !projectionCapable(n.input))
      return n;
    const inner = this.#fold(n.input) as PlanNode;
    const folded = {
      ...inner,
      startupCost: n.startupCost,
      totalCost: n.totalCost,
      rows: n.rows,
      width: n.width,
      output: n.output,
    } as PlanNode;
    FOLDED.set(folded, FOLDED.get(inner) ?? inner);
    return folded;
  }

  #appendInst(n: SyntheticAppend): NodeInstrumentation | undefined {
    const parts = n.children.map((c) => this.instrumentation?.get(c));
    const first = parts[0];
    if (first === undefined) return undefined;
    const inst: NodeInstrumentation = { startupMs: first.startupMs, totalMs: 0, rows: 0, loops: 0 };
    for (const p of parts) {
      if (p === undefined) continue;
      inst.totalMs += p.totalMs;
      inst.rows += p.rows;
      inst.loops = Math.max(inst.loops, p.loops);
      if (p.sharedHit !== undefined) inst.sharedHit = (inst.sharedHit ?? 0) + p.sharedHit;
      if (p.sharedRead !== undefined) inst.sharedRead = (inst.sharedRead ?? 0) + p.sharedRead;
    }
    return inst;
  }

  #ctx(
    level: Level,
    params: ParamMap,
    opts: {
      prefix: boolean;
      computed?: readonly Expr[] | undefined;
      aggs?: readonly AggregateCall[] | undefined;
    },
  ): DeparseContext {
    const q = level.query;
    const ctx: DeparseContext = {
      registry: this.registry,
      level,
      prefix: opts.prefix,
      aggregates: opts.aggs ?? q.aggregates,
      windowFuncs: q.windowFuncs as readonly WindowFuncCall[] | undefined,
      resolveParam: (id) => params.get(id),
      subplan: (e) => this.#subplanRef(e),
      ...(opts.computed !== undefined ? { computed: opts.computed } : {}),
    };
    return ctx;
  }

  #subplanRef(e: SubPlanExpr): string {
    const name = this.planned.subplanNames[e.plan] ?? `SubPlan ${e.plan + 1}`;
    const m = SUBPLAN_NAME.exec(name);
    if (e.initPlan) {
      if (m?.[3] !== undefined) return m[3];
      return `$${e.params[0] ?? e.plan}`;
    }
    const hashed = e.linkType === 'any' && e.params.length === 0;
    return hashed ? `(hashed ${name})` : `(${name})`;
  }

  #node(
    shown: ShownNode,
    level: Level,
    relationship: string | null,
    planName: string | null,
    params: ParamMap,
  ): void {
    const n = this.#fold(shown);
    const out = this.out;
    const opts = this.options;
    const text = out.format === 'text';
    const saveIndent = out.indent;
    const label = nodeLabel(n);
    out.openGroup('Plan', relationship !== null ? null : 'Plan', true);
    if (text) {
      if (planName !== null) {
        out.indentText();
        out.append(`${planName}\n`);
        out.indent++;
      }
      if (out.indent > 0) {
        out.indentText();
        out.append('->  ');
        out.indent += 2;
      }
      out.append(label.text + this.#targetText(n, level));
      out.indent++;
    } else {
      out.propText('Node Type', label.type);
      if (label.strategy !== undefined) out.propText('Strategy', label.strategy);
      if (label.partialMode !== undefined) out.propText('Partial Mode', label.partialMode);
      if (relationship !== null) out.propText('Parent Relationship', relationship);
      if (planName !== null) out.propText('Subplan Name', planName);
      out.propBool('Parallel Aware', false);
      out.propBool('Async Capable', false);
      this.#targetProps(n, level);
      if (label.joinType !== undefined) out.propText('Join Type', label.joinType);
      if (label.command !== undefined) out.propText('Command', label.command);
    }
    const est = n.kind === 'setop-append' ? appendEstimates(n) : n;
    if (opts.costs) {
      if (text) {
        out.append(
          `  (cost=${formatFixed(est.startupCost, 2)}..${formatFixed(est.totalCost, 2)} rows=${formatFixed(est.rows, 0)} width=${Math.trunc(est.width)})`,
        );
      } else {
        out.propFloat('Startup Cost', null, est.startupCost, 2);
        out.propFloat('Total Cost', null, est.totalCost, 2);
        out.propFloat('Plan Rows', null, est.rows, 0);
        out.propInt('Plan Width', null, est.width);
      }
    }
    const inst = opts.analyze ? this.#inst(n) : undefined;
    if (opts.analyze) {
      if (inst !== undefined && inst.loops > 0) {
        const loops = inst.loops;
        const startup = inst.startupMs / loops;
        const total = inst.totalMs / loops;
        const rows = inst.rows / loops;
        if (text) {
          out.append(
            opts.timing
              ? ` (actual time=${formatFixed(startup, 3)}..${formatFixed(total, 3)} rows=${formatFixed(rows, 0)} loops=${loops})`
              : ` (actual rows=${formatFixed(rows, 0)} loops=${loops})`,
          );
        } else {
          if (opts.timing) {
            out.propFloat('Actual Startup Time', 'ms', startup, 3);
            out.propFloat('Actual Total Time', 'ms', total, 3);
          }
          out.propFloat('Actual Rows', null, rows, 0);
          out.propFloat('Actual Loops', null, loops, 0);
        }
      } else if (text) {
        out.append(' (never executed)');
      } else {
        if (opts.timing) {
          out.propFloat('Actual Startup Time', 'ms', 0, 3);
          out.propFloat('Actual Total Time', 'ms', 0, 3);
        }
        out.propFloat('Actual Rows', null, 0, 0);
        out.propFloat('Actual Loops', null, 0, 0);
      }
    }
    if (text) out.append('\n');

    this.#details(n, level, params, inst);

    if (opts.buffers && inst !== undefined) {
      this.#showBuffers(inst.sharedHit ?? 0, inst.sharedRead ?? 0);
    }

    // Children.
    const children = this.#children(n, level, params);
    const initPlans =
      n.kind === 'setop-append'
        ? []
        : [
            ...(this.#initPlansAt.get(shown as PlanNode) ?? []),
            ...(shown !== n
              ? (this.#initPlansAt.get(FOLDED.get(n as PlanNode) as PlanNode) ?? [])
              : []),
          ].sort((a, b) => a - b);
    const subPlans = n.kind === 'setop-append' ? [] : this.#subPlansOf(n as PlanNode);
    if (initPlans.length + children.length + subPlans.length > 0) {
      out.openGroup('Plans', 'Plans', false);
      for (const i of initPlans) this.#subplan(i, level, 'InitPlan', params, undefined);
      for (const c of children) this.#node(c.node, c.level, c.relationship, null, c.params);
      for (const sp of subPlans) this.#subplan(sp.expr.plan, level, 'SubPlan', params, sp);
      out.closeGroup('Plans', 'Plans', false);
    }
    if (text) out.indent = saveIndent;
    out.closeGroup('Plan', relationship !== null ? null : 'Plan', true);
  }

  /** Shows subplan `index` (its params resolved to the calling expression's arguments). */
  #subplan(
    index: number,
    level: Level,
    relationship: 'InitPlan' | 'SubPlan',
    params: ParamMap,
    call: { expr: SubPlanExpr; ctx: DeparseContext } | undefined,
  ): void {
    const plan = this.planned.subplans[index];
    if (plan === undefined) {
      throw new SqlError('XX000', `EXPLAIN: subplan ${index} does not exist`);
    }
    const name = this.planned.subplanNames[index] ?? `SubPlan ${index + 1}`;
    const q = this.#subplanQuery.get(index);
    const sublevel = (q !== undefined ? this.#levels.get(q) : undefined) ?? level;
    const inner: ParamMap = new Map(params);
    if (call !== undefined) {
      call.expr.params.forEach((id, i) => {
        const arg = call.expr.args[i];
        if (arg !== undefined) inner.set(id, { expr: arg, ctx: call.ctx });
      });
    }
    this.#node(plan, sublevel, relationship, name, inner);
  }

  /** The SubPlans (not InitPlans) a node's own expressions call, in order, once each. */
  #subPlansOf(n: PlanNode): { expr: SubPlanExpr; ctx: DeparseContext }[] {
    const seen = new Set<number>();
    const result: { expr: SubPlanExpr; ctx: DeparseContext }[] = [];
    const level = this.#currentLevel.get(n);
    const params = this.#currentParams.get(n) ?? new Map();
    if (level === undefined) return result;
    for (const sp of subplansIn(ownExprs(n))) {
      if (sp.initPlan || seen.has(sp.plan)) continue;
      seen.add(sp.plan);
      result.push({
        expr: sp,
        ctx: this.#ctx(level, params, { prefix: true, computed: inputComputed(n) }),
      });
    }
    return result;
  }

  readonly #currentLevel = new Map<PlanNode, Level>();
  readonly #currentParams = new Map<PlanNode, ParamMap>();

  #children(
    n: ShownNode,
    level: Level,
    params: ParamMap,
  ): { node: ShownNode; level: Level; relationship: string; params: ParamMap }[] {
    if (n.kind !== 'setop-append') {
      this.#currentLevel.set(n as PlanNode, level);
      this.#currentParams.set(n as PlanNode, params);
    }
    const same = (node: ShownNode, relationship: string) => ({ node, level, relationship, params });
    switch (n.kind) {
      case 'seqscan':
      case 'indexscan':
      case 'indexonlyscan':
      case 'valuesscan':
      case 'functionscan':
      case 'ctescan':
      case 'worktablescan':
      case 'bitmapindexscan':
        return [];
      case 'bitmapheapscan':
        return [same(n.bitmap, 'Outer')];
      case 'bitmapand':
      case 'bitmapor':
        return n.children.map((c) => same(c, 'Member'));
      case 'subqueryscan': {
        const rte = level.rtable[n.rt];
        let subQuery: SelectQuery | undefined;
        if (rte?.kind === 'subquery') subQuery = rte.query;
        else if (rte?.kind === 'cte') {
          // An inlined WITH query (PostgreSQL 12+ when referenced once).
          let owner: Level | undefined = level;
          for (let i = 0; i < rte.levelsUp && owner !== undefined; i++) owner = owner.parent;
          subQuery = owner?.query.ctes?.[rte.index]?.query;
        }
        const sub = subQuery !== undefined ? this.#levels.get(subQuery) : undefined;
        return [{ node: n.input, level: sub ?? level, relationship: 'Subquery', params }];
      }
      case 'result':
      case 'projectset':
        return n.input !== undefined ? [same(n.input, 'Outer')] : [];
      case 'nestloop': {
        const inner: ParamMap = new Map(params);
        const outerCtx = this.#ctx(level, params, { prefix: true, computed: computedOf(n.outer) });
        for (const p of n.params) inner.set(p.id, { expr: p.value, ctx: outerCtx });
        return [
          same(n.outer, 'Outer'),
          { node: n.inner, level, relationship: 'Inner', params: inner },
        ];
      }
      case 'hashjoin':
      case 'mergejoin':
        return [same(n.outer, 'Outer'), same(n.inner, 'Inner')];
      case 'hash':
      case 'sort':
      case 'incrementalsort':
      case 'agg':
      case 'windowagg':
      case 'unique':
      case 'limit':
      case 'material':
      case 'memoize':
        return [same(n.input, 'Outer')];
      case 'append':
      case 'mergeappend':
        return n.children.map((c) => ({
          node: c,
          level: this.#leafLevel(c, level),
          relationship: 'Member',
          params,
        }));
      case 'setop-append':
        return n.children.map((c) => ({
          node: c,
          level: this.#leafLevel(c, level),
          relationship: 'Member',
          params,
        }));
      case 'setop':
        return [same({ kind: 'setop-append', children: [n.left, n.right] }, 'Outer')];
      case 'recursiveunion':
        return [
          {
            node: n.nonRecursive,
            level: this.#leafLevel(n.nonRecursive, level),
            relationship: 'Outer',
            params,
          },
          {
            node: n.recursive,
            level: this.#leafLevel(n.recursive, level),
            relationship: 'Inner',
            params,
          },
        ];
    }
  }

  /**
   * A set operation's member runs in the level of one of its leaf
   * queries: the first whose range table fits the member's scans.
   */
  #leafLevel(member: PlanNode, level: Level): Level {
    const q = level.query;
    if (q.setOp === undefined || member.kind === 'subqueryscan') return level;
    if (reachesSetOpNode(member)) return level;
    const leaves: SelectQuery[] = [];
    const collect = (t: NonNullable<SelectQuery['setOp']>) => {
      if (t.kind === 'leaf') {
        const rte = q.rtable[t.rt];
        if (rte?.kind === 'subquery') leaves.push(rte.query);
      } else {
        collect(t.left);
        collect(t.right);
      }
    };
    collect(q.setOp);
    const scans = scansOf(member);
    const fit = leaves.find((leaf) =>
      scans.every((s) => {
        const rte = leaf.rtable[s.rt];
        if (rte === undefined) return false;
        if (s.oid === undefined)
          return rte.kind !== 'relation' && (s.rteKind === undefined || s.rteKind === rte.kind);
        return rte.kind === 'relation' && rte.relationOid === s.oid;
      }),
    );
    const chosen = fit ?? leaves[0];
    return (chosen !== undefined ? this.#levels.get(chosen) : undefined) ?? level;
  }

  // ------------------------------------------------------------ details

  /** ExplainScanTarget / ExplainIndexScanDetails, text form. */
  #targetText(n: ShownNode, level: Level): string {
    const q = (s: string) => quoteName(s, this.registry);
    const target = (object: string | null, rt: number, fallback: string) => {
      const ref = level.names[rt] ?? fallback;
      let s = ' on';
      if (object !== null)
        s +=
          this.options.verbose && schemaOf(n) !== undefined
            ? ` ${schemaOf(n)}.${q(object)}`
            : ` ${q(object)}`;
      if (object === null || ref !== object) s += ` ${q(ref)}`;
      return s;
    };
    switch (n.kind) {
      case 'seqscan':
      case 'bitmapheapscan':
        return target(n.relationName, n.rt, n.alias);
      case 'indexscan':
      case 'indexonlyscan':
        return `${n.direction === 'backward' ? ' Backward' : ''} using ${q(n.indexName)}${target(n.relationName, n.rt, n.alias)}`;
      case 'bitmapindexscan':
        return ` on ${q(n.indexName)}`;
      case 'valuesscan':
        return target(null, n.rt, '*VALUES*');
      case 'functionscan':
        return target(functionName(n.call), n.rt, n.alias);
      case 'subqueryscan':
        return target(null, n.rt, n.alias);
      case 'ctescan':
      case 'worktablescan':
        return target(n.cteName, n.rt, n.alias);
      default:
        return '';
    }
  }

  /** ExplainScanTarget / ExplainIndexScanDetails, structured form. */
  #targetProps(n: ShownNode, level: Level): void {
    const out = this.out;
    const target = (tag: string | null, object: string | null, rt: number, fallback: string) => {
      if (tag !== null && object !== null) out.propText(tag, object);
      const schema = this.options.verbose ? schemaOf(n) : undefined;
      if (schema !== undefined) out.propText('Schema', schema);
      out.propText('Alias', level.names[rt] ?? fallback);
    };
    switch (n.kind) {
      case 'seqscan':
      case 'bitmapheapscan':
        target('Relation Name', n.relationName, n.rt, n.alias);
        return;
      case 'indexscan':
      case 'indexonlyscan':
        out.propText('Scan Direction', n.direction === 'backward' ? 'Backward' : 'Forward');
        out.propText('Index Name', n.indexName);
        target('Relation Name', n.relationName, n.rt, n.alias);
        return;
      case 'bitmapindexscan':
        out.propText('Index Name', n.indexName);
        return;
      case 'valuesscan':
        target(null, null, n.rt, '*VALUES*');
        return;
      case 'functionscan':
        target('Function Name', functionName(n.call), n.rt, n.alias);
        return;
      case 'subqueryscan':
        target(null, null, n.rt, n.alias);
        return;
      case 'ctescan':
      case 'worktablescan':
        target('CTE Name', n.cteName, n.rt, n.alias);
        return;
      default:
        return;
    }
  }

  #details(
    n: ShownNode,
    level: Level,
    params: ParamMap,
    inst: NodeInstrumentation | undefined,
  ): void {
    const out = this.out;
    const opts = this.options;
    const text = out.format === 'text';
    const upper = this.#useprefix || opts.verbose;
    const scanPrefix = n.kind === 'subqueryscan' || opts.verbose;
    const ctxFor = (prefix: boolean, computed?: readonly Expr[], aggs?: readonly AggregateCall[]) =>
      this.#ctx(level, params, {
        prefix,
        ...(computed !== undefined ? { computed } : {}),
        ...(aggs !== undefined ? { aggs } : {}),
      });
    const qual = (label: string, e: Expr | readonly Expr[] | undefined, ctx: DeparseContext) => {
      const list = e === undefined ? [] : Array.isArray(e) ? (e as readonly Expr[]) : [e as Expr];
      if (list.length === 0) return false;
      const s =
        list.length === 1
          ? deparseExpr(list[0] as Expr, ctx, false)
          : `(${list.map((x) => deparseExpr(x, ctx, false)).join(' AND ')})`;
      out.propText(label, s);
      return true;
    };
    const removed = (label: string, count: number | undefined) => {
      if (!opts.analyze || inst === undefined) return;
      const loops = inst.loops;
      const v = loops > 0 ? (count ?? 0) / loops : 0;
      // Text suppresses a zero total (an average that rounds to 0 still shows).
      if ((count ?? 0) > 0 || !text) out.propFloat(label, null, v, 0);
    };
    const aggsBelow = findAggregates(n);

    // Output (VERBOSE).
    if (
      opts.verbose &&
      n.kind !== 'setop-append' &&
      n.kind !== 'bitmapindexscan' &&
      n.kind !== 'bitmapand' &&
      n.kind !== 'bitmapor' &&
      // show_plan_tlist: an Append's, MergeAppend's or RecursiveUnion's target list is not shown.
      n.kind !== 'append' &&
      n.kind !== 'mergeappend' &&
      n.kind !== 'recursiveunion' &&
      n.output.length > 0
    ) {
      const ctx = ctxFor(this.#useprefix, inputComputed(n), aggsBelow);
      out.propList(
        'Output',
        n.output.map((e) => deparseExpr(e, ctx, false)),
      );
    }

    // Whether the inner side has at most one match per outer row is not in the plan.
    if (
      out.format !== 'text' &&
      (n.kind === 'nestloop' || n.kind === 'hashjoin' || n.kind === 'mergejoin')
    ) {
      out.propBool('Inner Unique', false);
    }

    switch (n.kind) {
      case 'seqscan':
      case 'valuesscan':
      case 'ctescan':
      case 'worktablescan':
      case 'subqueryscan':
        if (qual('Filter', n.filter, ctxFor(scanPrefix)))
          removed('Rows Removed by Filter', inst?.removedByFilter);
        break;
      case 'functionscan':
        if (opts.verbose) out.propText('Function Call', deparseExpr(n.call, ctxFor(true), false));
        if (qual('Filter', n.filter, ctxFor(scanPrefix)))
          removed('Rows Removed by Filter', inst?.removedByFilter);
        break;
      case 'indexscan':
      case 'indexonlyscan': {
        const ctx = ctxFor(scanPrefix);
        if (
          qual(
            'Index Cond',
            n.indexQuals.map((iq) => iq.clause),
            ctx,
          )
        )
          removed('Rows Removed by Index Recheck', 0);
        if (qual('Filter', n.filter, ctx)) removed('Rows Removed by Filter', inst?.removedByFilter);
        if (n.kind === 'indexonlyscan' && opts.analyze) {
          const fetches = (inst as { heapFetches?: number } | undefined)?.heapFetches ?? 0;
          out.propFloat('Heap Fetches', null, fetches, 0);
        }
        break;
      }
      case 'bitmapindexscan':
        qual(
          'Index Cond',
          n.indexQuals.map((iq) => iq.clause),
          ctxFor(scanPrefix),
        );
        break;
      case 'bitmapheapscan': {
        const ctx = ctxFor(scanPrefix);
        // issue 12: rows of lossy (BRIN) or rechecked (GIN, hash) pages the recheck removed
        const bx = inst as
          | { removedByIndexRecheck?: number; exactPages?: number; lossyPages?: number }
          | undefined;
        if (qual('Recheck Cond', n.recheck, ctx))
          removed('Rows Removed by Index Recheck', bx?.removedByIndexRecheck);
        if (qual('Filter', n.filter, ctx)) removed('Rows Removed by Filter', inst?.removedByFilter);
        // show_tidbitmap_info: Heap Blocks (text: only when some)
        if (opts.analyze && bx !== undefined) {
          const exact = bx.exactPages ?? 0;
          const lossy = bx.lossyPages ?? 0;
          if (!text) {
            out.propFloat('Exact Heap Blocks', null, exact, 0);
            out.propFloat('Lossy Heap Blocks', null, lossy, 0);
          } else if (exact > 0 || lossy > 0)
            out.propText(
              'Heap Blocks',
              [exact > 0 ? `exact=${exact}` : '', lossy > 0 ? `lossy=${lossy}` : '']
                .filter((x) => x !== '')
                .join(' '),
            );
        }
        break;
      }
      case 'nestloop':
      case 'hashjoin':
      case 'mergejoin': {
        const ctx = ctxFor(upper, [...computedOf(n.outer), ...computedOf(n.inner)]);
        if (n.kind === 'hashjoin') qual('Hash Cond', n.hashClauses, ctx);
        if (n.kind === 'mergejoin') qual('Merge Cond', n.mergeClauses, ctx);
        if (qual('Join Filter', n.joinQual, ctx))
          removed('Rows Removed by Join Filter', inst?.removedByJoinFilter);
        if (qual('Filter', n.filter, ctx)) removed('Rows Removed by Filter', inst?.removedByFilter);
        break;
      }
      case 'agg': {
        const keyCtx = ctxFor(upper, undefined, aggsBelow);
        // show_agg_keys deparses the input's target entries: a Sort's refer to its own input's
        // (an expression computed there prints in parentheses), a scan's are the expressions
        const wrap = passesRowsThrough(n.input);
        const keys = n.groupExprs.map((e) => {
          const through = this.#viaSetOp(e, n.input, level, params, upper);
          if (through !== undefined) return through;
          const text = deparseExpr(e, keyCtx, true);
          return wrap && e.kind !== 'var' ? `(${text})` : text;
        });
        if (n.groupingSets !== undefined) this.#groupingSets(n.strategy, n.groupingSets, keys);
        else if (keys.length > 0) out.propList('Group Key', keys);
        const having = qual('Filter', n.having, ctxFor(upper, computedOf(n.input), n.aggregates));
        if (n.strategy === 'hashed' || n.strategy === 'mixed') this.#hashAggInfo(inst);
        if (having) removed('Rows Removed by Filter', inst?.removedByFilter);
        break;
      }
      case 'sort':
      case 'incrementalsort':
      case 'mergeappend': {
        const input = n.kind === 'mergeappend' ? n.children[0] : n.input;
        const keys = this.#sortKeys(n.keys, input, ctxFor(upper, undefined, aggsBelow), (e) =>
          this.#viaSetOp(e, n.kind === 'mergeappend' ? n : input, level, params, upper),
        );
        out.propList('Sort Key', keys);
        if (n.kind === 'incrementalsort') out.propList('Presorted Key', keys.slice(0, n.presorted));
        if (n.kind === 'sort' && opts.analyze && inst?.sortMethod !== undefined) {
          const type = inst.sortSpaceType ?? 'Memory';
          const kb = inst.sortSpaceKb ?? 0;
          if (text) {
            out.indentText();
            out.append(`Sort Method: ${inst.sortMethod}  ${type}: ${Math.trunc(kb)}kB\n`);
          } else {
            out.propText('Sort Method', inst.sortMethod);
            out.propInt('Sort Space Used', 'kB', kb);
            out.propText('Sort Space Type', type);
          }
        }
        if (n.kind === 'mergeappend' && !text) out.propInt('Subplans Removed', null, 0);
        break;
      }
      case 'append':
      case 'setop-append':
        if (!text) out.propInt('Subplans Removed', null, 0);
        break;
      case 'result':
        qual('One-Time Filter', n.oneTimeFilter, ctxFor(upper, computedOf(n.input)));
        if (qual('Filter', n.filter, ctxFor(upper, computedOf(n.input))))
          removed('Rows Removed by Filter', inst?.removedByFilter);
        break;
      case 'hash':
        if (opts.analyze && inst?.hashBuckets !== undefined) {
          const buckets = inst.hashBuckets;
          const batches = inst.hashBatches ?? 1;
          const kb = inst.hashMemoryKb ?? 0;
          if (text) {
            out.indentText();
            out.append(
              `Buckets: ${buckets}  Batches: ${batches}  Memory Usage: ${Math.trunc(kb)}kB\n`,
            );
          } else {
            out.propInt('Hash Buckets', null, buckets);
            out.propInt('Original Hash Buckets', null, buckets);
            out.propInt('Hash Batches', null, batches);
            out.propInt('Original Hash Batches', null, batches);
            out.propInt('Peak Memory Usage', 'kB', kb);
          }
        }
        break;
      case 'windowagg':
        qual('Run Condition', n.runCondition, ctxFor(upper));
        break;
      case 'memoize': {
        const ctx = ctxFor(upper);
        out.propText('Cache Key', n.keys.map((k) => deparseExpr(k, ctx, false)).join(', '));
        out.propText('Cache Mode', n.binary === true ? 'binary' : 'logical');
        break;
      }
      default:
        break;
    }
  }

  /** show_sort_group_keys: a key the input computes prints in parentheses. */
  /**
   * A Var over an Append's (or a set operation's) output prints as the
   * first member's column (ruleutils' resolution of OUTER_VAR through an
   * Append): `u.t_id` when that member is a scan of u, `"*SELECT* 2".g`
   * when it is that sub-SELECT's Subquery Scan.
   */
  #viaSetOp(
    e: Expr,
    input: PlanNode | undefined,
    level: Level,
    params: ParamMap,
    prefix: boolean,
  ): string | undefined {
    if (e.kind !== 'var' || input === undefined) return undefined;
    let node: PlanNode = input;
    let expr: Expr = e;
    let resolved = false;
    for (;;) {
      // a column an Agg, Sort, Unique or Limit passes on is its input's
      if (
        (node.kind === 'agg' ||
          node.kind === 'sort' ||
          node.kind === 'unique' ||
          node.kind === 'limit') &&
        node.output.some((o) => sameExpr(o, expr))
      ) {
        node = node.input;
        continue;
      }
      const first =
        node.kind === 'append' || node.kind === 'mergeappend'
          ? node.children[0]
          : node.kind === 'setop'
            ? node.left
            : undefined;
      if (first === undefined) break;
      const at = node.output.findIndex((o) => sameExpr(o, expr));
      const fe = at < 0 ? undefined : first.output[at];
      if (fe === undefined) break;
      expr = fe;
      node = first;
      resolved = true;
    }
    if (!resolved) return undefined;
    const ctx = this.#ctx(this.#leafLevel(node, level), params, { prefix });
    const text = deparseExpr(expr, ctx, true);
    return expr.kind === 'var' ? text : `(${text})`;
  }

  #sortKeys(
    keys: readonly SortKey[],
    input: PlanNode | undefined,
    ctx: DeparseContext,
    via?: (e: Expr) => string | undefined,
  ): string[] {
    return keys.map((k) => {
      const through = via?.(k.expr);
      if (through !== undefined) return through + sortOrderSuffix(k.descending, k.nullsFirst);
      const inner = deparseExpr(k.expr, { ...ctx, computed: undefined }, true);
      const wrapped =
        k.expr.kind === 'var' || (input !== undefined && isVarOutput(input, k.expr))
          ? inner
          : `(${inner})`;
      return wrapped + sortOrderSuffix(k.descending, k.nullsFirst);
    });
  }

  /**
   * show_grouping_set_keys: sorted sets as Group Key, hashed ones as Hash
   * Key (each hashed set its own Grouping Set in the structured formats).
   */
  #groupingSets(
    strategy: string,
    sets: readonly (readonly number[])[],
    keys: readonly string[],
  ): void {
    const out = this.out;
    const groups: { label: 'Group Key' | 'Hash Key'; sets: (readonly number[])[] }[] = [];
    const hashed =
      strategy === 'hashed' ? sets : strategy === 'mixed' ? sets.filter((s) => s.length > 0) : [];
    const sorted =
      strategy === 'hashed' ? [] : strategy === 'mixed' ? sets.filter((s) => s.length === 0) : sets;
    for (const s of hashed) groups.push({ label: 'Hash Key', sets: [s] });
    if (sorted.length > 0) groups.push({ label: 'Group Key', sets: [...sorted] });
    const names = (set: readonly number[]) => set.map((i) => keys[i] ?? '?');
    if (out.format === 'text') {
      for (const g of groups) {
        for (const set of g.sets) {
          out.indentText();
          out.append(`${g.label}: ${set.length > 0 ? names(set).join(', ') : '()'}\n`);
        }
      }
      return;
    }
    out.openGroup('Grouping Sets', 'Grouping Sets', false);
    for (const g of groups) {
      const label = g.label === 'Hash Key' ? 'Hash Keys' : 'Group Keys';
      out.openGroup('Grouping Set', null, true);
      out.openGroup(label, label, false);
      for (const set of g.sets) out.propListNested(names(set), g.label);
      out.closeGroup(label, label, false);
      out.closeGroup('Grouping Set', null, true);
    }
    out.closeGroup('Grouping Sets', 'Grouping Sets', false);
  }

  #hashAggInfo(inst: NodeInstrumentation | undefined): void {
    const out = this.out;
    const opts = this.options;
    if (out.format !== 'text') {
      if (opts.costs) out.propInt('Planned Partitions', null, 0);
      if (opts.analyze && inst !== undefined) {
        out.propInt('HashAgg Batches', null, inst.aggBatches ?? 1);
        out.propInt('Peak Memory Usage', 'kB', inst.hashMemoryKb ?? 0);
        out.propInt('Disk Usage', 'kB', inst.diskUsageKb ?? 0);
      }
      return;
    }
    if (!opts.analyze || inst === undefined || inst.loops === 0) return;
    const batches = inst.aggBatches ?? 1;
    out.indentText();
    let s = `Batches: ${batches}  Memory Usage: ${Math.trunc(inst.hashMemoryKb ?? 0)}kB`;
    if (batches > 1) s += `  Disk Usage: ${Math.trunc(inst.diskUsageKb ?? 0)}kB`;
    out.append(`${s}\n`);
  }

  #showBuffers(hit: number, read: number): void {
    const out = this.out;
    if (out.format === 'text') {
      if (hit === 0 && read === 0) return;
      let s = 'Buffers: shared';
      if (hit > 0) s += ` hit=${hit}`;
      if (read > 0) s += ` read=${read}`;
      out.indentText();
      out.append(`${s}\n`);
      return;
    }
    this.showBufferCounts(hit, read);
  }

  showBufferCounts(hit: number, read: number): void {
    const out = this.out;
    out.propInt('Shared Hit Blocks', null, hit);
    out.propInt('Shared Read Blocks', null, read);
    out.propInt('Shared Dirtied Blocks', null, 0);
    out.propInt('Shared Written Blocks', null, 0);
    out.propInt('Local Hit Blocks', null, 0);
    out.propInt('Local Read Blocks', null, 0);
    out.propInt('Local Dirtied Blocks', null, 0);
    out.propInt('Local Written Blocks', null, 0);
    out.propInt('Temp Read Blocks', null, 0);
    out.propInt('Temp Written Blocks', null, 0);
  }
}

type ParamMap = Map<number, { expr: Expr; ctx: DeparseContext }>;

// ---------------------------------------------------------------- labels

interface Label {
  /** The text format's name ("HashAggregate", "Hash Left Join"). */
  text: string;
  /** The structured formats' "Node Type". */
  type: string;
  strategy?: string;
  partialMode?: string;
  command?: string;
  joinType?: string;
}

const JOIN_TYPE: Record<string, string> = {
  inner: 'Inner',
  left: 'Left',
  right: 'Right',
  full: 'Full',
  semi: 'Semi',
  anti: 'Anti',
};

function nodeLabel(n: ShownNode): Label {
  const simple = (name: string): Label => ({ text: name, type: name });
  switch (n.kind) {
    case 'seqscan':
      return simple('Seq Scan');
    case 'indexscan':
      return simple('Index Scan');
    case 'indexonlyscan':
      return simple('Index Only Scan');
    case 'bitmapindexscan':
      return simple('Bitmap Index Scan');
    case 'bitmapheapscan':
      return simple('Bitmap Heap Scan');
    case 'bitmapand':
      return simple('BitmapAnd');
    case 'bitmapor':
      return simple('BitmapOr');
    case 'valuesscan':
      return simple('Values Scan');
    case 'functionscan':
      return simple('Function Scan');
    case 'subqueryscan':
      return simple('Subquery Scan');
    case 'ctescan':
      return simple('CTE Scan');
    case 'worktablescan':
      return simple('WorkTable Scan');
    case 'result':
      return simple('Result');
    case 'projectset':
      return simple('ProjectSet');
    case 'nestloop':
    case 'hashjoin':
    case 'mergejoin': {
      const base =
        n.kind === 'nestloop' ? 'Nested Loop' : n.kind === 'hashjoin' ? 'Hash Join' : 'Merge Join';
      const jt = JOIN_TYPE[n.joinType] ?? 'Inner';
      const text =
        n.joinType === 'inner'
          ? base
          : n.kind === 'nestloop'
            ? `${base} ${jt} Join`
            : `${base.replace(' Join', '')} ${jt} Join`;
      return { text, type: base, joinType: jt };
    }
    case 'hash':
      return simple('Hash');
    case 'sort':
      return simple('Sort');
    case 'incrementalsort':
      return simple('Incremental Sort');
    case 'agg': {
      const text = {
        plain: 'Aggregate',
        sorted: 'GroupAggregate',
        hashed: 'HashAggregate',
        mixed: 'MixedAggregate',
      }[n.strategy];
      const strategy = { plain: 'Plain', sorted: 'Sorted', hashed: 'Hashed', mixed: 'Mixed' }[
        n.strategy
      ];
      return { text, type: 'Aggregate', strategy, partialMode: 'Simple' };
    }
    case 'windowagg':
      return simple('WindowAgg');
    case 'unique':
      return simple('Unique');
    case 'limit':
      return simple('Limit');
    case 'append':
    case 'setop-append':
      return simple('Append');
    case 'mergeappend':
      return simple('Merge Append');
    case 'setop': {
      const command = `${n.op === 'intersect' ? 'Intersect' : 'Except'}${n.all ? ' All' : ''}`;
      const text = `${n.strategy === 'hashed' ? 'HashSetOp' : 'SetOp'} ${command}`;
      return {
        text,
        type: 'SetOp',
        strategy: n.strategy === 'hashed' ? 'Hashed' : 'Sorted',
        command,
      };
    }
    case 'recursiveunion':
      return simple('Recursive Union');
    case 'material':
      return simple('Materialize');
    case 'memoize':
      return simple('Memoize');
  }
}

function isRelation(n: ShownNode): boolean {
  return (
    n.kind === 'seqscan' ||
    n.kind === 'indexscan' ||
    n.kind === 'indexonlyscan' ||
    n.kind === 'bitmapheapscan'
  );
}

/**
 * The namespace VERBOSE qualifies a scanned object with: relations are
 * taken to be in public (the plan carries no namespace), built-in
 * functions are pg_catalog's.
 */
function schemaOf(n: ShownNode): string | undefined {
  if (isRelation(n)) return 'public';
  if (n.kind === 'functionscan' && n.call.kind === 'func') return 'pg_catalog';
  return undefined;
}

function functionName(call: Expr): string | null {
  // ROWS FROM over several functions: a synthesized call without a name (no function shown)
  return call.kind === 'func' && call.fn.name !== '' ? call.fn.name : null;
}

/** The Append PostgreSQL shows under a SetOp: cost_append's estimates. */
function appendEstimates(n: SyntheticAppend): {
  startupCost: number;
  totalCost: number;
  rows: number;
  width: number;
} {
  const first = n.children[0];
  const rows = n.children.reduce((s, c) => s + c.rows, 0);
  const total = n.children.reduce((s, c) => s + c.totalCost, 0) + 0.01 * 0.5 * rows;
  return { startupCost: first?.startupCost ?? 0, totalCost: total, rows, width: first?.width ?? 0 };
}

// ---------------------------------------------------------------- plan walking

/** A node's own expressions (what it evaluates, not its children's). */
function ownExprs(n: PlanNode): Expr[] {
  const list: Expr[] = [];
  const add = (e: Expr | undefined) => {
    if (e !== undefined) list.push(e);
  };
  const input = inputOutputs(n);
  for (const o of n.output) {
    if (input === undefined || !input.some((i) => sameExpr(i, o))) add(o);
  }
  switch (n.kind) {
    case 'seqscan':
    case 'valuesscan':
    case 'ctescan':
    case 'worktablescan':
    case 'subqueryscan':
      add(n.filter);
      if (n.kind === 'valuesscan') for (const row of n.values) row.forEach(add);
      break;
    case 'functionscan':
      add(n.call);
      add(n.filter);
      break;
    case 'indexscan':
    case 'indexonlyscan':
      for (const q of n.indexQuals) add(q.clause);
      add(n.filter);
      break;
    case 'bitmapheapscan':
      add(n.recheck);
      add(n.filter);
      break;
    case 'result':
      add(n.oneTimeFilter);
      add(n.filter);
      break;
    case 'nestloop':
      add(n.joinQual);
      add(n.filter);
      break;
    case 'hashjoin':
      n.hashClauses.forEach(add);
      add(n.joinQual);
      add(n.filter);
      break;
    case 'mergejoin':
      n.mergeClauses.forEach(add);
      add(n.joinQual);
      add(n.filter);
      break;
    case 'agg':
      n.groupExprs.forEach(add);
      for (const a of n.aggregates) {
        a.args.forEach(add);
        add(a.filter);
      }
      add(n.having);
      break;
    case 'sort':
    case 'incrementalsort':
      for (const k of n.keys) add(k.expr);
      break;
    case 'limit':
      add(n.limit);
      add(n.offset);
      break;
    default:
      break;
  }
  return list;
}

function inputOutputs(n: PlanNode): readonly Expr[] | undefined {
  switch (n.kind) {
    case 'result':
    case 'projectset':
      return n.input?.output;
    case 'sort':
    case 'incrementalsort':
    case 'agg':
    case 'windowagg':
    case 'unique':
    case 'limit':
    case 'material':
    case 'memoize':
    case 'hash':
      return n.input.output;
    case 'nestloop':
    case 'hashjoin':
    case 'mergejoin':
      return [...n.outer.output, ...n.inner.output];
    case 'append':
    case 'mergeappend':
      return n.children[0]?.output;
    case 'setop':
      return n.left.output;
    case 'recursiveunion':
      return n.nonRecursive.output;
    default:
      // A scan computes nothing but what its Result-folded projection adds.
      return (FOLDED.get(n) ?? n).output;
  }
}

/** Nodes shown in place of a projection Result over them -> the real node (for instrumentation). */
const FOLDED = new WeakMap<PlanNode, PlanNode>();

/** is_projection_capable_plan. */
function projectionCapable(n: PlanNode): boolean {
  switch (n.kind) {
    case 'hash':
    case 'material':
    case 'memoize':
    case 'sort':
    case 'incrementalsort':
    case 'unique':
    case 'setop':
    case 'limit':
    case 'append':
    case 'mergeappend':
    case 'recursiveunion':
    case 'projectset':
      return false;
    default:
      return true;
  }
}

/** The non-Var columns a node returns (computed by it or below it). */
function computedOf(n: PlanNode | undefined): Expr[] {
  return n === undefined ? [] : n.output.filter((e) => e.kind !== 'var');
}

function inputComputed(n: ShownNode): Expr[] | undefined {
  if (
    n.kind === 'setop-append' ||
    n.kind === 'bitmapindexscan' ||
    n.kind === 'bitmapand' ||
    n.kind === 'bitmapor'
  )
    return undefined;
  switch (n.kind) {
    case 'seqscan':
    case 'indexscan':
    case 'indexonlyscan':
    case 'bitmapheapscan':
    case 'valuesscan':
    case 'functionscan':
    case 'ctescan':
    case 'worktablescan':
      return undefined;
    case 'agg':
      // Its own aggregates are not "computed below".
      return computedOf(n.input);
    default: {
      const input = inputOutputs(n as PlanNode);
      return input?.filter((e) => e.kind !== 'var');
    }
  }
}

/** A node that returns its input's rows as they are (no projection of its own). */
function passesRowsThrough(n: PlanNode): boolean {
  switch (n.kind) {
    case 'sort':
    case 'incrementalsort':
    case 'material':
    case 'unique':
    case 'limit':
    case 'memoize':
      return true;
    default:
      return false;
  }
}

function isVarOutput(_input: PlanNode, e: Expr): boolean {
  return e.kind === 'var';
}

/** The Aggref list upper nodes' Aggrefs refer to: the nearest Agg at or below `n`. */
function findAggregates(n: ShownNode): readonly AggregateCall[] | undefined {
  let cur: ShownNode | undefined = n;
  while (cur !== undefined) {
    if (cur.kind === 'agg') return cur.aggregates;
    switch (cur.kind) {
      case 'sort':
      case 'incrementalsort':
      case 'unique':
      case 'limit':
      case 'material':
      case 'windowagg':
      case 'hash':
      case 'memoize':
        cur = cur.input;
        break;
      case 'result':
      case 'projectset':
        cur = cur.input;
        break;
      default:
        cur = undefined;
    }
  }
  return undefined;
}

/** SubPlanExprs inside `exprs`, outermost first, in order. */
function subplansIn(exprs: readonly Expr[]): SubPlanExpr[] {
  const found: SubPlanExpr[] = [];
  const visit = (x: unknown): void => {
    if (typeof x !== 'object' || x === null) return;
    if (Array.isArray(x)) {
      for (const y of x) visit(y);
      return;
    }
    const o = x as Record<string, unknown>;
    if (o.kind === 'subplan') {
      found.push(o as unknown as SubPlanExpr);
      visit(o.args);
      visit(o.testExpr);
      return;
    }
    if (o.kind === 'sublink') return;
    for (const [k, v] of Object.entries(o)) {
      if (k === 'fn' || k === 'op' || k === 'cast') continue;
      visit(v);
    }
  };
  exprs.forEach(visit);
  return found;
}

/** The plan nodes of one query level (not crossing into subquery scans' inputs or subplans). */
function walkLevel(root: PlanNode, fn: (n: PlanNode) => void): void {
  const visit = (n: PlanNode) => {
    fn(n);
    for (const c of planChildren(n)) visit(c);
  };
  visit(root);
}

function planChildren(n: PlanNode): PlanNode[] {
  switch (n.kind) {
    case 'result':
    case 'projectset':
      return n.input !== undefined ? [n.input] : [];
    case 'nestloop':
    case 'hashjoin':
    case 'mergejoin':
      return [n.outer, n.inner];
    case 'hash':
    case 'sort':
    case 'incrementalsort':
    case 'agg':
    case 'windowagg':
    case 'unique':
    case 'limit':
    case 'material':
    case 'memoize':
      return [n.input];
    case 'append':
    case 'mergeappend':
      return [...n.children];
    case 'setop':
      return [n.left, n.right];
    case 'recursiveunion':
      return [n.nonRecursive, n.recursive];
    default:
      return [];
  }
}

/** Every plan node reachable from `root`, subquery inputs included (subplans not followed). */
function walkPlans(
  root: PlanNode,
  _planned: PlannedSelect,
  fn: (n: PlanNode, levelQuery: SelectQuery | undefined) => void,
): void {
  const visit = (n: PlanNode) => {
    fn(n, undefined);
    if (n.kind === 'subqueryscan') visit(n.input);
    for (const c of planChildren(n)) visit(c);
  };
  visit(root);
}

function reachesSetOpNode(n: PlanNode): boolean {
  let cur: PlanNode | undefined = n;
  while (cur !== undefined) {
    if (
      cur.kind === 'append' ||
      cur.kind === 'mergeappend' ||
      cur.kind === 'setop' ||
      cur.kind === 'recursiveunion'
    )
      return true;
    const kids = planChildren(cur);
    cur = kids.length === 1 ? kids[0] : undefined;
  }
  return false;
}

/** The scans of a level: rt and relation OID (undefined for non-relation scans). */
function scansOf(n: PlanNode): { rt: number; oid: number | undefined; rteKind?: string }[] {
  const result: { rt: number; oid: number | undefined; rteKind?: string }[] = [];
  walkLevel(n, (x) => {
    switch (x.kind) {
      case 'seqscan':
      case 'indexscan':
      case 'indexonlyscan':
      case 'bitmapheapscan':
        result.push({ rt: x.rt, oid: x.relationOid });
        break;
      case 'valuesscan':
        result.push({ rt: x.rt, oid: undefined, rteKind: 'values' });
        break;
      case 'functionscan':
        result.push({ rt: x.rt, oid: undefined, rteKind: 'function' });
        break;
      case 'ctescan':
      case 'worktablescan':
        result.push({ rt: x.rt, oid: undefined, rteKind: 'cte' });
        break;
      case 'subqueryscan':
        result.push({ rt: x.rt, oid: undefined });
        break;
      default:
        break;
    }
  });
  return result;
}

function relationsOf(n: PlanNode, planned: PlannedSelect): Set<number> {
  const set = new Set<number>();
  walkPlans(n, planned, (x) => {
    if ('relationOid' in x) set.add(x.relationOid);
  });
  return set;
}

function relationsOfQuery(q: SelectQuery): Set<number> {
  const set = new Set<number>();
  const visit = (qq: SelectQuery) => {
    for (const rte of qq.rtable) {
      if (rte.kind === 'relation') set.add(rte.relationOid);
      if (rte.kind === 'subquery') visit(rte.query);
    }
  };
  visit(q);
  return set;
}

function sameSet(a: Set<number>, b: Set<number>): boolean {
  return a.size === b.size && [...a].every((x) => b.has(x));
}

/** The sub-SELECTs of expressions, in PostgreSQL's planning order (target list, then quals, then HAVING), nested ones after. */
function collectSubLinks(q: SelectQuery): { query: SelectQuery; linkType: string }[] {
  const found: { query: SelectQuery; linkType: string }[] = [];
  const visitExpr = (x: unknown): void => {
    if (typeof x !== 'object' || x === null) return;
    if (Array.isArray(x)) {
      for (const y of x) visitExpr(y);
      return;
    }
    const o = x as Record<string, unknown>;
    if (o.kind === 'sublink') {
      const sub = o.query as SelectQuery;
      found.push({ query: sub, linkType: String(o.linkType) });
      visitExpr(o.testExpr);
      visitQuery(sub);
      return;
    }
    for (const [k, v] of Object.entries(o)) {
      if (k === 'fn' || k === 'op' || k === 'cast' || k === 'query') continue;
      visitExpr(v);
    }
  };
  const visitQuery = (qq: SelectQuery): void => {
    visitExpr(qq.targetList.map((t) => t.expr));
    for (const rte of qq.rtable) {
      if (rte.kind === 'join') visitExpr(rte.quals);
    }
    visitExpr(qq.where);
    visitExpr(qq.having);
    for (const rte of qq.rtable) if (rte.kind === 'subquery') visitQuery(rte.query);
    for (const cte of qq.ctes ?? []) visitQuery(cte.query);
  };
  visitQuery(q);
  return found;
}

/** WHERE's top-level EXISTS, NOT EXISTS and IN sub-SELECTs: what pull_up_sublinks may turn into joins. */
function pullableSubLinks(q: SelectQuery): SelectQuery[] {
  const found: SelectQuery[] = [];
  const visit = (e: Expr | undefined) => {
    if (e === undefined) return;
    if (e.kind === 'bool' && e.op === 'and') e.args.forEach(visit);
    else if (
      e.kind === 'sublink' &&
      (e.linkType === 'exists' || (e.linkType === 'any' && e.testExpr !== undefined))
    )
      found.push(e.query);
    else if (
      e.kind === 'bool' &&
      e.op === 'not' &&
      e.args[0]?.kind === 'sublink' &&
      e.args[0].linkType === 'exists'
    )
      found.push(e.args[0].query);
  };
  visit(q.where);
  return found;
}

function collectCtes(q: SelectQuery): CommonTableExpr[] {
  const list: CommonTableExpr[] = [];
  const visit = (qq: SelectQuery) => {
    for (const c of qq.ctes ?? []) {
      list.push(c);
      visit(c.query);
    }
    for (const rte of qq.rtable) if (rte.kind === 'subquery') visit(rte.query);
  };
  visit(q);
  for (const l of collectSubLinks(q)) visit(l.query);
  return list;
}
