/**
 * The transition functions of PostgreSQL's built-in aggregates (the
 * transfn/finalfn pairs of pg_aggregate, reduced): a `Trans` is one
 * group's (or one window frame's) running state. `add` feeds one input —
 * the argument values of a row that passed FILTER — and `result` gives
 * the aggregate's value over what was fed so far; it may be called again
 * after more input (a window's running aggregate), so it never consumes
 * the state.
 *
 * Rules kept from PostgreSQL:
 *   F1 strict aggregates (all but array_agg, json[b]_agg,
 *      json[b]_object_agg and string_agg) skip an input whose arguments
 *      include a NULL; string_agg skips a NULL value and treats a NULL
 *      delimiter as empty; the first value's delimiter is never used;
 *   F2 over no input count gives 0 and every other aggregate NULL;
 *   F3 sum(int2/int4) -> int8, sum(int8) -> numeric (exact), avg of
 *      integers and numeric = numeric_div(sum, count); float avg, var and
 *      stddev use float8_accum's N, Sx, Sxx (Youngs-Cramer) with its
 *      overflow check;
 *   F4 var/stddev of integers and numeric: numeric_stddev_internal —
 *      numerator N*Sxx2 - Sx*Sx exact (0 when it is <= 0), divided by
 *      N*(N-1) (sample) or N*N (population) at numeric_div's scale, and
 *      the square root at that same scale; any NaN or infinite input
 *      gives NaN;
 *   F5 min/max keep the new value on ties, by the type's B-tree order;
 *   F6 array_agg of a non-array keeps NULLs; of arrays (one more
 *      dimension) rejects NULL (22004), empty (2202E) and differently
 *      shaped (2202E) inputs;
 *   F7 json[b]_object_agg rejects a NULL key (22023 field name must not
 *      be null) when the row is fed.
 */
import type { AggregateCall } from '@pg/sql';
import {
  type FunctionDef,
  jsonAgg,
  jsonbAgg,
  jsonbObjectAgg,
  jsonObjectAgg,
  type Numeric,
  type PgArray,
  type Registry,
  SqlError,
  TypeOid,
} from '@pg/types';
import type { EvalEnv } from './context.js';

/** One group's running state of one aggregate. */
export interface Trans {
  /** Feeds one input (the argument values, after FILTER). */
  add(args: readonly unknown[], env: EvalEnv): void;
  /** The aggregate's value over the inputs fed so far (callable repeatedly). */
  result(env: EvalEnv): unknown;
  /**
   * The inverse transition (PostgreSQL's msfunc/minvfunc pair): removes an
   * input fed earlier, so a window frame whose start moves need not be
   * aggregated again. Present only where the result stays exact
   * (count, sum and avg of integers).
   */
  remove?(args: readonly unknown[], env: EvalEnv): void;
}

export type TransFactory = () => Trans;

/** A transition over one non-NULL argument (the strict unary aggregates). */
interface Acc {
  add(v: unknown, env: EvalEnv): void;
  result(env: EvalEnv): unknown;
  remove?(v: unknown, env: EvalEnv): void;
}

const T = TypeOid;

/** The type of argument `i` of `call` (the argument expression's own type). */
export function argTypeOf(call: AggregateCall, i: number): number {
  const e = call.args[i];
  if (e !== undefined && e.type !== T.unknown) return e.type;
  return call.argTypes[i] ?? T.unknown;
}

