/**
 * CREATE / ALTER / DROP SEQUENCE and the sequences of serial and identity
 * columns (PostgreSQL 15's DefineSequence, AlterSequence, process_owned_by,
 * transformColumnDefinition's serial handling, generateSerialExtraStmts).
 */
import { type Catalog, quoteIdent, type RelationDesc } from '@pg/catalog';
import { SqlError } from '@pg/types';
import { EngineError, type Notice } from './result.js';
import { initParams, type SequenceHost, type SessionSequences } from './sequence.js';

// biome-ignore lint/suspicious/noExplicitAny: parse-tree nodes are untyped JSON
type PNode = any;

/** What the statements need from the session. */
export interface SequenceDdlContext {
  readonly catalog: Catalog;
  readonly host: SequenceHost;
  readonly sequences: SessionSequences;
  readonly searchPath: readonly string[];
  /** The schema a new object without one goes to (3F000 when none). */
  creationNamespace(schema: string | undefined): string;
  notice(n: Notice): void;
}

const notice = (message: string): Notice => ({ severity: 'NOTICE', code: '00000', message });

const serialTypes: Readonly<Record<string, string>> = {
  smallserial: 'int2',
  serial2: 'int2',
  serial: 'int4',
  serial4: 'int4',
  bigserial: 'int8',
  serial8: 'int8',
};

/** The integer type behind a serial type name (`serial` → int4), when the column is one. */
export function serialType(typeName: PNode): string | undefined {
  const names: PNode[] = typeName?.names ?? [];
  if (names.length !== 1 || (typeName.arrayBounds ?? []).length > 0) return undefined;
  return serialTypes[String(names[0]?.String?.sval ?? '')];
}

/** ChooseRelationName(table, column, "seq"): `t_id_seq`, then t_id_seq1, ... until free. */
export function chooseSequenceName(
  catalog: Catalog,
  namespace: string,
  table: string,
  column: string,
): string {
  const nsp = catalog.namespaceOid(namespace);
  const base = `${table}_${column}_seq`;
  for (let i = 0; ; i++) {
    const name = i === 0 ? base : `${base}${i}`;
    if (nsp === undefined || catalog.relnameRelid(name, nsp) === undefined) return name;
  }
}

/** The regclass text of a sequence, as nextval('...'::regclass) prints it in a default. */
export function regclassText(catalog: Catalog, namespace: string, name: string): string {
  const nsp = catalog.namespaceOid(namespace);
  const visible =
    nsp !== undefined &&
    catalog.effectiveSearchPath().find((n) => catalog.relnameRelid(name, n) !== undefined) === nsp;
  return visible ? quoteIdent(name) : `${quoteIdent(namespace)}.${quoteIdent(name)}`;
}

function rangeName(rv: PNode): { schema: string | undefined; name: string } {
  return {
    schema: rv.schemaname === undefined ? undefined : String(rv.schemaname),
    name: String(rv.relname),
  };
}

/**
 * CREATE SEQUENCE [IF NOT EXISTS] name [options]: returns the new
 * sequence's OID (undefined when IF NOT EXISTS skipped it).
 */
export function createSequence(
  ctx: SequenceDdlContext,
  body: PNode,
  extra: { readonly typeOid?: number } = {},
): number | undefined {
  const { schema, name } = rangeName(body.sequence);
  const namespace = ctx.creationNamespace(schema);
  const options: PNode[] = [...(body.options ?? [])];
  const init = initParams(options, undefined, extra.typeOid);
  // issue 9 (F): a temporary sequence (the caller put it in pg_temp_N)
  const rp = body.sequence.relpersistence;
  const persistence = rp === 'u' ? 'u' : rp === 't' ? 't' : 'p';
  const oid = ctx.catalog.createSequence({
    namespace,
    name,
    params: init.params,
    persistence,
    ifNotExists: body.if_not_exists === true,
  });
  if (oid === undefined) return undefined; // the catalog gave the NOTICE
  if (init.ownedBy !== undefined) processOwnedBy(ctx, oid, init.ownedBy);
  return oid;
}

/** ALTER SEQUENCE [IF EXISTS] name options. */
export function alterSequence(ctx: SequenceDdlContext, body: PNode): void {
  const { schema, name } = rangeName(body.sequence);
  const desc = ctx.catalog.lookupRelation(schema, name, ctx.searchPath);
  if (desc === undefined) {
    const qualified = schema === undefined ? name : `${schema}.${name}`;
    if (body.missing_ok === true) {
      ctx.notice(notice(`relation "${qualified}" does not exist, skipping`));
      return;
    }
    throw new SqlError('42P01', `relation "${qualified}" does not exist`);
  }
  if (desc.kind !== 'S') throw new SqlError('42809', `"${desc.name}" is not a sequence`);
  alterSequenceOptions(ctx, desc, body.options ?? []);
}

