/**
 * Type facts and coercion pathways, as PostgreSQL's parse_type.c and
 * parse_coerce.c decide them: type names, categories and preferred types,
 * find_coercion_pathway, can_coerce_type (with polymorphic parameters),
 * and select_common_type.
 */
import {
  type CastContext,
  type CastDef,
  type Registry,
  rangeSubtype,
  rangeTypeOf,
  SqlError,
  TypeOid,
} from '@pg/types';
import { Code, PositionedSqlError } from './errors.js';
import type { PNode } from './parse.js';

/** The pseudo-type of a string literal or parameter whose type is not known yet. */
export const UNKNOWN = TypeOid.unknown;

const PSEUDO: ReadonlySet<number> = new Set([
  TypeOid.any,
  TypeOid.anyarray,
  TypeOid.anyelement,
  TypeOid.anynonarray,
  TypeOid.anycompatible,
  TypeOid.anycompatiblearray,
  TypeOid.anyrange, // ranges
  TypeOid.record,
  TypeOid.void,
]);

export function isPolymorphic(oid: number): boolean {
  return PSEUDO.has(oid) && oid !== TypeOid.record && oid !== TypeOid.void;
}

/** typcategory: 'X' for unknown, 'P' for pseudo-types. */
export function typeCategory(registry: Registry, oid: number): string {
  if (oid === UNKNOWN) return 'X';
  if (PSEUDO.has(oid)) return 'P';
  return registry.type(oid)?.category ?? 'U';
}

/** IsPreferredType: `oid` is the preferred type of `category`. */
export function isPreferredType(registry: Registry, category: string, oid: number): boolean {
  if (typeCategory(registry, oid) !== category) return false;
  return registry.type(oid)?.preferred ?? false;
}

/** format_type_be: the name PostgreSQL prints in messages. */
export function typeName(registry: Registry, oid: number): string {
  switch (oid) {
    case UNKNOWN:
      return 'unknown';
    case TypeOid.any:
      return '"any"';
    case TypeOid.anyarray:
      return 'anyarray';
    case TypeOid.anyelement:
      return 'anyelement';
    case TypeOid.anynonarray:
      return 'anynonarray';
    case TypeOid.anycompatible:
      return 'anycompatible';
    case TypeOid.anycompatiblearray:
      return 'anycompatiblearray';
    case TypeOid.anyrange: // ranges
      return 'anyrange';
    case TypeOid.record:
      return 'record';
    case TypeOid.void:
      return 'void';
  }
  return registry.type(oid)?.displayName ?? `type ${oid}`;
}

export function isArrayType(registry: Registry, oid: number): boolean {
  const t = registry.type(oid);
  return t !== undefined && t.elemOid !== 0 && t.len === -1;
}

export function elementType(registry: Registry, oid: number): number {
  return isArrayType(registry, oid) ? registry.type(oid)!.elemOid : 0;
}

export function arrayTypeOf(registry: Registry, oid: number): number {
  return registry.type(oid)?.arrayOid ?? 0;
}

/** How a value of one type becomes another (find_coercion_pathway's answer). */
export type Pathway =
  | { readonly kind: 'none' }
  | { readonly kind: 'same' }
  | { readonly kind: 'cast'; readonly cast: CastDef }
  | { readonly kind: 'io' };

const RANK: Readonly<Record<CastContext, number>> = { i: 0, a: 1, e: 2 };

/**
 * int2vector (22) and oidvector (30), catalog-only types whose values are
 * JavaScript arrays: the array type each is binary-coercible to
 * (pg_cast: int2vector -> int2[], oidvector -> oid[]), lower bound 0.
 */
export const VECTOR_ARRAY_TYPE: ReadonlyMap<number, number> = new Map([
  [22, 1005],
  [30, 1028],
]);

/** The cast of a vector type to its array type (or to text: int2vectorout / oidvectorout). */
export function vectorCast(source: number, target: number): CastDef | undefined {
  if (VECTOR_ARRAY_TYPE.get(source) === target) {
    return {
      source,
      target,
      context: 'i',
      method: 'f',
      fn: (v) => {
        const elements = [...(v as readonly number[])];
        return { dims: elements.length > 0 ? [elements.length] : [], lbounds: [0], elements };
      },
    };
  }
  if (VECTOR_ARRAY_TYPE.has(source) && (target === 25 || target === 1043)) {
    return { source, target, context: 'a', method: 'f', fn: (v) => (v as number[]).join(' ') };
  }
  return undefined;
}