/** The transition of aggregate `call` (by name and argument types). */
export function makeTransition(call: AggregateCall, registry: Registry): TransFactory {
  if (call.star || call.args.length === 0) {
    if (call.name !== 'count') {
      throw new SqlError('0A000', `aggregate ${call.name}() is not supported yet`);
    }
    return () => {
      let n = 0;
      return {
        add: () => {
          n++;
        },
        result: () => BigInt(n),
        remove: () => {
          n--;
        },
      };
    };
  }
  switch (call.name) {
    case 'string_agg':
      return stringAgg(argTypeOf(call, 0));
    case 'array_agg':
      return arrayAgg(argTypeOf(call, 0), registry);
    case 'json_agg':
    case 'jsonb_agg': {
      const type = argTypeOf(call, 0);
      const isJsonb = call.name === 'jsonb_agg';
      return () => {
        const values: unknown[] = [];
        return {
          add: (args) => {
            values.push(args[0] ?? null);
          },
          result: (env) =>
            isJsonb
              ? jsonbAgg(values, type, registry, env.tctx)
              : jsonAgg(values, type, registry, env.tctx),
        };
      };
    }
    case 'json_object_agg':
    case 'jsonb_object_agg': {
      const kt = argTypeOf(call, 0);
      const vt = argTypeOf(call, 1);
      const isJsonb = call.name === 'jsonb_object_agg';
      return () => {
        const pairs: (readonly [unknown, unknown])[] = [];
        return {
          add: (args) => {
            const k = args[0] ?? null;
            if (k === null) throw new SqlError('22023', 'field name must not be null');
            pairs.push([k, args[1] ?? null]);
          },
          result: (env) =>
            isJsonb
              ? jsonbObjectAgg(pairs, kt, vt, registry, env.tctx)
              : jsonObjectAgg(pairs, kt, vt, registry, env.tctx),
        };
      };
    }
    case 'corr':
    case 'covar_pop':
    case 'covar_samp':
    case 'regr_avgx':
    case 'regr_avgy':
    case 'regr_count':
    case 'regr_intercept':
    case 'regr_r2':
    case 'regr_slope':
    case 'regr_sxx':
    case 'regr_sxy':
    case 'regr_syy':
      return regression(call.name);
    default: {
      // strict aggregates: skip inputs with a NULL argument (F1)
      const make = strictAccumulator(call, registry);
      const arity = call.args.length;
      return () => {
        const acc = make();
        const t: Trans = {
          add: (args, env) => {
            for (let i = 0; i < arity; i++) if (args[i] === null) return;
            acc.add(args[0], env);
          },
          result: (env) => acc.result(env),
        };
        const remove = acc.remove;
        if (remove !== undefined) {
          t.remove = (args, env) => {
            for (let i = 0; i < arity; i++) if (args[i] === null) return;
            remove(args[0], env);
          };
        }
        return t;
      };
    }
  }
}

function strictAccumulator(call: AggregateCall, registry: Registry): () => Acc {
  const argType = argTypeOf(call, 0);
  switch (call.name) {
    case 'count':
      return () => {
        let n = 0;
        return { add: () => void n++, result: () => BigInt(n), remove: () => void n-- };
      };
    case 'min':
    case 'max': {
      const compare = registry.mustType(argType).compare;
      const sign = call.name === 'min' ? 1 : -1;
      return () => {
        let best: unknown = null;
        return {
          add: (v) => {
            if (best === null || sign * compare(best, v) >= 0) best = v;
          },
          result: () => best,
        };
      };
    }
    case 'bool_and':
    case 'every':
    case 'bool_or': {
      const isAnd = call.name !== 'bool_or';
      return () => {
        let r: boolean | null = null;
        return {
          add: (v) => {
            r = r === null ? v === true : isAnd ? r && v === true : r || v === true;
          },
          result: () => r,
        };
      };
    }
    case 'bit_and':
    case 'bit_or':
    case 'bit_xor':
      return bitAgg(call.name, argType, registry);
    case 'sum':
    case 'avg':
      return sumOrAvg(call.name, argType, registry);
    case 'stddev':
    case 'stddev_samp':
    case 'stddev_pop':
    case 'variance':
    case 'var_samp':
    case 'var_pop':
      return stats(call.name, argType, registry);
    default:
      throw new SqlError('0A000', `aggregate ${call.name} is not supported yet`);
  }
}

function findImpl(registry: Registry, name: string, args: readonly number[]): FunctionDef['impl'] {
  const f = registry.findFunction(name, args);
  if (f === undefined) throw new SqlError('XX000', `function ${name} is missing`);
  return f.impl;
}

