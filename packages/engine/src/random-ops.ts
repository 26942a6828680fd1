/**
 * Test-only helper of `random.pg.test.ts` (not exported from the package):
 * random transactions of DDL and DML as data, and the small generator-side
 * model that turns each abstract step into SQL text that is usually valid.
 *
 * A generated step is a kind and a few natural numbers; `render` picks the
 * table, columns and values by those numbers modulo what the model says
 * exists, so shrinking the numbers towards 0 shrinks towards the first
 * table, the first column, the first value. The model is only a guide: the
 * same text runs on both databases, whatever it does. It follows what real
 * PostgreSQL did (a step's `apply` runs only when PostgreSQL accepted the
 * statement) and is snapshotted at BEGIN and at each SAVEPOINT so ROLLBACK
 * and ROLLBACK TO restore it.
 */
import fc from 'fast-check';

export type ColType = 'int' | 'bigint' | 'text' | 'boolean' | 'numeric' | 'numeric(5,2)';

export interface ColModel {
  name: string;
  type: ColType;
  notNull: boolean;
  hasDefault: boolean;
  /** Part of the PRIMARY KEY (DROP NOT NULL on it fails). */
  primary: boolean;
}

export interface TableModel {
  cols: ColModel[];
  /** False only when the table surely has no rows (created or truncated, no INSERT since). */
  mayHaveRows: boolean;
}

export interface Model {
  tables: Map<string, TableModel>;
  indexes: Map<string, { table: string; cols: string[] }>;
  /** A counter for fresh column names. */
  nextCol: number;
}

export function emptyModel(): Model {
  return { tables: new Map(), indexes: new Map(), nextCol: 0 };
}

export function cloneModel(m: Model): Model {
  return {
    tables: new Map(
      [...m.tables].map(([k, t]) => [
        k,
        { cols: t.cols.map((c) => ({ ...c })), mayHaveRows: t.mayHaveRows },
      ]),
    ),
    indexes: new Map([...m.indexes].map(([k, v]) => [k, { table: v.table, cols: [...v.cols] }])),
    nextCol: m.nextCol,
  };
}

export const STATEMENT_KINDS = [
  'createTable',
  'dropTable',
  'createIndex',
  'dropIndex',
  'addColumn',
  'dropColumn',
  'renameColumn',
  'setDefault',
  'dropDefault',
  'setNotNull',
  'dropNotNull',
  'truncate',
  'insert',
  'update',
  'delete',
] as const;
export type StatementKind = (typeof STATEMENT_KINDS)[number];

export type StepKind = StatementKind | 'savepoint' | 'rollbackTo' | 'release';

/** One abstract step: what to do, and the numbers that choose among what exists. */
export interface Step {
  kind: StepKind;
  n: number[];
}

export interface Txn {
  /** false: the steps run one by one outside a block (each its own transaction). */
  block: boolean;
  steps: Step[];
  end: 'COMMIT' | 'ROLLBACK';
}

/** Step kinds to leave out entirely (to set aside one operation while an engine difference is open). */
export interface GeneratorOptions {
  exclude?: readonly StepKind[];
}

const NUMBERS = 8;

/** A weighted choice of step kinds: DML more often than DDL. */
const WEIGHTS: Record<StepKind, number> = {
  createTable: 4,
  dropTable: 1,
  createIndex: 2,
  dropIndex: 1,
  addColumn: 2,
  dropColumn: 1,
  renameColumn: 1,
  setDefault: 1,
  dropDefault: 1,
  setNotNull: 1,
  dropNotNull: 1,
  truncate: 1,
  insert: 10,
  update: 8,
  delete: 3,
  savepoint: 2,
  rollbackTo: 2,
  release: 1,
};

export function stepArb(options: GeneratorOptions = {}): fc.Arbitrary<Step> {
  const excluded = new Set(options.exclude ?? []);
  const kinds = (Object.keys(WEIGHTS) as StepKind[]).filter((k) => !excluded.has(k));
  return fc.record({
    kind: fc.oneof(...kinds.map((k) => ({ arbitrary: fc.constant(k), weight: WEIGHTS[k] }))),
    n: fc.array(fc.nat({ max: 1000 }), { minLength: NUMBERS, maxLength: NUMBERS }),
  });
}

