/**
 * Plain aggregation (PostgreSQL's nodeAgg.c for a query without GROUP BY,
 * reduced to its built-in aggregates): every row that passes the scan
 * feeds each aggregate's transition state; at the end each state gives its
 * result, and the targetList is evaluated once over those results (an
 * Aggref reads `row[index]`, see expr.ts).
 *
 * Rules kept from PostgreSQL:
 *   A1 NULL inputs are skipped (the transition functions are strict);
 *      count(*) counts rows; FILTER skips rows where the condition is not
 *      TRUE;
 *   A2 over no input, count gives 0 and every other aggregate NULL;
 *   A3 agg(DISTINCT x) sorts the non-NULL inputs by the type's B-tree
 *      order, keeps the first of each run of equal values, and feeds them
 *      in that order (so a float sum adds in sorted order, as PostgreSQL's);
 *   A4 results and types: count -> int8 (bigint); sum(int2/int4) -> int8
 *      (int4_sum: no overflow check); sum(int8) -> numeric (exact);
 *      sum(float4/float8/interval/numeric) with the type's own `+`
 *      (float4pl, float8pl, interval_pl, numeric_add: their 22003 errors);
 *      avg(integers) = numeric_div(sum, count); avg(numeric) likewise;
 *      avg(float4/float8) -> float8 by float8_accum (its overflow check
 *      included) and Sx / N; avg(interval) = interval_div(sum, count);
 *      min/max keep the new value on ties (int4smaller's `a < b ? a : b`);
 *      bool_and/every AND, bool_or OR.
 */
import type { AggregateCall } from '@pg/sql';
import { type FunctionDef, type Registry, SqlError, TypeOid } from '@pg/types';
import type { EvalEnv } from './context.js';
import { compileExpr, compileQual } from './expr.js';

/** One aggregate's running state for one execution. */
export interface AggRun {
  /** Feeds one scanned row. */
  row(values: readonly unknown[], env: EvalEnv): void;
  /** The aggregate's result over the rows fed. */
  result(env: EvalEnv): unknown;
}

/** A compiled aggregate call: makes a fresh state per execution. */
export type AggFactory = () => AggRun;

/** A transition over non-NULL inputs. */
interface Acc {
  add(v: unknown, env: EvalEnv): void;
  result(env: EvalEnv): unknown;
}

/** Compiles one aggregate call (its argument, FILTER and transition). */
export function compileAggregate(call: AggregateCall, registry: Registry): AggFactory {
  const filter = call.filter === undefined ? undefined : compileQual(call.filter, registry);
  if (call.star || call.args.length === 0) {
    if (filter === undefined) {
      return () => {
        let n = 0;
        return {
          row: () => {
            n++;
          },
          result: () => BigInt(n),
        };
      };
    }
    return () => {
      let n = 0;
      return {
        row: (values, env) => {
          if (filter(values, env)) n++;
        },
        result: () => BigInt(n),
      };
    };
  }
  const arg = compileExpr(call.args[0]!, registry);
  const argType = call.argTypes[0] ?? call.args[0]!.type;
  const makeAcc = accumulator(call, argType, registry);
  const compare = call.distinct ? registry.mustType(argType).compare : undefined;
  return () => {
    if (compare === undefined) {
      const acc = makeAcc();
      return {
        row: (values, env) => {
          if (filter !== undefined && !filter(values, env)) return;
          const v = arg(values, env);
          if (v !== null) acc.add(v, env);
        },
        result: (env) => acc.result(env),
      };
    }
    const seen: unknown[] = [];
    return {
      row: (values, env) => {
        if (filter !== undefined && !filter(values, env)) return;
        const v = arg(values, env);
        if (v !== null) seen.push(v);
      },
      result: (env) => {
        const acc = makeAcc();
        seen.sort(compare);
        for (let i = 0; i < seen.length; i++) {
          if (i > 0 && compare(seen[i - 1], seen[i]) === 0) continue;
          acc.add(seen[i], env);
        }
        return acc.result(env);
      },
    };
  };
}