// ---------------------------------------------------------------- numeric helpers

const NUMERIC_NAN = 0xc000;
const NUMERIC_NEG = 0x4000;

/** An exact decimal c * 10^-s. */
interface Dec {
  c: bigint;
  s: number;
}

/** A finite Numeric as c * 10^-dscale. */
function decOf(n: Numeric): Dec {
  let c = 0n;
  for (const d of n.digits) c = c * 10000n + BigInt(d);
  // digits[0] has weight `weight`: value = c * 10000^(weight - (len - 1))
  const exp4 = n.weight - (n.digits.length - 1);
  // scale to dscale decimal places: value * 10^dscale
  let e = exp4 * 4 + n.dscale;
  if (n.digits.length === 0) e = 0;
  if (e >= 0) c *= 10n ** BigInt(e);
  else c /= 10n ** BigInt(-e);
  if (n.sign === NUMERIC_NEG) c = -c;
  return { c, s: n.dscale };
}

function decText(d: Dec): string {
  const neg = d.c < 0n;
  let digits = (neg ? -d.c : d.c).toString();
  if (d.s > 0) {
    digits = digits.padStart(d.s + 1, '0');
    digits = `${digits.slice(0, digits.length - d.s)}.${digits.slice(digits.length - d.s)}`;
  }
  return neg ? `-${digits}` : digits;
}

function numericMaker(registry: Registry) {
  const type = registry.mustType(T.numeric);
  return (text: string, env: EvalEnv) => type.input(text, -1, env.tctx) as Numeric;
}

/** floor(sqrt(n)) for n >= 0. */
function isqrt(n: bigint): bigint {
  if (n < 2n) return n;
  let x = BigInt(Math.floor(Math.sqrt(Number(n))));
  while (x * x > n) x--;
  while ((x + 1n) * (x + 1n) <= n) x++;
  return x;
}

// ---------------------------------------------------------------- sum / avg

function sumOrAvg(name: 'sum' | 'avg', argType: number, registry: Registry): () => Acc {
  const mk = numericMaker(registry);
  switch (argType) {
    case T.int2:
    case T.int4:
    case T.int8: {
      const div = findImpl(registry, 'numeric_div', [T.numeric, T.numeric]);
      const types = [T.numeric, T.numeric];
      return () => {
        let sum = 0n;
        let n = 0;
        return {
          add: (v) => {
            sum += typeof v === 'bigint' ? v : BigInt(v as number);
            n++;
          },
          remove: (v) => {
            sum -= typeof v === 'bigint' ? v : BigInt(v as number);
            n--;
          },
          result: (env) => {
            if (n === 0) return null;
            if (name === 'avg') {
              return div([mk(sum.toString(), env), mk(String(n), env)], env.tctx, types);
            }
            return argType === T.int8 ? mk(sum.toString(), env) : sum;
          },
        };
      };
    }
    case T.numeric:
    case T.interval: {
      const isNumeric = argType === T.numeric;
      const add = findImpl(registry, isNumeric ? 'numeric_add' : 'interval_pl', [argType, argType]);
      const addTypes = [argType, argType];
      const div = isNumeric
        ? findImpl(registry, 'numeric_div', [T.numeric, T.numeric])
        : findImpl(registry, 'interval_div', [T.interval, T.float8]);
      const divTypes = isNumeric ? [T.numeric, T.numeric] : [T.interval, T.float8];
      return () => {
        let sum: unknown = null;
        let n = 0;
        return {
          add: (v, env) => {
            sum = sum === null ? v : add([sum, v], env.tctx, addTypes);
            n++;
          },
          result: (env) => {
            if (n === 0 || name === 'sum') return sum;
            const count = isNumeric ? mk(String(n), env) : n;
            return div([sum, count], env.tctx, divTypes);
          },
        };
      };
    }
    case T.float4:
    case T.float8: {
      if (name === 'sum') {
        const add = findImpl(registry, argType === T.float4 ? 'float4pl' : 'float8pl', [
          argType,
          argType,
        ]);
        const types = [argType, argType];
        return () => {
          let sum: unknown = null;
          return {
            add: (v, env) => {
              sum = sum === null ? v : add([sum, v], env.tctx, types);
            },
            result: () => sum,
          };
        };
      }
      return () => {
        const s = float8Accum();
        return { add: (v) => s.add(v as number), result: () => (s.n === 0 ? null : s.sx / s.n) };
      };
    }
    default:
      throw new SqlError('0A000', `${name} of type ${argType} is not supported yet`);
  }
}

