/**
 * Planner state: one Glob per planSelect call (subplans, ExecParam ids,
 * relations read), one Level per query level (PostgreSQL's PlannerGlobal
 * and PlannerInfo).
 */
import type { RelationDesc } from '@pg/catalog';
import type {
  Aggref,
  ExecParam,
  Expr,
  RangeTblEntry,
  SelectQuery,
  SubLink,
  Var,
  WindowFunc,
} from '@pg/sql';
import { systemColumnOf } from '@pg/sql'; // issue 9 (F)
import { SqlError } from '@pg/types';
import { exprKey, mapChildren, mkVar } from './exprs.js';
import type { PlanNode } from './plan.js';
import type { PlannerContext, PlannerSettings } from './settings.js';

export type LockMode = 'AccessShareLock' | 'RowShareLock' | 'RowExclusiveLock';
const LOCK_RANK: Readonly<Record<LockMode, number>> = {
  AccessShareLock: 0,
  RowShareLock: 1,
  RowExclusiveLock: 2,
};

/** What one planSelect call builds besides the main plan. */
export class Glob {
  readonly subplans: PlanNode[] = [];
  readonly subplanNames: string[] = [];
  nextParam = 0;
  readonly relations = new Map<number, LockMode>();
  readonly descs = new Map<number, RelationDesc>();
  /** Planning a sub-SELECT: returns its top path (set by planner.ts, avoiding an import cycle). */
  planSubquery!: (level: Level) => { plan: PlanNode };

  constructor(
    readonly ctx: PlannerContext,
    readonly s: PlannerSettings,
  ) {}

  param(): number {
    return this.nextParam++;
  }

  addSubplan(plan: PlanNode, name: (planId: number) => string): number {
    const index = this.subplans.length;
    this.subplans.push(plan);
    this.subplanNames.push(name(index + 1));
    return index;
  }

  desc(oid: number): RelationDesc {
    let d = this.descs.get(oid);
    if (d === undefined) {
      d = this.ctx.relation(oid);
      this.descs.set(oid, d);
    }
    return d;
  }

  noteRelation(oid: number, lock: LockMode): void {
    const prev = this.relations.get(oid);
    if (prev === undefined || LOCK_RANK[lock] > LOCK_RANK[prev]) this.relations.set(oid, lock);
  }
}

/** One query level being planned. */
export class Level {
  /** The range table, with the entries of pulled-up sub-SELECTs appended. */
  readonly rtable: RangeTblEntry[];
  /** ExecParams for this level's Vars referenced from sub-SELECTs being planned (plan_params). */
  pending: { key: string; id: number; value: Var | Aggref }[] = [];
  /** A Var of some outer level was referenced from this level or below. */
  correlated = false;
  /** WITH queries of this level: their subplan, or the work table while the recursive term is planned. */
  readonly cteSubplans = new Map<number, number>();
  readonly worktables = new Map<number, number>();
  /** Rows of a recursive WITH query's non-recursive term (the work table's estimate). */
  readonly wtRows = new Map<number, number>();
  readonly sublinks = new Map<SubLink, Expr>();
  /** Types of this level's Vars as the query writes them (so scan outputs match them exactly). */
  readonly varTypes = new Map<string, { type: number; typmod: number }>();
  readonly aggTypes = new Map<number, { type: number; typmod: number }>();
  readonly winTypes = new Map<number, { type: number; typmod: number }>();
  /** Attributes needed from each range-table entry (attr_needed). */
  readonly needed = new Map<number, Set<number>>();

  constructor(
    readonly glob: Glob,
    readonly query: SelectQuery,
    readonly parent: Level | undefined,
  ) {
    this.rtable = [...query.rtable];
  }

  ancestor(levelsUp: number): Level {
    let l: Level | undefined = this;
    for (let i = 0; i < levelsUp; i++) {
      l.correlated = true;
      l = l.parent;
      if (l === undefined)
        throw new SqlError('XX000', 'reference to a query level that does not exist');
    }
    return l;
  }

  /** The ExecParam standing for this level's Var `v` (registered for the sub-SELECT being planned). */
  paramFor(v: Var | Aggref): ExecParam {
    const key = exprKey(v);
    let p = this.pending.find((x) => x.key === key);
    if (p === undefined) {
      p = { key, id: this.glob.param(), value: v };
      this.pending.push(p);
    }
    return { kind: 'execparam', id: p.id, type: v.type, typmod: v.typmod };
  }

  noteVar(v: Var): Var {
    const key = `${v.rt}.${v.attnum}`;
    if (!this.varTypes.has(key)) this.varTypes.set(key, { type: v.type, typmod: v.typmod });
    let s = this.needed.get(v.rt);
    if (s === undefined) {
      s = new Set();
      this.needed.set(v.rt, s);
    }
    s.add(v.attnum);
    return mkVar(v.rt, v.attnum, v.type, v.typmod);
  }