/** find_coercion_pathway for two real (non-pseudo, non-unknown) types. */
export function findCoercionPathway(
  registry: Registry,
  source: number,
  target: number,
  context: CastContext,
): Pathway {
  if (source === target) return { kind: 'same' };
  // issue 10 (H9): regproc (24, a catalog-only type here) is an oid, binary-coercible both ways
  if ((source === 24 && target === 26) || (source === 26 && target === 24))
    return { kind: 'cast', cast: { source, target, context: 'i', method: 'b' } };
  const vector = vectorCast(source, target);
  if (vector)
    return RANK[vector.context] <= RANK[context]
      ? { kind: 'cast', cast: vector }
      : { kind: 'none' };
  const cast = registry.cast(source, target);
  if (cast) return RANK[cast.context] <= RANK[context] ? { kind: 'cast', cast } : { kind: 'none' };
  // Arrays: when the element types have a pathway, the array converts element by element.
  const se = elementType(registry, source);
  const te = elementType(registry, target);
  if (se !== 0 && te !== 0) {
    const elem = findCoercionPathway(registry, se, te, context);
    return elem.kind === 'none' ? elem : { kind: 'io' };
  }
  // Automatic I/O conversion: to a string type in assignment context, from one explicitly.
  if (context !== 'i' && typeCategory(registry, target) === 'S' && te === 0) return { kind: 'io' };
  if (context === 'e' && typeCategory(registry, source) === 'S' && se === 0) return { kind: 'io' };
  return { kind: 'none' };
}

/** can_coerce_type for one argument (polymorphic targets are checked separately). */
export function canCoerce(
  registry: Registry,
  source: number,
  target: number,
  context: CastContext,
): boolean {
  if (source === target || target === TypeOid.any) return true;
  if (source === UNKNOWN) return !PSEUDO.has(target) || isPolymorphic(target);
  if (isPolymorphic(target)) return true;
  return findCoercionPathway(registry, source, target, context).kind !== 'none';
}

/** What polymorphic parameters were bound to by a call's actual argument types. */
export interface PolyBinding {
  /** anyelement's type (0 when unbound). */
  readonly elem: number;
  /** anycompatible's common type (0 when unbound). */
  readonly compatible: number;
}

/**
 * check_generic_type_consistency: whether the actual types fit the
 * declared (possibly polymorphic) ones; undefined when they do not.
 */
export function bindPolymorphic(
  registry: Registry,
  actual: readonly number[],
  declared: readonly number[],
): PolyBinding | undefined {
  let elem = 0;
  const compat: number[] = [];
  for (let i = 0; i < declared.length; i++) {
    const d = declared[i]!;
    const a = actual[i]!;
    if (!isPolymorphic(d) || d === TypeOid.any || a === UNKNOWN) continue;
    let e: number;
    if (d === TypeOid.anyelement || d === TypeOid.anynonarray) {
      if (d === TypeOid.anynonarray && isArrayType(registry, a)) return undefined;
      e = a;
    } else if (d === TypeOid.anyarray) {
      e = elementType(registry, a);
      if (e === 0) return undefined;
    } else if (d === TypeOid.anyrange) {
      // ranges: anyrange binds anyelement to the range's subtype
      e = rangeSubtype(a);
      if (e === 0) return undefined;
    } else if (d === TypeOid.anycompatible) {
      compat.push(a);
      continue;
    } else {
      const ce = elementType(registry, a);
      if (ce === 0) return undefined;
      compat.push(ce);
      continue;
    }
    if (elem !== 0 && elem !== e) return undefined;
    elem = e;
  }
  let compatible = 0;
  if (compat.length > 0) {
    const common = commonTypeOf(registry, compat);
    if (common === undefined) return undefined;
    if (!compat.every((t) => canCoerce(registry, t, common, 'i'))) return undefined;
    compatible = common;
  }
  return { elem, compatible };
}

/** The declared type with polymorphic parameters replaced by what they were bound to. */
export function substitutePolymorphic(
  registry: Registry,
  declared: number,
  actual: number,
  binding: PolyBinding,
): number {
  switch (declared) {
    case TypeOid.any:
      return actual === UNKNOWN ? TypeOid.text : actual;
    case TypeOid.anyelement:
    case TypeOid.anynonarray:
      return binding.elem !== 0 ? binding.elem : actual === UNKNOWN ? TypeOid.text : actual;
    case TypeOid.anyarray:
      return binding.elem !== 0 ? arrayTypeOf(registry, binding.elem) : actual;
    case TypeOid.anyrange: // ranges
      return binding.elem !== 0 && rangeTypeOf(binding.elem) !== 0
        ? rangeTypeOf(binding.elem)
        : actual;
    case TypeOid.anycompatible:
      return binding.compatible !== 0 ? binding.compatible : TypeOid.text;
    case TypeOid.anycompatiblearray:
      return binding.compatible !== 0
        ? arrayTypeOf(registry, binding.compatible)
        : arrayTypeOf(registry, TypeOid.text);
    default:
      return declared;
  }
}

