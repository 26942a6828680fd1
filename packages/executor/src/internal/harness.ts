/**
 * Test support: tables built directly over an in-memory buffer pool (Heap
 * and BTree, no catalog), a real TransactionManager and LockManager, and
 * builders for the typed query tree, so executor tests need neither the
 * catalog nor the analyzer.
 */
import { BTree } from '@pg/btree';
import type { ColumnDesc, IndexDesc, RelationDesc } from '@pg/catalog';
import { Heap } from '@pg/heap';
import {
  Clog,
  ComboCids,
  LockManager,
  ManualClock,
  MemorySlruStore,
  ProcArray,
  SubTrans,
  TransactionManager,
  Transam,
  XidGenerator,
} from '@pg/mvcc';
import type {
  AggregateCall,
  Expr,
  OpExpr,
  Query,
  RelationRte,
  SelectQuery,
  SortClause,
  TargetEntry,
} from '@pg/sql';
import { BufferPool, MemorySmgr } from '@pg/storage';
import { builtins, defaultContext, SqlError, TypeOid } from '@pg/types';
import type { ExecContext, ExecRelations, OpenRelation } from './context.js';
import { type ExecResult, executePlan } from './execute.js';
import { planQuery } from './plan.js';

const DB_OID = 5;

export interface ColumnSpec {
  readonly name: string;
  readonly type: number;
  readonly notNull?: boolean;
}

export interface IndexSpec {
  readonly name: string;
  readonly columns: readonly number[];
  readonly unique?: boolean;
}

/** Transactions, locks and a buffer pool shared by the sessions of one test. */
export class TestDb implements ExecRelations<OpenRelation> {
  readonly clock = new ManualClock();
  readonly locks = new LockManager({ clock: this.clock, deadlockTimeoutMs: 1000 });
  readonly transam: Transam;
  readonly procArray = new ProcArray({ latestCompletedXid: 2 });
  readonly manager: TransactionManager;
  readonly pool = new BufferPool({ smgr: new MemorySmgr(), sharedBuffers: 64 * 8192 });
  readonly #relations = new Map<number, OpenRelation>();
  readonly #byName = new Map<string, OpenRelation>();
  readonly #comboCids = new Map<number, ComboCids>();
  #nextOid = 16384;

  constructor() {
    const clog = new Clog({ store: new MemorySlruStore(), buffers: 2 });
    this.transam = new Transam(clog, new SubTrans());
    const xids = new XidGenerator({ nextFullXid: 3n, extend: (x) => clog.extend(x) });
    clog.zeroPage(0);
    this.manager = new TransactionManager({
      xids,
      transam: this.transam,
      procArray: this.procArray,
      locks: this.locks,
    });
  }

  open(oid: number): OpenRelation {
    const r = this.#relations.get(oid);
    if (r === undefined) throw new SqlError('42P01', `relation with OID ${oid} does not exist`);
    return r;
  }

  table(name: string): OpenRelation {
    const r = this.#byName.get(name);
    if (r === undefined) throw new Error(`no table ${name}`);
    return r;
  }

  /** CREATE TABLE name (columns) with B-tree indexes (columns by attnum). */
  createTable(
    name: string,
    columns: readonly ColumnSpec[],
    indexes: readonly IndexSpec[] = [],
  ): OpenRelation {
    const oid = this.#nextOid++;
    const rel = { spcOid: 1663, dbOid: DB_OID, relNumber: oid };
    this.pool.smgr.create(rel, 0);
    const cols: ColumnDesc[] = columns.map((c, i) => ({
      attnum: i + 1,
      name: c.name,
      typeOid: c.type,
      typmod: -1,
      notNull: c.notNull ?? false,
      hasDefault: false,
      dropped: false,
      storage: builtins.mustType(c.type).storage,
    }));
    const types = columns.map((c) => builtins.mustType(c.type));
    const heap = new Heap({ pool: this.pool, rel, types });
    const opened: { desc: IndexDesc; index: BTree }[] = [];
    for (const spec of indexes) {
      const ioid = this.#nextOid++;
      const desc: IndexDesc = {
        oid: ioid,
        name: spec.name,
        relfilenode: ioid,
        tableOid: oid,
        am: 'btree',
        columns: spec.columns,
        nkeys: spec.columns.length,
        unique: spec.unique ?? false,
        primary: false,
        descending: spec.columns.map(() => false),
        nullsFirst: spec.columns.map(() => false),
        valid: true,
        nullsNotDistinct: false,
      };
      const index = BTree.create({
        pool: this.pool,
        rel: { spcOid: 1663, dbOid: DB_OID, relNumber: ioid },
        descriptor: {
          name: spec.name,
          keys: spec.columns.map((a) => ({ name: columns[a - 1]!.name, type: types[a - 1]! })),
          unique: spec.unique ?? false,
        },
      });
      opened.push({ desc, index });
    }
    const desc: RelationDesc = {
      oid,
      name,
      namespaceOid: 2200,
      namespaceName: 'public',
      kind: 'r',
      persistence: 'p',
      relfilenode: oid,
      tablespace: 0,
      shared: false,
      columns: cols,
      indexes: opened.map((o) => o.desc),
      toastRelid: 0,
      fillfactor: 100,
    };
    const r: OpenRelation = { desc, heap, indexes: opened };
    this.#relations.set(oid, r);
    this.#byName.set(name, r);
    return r;
  }