  /**
   * Prepares an expression of this level for a plan (preprocess_expression):
   * outer-level Vars become ExecParams (R3), sub-SELECTs become SubPlans,
   * this level's Vars, Aggrefs and WindowFuncs take the canonical shape
   * plan outputs use.
   */
  fix(e: Expr): Expr {
    switch (e.kind) {
      case 'var':
        if (e.levelsUp) {
          const anc = this.ancestor(e.levelsUp);
          return anc.paramFor(anc.noteVar(e));
        }
        return this.noteVar(e);
      case 'aggref': {
        if (e.levelsUp) {
          // an aggregate of an outer level (agglevelsup): computed there, a parameter here
          const anc = this.ancestor(e.levelsUp);
          return anc.paramFor(
            anc.fix({ kind: 'aggref', index: e.index, type: e.type, typmod: e.typmod }) as Aggref,
          );
        }
        if (!this.aggTypes.has(e.index))
          this.aggTypes.set(e.index, { type: e.type, typmod: e.typmod });
        return aggref(e.index, e.type, e.typmod);
      }
      case 'windowfunc': {
        if (!this.winTypes.has(e.index))
          this.winTypes.set(e.index, { type: e.type, typmod: e.typmod });
        return windowFunc(e.index, e.type, e.typmod);
      }
      case 'sublink': {
        let done = this.sublinks.get(e);
        if (done === undefined) {
          done = planSubLink(this, e);
          this.sublinks.set(e, done);
        }
        return done;
      }
      default:
        return mapChildren(e, (c) => this.fix(c));
    }
  }

  /** The type of column `attnum` of range-table entry `rt`, as the query's Vars have it. */
  columnType(rt: number, attnum: number): { type: number; typmod: number } {
    const t = this.varTypes.get(`${rt}.${attnum}`);
    if (t !== undefined) return t;
    const rte = this.rtable[rt];
    switch (rte?.kind) {
      case 'relation': {
        const sys = systemColumnOf(attnum); // issue 9 (F): a system column
        if (sys !== undefined) return { type: sys.type, typmod: -1 };
        const c = this.glob.desc(rte.relationOid).columns[attnum - 1];
        return c === undefined || c.dropped
          ? { type: 0, typmod: -1 }
          : { type: c.typeOid, typmod: c.typmod };
      }
      case 'values':
      case 'cte':
        return rte.columnTypes[attnum - 1] ?? { type: 0, typmod: -1 };
      case 'function':
        return { type: rte.call.type, typmod: rte.call.typmod };
      case 'subquery': {
        const te = rte.query.targetList.filter((t) => !t.junk)[attnum - 1];
        return te === undefined
          ? { type: 0, typmod: -1 }
          : { type: te.expr.type, typmod: te.expr.typmod };
      }
      default:
        return { type: 0, typmod: -1 };
    }
  }

  /** How many columns a scan of entry `rt` returns. */
  columnCount(rt: number): number {
    const rte = this.rtable[rt];
    switch (rte?.kind) {
      case 'relation':
        return this.glob.desc(rte.relationOid).columns.length;
      case 'function':
        return rte.columnNames.length;
      default:
        return rte?.columnNames.length ?? 0;
    }
  }

  /**
   * R1: a scan's output, Var(rt, 1..n); issue 9 (F): then Var(rt, -k) of
   * each system column the query reads of it (ctid, xmin, ...), which the
   * executor's scan appends to each row.
   */
  scanOutput(rt: number): Var[] {
    const n = this.columnCount(rt);
    const out: Var[] = [];
    for (let a = 1; a <= n; a++) {
      const t = this.columnType(rt, a);
      out.push(mkVar(rt, a, t.type, t.typmod));
    }
    const needed = this.needed.get(rt);
    if (needed !== undefined && this.rtable[rt]?.kind === 'relation') {
      for (const a of [...needed].filter((x) => x < 0).sort((x, y) => y - x)) {
        const t = this.columnType(rt, a);
        out.push(mkVar(rt, a, t.type, t.typmod));
      }
    }
    return out;
  }
}

export function aggref(index: number, type: number, typmod: number): Aggref {
  return { kind: 'aggref', index, type, typmod };
}

export function windowFunc(index: number, type: number, typmod: number): WindowFunc {
  return { kind: 'windowfunc', index, type, typmod };
}

/**
 * A sub-SELECT in an expression → a SubPlan (make_subplan). Its outer-level
 * Vars become the SubPlan's params/args; the left-hand side of an ANY/ALL
 * comparison too, so testExpr reads only ExecParams and SubLinkParams.
 */
function planSubLink(level: Level, sl: SubLink): Expr {
  const glob = level.glob;
  const saved = level.pending;
  level.pending = [];
  const child = new Level(glob, sl.query, level);
  const top = glob.planSubquery(child);
  const registered = level.pending;
  level.pending = saved;
  const params = registered.map((p) => p.id);
  const args: Expr[] = registered.map((p) => p.value);
  let testExpr: Expr | undefined;
  if (sl.testExpr !== undefined) {
    const local = new Map<string, number>();
    const lift = (e: Expr): Expr => {
      if (e.kind === 'sublinkparam' || e.kind === 'const' || e.kind === 'param') return e;
      if (e.kind === 'var' || e.kind === 'execparam') {
        const fixed = level.fix(e);
        const key = exprKey(fixed);
        let id = local.get(key);
        if (id === undefined) {
          id = glob.param();
          local.set(key, id);
          params.push(id);
          args.push(fixed);
        }
        return { kind: 'execparam', id, type: e.type, typmod: e.typmod };
      }
      if (e.kind === 'sublink') return level.fix(e);
      return mapChildren(e, lift);
    };
    testExpr = lift(sl.testExpr);
  }
  const initPlan = params.length === 0 && !child.correlated;
  const plan = glob.addSubplan(top.plan, (id) =>
    initPlan ? `InitPlan ${id} (returns $${glob.param()})` : `SubPlan ${id}`,
  );
  return {
    kind: 'subplan',
    linkType: sl.linkType,
    ...(testExpr === undefined ? {} : { testExpr }),
    plan,
    params,
    args,
    initPlan,
    type: sl.type,
    typmod: sl.typmod,
  };
}
