/**
 * The catalog of types, functions, operators and casts, kept as data so the
 * catalog package can expose it as pg_type, pg_proc, pg_operator and
 * pg_cast rows. Each family of types (src/internal/<family>/) registers its
 * own entries; nothing here knows any particular type.
 */
import type { TypeContext } from './context.js';
import { SqlError, SqlState } from './errors.js';
import { TypeOid } from './oids.js';
import type { AnyPgType } from './type.js';

/** provolatile: immutable, stable, volatile. */
export type Volatility = 'i' | 's' | 'v';

export interface FunctionDef {
  /** proname. */
  readonly name: string;
  /** proargtypes: argument type OIDs (pseudo-types allowed: anyelement, anyarray, any). */
  readonly args: readonly number[];
  /** prorettype. */
  readonly result: number;
  readonly volatility: Volatility;
  /** proisstrict: returns NULL on any NULL argument without calling impl. */
  readonly strict: boolean;
  /** provariadic: the element type of a VARIADIC last argument (its args entry is the array type, or "any"). */
  readonly variadic?: number;
  /** proretset: impl returns an Iterable of results (unnest). */
  readonly retset?: boolean;
  /**
   * The implementation. Arguments arrive as JavaScript values of their
   * types, null for SQL NULL (only when not strict). The second argument
   * holds the session settings; `argTypes` the actual argument type OIDs
   * (useful for polymorphic functions).
   */
  readonly impl: (
    args: readonly unknown[],
    ctx: TypeContext,
    argTypes: readonly number[],
  ) => unknown;
}

export interface OperatorDef {
  /** oprname: '+', '||', '@>', '~~' (LIKE). */
  readonly name: string;
  /** oprleft: 0 for a prefix operator. */
  readonly left: number;
  readonly right: number;
  readonly result: number;
  /** oprcode: the name of the function implementing it, registered with the same argument types. */
  readonly fn: string;
}

/** castcontext: implicit, assignment, explicit. */
export type CastContext = 'i' | 'a' | 'e';

export interface CastDef {
  readonly source: number;
  readonly target: number;
  readonly context: CastContext;
  /**
   * castmethod 'f' with an implementation, or 'b' (binary-coercible: the
   * value is the same). Casts through text I/O (castmethod 'i') are not
   * listed: every type has them, explicit, as in PostgreSQL.
   */
  readonly method: 'f' | 'b';
  /** Converts; typmod is the target's typmod (-1 for none). */
  readonly fn?: (value: unknown, typmod: number, ctx: TypeContext, isExplicit: boolean) => unknown;
  /**
   * The cast function takes the target typmod as its second argument
   * (pronargs >= 2, as bit(int4, int4)): its result already has that typmod,
   * so no separate length coercion follows.
   */
  readonly typmodArg?: boolean;
}

const CONTEXT_RANK: Readonly<Record<CastContext, number>> = { i: 0, a: 1, e: 2 };

const POLYMORPHIC: ReadonlySet<number> = new Set([
  TypeOid.anyelement,
  TypeOid.anyarray,
  TypeOid.anynonarray,
  TypeOid.anycompatible,
  TypeOid.anycompatiblearray,
  TypeOid.any,
  TypeOid.anyrange, // ranges
]);

export class Registry {
  readonly #types = new Map<number, AnyPgType>();
  readonly #typesByName = new Map<string, AnyPgType>();
  readonly #functions = new Map<string, FunctionDef[]>();
  readonly #operators: OperatorDef[] = [];
  /** The operators by name, so a lookup does not scan all of them. */
  readonly #operatorsByName = new Map<string, OperatorDef[]>();
  readonly #casts = new Map<string, CastDef>();