const isInf = (x: number) => x === Number.POSITIVE_INFINITY || x === Number.NEGATIVE_INFINITY;

/** float8_accum's state: N, Sx and Sxx (Youngs-Cramer), with its overflow check. */
function float8Accum() {
  const s = {
    n: 0,
    sx: 0,
    sxx: 0,
    add(x: number) {
      const oldSx = s.sx;
      s.n += 1;
      s.sx += x;
      if (s.n > 1) {
        const tmp = x * s.n - s.sx;
        s.sxx += (tmp * tmp) / (s.n * (s.n - 1));
        if (isInf(s.sx) || isInf(s.sxx)) {
          if (!isInf(oldSx) && !isInf(x)) {
            throw new SqlError('22003', 'value out of range: overflow');
          }
          s.sxx = Number.NaN;
        }
      } else if (Number.isNaN(x) || isInf(x)) {
        s.sxx = Number.NaN;
      }
    },
  };
  return s;
}

// ---------------------------------------------------------------- var / stddev

function stats(name: string, argType: number, registry: Registry): () => Acc {
  const sample = !name.endsWith('_pop');
  const isVariance = name === 'variance' || name.startsWith('var_');
  if (argType === T.float4 || argType === T.float8) {
    return () => {
      const s = float8Accum();
      return {
        add: (v) => s.add(v as number),
        result: () => {
          if (s.n === 0 || (sample && s.n === 1)) return null;
          const v = s.sxx / (sample ? s.n - 1 : s.n);
          return isVariance ? v : Math.sqrt(v);
        },
      };
    };
  }
  if (argType !== T.int2 && argType !== T.int4 && argType !== T.int8 && argType !== T.numeric) {
    throw new SqlError('0A000', `${name} of type ${argType} is not supported yet`);
  }
  const mk = numericMaker(registry);
  const div = findImpl(registry, 'numeric_div', [T.numeric, T.numeric]);
  const divTypes = [T.numeric, T.numeric];
  return () => {
    let n = 0n;
    let special = false;
    // sums at a common scale s: sumX = cx * 10^-s, sumX2 = cx2 * 10^-2s
    let s = 0;
    let cx = 0n;
    let cx2 = 0n;
    return {
      add: (v) => {
        n++;
        if (typeof v === 'number' || typeof v === 'bigint') {
          const c = BigInt(v) * 10n ** BigInt(s);
          cx += c;
          cx2 += c * c;
          return;
        }
        const num = v as Numeric;
        if (num.sign >= NUMERIC_NAN) {
          special = true;
          return;
        }
        const d = decOf(num);
        if (d.s > s) {
          const up = 10n ** BigInt(d.s - s);
          cx *= up;
          cx2 *= up * up;
          s = d.s;
        }
        const c = d.c * 10n ** BigInt(s - d.s);
        cx += c;
        cx2 += c * c;
      },
      result: (env) => {
        if (n === 0n || (sample && n === 1n)) return null;
        if (special) return mk('NaN', env);
        const numerator = n * cx2 - cx * cx; // scale 2s
        if (numerator <= 0n) return mk('0', env);
        const denominator = sample ? n * (n - 1n) : n * n;
        const q = div(
          [mk(decText({ c: numerator, s: 2 * s }), env), mk(denominator.toString(), env)],
          env.tctx,
          divTypes,
        ) as Numeric;
        if (isVariance) return q;
        // sqrt_var at the division's scale, rounded half away from zero
        const d = decOf(q);
        const scaled = d.c * 10n ** BigInt(d.s);
        let r = isqrt(scaled);
        if ((2n * r + 1n) * (2n * r + 1n) <= 4n * scaled) r++;
        return mk(decText({ c: r, s: d.s }), env);
      },
    };
  };
}

