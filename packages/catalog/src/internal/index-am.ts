/**
 * Index access methods other than B-tree in the catalog (issue 12): the
 * operator classes, families and operators of gin, brin and hash that this
 * engine supports (pg_opclass, pg_opfamily, pg_amop rows with PostgreSQL
 * 15's OIDs), operator-class resolution as ResolveOpClass /
 * GetDefaultOpClass do it, reloptions validation (reloptions.c's tables for
 * these AMs), and opening or building the @pg/gin, @pg/brin and @pg/hash
 * objects behind an index.
 */
import type { IndexAccessMethod, IndexBuildTuple, IndexDescriptor } from '@pg/access';
import { Brin, type BrinHeap, type BrinOpclass, rangeInclusionOps } from '@pg/brin';
import { arrayOps, Gin, type GinOpClass, jsonbOps, jsonbPathOps } from '@pg/gin';
import { HashIndex } from '@pg/hash';
import type { Heap } from '@pg/heap';
import { LP_NORMAL, Page } from '@pg/page';
import type { BufferPool, RelFileLocator, XLogInserter } from '@pg/storage';
import { builtins, isRangeType, SqlError } from '@pg/types';

export type IndexAmName = 'btree' | 'hash' | 'gin' | 'brin';

/** pg_am OIDs of the index AMs CREATE INDEX knows. */
export const INDEX_AM_OIDS: Readonly<Record<IndexAmName, number>> = {
  btree: 403,
  hash: 405,
  gin: 2742,
  brin: 3580,
};

export function amNameOfOid(oid: number): IndexAmName {
  for (const [name, o] of Object.entries(INDEX_AM_OIDS)) if (o === oid) return name as IndexAmName;
  return 'btree';
}

/** One pg_opclass row: [oid, am, name, family, input type, default, key type]. */
export interface OpclassDef {
  readonly oid: number;
  readonly am: IndexAmName;
  readonly name: string;
  readonly family: number;
  readonly inType: number;
  readonly isDefault: boolean;
  readonly keyType: number;
}

const ANYARRAY = 2277;
/** ranges: anyrange, the input type of brin's range_inclusion_ops. */
const ANYRANGE = 3831;

/** The operator classes of gin, brin and hash this engine implements (PostgreSQL 15's OIDs). */
export const INDEX_AM_OPCLASSES: readonly OpclassDef[] = (
  [
    [10064, 'gin', 'array_ops', 2745, ANYARRAY, true, 2283],
    [10090, 'gin', 'jsonb_ops', 4036, 3802, true, 25],
    [10091, 'gin', 'jsonb_path_ops', 4037, 3802, false, 23],
    [10098, 'brin', 'int8_minmax_ops', 4054, 20, true, 20],
    [10101, 'brin', 'int2_minmax_ops', 4054, 21, true, 21],
    [10104, 'brin', 'int4_minmax_ops', 4054, 23, true, 23],
    [10107, 'brin', 'text_minmax_ops', 4056, 25, true, 25],
    [10115, 'brin', 'float4_minmax_ops', 4070, 700, true, 700],
    [10118, 'brin', 'float8_minmax_ops', 4070, 701, true, 701],
    [10136, 'brin', 'date_minmax_ops', 4059, 1082, true, 1082],
    [10139, 'brin', 'timestamp_minmax_ops', 4059, 1114, true, 1114],
    [10142, 'brin', 'timestamptz_minmax_ops', 4059, 1184, true, 1184],
    [10153, 'brin', 'numeric_minmax_ops', 4055, 1700, true, 1700],
    [10156, 'brin', 'uuid_minmax_ops', 4081, 2950, true, 2950],
    [10159, 'brin', 'range_inclusion_ops', 4103, ANYRANGE, true, ANYRANGE], // ranges
    [10020, 'hash', 'int4_ops', 1977, 23, true, 0],
    [10021, 'hash', 'int8_ops', 1977, 20, true, 0],
    [10037, 'hash', 'text_ops', 1995, 25, true, 0],
  ] as const
).map(([oid, am, name, family, inType, isDefault, keyType]) => ({
  oid,
  am,
  name,
  family,
  inType,
  isDefault,
  keyType,
}));