/** AlterSequence's work on one sequence (also ALTER TABLE ... ALTER COLUMN ... SET/RESTART for identity). */
export function alterSequenceOptions(
  ctx: SequenceDdlContext,
  desc: RelationDesc,
  options: readonly PNode[],
): void {
  const params = ctx.catalog.sequenceParams(desc.oid);
  if (params === undefined)
    throw new SqlError('XX000', `cache lookup failed for sequence ${desc.oid}`);
  const data = ctx.sequences.read(ctx.host, desc.oid);
  const init = initParams(options, { params, data }, undefined);
  if (init.ownedBy !== undefined) processOwnedBy(ctx, desc.oid, init.ownedBy);
  ctx.catalog.setSequenceParams(desc.oid, init.params);
  if (init.data !== undefined) ctx.sequences.reset(ctx.host, desc.oid, init.data);
}

/** process_owned_by: OWNED BY table.column | NONE. */
export function processOwnedBy(
  ctx: SequenceDdlContext,
  seqOid: number,
  names: readonly string[],
  deptype: 'a' | 'i' = 'a',
): void {
  if (names.length === 1) {
    if (names[0] !== 'none') {
      throw new SqlError('22023', 'invalid OWNED BY option', {
        hint: 'Specify OWNED BY table.column or OWNED BY NONE.',
      });
    }
    rejectIdentityOwner(ctx, seqOid, deptype);
    ctx.catalog.setSequenceOwner(seqOid, undefined);
    return;
  }
  const column = names.at(-1) as string;
  const rel = names.slice(0, -1);
  const relName = rel.at(-1) as string;
  const relSchema = rel.length > 1 ? rel.at(-2) : undefined;
  const table = ctx.catalog.lookupRelation(relSchema, relName, ctx.searchPath);
  if (table === undefined) {
    throw new SqlError('42P01', `relation "${rel.join('.')}" does not exist`);
  }
  if (!['r', 'f', 'v', 'p'].includes(table.kind)) {
    throw new SqlError('42809', `sequence cannot be owned by relation "${table.name}"`, {
      detail: `This operation is not supported for ${kindWords(table.kind)}.`,
    });
  }
  const seq = ctx.catalog.mustRelation(seqOid);
  if (seq.namespaceOid !== table.namespaceOid) {
    throw new SqlError('55000', 'sequence must be in same schema as table it is linked to');
  }
  const col = table.columns.find((c) => c.name === column && !c.dropped);
  if (col === undefined) {
    throw new SqlError('42703', `column "${column}" of relation "${table.name}" does not exist`);
  }
  rejectIdentityOwner(ctx, seqOid, deptype);
  ctx.catalog.setSequenceOwner(seqOid, { table: table.oid, attnum: col.attnum }, deptype);
}

function rejectIdentityOwner(ctx: SequenceDdlContext, seqOid: number, deptype: string): void {
  if (deptype !== 'a') return;
  const owner = ctx.catalog.sequenceOwner(seqOid);
  if (owner?.deptype === 'i') {
    const seq = ctx.catalog.mustRelation(seqOid);
    const table = ctx.catalog.mustRelation(owner.table);
    throw new SqlError('0A000', 'cannot change ownership of identity sequence', {
      detail: `Sequence "${seq.name}" is linked to table "${table.name}".`,
    });
  }
}

function kindWords(kind: string): string {
  return (
    (
      {
        i: 'indexes',
        S: 'sequences',
        t: 'TOAST tables',
        m: 'materialized views',
        c: 'composite types',
        I: 'partitioned indexes',
      } as Record<string, string>
    )[kind] ?? 'this relation'
  );
}