// ---------------------------------------------------------------- corr / covar / regr

/**
 * float8_regr_accum's state (N, Sx, Sxx, Sy, Syy, Sxy; Youngs-Cramer, with
 * its exact operation order, so the digits match PostgreSQL's) and its
 * overflow rules: an infinite sum from finite inputs is 22003, otherwise
 * an infinite Sxx/Syy/Sxy becomes NaN; a first input that is NaN or
 * infinite makes its dependent sums NaN.
 */
export function float8RegrAccum() {
  const s = {
    n: 0,
    sx: 0,
    sxx: 0,
    sy: 0,
    syy: 0,
    sxy: 0,
    add(y: number, x: number) {
      const oldN = s.n;
      const oldSx = s.sx;
      const oldSy = s.sy;
      s.n += 1;
      s.sx += x;
      s.sy += y;
      if (oldN > 0) {
        const tmpX = x * s.n - s.sx;
        const tmpY = y * s.n - s.sy;
        const scale = 1.0 / (s.n * oldN);
        s.sxx += tmpX * tmpX * scale;
        s.syy += tmpY * tmpY * scale;
        s.sxy += tmpX * tmpY * scale;
        if (isInf(s.sx) || isInf(s.sxx) || isInf(s.sy) || isInf(s.syy) || isInf(s.sxy)) {
          if (
            ((isInf(s.sx) || isInf(s.sxx)) && !isInf(oldSx) && !isInf(x)) ||
            ((isInf(s.sy) || isInf(s.syy)) && !isInf(oldSy) && !isInf(y)) ||
            (isInf(s.sxy) && !isInf(oldSx) && !isInf(x) && !isInf(oldSy) && !isInf(y))
          ) {
            throw new SqlError('22003', 'value out of range: overflow');
          }
          if (isInf(s.sxx)) s.sxx = Number.NaN;
          if (isInf(s.syy)) s.syy = Number.NaN;
          if (isInf(s.sxy)) s.sxy = Number.NaN;
        }
      } else {
        if (Number.isNaN(x) || isInf(x)) {
          s.sxx = Number.NaN;
          s.sxy = Number.NaN;
        }
        if (Number.isNaN(y) || isInf(y)) {
          s.syy = Number.NaN;
          s.sxy = Number.NaN;
        }
      }
    },
  };
  return s;
}

/** The final functions over float8_regr_accum's state (float.c float8_regr_* / float8_corr / float8_covar_*). */
export function regrFinal(
  name: string,
  s: ReturnType<typeof float8RegrAccum>,
): number | bigint | null {
  const n = s.n;
  if (name === 'regr_count') return BigInt(n);
  if (n < 1) return null;
  switch (name) {
    case 'regr_sxx':
      return s.sxx;
    case 'regr_syy':
      return s.syy;
    case 'regr_sxy':
      return s.sxy;
    case 'regr_avgx':
      return s.sx / n;
    case 'regr_avgy':
      return s.sy / n;
    case 'covar_pop':
      return s.sxy / n;
    case 'covar_samp':
      return n < 2 ? null : s.sxy / (n - 1.0);
    case 'corr':
      // per the standard, NULL for horizontal and vertical lines
      if (s.sxx === 0 || s.syy === 0) return null;
      return s.sxy / Math.sqrt(s.sxx * s.syy);
    case 'regr_r2':
      if (s.sxx === 0) return null;
      if (s.syy === 0) return 1.0;
      return (s.sxy * s.sxy) / (s.sxx * s.syy);
    case 'regr_slope':
      if (s.sxx === 0) return null;
      return s.sxy / s.sxx;
    case 'regr_intercept':
      if (s.sxx === 0) return null;
      return (s.sy - (s.sx * s.sxy) / s.sxx) / n;
    default:
      throw new SqlError('0A000', `aggregate ${name} is not supported yet`);
  }
}

