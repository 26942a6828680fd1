/**
 * Catalog rows as PostgreSQL 15 fills them (heap_create_with_catalog,
 * AddNewAttributeTuples, TypeCreate, index_create), by column name.
 */
import type { AnyPgType } from '@pg/types';
import {
  BOOTSTRAP_SUPERUSERID,
  BTREE_DEFAULT_OPCLASS,
  C_COLLATION_OID,
  DEFAULT_COLLATION_OID,
  PG_CATALOG_NAMESPACE,
  SYSTEM_COLUMNS,
} from './consts.js';
import type { RelKind, RelPersistence } from './desc.js';
import { PG15_TYPES } from './pg15-data.js';

type Named = Record<string, unknown>;

export interface ClassRowInput {
  readonly oid: number;
  readonly name: string;
  readonly namespace: number;
  readonly rowtype: number;
  readonly am: number;
  readonly relfilenode: number;
  readonly tablespace: number;
  readonly hasIndex: boolean;
  readonly shared: boolean;
  readonly persistence: RelPersistence;
  readonly kind: RelKind;
  readonly natts: number;
  /** relfrozenxid: 0 for an index or a view; the creating xid (or FrozenTransactionId at bootstrap) for a table. */
  readonly frozenxid: number;
  readonly minmxid: number;
  readonly owner?: number;
}

export function classRow(c: ClassRowInput): Named {
  return {
    oid: c.oid,
    relname: c.name,
    relnamespace: c.namespace,
    reltype: c.rowtype,
    reloftype: 0,
    relowner: c.owner ?? BOOTSTRAP_SUPERUSERID,
    relam: c.am,
    relfilenode: c.relfilenode,
    reltablespace: c.tablespace,
    relpages: 0,
    reltuples: -1,
    relallvisible: 0,
    reltoastrelid: 0,
    relhasindex: c.hasIndex,
    relisshared: c.shared,
    relpersistence: c.persistence,
    relkind: c.kind,
    relnatts: c.natts,
    relchecks: 0,
    relhasrules: false,
    relhastriggers: false,
    relhassubclass: false,
    relrowsecurity: false,
    relforcerowsecurity: false,
    relispopulated: true,
    relreplident: c.kind === 'r' ? 'd' : 'n',
    relispartition: false,
    relrewrite: 0,
    relfrozenxid: c.frozenxid,
    relminmxid: c.minmxid,
    relacl: null,
    reloptions: null,
    relpartbound: null,
  };
}

/**
 * GetDefaultOpClass for B-tree: the type's own default class, else the one of
 * the polymorphic type it matches (array_ops for any array type, range_ops
 * for any range type), else 0.
 */
function btreeDefaultOpclass(typeOid: number): number {
  const own = BTREE_DEFAULT_OPCLASS.get(typeOid);
  if (own !== undefined) return own;
  const row = PG15_TYPES.find((t) => t[0] === typeOid);
  if (row?.[4] === 'r') return BTREE_DEFAULT_OPCLASS.get(ANYRANGE_OID) ?? 0;
  if (row?.[5] === 'A') return BTREE_DEFAULT_OPCLASS.get(ANYARRAY_OID) ?? 0;
  return 0;
}
const ANYARRAY_OID = 2277;
const ANYRANGE_OID = 3831;

/** The collation a column of this type gets (pg_type.typcollation). */
export function typeCollation(typeOid: number): number {
  const row = PG15_TYPES.find((t) => t[0] === typeOid);
  if (row) return row[20];
  return typeOid === 19 ? C_COLLATION_OID : 0;
}

export interface AttributeRowInput {
  readonly relid: number;
  readonly name: string;
  readonly type:
    | AnyPgType
    | { oid: number; len: number; byVal: boolean; align: string; storage: string };
  readonly attnum: number;
  readonly typmod: number;
  readonly notNull: boolean;
  readonly hasDefault: boolean;
  readonly ndims: number;
  readonly dropped?: boolean;
  /** attcollation; default the type's (catalog columns use C, 950, whatever the type's). */
  readonly collation?: number;
}

export function attributeRow(a: AttributeRowInput): Named {
  return {
    attrelid: a.relid,
    attname: a.name,
    atttypid: a.dropped ? 0 : a.type.oid,
    attstattarget: -1,
    attlen: a.type.len,
    attnum: a.attnum,
    attndims: a.ndims,
    attcacheoff: -1,
    atttypmod: a.typmod,
    attbyval: a.type.byVal,
    attalign: a.type.align,
    attstorage: a.type.storage,
    attcompression: '',
    attnotnull: a.notNull,
    atthasdef: a.hasDefault,
    atthasmissing: false,
    attidentity: '',
    attgenerated: '',
    attisdropped: a.dropped ?? false,
    attislocal: true,
    attinhcount: 0,
    attcollation: a.dropped ? 0 : (a.collation ?? typeCollation(a.type.oid)),
    attacl: null,
    attoptions: null,
    attfdwoptions: null,
    attmissingval: null,
  };
}

/** pg_attribute rows for the system columns of table `relid`. */
export function systemAttributeRows(relid: number): Named[] {
  return SYSTEM_COLUMNS.map((s) =>
    attributeRow({
      relid,
      name: s.name,
      type: { oid: s.typeOid, len: s.len, byVal: s.byVal, align: s.align, storage: 'p' },
      attnum: s.attnum,
      typmod: -1,
      notNull: true,
      hasDefault: false,
      ndims: 0,
    }),
  );
}