/** pg_get_serial_sequence(table, column): the qualified name of the column's owned sequence, or NULL. */
export function serialSequence(
  catalog: Catalog,
  searchPath: readonly string[],
  table: string,
  column: string,
): string | null {
  const parts = splitQualified(table);
  const name = parts.at(-1) as string;
  const schema = parts.length > 1 ? parts.at(-2) : undefined;
  const desc = catalog.lookupRelation(schema, name, searchPath);
  if (desc === undefined) {
    throw new SqlError('42P01', `relation "${parts.join('.')}" does not exist`);
  }
  const col = desc.columns.find((c) => c.name === column && !c.dropped);
  if (col === undefined) {
    throw new SqlError('42703', `column "${column}" of relation "${desc.name}" does not exist`);
  }
  const seq = catalog.ownedSequences(desc.oid, col.attnum)[0];
  if (seq === undefined) return null;
  const s = catalog.mustRelation(seq);
  // issue 9 (F): get_namespace_name_or_temp — the session's own pg_temp_N is "pg_temp"
  // (the session's search path starts with it once it has one)
  const own = s.persistence === 't' && searchPath[0] === s.namespaceName;
  return `${own ? 'pg_temp' : quoteIdent(s.namespaceName)}.${quoteIdent(s.name)}`;
}

/** stringToQualifiedNameList: `"My Schema".t` → ['My Schema', 't'], unquoted parts folded to lower case. */
function splitQualified(text: string): string[] {
  const out: string[] = [];
  let i = 0;
  while (i < text.length) {
    if (text[i] === '"') {
      let s = '';
      i++;
      while (i < text.length) {
        if (text[i] === '"') {
          if (text[i + 1] === '"') {
            s += '"';
            i += 2;
            continue;
          }
          i++;
          break;
        }
        s += text[i];
        i++;
      }
      out.push(s);
    } else {
      let j = i;
      while (j < text.length && text[j] !== '.') j++;
      out.push(text.slice(i, j).trim().toLowerCase());
      i = j;
    }
    if (text[i] === '.') i++;
  }
  return out;
}

/** A serial or identity column's sequence, made before its table. */
export interface SequenceColumn {
  /** The ColumnDef to analyze instead: the integer type, the IDENTITY constraint left out. */
  readonly def: PNode;
  readonly sequence: number;
  /** The column's default text (serial) — nextval('t_id_seq'::regclass). */
  readonly defaultExpr: string | undefined;
  /** attidentity ('a' ALWAYS, 'd' BY DEFAULT), for an identity column. */
  readonly identity: 'a' | 'd' | undefined;
  /** False for a plain DEFAULT nextval('seq'): the default depends on the sequence, which it does not own. */
  readonly owned: boolean;
}

const INT_TYPE_OIDS: Readonly<Record<string, number>> = { int2: 21, int4: 23, int8: 20 };

/**
 * transformColumnDefinition's serial and identity part: for each serial
 * column (serial, bigserial, smallserial and their aliases) or GENERATED
 * ... AS IDENTITY column of CREATE TABLE, creates its sequence
 * `<table>_<column>_seq` (ChooseRelationName) first, as PostgreSQL's
 * generated CREATE SEQUENCE runs before the CREATE TABLE. Keyed by the
 * ColumnDef node. `typeOid` resolves an identity column's type.
 */