/** corr, covar_pop/samp and the regr_* family over (Y, X) float8 pairs; a pair with a NULL is skipped (F1). */
function regression(name: string): TransFactory {
  return () => {
    const s = float8RegrAccum();
    return {
      add: (args) => {
        const y = args[0] ?? null;
        const x = args[1] ?? null;
        if (y === null || x === null) return;
        s.add(y as number, x as number);
      },
      result: () => regrFinal(name, s),
    };
  };
}

// ---------------------------------------------------------------- bit_and / bit_or / bit_xor

function bitAgg(name: string, argType: number, registry: Registry): () => Acc {
  if (argType === T.bit || argType === T.varbit) {
    // bit_and(bit) and friends: bitand / bitor / bitxor, which reject strings of different lengths
    const fn = name === 'bit_and' ? 'bitand' : name === 'bit_or' ? 'bitor' : 'bitxor';
    const bitArgs = [T.bit, T.bit];
    const impl = findImpl(registry, fn, bitArgs);
    return () => {
      let r: unknown = null;
      return {
        add: (v, env) => {
          r = r === null ? v : impl([r, v], env.tctx, bitArgs);
        },
        result: () => r,
      };
    };
  }
  if (argType !== T.int2 && argType !== T.int4 && argType !== T.int8) {
    throw new SqlError('0A000', `${name} of type ${argType} is not supported yet`);
  }
  const big = argType === T.int8;
  return () => {
    let r: bigint | null = null;
    return {
      add: (v) => {
        const x = typeof v === 'bigint' ? v : BigInt(v as number);
        if (r === null) r = x;
        else if (name === 'bit_and') r &= x;
        else if (name === 'bit_or') r |= x;
        else r ^= x;
      },
      result: () => (r === null ? null : big ? BigInt.asIntN(64, r) : Number(BigInt.asIntN(32, r))),
    };
  };
}

// ---------------------------------------------------------------- string_agg

function stringAgg(argType: number): TransFactory {
  if (argType === T.bytea) {
    return () => {
      const parts: Uint8Array[] = [];
      let length = 0;
      let some = false;
      return {
        add: (args) => {
          const v = args[0] ?? null;
          if (v === null) return;
          const delim = args[1] ?? null;
          if (some && delim !== null) {
            parts.push(delim as Uint8Array);
            length += (delim as Uint8Array).length;
          }
          parts.push(v as Uint8Array);
          length += (v as Uint8Array).length;
          some = true;
        },
        result: () => {
          if (!some) return null;
          const out = new Uint8Array(length);
          let at = 0;
          for (const p of parts) {
            out.set(p, at);
            at += p.length;
          }
          return out;
        },
      };
    };
  }
  return () => {
    let out: string | null = null;
    return {
      add: (args) => {
        const v = args[0] ?? null;
        if (v === null) return;
        const delim = args[1] ?? null;
        out = out === null ? (v as string) : out + (delim === null ? '' : (delim as string)) + v;
      },
      result: () => out,
    };
  };
}

// ---------------------------------------------------------------- array_agg

function arrayAgg(argType: number, registry: Registry): TransFactory {
  const t = registry.type(argType);
  const isArray = t !== undefined && t.elemOid !== 0 && t.category === 'A';
  if (!isArray) {
    return () => {
      const elements: unknown[] = [];
      return {
        add: (args) => {
          elements.push(args[0] ?? null);
        },
        result: () =>
          elements.length === 0
            ? null
            : ({ dims: [elements.length], lbounds: [1], elements: elements.slice() } as PgArray),
      };
    };
  }
  return () => {
    let first: PgArray | undefined;
    const elements: unknown[] = [];
    let n = 0;
    return {
      add: (args) => {
        const a = (args[0] ?? null) as PgArray | null;
        if (a === null) throw new SqlError('22004', 'cannot accumulate null arrays');
        if (a.dims.length === 0) throw new SqlError('2202E', 'cannot accumulate empty arrays');
        if (first === undefined) {
          if (a.dims.length + 1 > 6) {
            throw new SqlError(
              '54000',
              `number of array dimensions (${a.dims.length + 1}) exceeds the maximum allowed (6)`,
            );
          }
          first = a;
        } else if (
          first.dims.length !== a.dims.length ||
          first.dims.some((d, i) => d !== a.dims[i] || first?.lbounds[i] !== a.lbounds[i])
        ) {
          throw new SqlError('2202E', 'cannot accumulate arrays of different dimensionality');
        }
        for (const e of a.elements) elements.push(e);
        n++;
      },
      result: () =>
        first === undefined
          ? null
          : ({
              dims: [n, ...first.dims],
              lbounds: [1, ...first.lbounds],
              elements: elements.slice(),
            } as PgArray),
    };
  };
}