export function programArb(
  options: GeneratorOptions & { maxTxns?: number; maxSteps?: number } = {},
): fc.Arbitrary<Txn[]> {
  const txn = fc.record({
    block: fc.constant(true),
    steps: fc.array(stepArb(options), { minLength: 1, maxLength: options.maxSteps ?? 6 }),
    end: fc.constantFrom('COMMIT' as const, 'ROLLBACK' as const),
  });
  return fc.array(
    fc.oneof(
      { arbitrary: txn, weight: 4 },
      { arbitrary: txn.map((t) => ({ ...t, block: false })), weight: 1 },
    ),
    { minLength: 2, maxLength: options.maxTxns ?? 8 },
  );
}

/** Picks by number among a non-empty list. */
function pick<T>(xs: readonly T[], n: number): T {
  return xs[n % xs.length] as T;
}

const TABLES = ['t1', 't2', 't3'];
const INDEXES = ['i1', 'i2', 'i3'];
const TYPES: ColType[] = ['int', 'bigint', 'text', 'boolean', 'numeric', 'numeric(5,2)'];

/** Literals of each type: few values, so keys collide; some overflow an int when incremented. */
const LITERALS: Record<ColType, string[]> = {
  int: ['0', '1', '2', '3', '-1', '7', '2147483647'],
  bigint: ['0', '1', '2', '-5', '9000000000', '9223372036854775807'],
  text: ["'a'", "'b'", "''", "'it''s'", "'B'", "'a b'"],
  boolean: ['true', 'false'],
  numeric: ['0', '1.5', '-2.25', '10.000', '3', '0.1'],
  // Rounded to 2 places on the way in; 999.999 rounds to 1000.00, which overflows (22003).
  'numeric(5,2)': ['0', '1.555', '-2.25', '10.000', '999.99', '999.999', '0.125'],
};

/** Literals for DEFAULT (999.999 for numeric(5,2) is accepted and fails only when used). */
function defaultLiteral(type: ColType, n: number): string {
  return pick(LITERALS[type], n);
}

/** A literal of the type, or NULL (rarely for a NOT NULL column: 23502 on purpose). */
function literal(type: ColType, n: number, m: number, notNull = false): string {
  return m % (notNull ? 40 : 7) === 0 ? 'NULL' : pick(LITERALS[type], n);
}

/** An expression of the column's own type, for UPDATE's SET. */
function setExpr(c: ColModel, n: number, m: number): string {
  const q = c.name;
  const byType: Record<ColType, string[]> = {
    int: [`${q} + 1`, `${q} * 2`, `10 / ${q}`, `-${q}`, `${q} % 3`],
    bigint: [`${q} + 1`, `${q} * 2`, `100 / ${q}`, `-${q}`],
    text: [`${q} || 'x'`, `upper(${q})`, `'z' || ${q}`, `lower(${q})`],
    boolean: [`NOT ${q}`, `${q} IS NULL`],
    numeric: [`${q} + 0.5`, `${q} * 2`, `${q} / 4`, `-${q}`],
    'numeric(5,2)': [`${q} + 0.005`, `${q} * 2`, `${q} / 3`, `-${q}`],
  };
  switch (m % 4) {
    case 0:
      return literal(c.type, n, m >> 2, c.notNull);
    case 1:
      return 'DEFAULT';
    default:
      return pick(byType[c.type], n);
  }
}

function predicate(t: TableModel, n: number[]): string {
  const c = pick(t.cols, n[0] ?? 0);
  const v = pick(LITERALS[c.type], n[1] ?? 0);
  switch ((n[2] ?? 0) % 16) {
    case 0:
      return 'true';
    case 1:
      return `${c.name} IS NULL`;
    case 2:
      return `${c.name} IS NOT NULL`;
    case 3:
      return c.type === 'boolean' ? `${c.name}` : `${c.name} > ${v}`;
    case 4:
      return c.type === 'boolean' ? `NOT ${c.name}` : `${c.name} <> ${v}`;
    case 5:
      return `zz_no_such_column = 1`;
    case 6:
      // 22012 when a row is there to divide (not for text and boolean: 42883, both sides).
      return c.type === 'text' || c.type === 'boolean' ? `${c.name} IS NULL` : `${c.name} / 0 = 1`;
    case 7: {
      const w = pick(LITERALS[c.type], n[3] ?? 0);
      return `${c.name} IN (${v}, ${w})`;
    }
    case 8: {
      const d = pick(t.cols, n[3] ?? 0);
      return c.type === 'boolean'
        ? `${c.name} AND ${d.name} IS NOT NULL`
        : `${c.name} >= ${v} AND ${d.name} IS NOT NULL`;
    }
    case 9:
      return c.type === 'boolean'
        ? `${c.name} IS NOT TRUE`
        : `${c.name} < ${v} OR ${c.name} IS NULL`;
    default:
      return `${c.name} = ${v}`;
  }
}

