/**
 * The column types of the catalogs. Most come from @pg/types' registry;
 * the few catalog-only types it lacks are defined here with PostgreSQL's
 * OIDs and on-disk forms:
 *
 * | type         | oid  | stored as                                                   |
 * | ------------ | ---- | ----------------------------------------------------------- |
 * | int2vector   | 22   | a 1-D int2 array with lower bound 0 (typstorage 'p')        |
 * | regproc      | 24   | a 4-byte oid (shown as the number, not the function's name) |
 * | oidvector    | 30   | a 1-D oid array with lower bound 0 (typstorage 'p')         |
 * | pg_node_tree | 194  | text; we store the SQL text of the expression, not a node tree |
 * | aclitem[]    | 1034 | always NULL (no privileges yet)                             |
 * | anyarray     | 2277 | always NULL (pg_attribute.attmissingval)                    |
 *
 * int2vector and oidvector values are JavaScript arrays of numbers.
 */
import { type AnyPgType, builtins, type PgArray } from '@pg/types';

function must(name: string): AnyPgType {
  const t = builtins.typeByName(name);
  if (t === undefined) throw new Error(`@pg/types has no type ${name}`);
  return t;
}

/** A type that behaves as `base` but carries another name, OID and attributes. */
function derive(base: AnyPgType, props: Partial<AnyPgType>): AnyPgType {
  return Object.assign(Object.create(base) as AnyPgType, props);
}

function vectorType(arrayBase: AnyPgType, props: Partial<AnyPgType>): AnyPgType {
  const toArray = (v: readonly number[]): PgArray<number> => ({
    dims: [v.length],
    lbounds: [0],
    elements: v,
  });
  return derive(arrayBase, {
    ...props,
    storage: 'p',
    align: 'i',
    encode: (v: readonly number[]) => arrayBase.encode(toArray(v)),
    decode: (b: Uint8Array) => [...(arrayBase.decode(b) as PgArray<number>).elements] as number[],
    compare: (a: readonly number[], b: readonly number[]) => {
      for (let i = 0; i < Math.min(a.length, b.length); i++) {
        const d = (a[i] as number) - (b[i] as number);
        if (d !== 0) return d < 0 ? -1 : 1;
      }
      return a.length - b.length;
    },
    output: (v: readonly number[]) => v.join(' '),
  });
}

const oid = must('oid');
const text = must('text');

const LOCAL: readonly AnyPgType[] = [
  vectorType(must('_int2'), {
    name: 'int2vector',
    displayName: 'int2vector',
    oid: 22,
    arrayOid: 1006,
    elemOid: 21,
  }),
  derive(oid, {
    name: 'regproc',
    displayName: 'regproc',
    oid: 24,
    arrayOid: 1008,
    preferred: false,
  }),
  // xid (28) comes from @pg/types' registry since issue 11 (freeze)
  vectorType(must('_oid'), {
    name: 'oidvector',
    displayName: 'oidvector',
    oid: 30,
    arrayOid: 1013,
    elemOid: 26,
  }),
  derive(text, {
    name: 'pg_node_tree',
    displayName: 'pg_node_tree',
    oid: 194,
    arrayOid: 0,
    category: 'Z',
    preferred: false,
  }),
  derive(must('_text'), {
    name: '_aclitem',
    displayName: 'aclitem[]',
    oid: 1034,
    arrayOid: 0,
    elemOid: 1033,
    align: 'i',
  }),
  derive(must('_text'), {
    name: 'anyarray',
    displayName: 'anyarray',
    oid: 2277,
    arrayOid: 0,
    elemOid: 0,
    align: 'd',
    category: 'P',
  }),
];
const LOCAL_BY_OID = new Map(LOCAL.map((t) => [t.oid, t]));

/** The type of a catalog column, by OID: the registry's, else one of the local ones above. */
export function catalogColumnType(typeOid: number): AnyPgType {
  const t = builtins.type(typeOid) ?? LOCAL_BY_OID.get(typeOid);
  if (t === undefined) throw new Error(`no type ${typeOid} for a catalog column`);
  return t;
}

/** Any type by OID (registry, then catalog-only). */
export function typeByOid(typeOid: number): AnyPgType | undefined {
  return builtins.type(typeOid) ?? LOCAL_BY_OID.get(typeOid);
}

/** The catalog-only types (for pg_type rows). */
export function localTypes(): readonly AnyPgType[] {
  return LOCAL;
}

/**
 * The pg_attribute shape of an index column over a column of `typeOid`:
 * the opclass's storage type — name_ops stores cstring (atttypid 2275,
 * attlen -2, attalign c), as PostgreSQL's index_create records it.
 */
export function indexColumnShape(
  typeOid: number,
): AnyPgType | { oid: number; len: number; byVal: boolean; align: string; storage: string } {
  if (typeOid === 19) return { oid: 2275, len: -2, byVal: false, align: 'c', storage: 'p' };
  return catalogColumnType(typeOid);
}