function accumulator(call: AggregateCall, argType: number, registry: Registry): () => Acc {
  const T = TypeOid;
  const numericOf = (n: bigint, env: EvalEnv) =>
    registry.mustType(T.numeric).input(n.toString(), -1, env.tctx);
  const impl = (name: string, args: readonly number[]) => {
    const f = registry.findFunction(name, args);
    if (f === undefined) throw new SqlError('XX000', `function ${name} is missing`);
    return f.impl;
  };
  switch (call.name) {
    case 'count':
      return () => {
        let n = 0;
        return { add: () => void n++, result: () => BigInt(n) };
      };
    case 'min':
    case 'max': {
      const compare = registry.mustType(argType).compare;
      // smaller(state, new) = state < new ? state : new; larger is the dual
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
    case 'sum':
    case 'avg':
      return sumOrAvg(call.name, argType, registry, impl, numericOf);
    default:
      throw new SqlError('0A000', `aggregate ${call.name} is not supported yet`);
  }
}

function sumOrAvg(
  name: 'sum' | 'avg',
  argType: number,
  registry: Registry,
  impl: (name: string, args: readonly number[]) => FunctionDef['impl'],
  numericOf: (n: bigint, env: EvalEnv) => unknown,
): () => Acc {
  const T = TypeOid;
  void registry;
  switch (argType) {
    case T.int2:
    case T.int4:
    case T.int8: {
      const div = impl('numeric_div', [T.numeric, T.numeric]);
      const types = [T.numeric, T.numeric];
      return () => {
        let sum = 0n;
        let n = 0;
        return {
          add: (v) => {
            sum += typeof v === 'bigint' ? v : BigInt(v as number);
            n++;
          },
          result: (env) => {
            if (n === 0) return null;
            if (name === 'avg') {
              return div([numericOf(sum, env), numericOf(BigInt(n), env)], env.tctx, types);
            }
            return argType === T.int8 ? numericOf(sum, env) : sum;
          },
        };
      };
    }
    case T.numeric:
    case T.interval: {
      const isNumeric = argType === T.numeric;
      const add = impl(isNumeric ? 'numeric_add' : 'interval_pl', [argType, argType]);
      const addTypes = [argType, argType];
      const div = isNumeric
        ? impl('numeric_div', [T.numeric, T.numeric])
        : impl('interval_div', [T.interval, T.float8]);
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
            const count = isNumeric ? numericOf(BigInt(n), env) : n;
            return div([sum, count], env.tctx, divTypes);
          },
        };
      };
    }
    case T.float4:
    case T.float8: {
      if (name === 'sum') {
        const add = impl(argType === T.float4 ? 'float4pl' : 'float8pl', [argType, argType]);
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
        // float8_accum: N, Sx and Sxx (Youngs-Cramer), with its overflow check
        let n = 0;
        let sx = 0;
        let sxx = 0;
        return {
          add: (v) => {
            const x = v as number;
            const oldSx = sx;
            n += 1;
            sx += x;
            if (n > 1) {
              const tmp = x * n - sx;
              sxx += (tmp * tmp) / (n * (n - 1));
              if (isInf(sx) || isInf(sxx)) {
                if (!isInf(oldSx) && !isInf(x)) {
                  throw new SqlError('22003', 'value out of range: overflow');
                }
                sxx = Number.NaN;
              }
            } else if (Number.isNaN(x) || isInf(x)) {
              sxx = Number.NaN;
            }
          },
          result: () => (n === 0 ? null : sx / n),
        };
      };
    }
    default:
      throw new SqlError('XX000', `${name} of type ${argType} is not supported`);
  }
}

const isInf = (x: number) => x === Number.POSITIVE_INFINITY || x === Number.NEGATIVE_INFINITY;