export function prepareSequenceColumns(
  ctx: SequenceDdlContext,
  body: PNode,
  namespace: string,
  typeOid: (typeName: PNode) => number,
): Map<PNode, SequenceColumn> {
  const out = new Map<PNode, SequenceColumn>();
  const table = String(body.relation.relname);
  const nsp = ctx.catalog.namespaceOid(namespace);
  // CREATE TABLE IF NOT EXISTS of an existing table makes no sequence (transformCreateStmt)
  const skip =
    body.if_not_exists === true &&
    nsp !== undefined &&
    ctx.catalog.relnameRelid(table, nsp) !== undefined;
  for (const elt of body.tableElts ?? []) {
    const def = elt.ColumnDef;
    if (def === undefined) continue;
    const column = String(def.colname);
    const constraints: PNode[] = def.constraints ?? [];
    const serial = serialType(def.typeName);
    const identityCon = constraints.find((c) => c.Constraint?.contype === 'CONSTR_IDENTITY');
    const defaultCon = constraints.find((c) => c.Constraint?.contype === 'CONSTR_DEFAULT');
    if (serial === undefined && identityCon === undefined) {
      const nv = nextvalDefault(ctx, defaultCon?.Constraint?.raw_expr);
      if (nv !== undefined) {
        out.set(def, { def, ...nv, identity: undefined, owned: false });
      }
      continue;
    }
    const hasDefault = defaultCon !== undefined;
    if (serial !== undefined && hasDefault) {
      throw new SqlError(
        '42601',
        `multiple default values specified for column "${column}" of table "${table}"`,
      );
    }
    if (identityCon !== undefined && hasDefault) {
      const loc = defaultCon?.Constraint?.location;
      throw new EngineError(
        '42601',
        `both default and identity specified for column "${column}" of table "${table}"`,
        { position: typeof loc === 'number' ? loc + 1 : undefined },
      );
    }
    const typeName =
      serial === undefined
        ? def.typeName
        : {
            ...def.typeName,
            names: [{ String: { sval: 'pg_catalog' } }, { String: { sval: serial } }],
          };
    const colType = serial === undefined ? typeOid(typeName) : (INT_TYPE_OIDS[serial] as number);
    if (identityCon !== undefined && ![20, 21, 23].includes(colType)) {
      throw new SqlError('22023', 'identity column type must be smallint, integer, or bigint');
    }
    if (skip) {
      out.set(def, {
        def: { ...def, typeName },
        sequence: 0,
        defaultExpr: undefined,
        identity: undefined,
        owned: false,
      });
      continue;
    }
    const name = chooseSequenceName(ctx.catalog, namespace, table, column);
    const seqOptions: PNode[] = identityCon?.Constraint?.options ?? [];
    const sequence = createSequence(
      ctx,
      {
        sequence: {
          schemaname: namespace,
          relname: name,
          relpersistence: body.relation.relpersistence,
        },
        options: seqOptions.filter((o) => o.DefElem?.defname !== 'sequence_name'),
      },
      { typeOid: colType },
    ) as number;
    out.set(def, {
      def: {
        ...def,
        typeName,
        constraints: [
          ...constraints.filter((c) => c.Constraint?.contype !== 'CONSTR_IDENTITY'),
          { Constraint: { contype: 'CONSTR_NOTNULL' } },
        ],
      },
      sequence,
      defaultExpr:
        serial === undefined
          ? undefined
          : `nextval('${regclassText(ctx.catalog, namespace, name).replace(/'/g, "''")}'::regclass)`,
      identity:
        identityCon === undefined
          ? undefined
          : identityCon.Constraint.generated_when === 'a'
            ? 'a'
            : 'd',
      owned: true,
    });
  }
  return out;
}

/** After CREATE TABLE: each sequence is OWNED BY its column, and a serial default depends on it. */
export function finishSequenceColumns(
  ctx: SequenceDdlContext,
  table: number,
  columns: ReadonlyMap<PNode, SequenceColumn>,
): void {
  const desc = ctx.catalog.mustRelation(table);
  for (const [def, sc] of columns) {
    const col = desc.columns.find((c) => c.name === String(def.colname) && !c.dropped);
    if (col === undefined) continue;
    if (!sc.owned) {
      ctx.catalog.recordDefaultUsesSequence(table, col.attnum, sc.sequence);
    } else if (sc.identity !== undefined) {
      ctx.catalog.setSequenceOwner(sc.sequence, { table, attnum: col.attnum }, 'i');
      ctx.catalog.setIdentity(table, col.attnum, sc.identity);
    } else {
      ctx.catalog.setSequenceOwner(sc.sequence, { table, attnum: col.attnum }, 'a');
      ctx.catalog.recordDefaultUsesSequence(table, col.attnum, sc.sequence);
    }
  }
}

/**
 * A DEFAULT of the form nextval('name') or nextval('name'::regclass): its
 * text as PostgreSQL deparses it (nextval('name'::regclass), the name
 * qualified when not visible) and the sequence the default depends on.
 * Undefined for any other expression, or when the name is no sequence
 * (analysis of the default reports that).
 */