/** pg_opfamily rows: [oid, am, name]. */
const OPFAMILIES: readonly (readonly [number, IndexAmName, string])[] = [
  [1977, 'hash', 'integer_ops'],
  [1995, 'hash', 'text_ops'],
  [2745, 'gin', 'array_ops'],
  [4036, 'gin', 'jsonb_ops'],
  [4037, 'gin', 'jsonb_path_ops'],
  [4054, 'brin', 'integer_minmax_ops'],
  [4055, 'brin', 'numeric_minmax_ops'],
  [4056, 'brin', 'text_minmax_ops'],
  [4059, 'brin', 'datetime_minmax_ops'],
  [4070, 'brin', 'float_minmax_ops'],
  [4081, 'brin', 'uuid_minmax_ops'],
  [4103, 'brin', 'range_inclusion_ops'], // ranges
];

/**
 * pg_amop rows of those families (PostgreSQL 15): oid, family, left, right, strategy, operator.
 * jsonb_ops' and jsonb_path_ops' jsonpath operators (@? 15, @@ 16) are left out: the engine
 * has no jsonpath type.
 */
const AMOPS =
  '10263,1977,21,21,1,94 10264,1977,23,23,1,96 10265,1977,20,20,1,410 10266,1977,21,23,1,532 10267,1977,21,20,1,1862 10268,1977,23,21,1,533 10269,1977,23,20,1,15 10270,1977,20,21,1,1868 10271,1977,20,23,1,416 10278,1995,25,25,1,98 10279,1995,19,19,1,93 10280,1995,19,25,1,254 10281,1995,25,19,1,260 10349,2745,2277,2277,1,2750 10350,2745,2277,2277,2,2751 10351,2745,2277,2277,3,2752 10352,2745,2277,2277,4,1070 10456,4036,3802,3802,7,3246 10457,4036,3802,25,9,3247 10458,4036,3802,1009,10,3248 10459,4036,3802,1009,11,3249 10462,4037,3802,3802,7,3246 10541,4054,20,20,1,412 10542,4054,20,20,2,414 10543,4054,20,20,3,410 10544,4054,20,20,4,415 10545,4054,20,20,5,413 10546,4054,20,21,1,1870 10547,4054,20,21,2,1872 10548,4054,20,21,3,1868 10549,4054,20,21,4,1873 10550,4054,20,21,5,1871 10551,4054,20,23,1,418 10552,4054,20,23,2,420 10553,4054,20,23,3,416 10554,4054,20,23,4,430 10555,4054,20,23,5,419 10556,4054,21,21,1,95 10557,4054,21,21,2,522 10558,4054,21,21,3,94 10559,4054,21,21,4,524 10560,4054,21,21,5,520 10561,4054,21,20,1,1864 10562,4054,21,20,2,1866 10563,4054,21,20,3,1862 10564,4054,21,20,4,1867 10565,4054,21,20,5,1865 10566,4054,21,23,1,534 10567,4054,21,23,2,540 10568,4054,21,23,3,532 10569,4054,21,23,4,542 10570,4054,21,23,5,536 10571,4054,23,23,1,97 10572,4054,23,23,2,523 10573,4054,23,23,3,96 10574,4054,23,23,4,525 10575,4054,23,23,5,521 10576,4054,23,21,1,535 10577,4054,23,21,2,541 10578,4054,23,21,3,533 10579,4054,23,21,4,543 10580,4054,23,21,5,537 10581,4054,23,20,1,37 10582,4054,23,20,2,80 10583,4054,23,20,3,15 10584,4054,23,20,4,82 10585,4054,23,20,5,76 10634,4056,25,25,1,664 10635,4056,25,25,2,665 10636,4056,25,25,3,98 10637,4056,25,25,4,667 10638,4056,25,25,5,666 10662,4070,700,700,1,622 10663,4070,700,700,2,624 10664,4070,700,700,3,620 10665,4070,700,700,4,625 10666,4070,700,700,5,623 10667,4070,700,701,1,1122 10668,4070,700,701,2,1124 10669,4070,700,701,3,1120 10670,4070,700,701,4,1125 10671,4070,700,701,5,1123 10672,4070,701,700,1,1132 10673,4070,701,700,2,1134 10674,4070,701,700,3,1130 10675,4070,701,700,4,1135 10676,4070,701,700,5,1133 10677,4070,701,701,1,672 10678,4070,701,701,2,673 10679,4070,701,701,3,670 10680,4070,701,701,4,675 10681,4070,701,701,5,674 10760,4059,1114,1114,1,2062 10761,4059,1114,1114,2,2063 10762,4059,1114,1114,3,2060 10763,4059,1114,1114,4,2065 10764,4059,1114,1114,5,2064 10765,4059,1114,1082,1,2371 10766,4059,1114,1082,2,2372 10767,4059,1114,1082,3,2373 10768,4059,1114,1082,4,2374 10769,4059,1114,1082,5,2375 10770,4059,1114,1184,1,2534 10771,4059,1114,1184,2,2535 10772,4059,1114,1184,3,2536 10773,4059,1114,1184,4,2537 10774,4059,1114,1184,5,2538 10775,4059,1082,1082,1,1095 10776,4059,1082,1082,2,1096 10777,4059,1082,1082,3,1093 10778,4059,1082,1082,4,1098 10779,4059,1082,1082,5,1097 10780,4059,1082,1114,1,2345 10781,4059,1082,1114,2,2346 10782,4059,1082,1114,3,2347 10783,4059,1082,1114,4,2348 10784,4059,1082,1114,5,2349 10785,4059,1082,1184,1,2358 10786,4059,1082,1184,2,2359 10787,4059,1082,1184,3,2360 10788,4059,1082,1184,4,2361 10789,4059,1082,1184,5,2362 10790,4059,1184,1082,1,2384 10791,4059,1184,1082,2,2385 10792,4059,1184,1082,3,2386 10793,4059,1184,1082,4,2387 10794,4059,1184,1082,5,2388 10795,4059,1184,1114,1,2540 10796,4059,1184,1114,2,2541 10797,4059,1184,1114,3,2542 10798,4059,1184,1114,4,2543 10799,4059,1184,1114,5,2544 10800,4059,1184,1184,1,1322 10801,4059,1184,1184,2,1323 10802,4059,1184,1184,3,1320 10803,4059,1184,1184,4,1325 10804,4059,1184,1184,5,1324 10885,4055,1700,1700,1,1754 10886,4055,1700,1700,2,1755 10887,4055,1700,1700,3,1752 10888,4055,1700,1700,4,1757 10889,4055,1700,1700,5,1756 10896,4081,2950,2950,1,2974 10897,4081,2950,2950,2,2976 10898,4081,2950,2950,3,2972 10899,4081,2950,2950,4,2977 10900,4081,2950,2950,5,2975'
    .split(' ')
    .map((s) => s.split(',').map(Number) as [number, number, number, number, number, number])
    // ranges: brin range_inclusion_ops (family 4103), PostgreSQL 15's pg_amop rows
    .concat(
      '10907,4103,3831,3831,1,3893 10908,4103,3831,3831,2,3895 10909,4103,3831,3831,3,3888 10910,4103,3831,3831,4,3896 10911,4103,3831,3831,5,3894 10912,4103,3831,3831,7,3890 10913,4103,3831,3831,8,3892 10914,4103,3831,2283,16,3889 10915,4103,3831,3831,17,3897 10916,4103,3831,3831,18,3882 10917,4103,3831,3831,20,3884 10918,4103,3831,3831,21,3885 10919,4103,3831,3831,22,3887 10920,4103,3831,3831,23,3886'
        .split(' ')
        .map((s) => s.split(',').map(Number) as [number, number, number, number, number, number]),
    );