/** A base type's pg_type row: the registry's attributes, PostgreSQL 15's support functions. */
export function baseTypeRow(t: AnyPgType): Named {
  const pg = PG15_TYPES.find((r) => r[0] === t.oid);
  return {
    oid: t.oid,
    typname: t.name,
    typnamespace: PG_CATALOG_NAMESPACE,
    typowner: BOOTSTRAP_SUPERUSERID,
    typlen: t.len,
    typbyval: t.byVal,
    typtype: pg?.[4] ?? 'b',
    typcategory: t.category,
    typispreferred: t.preferred,
    typisdefined: true,
    typdelim: pg?.[7] ?? ',',
    typrelid: 0,
    typsubscript: pg?.[8] ?? 0,
    // name is subscriptable as a "char" array in PostgreSQL (typelem 18); the registry says 0
    typelem: t.elemOid !== 0 ? t.elemOid : (pg?.[9] ?? 0),
    typarray: t.arrayOid,
    typinput: pg?.[11] ?? 0,
    typoutput: pg?.[12] ?? 0,
    typreceive: pg?.[13] ?? 0,
    typsend: pg?.[14] ?? 0,
    typmodin: pg?.[15] ?? 0,
    typmodout: pg?.[16] ?? 0,
    typanalyze: pg?.[17] ?? 0,
    typalign: t.align,
    typstorage: t.storage,
    typnotnull: false,
    typbasetype: 0,
    typtypmod: -1,
    typndims: 0,
    typcollation: pg?.[20] ?? 0,
    typdefaultbin: null,
    typdefault: null,
    typacl: null,
  };
}

/** A relation's composite row type (TypeCreate in heap_create_with_catalog). */
export function compositeTypeRow(
  oid: number,
  name: string,
  namespace: number,
  relid: number,
  arrayOid: number,
  owner = BOOTSTRAP_SUPERUSERID,
): Named {
  return {
    oid,
    typname: name,
    typnamespace: namespace,
    typowner: owner,
    typlen: -1,
    typbyval: false,
    typtype: 'c',
    typcategory: 'C',
    typispreferred: false,
    typisdefined: true,
    typdelim: ',',
    typrelid: relid,
    typsubscript: 0,
    typelem: 0,
    typarray: arrayOid,
    typinput: 2290, // record_in
    typoutput: 2291, // record_out
    typreceive: 2402, // record_recv
    typsend: 2403, // record_send
    typmodin: 0,
    typmodout: 0,
    typanalyze: 0,
    typalign: 'd',
    typstorage: 'x',
    typnotnull: false,
    typbasetype: 0,
    typtypmod: -1,
    typndims: 0,
    typcollation: 0,
    typdefaultbin: null,
    typdefault: null,
    typacl: null,
  };
}

/** The array type of a row type (`_t`). */
export function arrayTypeRow(
  oid: number,
  name: string,
  namespace: number,
  elem: number,
  owner = BOOTSTRAP_SUPERUSERID,
): Named {
  return {
    ...compositeTypeRow(oid, name, namespace, 0, 0, owner),
    typtype: 'b',
    typcategory: 'A',
    typsubscript: 6179, // array_subscript_handler
    typelem: elem,
    typinput: 750, // array_in
    typoutput: 751, // array_out
    typreceive: 2400, // array_recv
    typsend: 2401, // array_send
    typanalyze: 3816, // array_typanalyze
  };
}

/** The default collation of an index key of this type (indcollation). */
export function keyCollation(typeOid: number): number {
  const c = typeCollation(typeOid);
  return c === 0 ? 0 : c === C_COLLATION_OID ? C_COLLATION_OID : DEFAULT_COLLATION_OID;
}

/** What differs between B-tree indexes' pg_index rows. */
export interface BtreeIndexRowOptions {
  readonly indexrelid: number;
  readonly indrelid: number;
  /** The key columns' attribute numbers and their types, in key order. */
  readonly attnums: readonly number[];
  readonly types: readonly number[];
  readonly unique: boolean;
  readonly primary: boolean;
  readonly nullsNotDistinct?: boolean;
  /** indnkeyatts: the first nkeys attnums are keys, the rest INCLUDE columns (default: all). */
  readonly nkeys?: number;
  /** indoption per key (INDOPTION_DESC 1, INDOPTION_NULLS_FIRST 2); 0 by default. */
  readonly options?: readonly number[];
  /** indexprs: the expressions' SQL text (stored as a JSON list of texts, not a node tree). */
  readonly indexprs?: readonly string[];
  /** indpred: the predicate's SQL text. */
  readonly indpred?: string;
}

/** The pg_index row of a B-tree index (attnum 0 for an expression column). */
export function btreeIndexRow(o: BtreeIndexRowOptions): Record<string, unknown> {
  return {
    indexrelid: o.indexrelid,
    indrelid: o.indrelid,
    indnatts: o.attnums.length,
    indnkeyatts: o.nkeys ?? o.attnums.length,
    indisunique: o.unique,
    indnullsnotdistinct: o.nullsNotDistinct ?? false,
    indisprimary: o.primary,
    indisexclusion: false,
    indimmediate: true,
    indisclustered: false,
    indisvalid: true,
    indcheckxmin: false,
    indisready: true,
    indislive: true,
    indisreplident: false,
    indkey: [...o.attnums],
    indcollation: o.types.slice(0, o.nkeys ?? o.types.length).map(keyCollation),
    indclass: o.types.slice(0, o.nkeys ?? o.types.length).map(btreeDefaultOpclass),
    indoption: o.options ?? o.attnums.slice(0, o.nkeys ?? o.attnums.length).map(() => 0),
    indexprs: o.indexprs === undefined ? null : JSON.stringify(o.indexprs),
    indpred: o.indpred ?? null,
  };
}