// ---------------------------------------------------------------- ordered-set aggregates

/**
 * The final function of an ordered-set or hypothetical-set aggregate
 * (orderedsetaggs.c): `direct` are the direct arguments' values, `sorted`
 * the aggregated arguments of the group's rows in WITHIN GROUP order
 * (for aggkind 'o', rows whose value is NULL already left out).
 *
 * Rules kept from PostgreSQL:
 *   O1 a single fraction is checked (22003 "percentile value %g is not
 *      between 0 and 1", NaN too) before the rows: it fails even over no
 *      rows; a NULL fraction gives NULL; an array of fractions gives NULL
 *      over no rows, else an array of the same shape with NULL for a NULL
 *      element;
 *   O2 percentile_cont interpolates between rows floor(p*(n-1)) and
 *      ceil(p*(n-1)) (0-based) as lo + p' * (hi - lo) (float8) or
 *      lo + (hi - lo) * p' (interval); percentile_disc is row
 *      max(ceil(p*n), 1) (1-based);
 *   O3 mode is the first value, in sort order, of the longest run of
 *      equal values;
 *   O4 the hypothetical row sorts before its peers for rank, dense_rank
 *      and percent_rank and after them for cume_dist: rank = 1 + #rows
 *      before it, dense_rank = 1 + #distinct rows before it, percent_rank
 *      = (rank - 1) / n (0 over no rows), cume_dist = (#rows up to and
 *      including its peers + 1) / (n + 1); NULLs count as rows.
 */
export type OrderedSetFinal = (
  direct: readonly unknown[],
  sorted: readonly (readonly unknown[])[],
  env: EvalEnv,
) => unknown;

/** printf's %g (6 significant digits), as PostgreSQL's snprintf prints a double. */
export function formatG(x: number): string {
  if (Number.isNaN(x)) return 'NaN';
  if (!Number.isFinite(x)) return x > 0 ? 'Infinity' : '-Infinity';
  if (x === 0) return Object.is(x, -0) ? '-0' : '0';
  const exp = Number.parseInt(x.toExponential(5).split('e')[1]!, 10);
  if (exp < -4 || exp >= 6) {
    const [m, e] = x.toExponential(5).split('e') as [string, string];
    const mant = m.includes('.') ? m.replace(/0+$/, '').replace(/\.$/, '') : m;
    const n = Number.parseInt(e, 10);
    return `${mant}e${n < 0 ? '-' : '+'}${String(Math.abs(n)).padStart(2, '0')}`;
  }
  const fixed = x.toFixed(Math.max(0, 5 - exp));
  return fixed.includes('.') ? fixed.replace(/0+$/, '').replace(/\.$/, '') : fixed;
}

function checkPercentile(p: number): void {
  if (p < 0 || p > 1 || Number.isNaN(p)) {
    throw new SqlError('22003', `percentile value ${formatG(p)} is not between 0 and 1`);
  }
}