/** The operators (pg_amop) of an operator family: operator OID → strategy. */
export function familyOperators(family: number): ReadonlyMap<number, number> {
  const out = new Map<number, number>();
  for (const [, fam, , , strategy, opr] of AMOPS) if (fam === family) out.set(opr, strategy);
  return out;
}

const STRATEGY_NAMES: Readonly<Record<string, readonly (string | undefined)[]>> = {
  btree: [undefined, '<', '<=', '=', '>=', '>'],
  brin: [undefined, '<', '<=', '=', '>=', '>'],
  // ranges: range_inclusion_ops' R-tree strategy numbers
  brin_inclusion: (() => {
    const names: (string | undefined)[] = Array.from({ length: 24 }, () => undefined);
    for (const [n, op] of [
      [1, '<<'],
      [2, '&<'],
      [3, '&&'],
      [4, '&>'],
      [5, '>>'],
      [7, '@>'],
      [8, '<@'],
      [16, '@>'],
      [17, '-|-'],
      [18, '='],
      [20, '<'],
      [21, '<='],
      [22, '>'],
      [23, '>='],
    ] as const)
      names[n] = op;
    return names;
  })(),
  hash: [undefined, '='],
  gin_array: [undefined, '&&', '@>', '<@', '='],
  gin_jsonb: [
    ...Array.from({ length: 7 }, () => undefined),
    '@>',
    undefined,
    '?',
    '?|',
    '?&',
    undefined,
    undefined,
    undefined,
    '@?',
    '@@',
  ],
};