  /** A computed relation (a system view): kind 'v', its rows from `rows()` at each scan. */
  createView(
    name: string,
    columns: readonly ColumnSpec[],
    rows: () => Iterable<unknown[]>,
  ): OpenRelation {
    const oid = this.#nextOid++;
    const desc: RelationDesc = {
      oid,
      name,
      namespaceOid: 11,
      namespaceName: 'pg_catalog',
      kind: 'v',
      persistence: 'p',
      relfilenode: 0,
      tablespace: 0,
      shared: false,
      columns: columns.map((c, i) => ({
        attnum: i + 1,
        name: c.name,
        typeOid: c.type,
        typmod: -1,
        notNull: false,
        hasDefault: false,
        dropped: false,
        storage: builtins.mustType(c.type).storage,
      })),
      indexes: [],
      toastRelid: 0,
      fillfactor: 100,
      computed: true,
    };
    const r: OpenRelation = { desc, indexes: [], rows };
    this.#relations.set(oid, r);
    this.#byName.set(name, r);
    return r;
  }

  /** An execution context for `session` (its combo command ids kept per session). */
  context(session: number, params: readonly unknown[] = []): ExecContext {
    let comboCids = this.#comboCids.get(session);
    if (comboCids === undefined) {
      comboCids = new ComboCids();
      this.#comboCids.set(session, comboCids);
    }
    return {
      session,
      dbOid: DB_OID,
      manager: this.manager,
      locks: this.locks,
      transam: this.transam,
      procArray: this.procArray,
      comboCids,
      relations: this,
      params,
      typeContext: defaultContext(),
    };
  }

  /** Plans and runs `query` in `session`'s transaction. */
  run(session: number, query: Query, params: readonly unknown[] = []): Promise<ExecResult> {
    return executePlan(planQuery(query, this), this.context(session, params));
  }

  /** BEGIN; query; COMMIT — or ROLLBACK when it fails (the error is rethrown). */
  async autocommit(
    session: number,
    query: Query,
    params: readonly unknown[] = [],
  ): Promise<ExecResult> {
    this.manager.begin(session, 'read committed');
    try {
      const r = await this.run(session, query, params);
      await this.manager.commit(session);
      return r;
    } catch (e) {
      this.manager.rollback(session);
      throw e;
    }
  }
}

// ------------------------------------------------------------ query builders

const BOOL = TypeOid.bool;

export const col = (attnum: number, type: number, rt = 0): Expr => ({
  kind: 'var',
  rt,
  attnum,
  type,
  typmod: -1,
});
export const lit = (value: unknown, type: number): Expr => ({
  kind: 'const',
  value,
  type,
  typmod: -1,
});
export const param = (index: number, type: number): Expr => ({
  kind: 'param',
  index,
  type,
  typmod: -1,
});

/** `l name r` (or prefix `name r` when `r` is omitted), resolved in the builtin registry. */
export function op(name: string, l: Expr, r?: Expr): OpExpr {
  const [left, right] = r === undefined ? [0, l.type] : [l.type, r.type];
  const o = builtins.findOperator(name, left, right);
  if (o === undefined) throw new Error(`no operator ${name}(${left}, ${right})`);
  const fn = builtins.findFunction(o.fn, left === 0 ? [right] : [left, right]);
  if (fn === undefined) throw new Error(`no function ${o.fn}`);
  return {
    kind: 'op',
    op: o,
    fn,
    args: r === undefined ? [l] : [l, r],
    type: o.result,
    typmod: -1,
  };
}

export function fn(name: string, ...args: Expr[]): Expr {
  const f = builtins.findFunction(
    name,
    args.map((a) => a.type),
  );
  if (f === undefined) throw new Error(`no function ${name}`);
  return { kind: 'func', fn: f, args, type: f.result, typmod: -1 };
}

export const and = (...args: Expr[]): Expr => ({
  kind: 'bool',
  op: 'and',
  args,
  type: BOOL,
  typmod: -1,
});
export const or = (...args: Expr[]): Expr => ({
  kind: 'bool',
  op: 'or',
  args,
  type: BOOL,
  typmod: -1,
});
export const not = (arg: Expr): Expr => ({
  kind: 'bool',
  op: 'not',
  args: [arg],
  type: BOOL,
  typmod: -1,
});