export function nextvalDefault(
  ctx: Pick<SequenceDdlContext, 'catalog' | 'searchPath'>,
  raw: PNode,
): { readonly defaultExpr: string; readonly sequence: number } | undefined {
  const call = raw?.FuncCall;
  if (call === undefined) return undefined;
  const fname: string[] = (call.funcname ?? []).map((n: PNode) => String(n.String?.sval ?? ''));
  if (fname.at(-1) !== 'nextval' || (fname.length === 2 && fname[0] !== 'pg_catalog'))
    return undefined;
  if (fname.length > 2 || (call.args ?? []).length !== 1) return undefined;
  let arg = call.args[0];
  if (arg.TypeCast !== undefined) {
    const tn: PNode[] = arg.TypeCast.typeName?.names ?? [];
    if (String(tn.at(-1)?.String?.sval ?? '') !== 'regclass') return undefined;
    arg = arg.TypeCast.arg;
  }
  const text = arg?.A_Const?.sval?.sval;
  if (typeof text !== 'string') return undefined;
  const parts = splitQualified(text);
  const name = parts.at(-1) as string;
  const schema = parts.length > 1 ? parts.at(-2) : undefined;
  const desc = ctx.catalog.lookupRelation(schema, name, ctx.searchPath);
  if (desc === undefined || desc.kind !== 'S') return undefined;
  const shown = regclassText(ctx.catalog, desc.namespaceName, desc.name).replace(/'/g, "''");
  return { defaultExpr: `nextval('${shown}'::regclass)`, sequence: desc.oid };
}

/** ALTER TABLE ... SET DEFAULT nextval('seq'): the new default depends on the sequence. */
export function setDefaultSequence(
  ctx: SequenceDdlContext,
  table: number,
  column: string,
  nv: { readonly sequence: number },
): void {
  const col = ctx.catalog.mustRelation(table).columns.find((c) => c.name === column && !c.dropped);
  if (col !== undefined) ctx.catalog.recordDefaultUsesSequence(table, col.attnum, nv.sequence);
}

/**
 * ALTER TABLE ... ALTER COLUMN ... ADD GENERATED ... AS IDENTITY / SET
 * GENERATED / SET sequence options / RESTART / DROP IDENTITY [IF EXISTS]
 * (ATExecAddIdentity, ATExecSetIdentity, ATExecDropIdentity).
 */
export function alterIdentity(ctx: SequenceDdlContext, table: number, cmd: PNode): void {
  const desc = ctx.catalog.mustRelation(table);
  const name = String(cmd.name);
  const col = desc.columns.find((c) => c.name === name && !c.dropped);
  if (col === undefined) {
    throw new SqlError('42703', `column "${name}" of relation "${desc.name}" does not exist`);
  }
  const notIdentity = `column "${name}" of relation "${desc.name}" is not an identity column`;
  const seq =
    col.identity === undefined ? undefined : ctx.catalog.ownedSequences(table, col.attnum)[0];
  switch (cmd.subtype) {
    case 'AT_AddIdentity': {
      if (![20, 21, 23].includes(col.typeOid)) {
        throw new SqlError('22023', 'identity column type must be smallint, integer, or bigint');
      }
      if (!col.notNull) {
        throw new SqlError(
          '55000',
          `column "${name}" of relation "${desc.name}" must be declared NOT NULL before identity can be added`,
        );
      }
      if (col.identity !== undefined) {
        throw new SqlError(
          '55000',
          `column "${name}" of relation "${desc.name}" is already an identity column`,
        );
      }
      if (col.hasDefault) {
        throw new SqlError(
          '55000',
          `column "${name}" of relation "${desc.name}" already has a default value`,
        );
      }
      const con = cmd.def?.Constraint;
      const seqName = chooseSequenceName(ctx.catalog, desc.namespaceName, desc.name, name);
      const oid = createSequence(
        ctx,
        {
          sequence: {
            schemaname: desc.namespaceName,
            relname: seqName,
            relpersistence: desc.persistence,
          },
          options: (con?.options ?? []).filter(
            (o: PNode) => o.DefElem?.defname !== 'sequence_name',
          ),
        },
        { typeOid: col.typeOid },
      ) as number;
      ctx.catalog.setSequenceOwner(oid, { table, attnum: col.attnum }, 'i');
      ctx.catalog.setIdentity(table, col.attnum, con?.generated_when === 'a' ? 'a' : 'd');
      return;
    }
    case 'AT_SetIdentity': {
      if (seq === undefined) throw new SqlError('55000', notIdentity);
      const options: PNode[] = (cmd.def?.List?.items ?? []) as PNode[];
      const generated = options.find((o) => o.DefElem?.defname === 'generated');
      const rest = options.filter((o) => o.DefElem?.defname !== 'generated');
      if (rest.length > 0) alterSequenceOptions(ctx, ctx.catalog.mustRelation(seq), rest);
      if (generated !== undefined) {
        const v = Number(generated.DefElem.arg?.Integer?.ival ?? 0);
        ctx.catalog.setIdentity(table, col.attnum, v === 97 ? 'a' : 'd');
      }
      return;
    }
    case 'AT_DropIdentity': {
      if (seq === undefined) {
        if (cmd.missing_ok === true) {
          ctx.notice(notice(`${notIdentity}, skipping`));
          return;
        }
        throw new SqlError('55000', notIdentity);
      }
      ctx.catalog.setIdentity(table, col.attnum, '');
      ctx.catalog.setSequenceOwner(seq, undefined); // its INTERNAL link first, or the drop is refused
      ctx.catalog.dropRelation(seq, {});
      return;
    }
    default:
      throw new SqlError('0A000', `ALTER TABLE ${String(cmd.subtype)} is not supported yet`);
  }
}