/** One operator of a family as the planner matches it: name, operand types and strategy number. */
export interface FamilyOperator {
  readonly name: string;
  readonly left: number;
  readonly right: number;
  readonly strategy: number;
}

/** The operators (pg_amop) of an operator family, by name and operand types. */
export function familyStrategies(family: number): readonly FamilyOperator[] {
  const am = OPFAMILIES.find((f) => f[0] === family)?.[1];
  if (am === undefined) return [];
  const names =
    STRATEGY_NAMES[
      am === 'gin'
        ? family === 2745
          ? 'gin_array'
          : 'gin_jsonb'
        : family === 4103 // ranges
          ? 'brin_inclusion'
          : am
    ];
  const out: FamilyOperator[] = [];
  for (const [, fam, left, right, strategy] of AMOPS) {
    const name = names?.[strategy];
    if (fam === family && name !== undefined) out.push({ name, left, right, strategy });
  }
  return out;
}

/** The initdb rows of pg_opclass, pg_opfamily and pg_amop for these AMs. */
export function indexAmCatalogRows(catalog: string): Record<string, unknown>[] {
  switch (catalog) {
    case 'pg_opclass':
      return INDEX_AM_OPCLASSES.map((c) => ({
        oid: c.oid,
        opcmethod: INDEX_AM_OIDS[c.am],
        opcname: c.name,
        opcnamespace: 11,
        opcowner: 10,
        opcfamily: c.family,
        opcintype: c.inType,
        opcdefault: c.isDefault,
        opckeytype: c.keyType,
      }));
    case 'pg_opfamily':
      return OPFAMILIES.map(([oid, am, name]) => ({
        oid,
        opfmethod: INDEX_AM_OIDS[am],
        opfname: name,
        opfnamespace: 11,
        opfowner: 10,
      }));
    case 'pg_amop': {
      const amOf = new Map(OPFAMILIES.map(([oid, am]) => [oid, INDEX_AM_OIDS[am]]));
      return AMOPS.map(([oid, fam, left, right, strategy, opr]) => ({
        oid,
        amopfamily: fam,
        amoplefttype: left,
        amoprighttype: right,
        amopstrategy: strategy,
        amoppurpose: 's',
        amopopr: opr,
        amopmethod: amOf.get(fam) ?? 0,
        amopsortfamily: 0,
      }));
    }
    default:
      return [];
  }
}

const VARCHAR = 1043;
const TEXT = 25;

/** Whether `typeOid` can be given to an opclass whose input type is `inType` (binary-coercible). */
function accepts(inType: number, typeOid: number): boolean {
  if (inType === typeOid) return true;
  if (inType === ANYARRAY) return builtins.type(typeOid)?.elemOid !== undefined && isArray(typeOid);
  if (inType === ANYRANGE) return isRangeType(typeOid); // ranges
  return inType === TEXT && typeOid === VARCHAR;
}

function isArray(typeOid: number): boolean {
  const t = builtins.type(typeOid);
  return t !== undefined && (t.elemOid ?? 0) !== 0 && t.len === -1 && t.name.startsWith('_');
}

function typeDisplay(typeOid: number): string {
  return builtins.type(typeOid)?.displayName ?? String(typeOid);
}