/**
 * Sometimes a RETURNING list: every column (as *, or as text). Not * with a
 * numeric column: the Session API returns a numeric as an object, not text.
 */
function returning(t: TableModel, n: number): string {
  switch (n % 4) {
    case 0:
      if (!t.cols.some((c) => c.type.startsWith('numeric'))) return ' RETURNING *';
      return '';
    case 1:
      return ` RETURNING ${t.cols.map((c) => `${c.name}::text`).join(', ')}`;
    default:
      return '';
  }
}

/** What a step is on the wire, and how the model changes if PostgreSQL accepts it. */
export interface Rendered {
  sql: string;
  apply?: (m: Model) => void;
}

function columnDef(c: ColModel, n: number): string {
  let d = `${c.name} ${c.type}`;
  if (c.primary) d += ' PRIMARY KEY';
  else if (n % 5 === 0) d += ' UNIQUE';
  if (c.notNull && !c.primary) d += ' NOT NULL';
  if (c.hasDefault) d += ` DEFAULT ${defaultLiteral(c.type, n >> 3)}`;
  return d;
}

/** A table name: usually one that exists (or, for CREATE, one that does not). */
function tableName(m: Model, n: number, wantExisting: boolean): string | undefined {
  const existing = TABLES.filter((t) => m.tables.has(t));
  const missing = TABLES.filter((t) => !m.tables.has(t));
  const pool = wantExisting ? existing : missing;
  // One time in twenty, the other pool (a duplicate CREATE, a DROP of a missing table).
  if (n % 20 === 19 || pool.length === 0) {
    const other = wantExisting ? missing : existing;
    return other.length === 0 ? undefined : pick(other, n >> 4);
  }
  return pick(pool, n >> 4);
}

/**
 * The statement for a step, in the model's current state. Undefined when
 * the step cannot be made (no table yet); the driver then skips it.
 */