/** The final function of ordered-set aggregate `call` (aggkind 'o' or 'h'). */
export function makeOrderedSetFinal(
  call: AggregateCall,
  registry: Registry,
  compareRows: (a: readonly unknown[], b: readonly unknown[]) => number,
): OrderedSetFinal {
  switch (call.name) {
    case 'percentile_cont':
    case 'percentile_disc': {
      const cont = call.name === 'percentile_cont';
      const keyType = call.order?.[0]?.expr.type ?? T.float8;
      let pick: (sorted: readonly (readonly unknown[])[], p: number, env: EvalEnv) => unknown;
      if (!cont) {
        pick = (sorted, p) => {
          const rownum = Math.ceil(p * sorted.length);
          return sorted[Math.max(rownum, 1) - 1]![0] ?? null;
        };
      } else {
        let lerp: (lo: unknown, hi: unknown, pct: number, env: EvalEnv) => unknown;
        if (keyType === T.interval) {
          const mi = findImpl(registry, 'interval_mi', [T.interval, T.interval]);
          const mul = findImpl(registry, 'interval_mul', [T.interval, T.float8]);
          const pl = findImpl(registry, 'interval_pl', [T.interval, T.interval]);
          const ii = [T.interval, T.interval];
          const ifl = [T.interval, T.float8];
          lerp = (lo, hi, pct, env) =>
            pl([mul([mi([hi, lo], env.tctx, ii), pct], env.tctx, ifl), lo], env.tctx, ii);
        } else {
          lerp = (lo, hi, pct) => (lo as number) + pct * ((hi as number) - (lo as number));
        }
        pick = (sorted, p, env) => {
          const n = sorted.length;
          const first = Math.floor(p * (n - 1));
          const second = Math.ceil(p * (n - 1));
          const lo = sorted[first]![0];
          if (second === first) return lo;
          const hi = sorted[second]![0];
          return lerp(lo, hi, p * (n - 1) - first, env);
        };
      }
      const multi = call.argTypes[0] === T._float8;
      if (!multi) {
        return (direct, sorted, env) => {
          const p = direct[0] ?? null;
          if (p === null) return null;
          checkPercentile(p as number);
          if (sorted.length === 0) return null;
          return pick(sorted, p as number, env);
        };
      }
      return (direct, sorted, env) => {
        const a = (direct[0] ?? null) as PgArray | null;
        if (sorted.length === 0 || a === null) return null;
        for (const p of a.elements) if (p !== null) checkPercentile(p as number);
        return {
          dims: a.dims.slice(),
          lbounds: a.lbounds.slice(),
          elements: a.elements.map((p) => (p === null ? null : pick(sorted, p as number, env))),
        } as PgArray;
      };
    }
    case 'mode': {
      const type = call.order?.[0]?.expr.type ?? T.text;
      const compare = registry.mustType(type).compare;
      return (_direct, sorted) => {
        let best: unknown = null;
        let bestFreq = 0;
        let run: unknown = null;
        let freq = 0;
        for (const r of sorted) {
          const v = r[0];
          if (freq > 0 && compare(run, v) === 0) freq++;
          else {
            run = v;
            freq = 1;
          }
          if (freq > bestFreq) {
            best = run;
            bestFreq = freq;
          }
        }
        return best;
      };
    }
    case 'rank':
    case 'dense_rank':
    case 'percent_rank':
    case 'cume_dist': {
      const name = call.name;
      return (direct, sorted) => {
        const n = sorted.length;
        let before = 0;
        let peers = 0;
        let distinctBefore = 0;
        let prev: readonly unknown[] | undefined;
        for (const r of sorted) {
          const c = compareRows(r, direct);
          if (c < 0) {
            before++;
            if (prev === undefined || compareRows(prev, r) !== 0) distinctBefore++;
            prev = r;
          } else if (c === 0) peers++;
        }
        switch (name) {
          case 'rank':
            return BigInt(before + 1);
          case 'dense_rank':
            return BigInt(distinctBefore + 1);
          case 'percent_rank':
            return n === 0 ? 0 : before / n;
          default:
            return (before + peers + 1) / (n + 1);
        }
      };
    }
    default:
      throw new SqlError('0A000', `aggregate ${call.name} is not supported yet`);
  }
}