/**
 * ResolveOpClass / GetDefaultOpClass for a non-B-tree AM: the named class
 * (42704 when it does not exist for the AM, 42804 when it does not accept
 * the column's type), or the type's default (42704 with PostgreSQL's hint).
 */
export function resolveOpclass(
  am: Exclude<IndexAmName, 'btree'>,
  typeOid: number,
  name: string | undefined,
): OpclassDef {
  const ofAm = INDEX_AM_OPCLASSES.filter((c) => c.am === am);
  if (name !== undefined) {
    const named = ofAm.filter((c) => c.name === name);
    if (named.length === 0)
      throw new SqlError(
        '42704',
        `operator class "${name}" does not exist for access method "${am}"`,
      );
    const ok = named.find((c) => accepts(c.inType, typeOid));
    if (ok === undefined)
      throw new SqlError(
        '42804',
        `operator class "${name}" does not accept data type ${typeDisplay(typeOid)}`,
      );
    return ok;
  }
  const exact = ofAm.find((c) => c.isDefault && c.inType === typeOid);
  const found = exact ?? ofAm.find((c) => c.isDefault && accepts(c.inType, typeOid));
  if (found === undefined)
    throw new SqlError(
      '42704',
      `data type ${typeDisplay(typeOid)} has no default operator class for access method "${am}"`,
      {
        hint: 'You must specify an operator class for the index or define a default operator class for the data type.',
      },
    );
  return found;
}

export function opclassByOid(oid: number): OpclassDef | undefined {
  return INDEX_AM_OPCLASSES.find((c) => c.oid === oid);
}

// ---------------------------------------------------------------- reloptions

interface RelOptionDef {
  readonly kind: 'bool' | 'int';
  readonly min?: number;
  readonly max?: number;
}

const RELOPTIONS: Readonly<Record<IndexAmName, Readonly<Record<string, RelOptionDef>>>> = {
  btree: {
    fillfactor: { kind: 'int', min: 10, max: 100 },
    deduplicate_items: { kind: 'bool' },
  },
  hash: { fillfactor: { kind: 'int', min: 10, max: 100 } },
  gin: {
    fastupdate: { kind: 'bool' },
    gin_pending_list_limit: { kind: 'int', min: 64, max: 2147483647 },
  },
  brin: {
    pages_per_range: { kind: 'int', min: 1, max: 131072 },
    autosummarize: { kind: 'bool' },
  },
};

const BOOL_WORDS = new Map<string, boolean>([
  ['true', true],
  ['false', false],
  ['on', true],
  ['off', false],
  ['yes', true],
  ['no', false],
  ['1', true],
  ['0', false],
]);

/**
 * index_reloptions' validation: WITH (name = value, ...) as `name=value`
 * strings (a bare name is `name=true`), each name known to the AM, each
 * value of its kind and in bounds (22023 otherwise, PostgreSQL's texts).
 */
export function validateReloptions(
  am: IndexAmName,
  options: readonly { readonly name: string; readonly value: string | undefined }[],
): string[] {
  const defs = RELOPTIONS[am];
  const out: string[] = [];
  for (const o of options) {
    const def = defs[o.name];
    if (def === undefined) throw new SqlError('22023', `unrecognized parameter "${o.name}"`);
    const value = o.value ?? 'true';
    if (def.kind === 'bool') {
      const v = value.toLowerCase();
      if (!BOOL_WORDS.has(v) && !['t', 'f', 'y', 'n'].includes(v))
        throw new SqlError('22023', `invalid value for boolean option "${o.name}": ${value}`);
    } else {
      const t = value.trim();
      if (!/^[+-]?\d+$/.test(t))
        throw new SqlError('22023', `invalid value for integer option "${o.name}": ${value}`);
      const n = Number(t);
      if (n < (def.min ?? -Infinity) || n > (def.max ?? Infinity))
        throw new SqlError('22023', `value ${t} out of bounds for option "${o.name}"`, {
          detail: `Valid values are between "${def.min}" and "${def.max}".`,
        });
    }
    out.push(`${o.name}=${value}`);
  }
  return out;
}