export function render(m: Model, step: Step): Rendered | undefined {
  // Before the first table, every statement but a failing one makes a table.
  if (m.tables.size === 0 && step.kind !== 'createTable' && (step.n[7] ?? 0) % 8 !== 0) {
    return render(m, { ...step, kind: 'createTable' });
  }
  const n = step.n;
  const n0 = n[0] ?? 0;
  const n1 = n[1] ?? 0;
  const n2 = n[2] ?? 0;
  const n3 = n[3] ?? 0;
  switch (step.kind) {
    case 'createTable': {
      const name = tableName(m, n0, false);
      if (name === undefined) return undefined;
      const ncols = 1 + (n1 % 4);
      const cols: ColModel[] = [];
      const withPk = n2 % 3 !== 0;
      for (let i = 0; i < ncols; i++) {
        const k = n[(i + 3) % NUMBERS] ?? 0;
        const primary = withPk && i === 0;
        cols.push({
          name: primary ? 'id' : `c${i}`,
          type: primary ? pick(['int', 'bigint', 'text'] as ColType[], k) : pick(TYPES, k),
          notNull: primary || (k >> 3) % 4 === 0,
          hasDefault: !primary && (k >> 5) % 3 === 0,
          primary,
        });
      }
      const defs = cols.map((c, i) => columnDef(c, (n[(i + 4) % NUMBERS] ?? 0) >> 1));
      // Sometimes a table-level two-column UNIQUE (or PRIMARY KEY when no column is one).
      const last = cols[cols.length - 1];
      if (cols.length >= 2 && last !== undefined && n2 % 4 === 1) {
        const two = `${(cols[cols.length - 2] as ColModel).name}, ${last.name}`;
        if (!withPk && n1 % 2 === 0) {
          // Written last: the primary key's index is still made first (as PostgreSQL does).
          defs.push(`PRIMARY KEY (${two})`);
          for (const c of cols.slice(-2)) {
            c.primary = true;
            c.notNull = true;
          }
        } else defs.push(`UNIQUE (${two})`);
      }
      return {
        sql: `CREATE TABLE ${name} (${defs.join(', ')})`,
        apply: (mm) => {
          mm.tables.set(name, { cols, mayHaveRows: false });
        },
      };
    }
    case 'dropTable': {
      const name = tableName(m, n0, true) ?? 't1';
      return {
        sql: `DROP TABLE ${n1 % 4 === 0 ? 'IF EXISTS ' : ''}${name}`,
        apply: (mm) => {
          mm.tables.delete(name);
          for (const [k, v] of mm.indexes) if (v.table === name) mm.indexes.delete(k);
        },
      };
    }
    case 'truncate': {
      const name = tableName(m, n0, true) ?? 't1';
      return {
        sql: `TRUNCATE ${name}`,
        apply: (mm) => {
          const t = mm.tables.get(name);
          if (t !== undefined) t.mayHaveRows = false;
        },
      };
    }
    case 'createIndex': {
      const name = tableName(m, n0, true);
      if (name === undefined) return undefined;
      const t = m.tables.get(name);
      if (t === undefined || t.cols.length === 0) return { sql: `CREATE INDEX ON ${name} (c0)` };
      const first = pick(t.cols, n1);
      const second = pick(t.cols, n2);
      const cols = n3 % 2 === 0 || first === second ? [first] : [first, second];
      const unique = n3 % 3 === 0 ? 'UNIQUE ' : '';
      const on = `ON ${name} (${cols.map((c) => c.name).join(', ')})`;
      // One in four has no name: PostgreSQL's ChooseRelationName picks t_c_idx, t_c_idx1, ...
      if ((n[4] ?? 0) % 4 === 3) return { sql: `CREATE ${unique}INDEX ${on}` };
      const idx = pick(INDEXES, n[4] ?? 0);
      return {
        sql: `CREATE ${unique}INDEX ${idx} ${on}`,
        apply: (mm) => {
          mm.indexes.set(idx, { table: name, cols: cols.map((c) => c.name) });
        },
      };
    }
    case 'dropIndex': {
      const existing = [...m.indexes.keys()];
      let idx = existing.length === 0 || n0 % 6 === 5 ? pick(INDEXES, n1) : pick(existing, n1);
      // A constraint's index cannot be dropped (2BP01).
      if (n0 % 6 === 4) idx = `${pick(TABLES, n2)}_pkey`;
      return {
        sql: `DROP INDEX ${n2 % 4 === 0 ? 'IF EXISTS ' : ''}${idx}`,
        apply: (mm) => {
          mm.indexes.delete(idx);
        },
      };
    }
    case 'addColumn': {
      const name = tableName(m, n0, true);
      if (name === undefined) return undefined;
      const t = m.tables.get(name);
      const col: ColModel = {
        name: `a${m.nextCol}`,
        type: pick(TYPES, n1),
        notNull: n2 % 4 === 0,
        hasDefault: n2 % 3 === 0,
        primary: false,
      };
      if (col.hasDefault && t === undefined) col.hasDefault = false;
      let sql = `ALTER TABLE ${name} ADD COLUMN ${col.name} ${col.type}`;
      if (col.hasDefault) sql += ` DEFAULT ${defaultLiteral(col.type, n3)}`;
      if (col.notNull) sql += ' NOT NULL';
      if (n3 % 5 === 0) sql += ' UNIQUE';
      return {
        sql,
        apply: (mm) => {
          mm.nextCol++;
          mm.tables.get(name)?.cols.push(col);
        },
      };
    }
    case 'dropColumn':
    case 'renameColumn':
    case 'setDefault':
    case 'dropDefault':
    case 'setNotNull':
    case 'dropNotNull': {
      const name = tableName(m, n0, true);
      if (name === undefined) return undefined;
      const t = m.tables.get(name);
      // An unknown column on purpose (42703).
      const unknown = n1 % 24 === 23;
      const candidates = t?.cols ?? [];
      if (t !== undefined && candidates.length === 0 && !unknown) return undefined;
      const colName =
        t === undefined || t.cols.length === 0 || unknown
          ? 'zz_no_such_column'
          : pick(candidates, n1).name;
      const col = t?.cols.find((c) => c.name === colName);
      const at = `ALTER TABLE ${name} `;
      const change = (f: (c: ColModel, tt: TableModel) => void) => (mm: Model) => {
        const tt = mm.tables.get(name);
        const c = tt?.cols.find((cc) => cc.name === colName);
        if (tt !== undefined && c !== undefined) f(c, tt);
      };
      switch (step.kind) {
        case 'dropColumn':
          return {
            sql: `${at}DROP COLUMN ${colName}`,
            apply: (mm) => {
              change((_c, tt) => {
                tt.cols = tt.cols.filter((cc) => cc.name !== colName);
              })(mm);
              // Indexes on the column go with it.
              for (const [k, v] of mm.indexes) {
                if (v.table === name && v.cols.includes(colName)) mm.indexes.delete(k);
              }
            },
          };
        case 'renameColumn': {
          const to = `r${m.nextCol}`;
          return {
            sql: `${at}RENAME COLUMN ${colName} TO ${to}`,
            apply: (mm) => {
              mm.nextCol++;
              change((c) => {
                c.name = to;
              })(mm);
              for (const v of mm.indexes.values()) {
                if (v.table === name) v.cols = v.cols.map((cc) => (cc === colName ? to : cc));
              }
            },
          };
        }
        case 'setDefault': {
          const v = col === undefined ? '1' : defaultLiteral(col.type, n2);
          return {
            sql: `${at}ALTER COLUMN ${colName} SET DEFAULT ${v}`,
            apply: change((c) => {
              c.hasDefault = true;
            }),
          };
        }
        case 'dropDefault':
          return {
            sql: `${at}ALTER COLUMN ${colName} DROP DEFAULT`,
            apply: change((c) => {
              c.hasDefault = false;
            }),
          };
        case 'setNotNull':
          return {
            sql: `${at}ALTER COLUMN ${colName} SET NOT NULL`,
            apply: change((c) => {
              c.notNull = true;
            }),
          };
        default:
          return {
            sql: `${at}ALTER COLUMN ${colName} DROP NOT NULL`,
            apply: change((c) => {
              c.notNull = false;
            }),
          };
      }
    }
    case 'insert': {
      const name = tableName(m, n0, true);
      if (name === undefined) return undefined;
      const t = m.tables.get(name);
      if (t === undefined || t.cols.length === 0) return { sql: `INSERT INTO ${name} VALUES (1)` };
      const nrows = 1 + (n1 % 3);
      // Either every column in table order, or a subset in a column list.
      // A left-out NOT NULL column without a default is 23502; keep those (nearly always).
      const keep = (c: ColModel, i: number) =>
        (n3 >> i) % 2 === 0 || i === 0 || (c.notNull && !c.hasDefault && n3 % 16 !== 15);
      const cols = n2 % 3 === 0 ? t.cols.filter(keep) : t.cols;
      const list = cols === t.cols ? '' : ` (${cols.map((c) => c.name).join(', ')})`;
      const rows: string[] = [];
      for (let r = 0; r < nrows; r++) {
        const vals = cols.map((c, i) => {
          const k = (n[(r + i + 4) % NUMBERS] ?? 0) + 13 * r + 7 * i;
          if (k % 11 === 10) return 'DEFAULT';
          return literal(c.type, k, k >> 3, c.notNull);
        });
        rows.push(`(${vals.join(', ')})`);
      }
      return {
        sql: `INSERT INTO ${name}${list} VALUES ${rows.join(', ')}${returning(t, n[7] ?? 0)}`,
        apply: (mm) => {
          const tt = mm.tables.get(name);
          if (tt !== undefined) tt.mayHaveRows = true;
        },
      };
    }
    case 'update': {
      const name = tableName(m, n0, true);
      if (name === undefined) return undefined;
      const t = m.tables.get(name);
      if (t === undefined || t.cols.length === 0) return { sql: `UPDATE ${name} SET c0 = 1` };
      const c = pick(t.cols, n1);
      const sets = [`${c.name} = ${setExpr(c, n2, n3)}`];
      const c2 = pick(t.cols, n[4] ?? 0);
      if ((n[4] ?? 0) % 3 === 0 && c2 !== c)
        sets.push(`${c2.name} = ${setExpr(c2, n[5] ?? 0, n[6] ?? 0)}`);
      return {
        sql: `UPDATE ${name} SET ${sets.join(', ')} WHERE ${predicate(t, n.slice(5))}${returning(t, n[7] ?? 0)}`,
      };
    }
    case 'delete': {
      const name = tableName(m, n0, true);
      if (name === undefined) return undefined;
      const t = m.tables.get(name);
      if (t === undefined || t.cols.length === 0) return { sql: `DELETE FROM ${name}` };
      return {
        sql: `DELETE FROM ${name} WHERE ${predicate(t, n.slice(1))}${returning(t, n[7] ?? 0)}`,
      };
    }
    default:
      // savepoint / rollbackTo / release are the driver's.
      return undefined;
  }
}