function rte(rel: OpenRelation, lockMode: RelationRte['lockMode']): RelationRte {
  return {
    kind: 'relation',
    relationOid: rel.desc.oid,
    alias: rel.desc.name,
    columnNames: rel.desc.columns.map((c) => c.name),
    lockMode,
  };
}

/** Every column of `rel` as target entries. */
export function star(rel: OpenRelation): TargetEntry[] {
  return rel.desc.columns.map((c) => ({
    expr: col(c.attnum, c.typeOid),
    name: c.name,
    junk: false,
    origin: { relationOid: rel.desc.oid, attnum: c.attnum },
  }));
}

export const target = (expr: Expr, name = '?column?', junk = false): TargetEntry => ({
  expr,
  name,
  junk,
});

export interface SelectSpec {
  readonly targets?: readonly TargetEntry[];
  readonly where?: Expr;
  readonly sort?: readonly SortClause[];
  readonly distinct?: 'all' | readonly number[];
  readonly limit?: Expr;
  readonly offset?: Expr;
  readonly forUpdate?: SelectQuery['rowMarks'][number]['strength'];
  readonly wait?: SelectQuery['rowMarks'][number]['wait'];
  readonly paramTypes?: readonly number[];
  /** Aggregate calls; the targets read them through `aggref(i, type)`. */
  readonly aggregates?: readonly AggregateCall[];
}

export function selectFrom(rel: OpenRelation | undefined, spec: SelectSpec = {}): SelectQuery {
  return {
    command: 'select',
    rtable:
      rel === undefined
        ? []
        : [rte(rel, spec.forUpdate === undefined ? 'AccessShareLock' : 'RowShareLock')],
    from: rel === undefined ? [] : [0],
    ...(spec.where === undefined ? {} : { where: spec.where }),
    targetList: spec.targets ?? (rel === undefined ? [] : star(rel)),
    paramTypes: spec.paramTypes ?? [],
    sort: spec.sort ?? [],
    ...(spec.distinct === undefined ? {} : { distinct: spec.distinct }),
    ...(spec.limit === undefined ? {} : { limit: spec.limit }),
    ...(spec.offset === undefined ? {} : { offset: spec.offset }),
    rowMarks:
      spec.forUpdate === undefined
        ? []
        : [{ rt: 0, strength: spec.forUpdate, wait: spec.wait ?? 'block' }],
    ...(spec.aggregates === undefined ? {} : { aggregates: spec.aggregates }),
  };
}

/** The result of `aggregates[index]`, of type `type`. */
export const aggref = (index: number, type: number): Expr => ({
  kind: 'aggref',
  index,
  type,
  typmod: -1,
});

/**
 * An aggregate call: `agg('count')` is count(*); otherwise the argument is
 * given already of the input type, and `type` is the result type.
 */
export function agg(
  name: AggregateCall['name'],
  arg?: Expr,
  opts: { type?: number; distinct?: boolean; filter?: Expr } = {},
): AggregateCall {
  return {
    name,
    args: arg === undefined ? [] : [arg],
    argTypes: arg === undefined ? [] : [arg.type],
    star: arg === undefined,
    distinct: opts.distinct ?? false,
    ...(opts.filter === undefined ? {} : { filter: opts.filter }),
    type: opts.type ?? 20,
    typmod: -1,
  };
}

/** INSERT INTO rel VALUES (...), ... — plain values, typed by the columns. */
export function insertInto(
  rel: OpenRelation,
  rows: readonly (readonly unknown[])[],
  returning: readonly TargetEntry[] = [],
): Query {
  return {
    command: 'insert',
    rtable: [rte(rel, 'RowExclusiveLock')],
    from: [],
    target: 0,
    targetList: returning,
    paramTypes: [],
    rows: rows.map((r) => r.map((v, i) => lit(v, rel.desc.columns[i]!.typeOid))),
  };
}

export function updateOf(
  rel: OpenRelation,
  set: ReadonlyMap<number, Expr>,
  where?: Expr,
  returning: readonly TargetEntry[] = [],
): Query {
  return {
    command: 'update',
    rtable: [rte(rel, 'RowExclusiveLock')],
    from: [0],
    target: 0,
    ...(where === undefined ? {} : { where }),
    targetList: returning,
    paramTypes: [],
    set,
  };
}

export function deleteFrom(
  rel: OpenRelation,
  where?: Expr,
  returning: readonly TargetEntry[] = [],
): Query {
  return {
    command: 'delete',
    rtable: [rte(rel, 'RowExclusiveLock')],
    from: [0],
    target: 0,
    ...(where === undefined ? {} : { where }),
    targetList: returning,
    paramTypes: [],
  };
}

/** Lets every settled promise's continuations run. */
export function settle(): Promise<void> {
  return new Promise((resolve) => setImmediate(resolve));
}