/** A reloption's value from `name=value` strings, or undefined. */
export function reloption(reloptions: readonly string[], name: string): string | undefined {
  const hit = reloptions.find((o) => o.startsWith(`${name}=`));
  return hit === undefined ? undefined : hit.slice(name.length + 1);
}

export function reloptionBool(reloptions: readonly string[], name: string): boolean | undefined {
  const v = reloption(reloptions, name)?.toLowerCase();
  if (v === undefined) return undefined;
  return BOOL_WORDS.get(v) ?? (v === 't' || v === 'y');
}

// ---------------------------------------------------------------- opening and building

/** What opening a gin, brin or hash index needs. */
export interface IndexAmOpenOptions {
  readonly am: Exclude<IndexAmName, 'btree'>;
  readonly pool: BufferPool;
  readonly rel: RelFileLocator;
  readonly descriptor: IndexDescriptor;
  /** indclass: one operator class OID per key column. */
  readonly opclasses: readonly number[];
  readonly reloptions: readonly string[];
  /** The table's heap (BRIN summarises from it). */
  readonly heap: Heap;
  /** The heap's values of one stored tuple → the index's key values (expressions applied), for BRIN summaries. */
  readonly entryOf: (values: readonly unknown[]) => unknown[] | undefined;
  readonly inserter?: XLogInserter;
}

// biome-ignore lint/suspicious/noExplicitAny: operator classes differ in their types
function ginOpclass(oid: number, typeOid: number): GinOpClass<any, any, any> {
  const c = opclassByOid(oid);
  switch (c?.name) {
    case 'jsonb_ops':
      return jsonbOps;
    case 'jsonb_path_ops':
      return jsonbPathOps;
    case 'array_ops': {
      const elem = builtins.type(builtins.type(typeOid)?.elemOid ?? 0);
      if (elem === undefined)
        throw new SqlError('XX000', `cache lookup failed for the element type of ${typeOid}`);
      // biome-ignore lint/suspicious/noExplicitAny: an element type of any array
      return arrayOps('array_ops', elem as any);
    }
    default:
      throw new SqlError('XX000', `operator class ${oid} is not a GIN operator class`);
  }
}

/**
 * BRIN's view of the heap: its size, and every stored tuple of a block
 * range whoever may see it (table_index_build_range_scan with SnapshotAny:
 * a summary must cover in-progress and recently dead rows too).
 */
function brinHeap(heap: Heap, entryOf: IndexAmOpenOptions['entryOf']): BrinHeap {
  return {
    nblocks: () => heap.nblocks(),
    *tuples(start: number, end: number): Iterable<IndexBuildTuple> {
      const last = Math.min(end, heap.nblocks());
      for (let block = start; block < last; block++) {
        const page = Page.wrap(heap.readCopy(block));
        if (page.isNew()) continue;
        for (let offset = 1; offset <= page.maxOffsetNumber; offset++) {
          if (page.itemId(offset).flags !== LP_NORMAL) continue;
          const tid = { block, offset };
          const values = entryOf(heap.valuesAt(tid));
          if (values !== undefined) yield { tid, values };
        }
      }
    },
  };
}

/** ranges: each key column's BRIN operator class (minmax unless it is range_inclusion_ops). */
function brinOpclasses(o: IndexAmOpenOptions): (BrinOpclass | undefined)[] {
  return o.descriptor.keys.map((_, i) =>
    opclassByOid(o.opclasses[i] ?? 0)?.family === 4103 ? rangeInclusionOps : undefined,
  );
}

function openOptions(o: IndexAmOpenOptions) {
  return {
    pool: o.pool,
    rel: o.rel,
    descriptor: o.descriptor,
    ...(o.inserter ? { inserter: o.inserter } : {}),
  };
}

/** WITH (fastupdate, gin_pending_list_limit): the pending list's settings (kB, as the option). */
function ginPendingOptions(reloptions: readonly string[]) {
  const fastupdate = reloptionBool(reloptions, 'fastupdate');
  const limit = reloption(reloptions, 'gin_pending_list_limit');
  return {
    ...(fastupdate !== undefined ? { fastupdate } : {}),
    ...(limit !== undefined ? { pendingListLimit: Number(limit) } : {}),
  };
}