/**
 * select_common_type's algorithm over types: undefined when two known
 * types are of different categories (the caller raises the error).
 * All-unknown resolves to text. Returns the index of the winner too.
 */
export function selectCommonType(
  registry: Registry,
  types: readonly number[],
): { type: number; conflict?: { at: number; left: number; right: number } } {
  let ptype = types[0] ?? UNKNOWN;
  if (ptype !== UNKNOWN && types.every((t) => t === ptype)) return { type: ptype };
  let pcat = typeCategory(registry, ptype);
  let ppref = isPreferredType(registry, pcat, ptype);
  for (let i = 1; i < types.length; i++) {
    const ntype = types[i]!;
    if (ntype === UNKNOWN || ntype === ptype) continue;
    const ncat = typeCategory(registry, ntype);
    const npref = isPreferredType(registry, ncat, ntype);
    if (ptype === UNKNOWN) {
      ptype = ntype;
      pcat = ncat;
      ppref = npref;
    } else if (ncat !== pcat) {
      return { type: 0, conflict: { at: i, left: ptype, right: ntype } };
    } else if (
      !ppref &&
      canCoerce(registry, ptype, ntype, 'i') &&
      !canCoerce(registry, ntype, ptype, 'i')
    ) {
      ptype = ntype;
      pcat = ncat;
      ppref = npref;
    }
  }
  return { type: ptype === UNKNOWN ? TypeOid.text : ptype };
}

function commonTypeOf(registry: Registry, types: readonly number[]): number | undefined {
  const r = selectCommonType(registry, types);
  return r.conflict ? undefined : r.type;
}

/**
 * A TypeName parse node to its OID and typmod (typenameTypeIdAndMod):
 * `int`, `integer`, `varchar(10)`, `numeric(10,2)`, `timestamp with time
 * zone`, `int[]`. 42704 for an unknown type.
 */
export function resolveTypeName(
  typeNameNode: PNode,
  registry: Registry,
  position?: (loc: number | undefined) => number | undefined,
): { oid: number; typmod: number } {
  const tn = typeNameNode.TypeName ?? typeNameNode;
  const names: string[] = (tn.names ?? []).map((n: PNode) => n.String?.sval ?? '');
  const loc: number | undefined = tn.location;
  const pos = position?.(loc);
  const at = pos !== undefined ? { position: pos } : {};
  if (tn.pct_type)
    throw new PositionedSqlError(Code.FEATURE_NOT_SUPPORTED, '%TYPE is not supported', at);
  const raw = names[names.length - 1] ?? '';
  const schema = names.length > 1 ? names[names.length - 2] : undefined;
  const display = names.join('.');
  // The grammar already turns int, integer, float, ... into pg_catalog.int4 and so on, so a
  // quoted "int" is looked up as it is (and does not exist), as in PostgreSQL.
  let base = registry.typeByName(raw);
  // issue 10 (H9): no regproc type in the registry; pg_dump's `x::regproc` reads the OID
  if (!base && raw === 'regproc') base = registry.typeByName('oid');
  if (schema !== undefined && schema !== 'pg_catalog') base = undefined;
  if (!base) {
    throw new PositionedSqlError(Code.UNDEFINED_OBJECT, `type "${display}" does not exist`, at);
  }
  let typmod = -1;
  const mods: PNode[] = tn.typmods ?? [];
  if (mods.length > 0) {
    const values = mods.map((m) => {
      const c = m.A_Const;
      if (c?.ival !== undefined) return Number(c.ival.ival ?? 0);
      throw new PositionedSqlError(
        Code.SYNTAX_ERROR,
        'type modifiers must be simple constants or identifiers',
        at,
      );
    });
    if (!base.typmodIn) {
      throw new PositionedSqlError(
        Code.SYNTAX_ERROR,
        `type modifier is not allowed for type "${base.name}"`,
        at,
      );
    }
    try {
      typmod = base.typmodIn(values);
    } catch (e) {
      // typmodin's errors point at the type name, as parser_errposition does
      if (!(e instanceof SqlError) || e instanceof PositionedSqlError) throw e;
      throw new PositionedSqlError(e.code, e.message, at);
    }
  } else if (tn.typemod !== undefined && tn.typemod >= 0) {
    typmod = tn.typemod;
  }
  let oid = base.oid;
  if ((tn.arrayBounds ?? []).length > 0) {
    const arr = base.elemOid !== 0 && base.len === -1 ? base.oid : base.arrayOid;
    if (arr === 0) {
      throw new PositionedSqlError(
        Code.UNDEFINED_OBJECT,
        `could not find array type for data type ${base.displayName}`,
        at,
      );
    }
    oid = arr;
  }
  return { oid, typmod };
}