  addType(type: AnyPgType): void {
    if (this.#types.has(type.oid)) throw new Error(`type ${type.oid} registered twice`);
    this.#types.set(type.oid, type);
    this.#typesByName.set(type.name, type);
  }

  addFunction(def: FunctionDef): void {
    const list = this.#functions.get(def.name) ?? [];
    if (list.some((f) => sameArgs(f.args, def.args))) {
      throw new Error(`function ${def.name}(${def.args.join(',')}) registered twice`);
    }
    list.push(def);
    this.#functions.set(def.name, list);
  }

  addOperator(def: OperatorDef): void {
    this.#operators.push(def);
    const same = this.#operatorsByName.get(def.name);
    if (same) same.push(def);
    else this.#operatorsByName.set(def.name, [def]);
  }

  addCast(def: CastDef): void {
    const key = `${def.source}:${def.target}`;
    if (this.#casts.has(key)) throw new Error(`cast ${key} registered twice`);
    this.#casts.set(key, def);
  }

  /** The type with this OID, or undefined. */
  type(oid: number): AnyPgType | undefined {
    return this.#types.get(oid);
  }

  /** The type with this OID; throws when unknown. */
  mustType(oid: number): AnyPgType {
    const t = this.#types.get(oid);
    if (!t) throw new SqlError(SqlState.INTERNAL_ERROR, `cache lookup failed for type ${oid}`);
    return t;
  }

  /** The type called `name` in pg_type (typname), e.g. 'int4', '_text'. */
  typeByName(name: string): AnyPgType | undefined {
    return this.#typesByName.get(name);
  }

  types(): AnyPgType[] {
    return [...this.#types.values()];
  }

  functions(): FunctionDef[] {
    return [...this.#functions.values()].flat();
  }

  operators(): readonly OperatorDef[] {
    return this.#operators;
  }

  casts(): CastDef[] {
    return [...this.#casts.values()];
  }

  cast(source: number, target: number): CastDef | undefined {
    return this.#casts.get(`${source}:${target}`);
  }

  /**
   * The function `name` taking exactly these argument types, or one whose
   * polymorphic parameters accept them. (Full overload resolution with
   * implicit casts is the analyzer's job.)
   */
  findFunction(name: string, argTypes: readonly number[]): FunctionDef | undefined {
    const list = this.#functions.get(name);
    if (!list) return undefined;
    return (
      list.find((f) => sameArgs(f.args, argTypes)) ??
      list.find((f) => this.#acceptsPolymorphic(f, argTypes))
    );
  }

  findOperator(name: string, left: number, right: number): OperatorDef | undefined {
    const candidates = this.#operatorsByName.get(name) ?? [];
    return (
      candidates.find((o) => o.left === left && o.right === right) ??
      candidates.find(
        (o) =>
          (o.left === left || this.#matchesPseudo(o.left, left)) &&
          (o.right === right || this.#matchesPseudo(o.right, right)),
      )
    );
  }

  /** Calls `name(args)` with these argument types; NULL handling per strictness. */
  call(
    name: string,
    argTypes: readonly number[],
    args: readonly unknown[],
    ctx: TypeContext,
  ): unknown {
    const fn = this.findFunction(name, argTypes);
    if (!fn) {
      const names = argTypes.map((t) => this.type(t)?.displayName ?? String(t)).join(', ');
      throw new SqlError(SqlState.UNDEFINED_FUNCTION, `function ${name}(${names}) does not exist`);
    }
    if (fn.strict && args.some((a) => a === null)) return null;
    return fn.impl(args, ctx, argTypes);
  }

  /** Applies the operator `name` to these operands (right only, for a prefix operator). */
  operate(
    name: string,
    left: number,
    right: number,
    args: readonly unknown[],
    ctx: TypeContext,
  ): unknown {
    const op = this.findOperator(name, left, right);
    if (!op) {
      const l = left === 0 ? '' : `${this.type(left)?.displayName ?? left} `;
      const r = this.type(right)?.displayName ?? right;
      throw new SqlError(SqlState.UNDEFINED_FUNCTION, `operator does not exist: ${l}${name} ${r}`);
    }
    return this.call(op.fn, left === 0 ? [right] : [left, right], args, ctx);
  }

  /**
   * Converts `value` of type `source` to `target` as a cast in `context`
   * would (find_coercion_pathway): the same type applies the typmod; a
   * pg_cast entry allowed in this context converts; otherwise a conversion
   * through text I/O, allowed to string types in assignment context and
   * from string types explicitly, as in PostgreSQL. Anything else is
   * `42846 cannot cast type X to Y`. NULL stays NULL.
   */
  coerce(
    value: unknown,
    source: number,
    target: number,
    typmod: number,
    context: CastContext,
    ctx: TypeContext,
  ): unknown {
    if (value === null) return null;
    const to = this.mustType(target);
    const isExplicit = context === 'e';
    const applyTypmod = (v: unknown) =>
      typmod >= 0 && to.applyTypmod ? to.applyTypmod(v, typmod, isExplicit) : v;
    if (source === target) return applyTypmod(value);
    const from = this.mustType(source);
    const cast = this.cast(source, target);
    if (cast && CONTEXT_RANK[cast.context] <= CONTEXT_RANK[context]) {
      if (cast.method === 'b') return applyTypmod(value);
      if (!cast.fn)
        throw new SqlError(SqlState.INTERNAL_ERROR, `cast ${source}->${target} has no function`);
      return applyTypmod(cast.fn(value, typmod, ctx, isExplicit));
    }
    const intoString = to.category === 'S' && context !== 'i';
    const fromString = from.category === 'S' && isExplicit;
    if (!cast && (intoString || fromString)) {
      return applyTypmod(to.input(from.output(value, ctx), typmod, ctx));
    }
    throw new SqlError(
      SqlState.CANNOT_COERCE,
      `cannot cast type ${from.displayName} to ${to.displayName}`,
    );
  }

  #matchesPseudo(param: number, actual: number): boolean {
    if (!POLYMORPHIC.has(param)) return false;
    if (param === TypeOid.any || param === TypeOid.anyelement || param === TypeOid.anycompatible) {
      return true;
    }
    const t = this.type(actual);
    if (param === TypeOid.anyrange) return t !== undefined && t.category === 'R'; // ranges
    const isArray = t !== undefined && t.elemOid !== 0 && t.len === -1;
    if (param === TypeOid.anynonarray) return !isArray;
    return isArray; // anyarray, anycompatiblearray
  }

  #acceptsPolymorphic(f: FunctionDef, argTypes: readonly number[]): boolean {
    const variadic = f.variadic !== undefined;
    if (!variadic && f.args.length !== argTypes.length) return false;
    if (variadic && argTypes.length < f.args.length - 1) return false;
    return argTypes.every((actual, i) => {
      const param = i < f.args.length ? f.args[i]! : f.args[f.args.length - 1]!;
      return param === actual || this.#matchesPseudo(param, actual);
    });
  }
}

function sameArgs(a: readonly number[], b: readonly number[]): boolean {
  return a.length === b.length && a.every((x, i) => x === b[i]);
}