/** Opens an existing gin, brin or hash index (the relcache's index object). */
export function openIndexAm(o: IndexAmOpenOptions): IndexAccessMethod {
  switch (o.am) {
    case 'gin':
      return new Gin({
        pool: o.pool,
        rel: o.rel,
        name: o.descriptor.name,
        opclasses: o.descriptor.keys.map((k, i) => ginOpclass(o.opclasses[i] ?? 0, k.type.oid)),
        ...(o.inserter ? { inserter: o.inserter } : {}),
        ...ginPendingOptions(o.reloptions),
      });
    case 'brin':
      return new Brin({
        ...openOptions(o),
        opclasses: brinOpclasses(o),
        heap: brinHeap(o.heap, o.entryOf),
        autosummarize: reloptionBool(o.reloptions, 'autosummarize') ?? false,
      });
    case 'hash':
      return new HashIndex(openOptions(o));
  }
}

/**
 * ambuildempty + ambuild: creates the index's file and fills it from the
 * heap's entries. The one function that builds a gin, brin or hash index
 * (CREATE INDEX; REINDEX and VACUUM FULL can call it on a new relfilenode).
 */
export function buildIndexAm(
  o: IndexAmOpenOptions,
  entries: readonly IndexBuildTuple[],
): IndexAccessMethod {
  let index: IndexAccessMethod;
  switch (o.am) {
    case 'gin':
      index = Gin.create({
        pool: o.pool,
        rel: o.rel,
        name: o.descriptor.name,
        opclasses: o.descriptor.keys.map((k, i) => ginOpclass(o.opclasses[i] ?? 0, k.type.oid)),
        ...(o.inserter ? { inserter: o.inserter } : {}),
        ...ginPendingOptions(o.reloptions),
      });
      break;
    case 'brin': {
      const ppr = reloption(o.reloptions, 'pages_per_range');
      index = Brin.create({
        ...openOptions(o),
        opclasses: brinOpclasses(o),
        heap: brinHeap(o.heap, o.entryOf),
        autosummarize: reloptionBool(o.reloptions, 'autosummarize') ?? false,
        ...(ppr !== undefined ? { pagesPerRange: Number(ppr) } : {}),
      });
      break;
    }
    case 'hash':
      index = HashIndex.create({ ...openOptions(o), numTuples: entries.length });
      break;
  }
  index.build(entries);
  return index;
}

// ---------------------------------------------------------------- pg_get_indexdef

const RESERVED_VALUES = new Set(['true', 'false', 'on', 'null', 'all', 'default', 'user']);

/**
 * pg_get_indexdef's pieces that depend on the AM: the AM's name, the
 * operator class after key column `i` when it is not its type's default
 * (get_opclass_name), and ` WITH (...)` from reloptions (flatten_reloptions:
 * a value stays bare when quote_identifier leaves it so, else is quoted).
 */
export function indexDefParts(
  relam: number,
  indclass: readonly number[],
  reloptions: readonly (string | null)[] | null | undefined,
): {
  readonly am: string;
  opclass(i: number, typeOid: number): string;
  readonly withClause: string;
} {
  const am = amNameOfOid(relam);
  const opts = (reloptions ?? []).filter((o): o is string => o !== null);
  const withClause =
    opts.length === 0
      ? ''
      : ` WITH (${opts
          .map((o) => {
            const eq = o.indexOf('=');
            const name = eq < 0 ? o : o.slice(0, eq);
            const value = eq < 0 ? '' : o.slice(eq + 1);
            const bare = /^[a-z_][a-z0-9_$]*$/.test(value) && !RESERVED_VALUES.has(value);
            return `${name}=${bare ? value : `'${value.replaceAll("'", "''")}'`}`;
          })
          .join(', ')})`;
  return {
    am,
    opclass(i, typeOid) {
      if (am === 'btree') return '';
      const c = opclassByOid(indclass[i] ?? 0);
      if (c === undefined) return '';
      try {
        if (resolveOpclass(c.am as Exclude<IndexAmName, 'btree'>, typeOid, undefined).oid === c.oid)
          return '';
      } catch {
        // no default: the class is printed
      }
      return ` ${c.name}`;
    },
    withClause,
  };
}
