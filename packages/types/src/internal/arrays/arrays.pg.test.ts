/**
 * Differential tests of the arrays family against a real PostgreSQL 15:
 * generated values and literals (valid and malformed) through array_in /
 * array_out, array_send bytes, operators, functions, ANY/ALL and the on-disk
 * tuple bytes (pageinspect), each compared by text result or SQLSTATE and
 * message (and DETAIL for malformed literals).
 */
import { type ReferencePostgres, startReferencePostgres } from '@pg/pg-reference';
import { builtins, encodeRow, type PgArray, SqlError, TypeOid } from '@pg/types';
import fc from 'fast-check';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { defaultContext } from '../core/context.js';
import { expectSameOutcome, type Outcome, ourOutcome, pgOutcome } from '../core/pgdiff.js';
import type { AnyPgType } from '../core/type.js';
import { arrayOf, int4Values, SAMPLES, trickyText } from './arbitrary.js';
import { arrayGet, arraySet, arraySlice, scalarArrayOpAll, scalarArrayOpAny } from './index.js';

const RUNS = Number(process.env.PG_PROPERTY_RUNS ?? 100);
const ctx = defaultContext();
const int4Arr = builtins.mustType(TypeOid._int4);
const textArr = builtins.mustType(TypeOid._text);
const boolArr = builtins.mustType(TypeOid._bool);

let pg: ReferencePostgres;
let agreed = 0;
const covered: string[] = ['_int4', '_text', '_bool'];

beforeAll(async () => {
  pg = await startReferencePostgres();
});

afterAll(async () => {
  await pg?.stop();
  console.log(
    `arrays: ${agreed} differential cases agreed with PostgreSQL 15 (${covered.join(', ')})`,
  );
});

/** Text of a JavaScript result as PostgreSQL's ::text prints it. */
function sqlText(type: AnyPgType | undefined, v: unknown): string | null {
  if (v === null || v === undefined) return null;
  if (typeof v === 'boolean') return v ? 'true' : 'false';
  if (typeof v === 'number' || typeof v === 'string') return String(v);
  if (!type) throw new Error('no type to print with');
  return type.output(v, ctx);
}

async function same(label: string, sql: string, params: unknown[], ours: () => string | null) {
  const theirs = await pgOutcome(pg, sql, params);
  expectSameOutcome(label, ourOutcome(ours), theirs, true);
  agreed++;
}

/** Outcome with the DETAIL of an error, for malformed literals. */
type DetailOutcome = Outcome | { ok: false; code: string; message: string; detail: string };

async function pgWithDetail(sql: string, params: unknown[]): Promise<DetailOutcome> {
  try {
    const rows = await pg.query<{ v: string | null }>(sql, params);
    return { ok: true, text: rows[0]?.v ?? null };
  } catch (e) {
    const err = e as { code?: string; message?: string; detail?: string };
    if (typeof err.code !== 'string') throw e;
    return { ok: false, code: err.code, message: err.message ?? '', detail: err.detail ?? '' };
  }
}

function oursWithDetail(f: () => string | null): DetailOutcome {
  try {
    return { ok: true, text: f() };
  } catch (e) {
    if (e instanceof SqlError) {
      return { ok: false, code: e.code, message: e.message, detail: e.detail ?? '' };
    }
    throw e;
  }
}

const smallInt4 = fc.oneof(
  { weight: 5, arbitrary: fc.integer({ min: -2, max: 4 }) },
  { weight: 1, arbitrary: int4Values },
);
const smallText = fc.constantFrom('a', 'b', 'B', '', 'a b', 'NULL', '"', '\\', 'é', 'ab');
const int4Arrays = arrayOf(smallInt4, { maxDims: 3, maxLen: 3 });
const int4Arrays1 = arrayOf(smallInt4, { maxDims: 1, maxLen: 5 });
const textArrays = arrayOf(trickyText, { maxDims: 3, maxLen: 3 });

/** Literal-ish strings, valid and malformed, built from array syntax tokens. */
const literal = fc.oneof(
  fc
    .array(
      fc.constantFrom(
        '{',
        '}',
        '{',
        '}',
        ',',
        ',',
        '"',
        '\\',
        ' ',
        'NULL',
        'null',
        '1',
        '-2',
        '42',
        'a',
        'x y',
        '[0:1]',
        '[1:2]',
        '[2]',
        '=',
        '[',
        ']',
        ':',
        '\t',
        'é',
      ),
      { maxLength: 14 },
    )
    .map((ts) => ts.join('')),
  int4Arrays.map((v) => int4Arr.output(v, ctx)),
  fc
    .tuple(
      int4Arrays.map((v) => int4Arr.output(v, ctx)),
      fc.nat(),
      fc.constantFrom('', '{', '}', ',', ' ', '"', 'x', '\\'),
    )
    .map(([s, i, ins]) => {
      const at = s.length === 0 ? 0 : i % s.length;
      return s.slice(0, at) + ins + s.slice(at + (i % 2));
    }),
);

const hex = (b: Uint8Array) => Buffer.from(b).toString('hex');

describe('arrays against PostgreSQL 15', () => {
  it('prints generated arrays as array_out does', async () => {
    const cases: Array<[AnyPgType, string, fc.Arbitrary<PgArray>]> = [
      [int4Arr, 'int4[]', arrayOf(int4Values) as fc.Arbitrary<PgArray>],
      [textArr, 'text[]', textArrays as fc.Arbitrary<PgArray>],
      [boolArr, 'bool[]', arrayOf(fc.boolean()) as fc.Arbitrary<PgArray>],
    ];
    for (const [type, sqlType, arb] of cases) {
      await fc.assert(
        fc.asyncProperty(arb, async (v) => {
          const text = type.output(v, ctx);
          await same(`${sqlType} ${text}`, `SELECT $1::text::${sqlType}::text AS v`, [text], () =>
            type.output(type.input(text, -1, ctx), ctx),
          );
          await same(
            `send ${sqlType} ${text}`,
            `SELECT encode(array_send($1::text::${sqlType}), 'hex') AS v`,
            [text],
            () => hex(type.send(v, ctx)),
          );
        }),
        { numRuns: RUNS },
      );
    }
  });

  it('receives binary values as array_recv does (binary bind parameters)', async () => {
    // node-postgres sends a Buffer parameter in binary format: PostgreSQL runs array_recv on it.
    const received = async (label: string, sqlType: string, type: AnyPgType, bytes: Uint8Array) => {
      const theirs = await pgOutcome(pg, `SELECT $1::${sqlType}::text AS v`, [Buffer.from(bytes)]);
      const normalized: Outcome = theirs.ok
        ? theirs
        : { ...theirs, message: theirs.message.replace(/ in bind parameter 1$/, '') };
      expectSameOutcome(
        label,
        ourOutcome(() => type.output(type.receive(bytes, -1, ctx), ctx)),
        normalized,
        true,
      );
      agreed++;
    };
    for (const [type, sqlType, arb] of [
      [int4Arr, 'int4[]', int4Arrays],
      [textArr, 'text[]', textArrays],
      [boolArr, 'bool[]', arrayOf(fc.boolean())],
    ] as const) {
      await fc.assert(
        fc.asyncProperty(arb as fc.Arbitrary<PgArray>, async (v) => {
          await received(`recv ${type.output(v, ctx)}`, sqlType, type, type.send(v, ctx));
        }),
        { numRuns: RUNS },
      );
    }
    const word = fc.constantFrom(
      -1,
      0,
      1,
      2,
      3,
      4,
      5,
      6,
      7,
      16,
      23,
      25,
      3802,
      0x7fffffff,
      -2147483648,
    );
    await fc.assert(
      fc.asyncProperty(int4Arrays, fc.nat(), word, fc.nat({ max: 3 }), async (v, pos, w, how) => {
        const sent = int4Arr.send(v, ctx);
        let bytes: Uint8Array;
        if (how === 0) {
          bytes = sent.slice(0, pos % (sent.length + 1));
        } else if (how === 1) {
          bytes = Uint8Array.from([...sent, pos & 0xff]);
        } else {
          bytes = sent.slice();
          const at = 4 * (pos % Math.max(1, Math.floor(sent.length / 4)));
          if (at + 4 <= bytes.length) new DataView(bytes.buffer).setInt32(at, w, false);
        }
        await received(
          `recv mutated ${Buffer.from(bytes).toString('hex')}`,
          'int4[]',
          int4Arr,
          bytes,
        );
      }),
      { numRuns: RUNS * 2 },
    );
  });

  it('reads generated literals as array_in does, errors and DETAIL included', async () => {
    for (const [type, sqlType] of [
      [int4Arr, 'int4[]'],
      [textArr, 'text[]'],
    ] as const) {
      await fc.assert(
        fc.asyncProperty(literal, async (s) => {
          const theirs = await pgWithDetail(`SELECT $1::text::${sqlType}::text AS v`, [s]);
          const ours = oursWithDetail(() => type.output(type.input(s, -1, ctx), ctx));
          expect({ case: `${sqlType} ${JSON.stringify(s)}`, ...ours }).toEqual({
            case: `${sqlType} ${JSON.stringify(s)}`,
            ...theirs,
          });
          agreed++;
        }),
        { numRuns: RUNS * 2 },
      );
    }
  });

  it('passes the element typmod to the element input (array_in with a typmod)', async () => {
    const cases: Array<[string, fc.Arbitrary<string>, fc.Arbitrary<number>]> = [
      [
        'varchar',
        fc.constantFrom('a', 'ab', 'abc', 'ab  ', 'é', ''),
        fc.integer({ min: 1, max: 3 }).map((n) => n + 4),
      ],
      [
        'bpchar',
        fc.constantFrom('a', 'ab', 'abc', 'ab  ', ''),
        fc.integer({ min: 1, max: 3 }).map((n) => n + 4),
      ],
      [
        'numeric',
        fc.constantFrom('1.25', '-1.35', '99.95', '1234.5', '0', 'NaN'),
        fc
          .tuple(fc.integer({ min: 1, max: 5 }), fc.integer({ min: 0, max: 2 }))
          .filter(([p, sc]) => sc <= p)
          .map(([p, sc]) => ((p << 16) | sc) + 4),
      ],
    ];
    for (const [name, item, typmod] of cases) {
      const elem = builtins.typeByName(name);
      if (!elem || elem.arrayOid === 0) continue;
      const arrType = builtins.mustType(elem.arrayOid);
      await fc.assert(
        fc.asyncProperty(
          fc.array(fc.option(item, { nil: null }), { minLength: 1, maxLength: 3 }),
          typmod,
          async (items, tm) => {
            const text = `{${items.map((x) => (x === null ? 'NULL' : `"${x}"`)).join(',')}}`;
            await same(
              `${name} ${text} typmod ${tm}`,
              `SELECT array_in($1::cstring, ${elem.oid}, $2)::text AS v`,
              [text, tm],
              () => arrType.output(arrType.input(text, tm, ctx), ctx),
            );
          },
        ),
        { numRuns: Math.max(10, Math.floor(RUNS / 3)) },
      );
    }
  });

  it('applies comparison, containment and concatenation operators', async () => {
    const ops = ['=', '<>', '<', '<=', '>', '>=', '@>', '<@', '&&', '||'];
    await fc.assert(
      fc.asyncProperty(
        fc.constantFrom(...ops),
        fc.oneof(int4Arrays, int4Arrays1),
        fc.oneof(int4Arrays, int4Arrays1),
        async (op, a, b) => {
          const sa = int4Arr.output(a, ctx);
          const sb = int4Arr.output(b, ctx);
          await same(
            `${sa} ${op} ${sb}`,
            `SELECT ($1::text::int4[] ${op} $2::text::int4[])::text AS v`,
            [sa, sb],
            () => sqlText(int4Arr, builtins.operate(op, TypeOid._int4, TypeOid._int4, [a, b], ctx)),
          );
        },
      ),
      { numRuns: RUNS * 2 },
    );
    await fc.assert(
      fc.asyncProperty(
        fc.constantFrom('=', '<', '>=', '@>', '&&', '||'),
        textArrays,
        textArrays,
        async (op, a, b) => {
          const sa = textArr.output(a, ctx);
          const sb = textArr.output(b, ctx);
          await same(
            `${sa} ${op} ${sb}`,
            `SELECT ($1::text::text[] ${op} $2::text::text[])::text AS v`,
            [sa, sb],
            () => sqlText(textArr, builtins.operate(op, TypeOid._text, TypeOid._text, [a, b], ctx)),
          );
        },
      ),
      { numRuns: RUNS },
    );
  });

  it('appends and prepends elements', async () => {
    await fc.assert(
      fc.asyncProperty(
        fc.option(int4Arrays, { nil: null }),
        fc.option(smallInt4, { nil: null }),
        fc.boolean(),
        async (a, e, append) => {
          const sa = a === null ? null : int4Arr.output(a, ctx);
          const sql = append
            ? 'SELECT array_append($1::text::int4[], $2::int4)::text AS v'
            : 'SELECT array_prepend($2::int4, $1::text::int4[])::text AS v';
          await same(`${append ? 'append' : 'prepend'} ${sa} ${e}`, sql, [sa, e], () =>
            sqlText(
              int4Arr,
              append
                ? builtins.call('array_append', [TypeOid._int4, TypeOid.int4], [a, e], ctx)
                : builtins.call('array_prepend', [TypeOid.int4, TypeOid._int4], [e, a], ctx),
            ),
          );
        },
      ),
      { numRuns: RUNS },
    );
  });

  it('computes the array functions', async () => {
    const I = TypeOid._int4;
    const i4 = TypeOid.int4;
    const t = TypeOid.text;
    type Case = [string, string, number[], (a: PgArray, x: number | null, y: number) => unknown[]];
    const fns: Case[] = [
      ['array_length', 'array_length($1::text::int4[], $3)', [I, i4], (a, _x, y) => [a, y]],
      ['array_lower', 'array_lower($1::text::int4[], $3)', [I, i4], (a, _x, y) => [a, y]],
      ['array_upper', 'array_upper($1::text::int4[], $3)', [I, i4], (a, _x, y) => [a, y]],
      ['array_ndims', 'array_ndims($1::text::int4[])', [I], (a) => [a]],
      ['array_dims', 'array_dims($1::text::int4[])', [I], (a) => [a]],
      ['cardinality', 'cardinality($1::text::int4[])', [I], (a) => [a]],
      ['array_position', 'array_position($1::text::int4[], $2::int4)', [I, i4], (a, x) => [a, x]],
      [
        'array_position',
        'array_position($1::text::int4[], $2::int4, $3)',
        [I, i4, i4],
        (a, x, y) => [a, x, y],
      ],
      ['array_positions', 'array_positions($1::text::int4[], $2::int4)', [I, i4], (a, x) => [a, x]],
      ['array_remove', 'array_remove($1::text::int4[], $2::int4)', [I, i4], (a, x) => [a, x]],
      [
        'array_replace',
        'array_replace($1::text::int4[], $2::int4, $3)',
        [I, i4, i4],
        (a, x, y) => [a, x, y],
      ],
      ['array_to_string', "array_to_string($1::text::int4[], '|')", [I, t], (a) => [a, '|']],
      [
        'array_to_string',
        "array_to_string($1::text::int4[], ',', '*')",
        [I, t, t],
        (a) => [a, ',', '*'],
      ],
      ['trim_array', 'trim_array($1::text::int4[], $3)', [I, i4], (a, _x, y) => [a, y]],
      ['array_cat', 'array_cat($1::text::int4[], $1::text::int4[])', [I, I], (a) => [a, a]],
      ['btarraycmp', "btarraycmp($1::text::int4[], '{1,2}')", [I, I], (a) => [a, [1, 2]]],
      ['width_bucket', 'width_bucket($2::int4, $1::text::int4[])', [i4, I], (a, x) => [x, a]],
      ['array_larger', "array_larger($1::text::int4[], '{1,2}')", [I, I], (a) => [a, [1, 2]]],
      ['array_smaller', "array_smaller($1::text::int4[], '{1}')", [I, I], (a) => [a, [1]]],
    ];
    const resultType = (name: string) =>
      [
        'array_positions',
        'array_remove',
        'array_replace',
        'trim_array',
        'array_cat',
        'array_larger',
        'array_smaller',
      ].includes(name)
        ? int4Arr
        : undefined;
    await fc.assert(
      fc.asyncProperty(
        fc.constantFrom(...fns),
        int4Arrays,
        fc.option(smallInt4, { nil: null }),
        fc.integer({ min: -1, max: 4 }),
        async ([name, expr, argTypes, args], a, x, y) => {
          const sa = int4Arr.output(a, ctx);
          const callArgs = args(a, x, y).map((v) =>
            Array.isArray(v) ? { dims: [v.length], lbounds: [1], elements: v } : v,
          );
          await same(
            `${expr} ${sa} ${x} ${y}`,
            `SELECT (${expr})::text AS v FROM (SELECT $2::int4, $3::int4) AS p(x, y)`,
            [sa, x, y],
            () => sqlText(resultType(name), builtins.call(name, argTypes, callArgs, ctx)),
          );
        },
      ),
      { numRuns: RUNS * 3 },
    );
  });

  it('fills arrays with array_fill', async () => {
    const small = arrayOf(fc.integer({ min: -1, max: 3 }), { maxDims: 2, maxLen: 4 });
    await fc.assert(
      fc.asyncProperty(
        fc.option(smallInt4, { nil: null }),
        fc.option(small, { nil: null }),
        fc.option(small, { nil: null }),
        fc.boolean(),
        async (x, d, l, withLbs) => {
          const sd = d === null ? null : int4Arr.output(d, ctx);
          const sl = l === null ? null : int4Arr.output(l, ctx);
          const sql = withLbs
            ? 'SELECT array_fill($1::int4, $2::text::int4[], $3::text::int4[])::text AS v'
            : 'SELECT array_fill($1::int4, $2::text::int4[])::text AS v FROM (SELECT $3::text) p';
          await same(`array_fill(${x}, ${sd}, ${withLbs ? sl : ''})`, sql, [x, sd, sl], () =>
            sqlText(
              int4Arr,
              withLbs
                ? builtins.call(
                    'array_fill',
                    [TypeOid.int4, TypeOid._int4, TypeOid._int4],
                    [x, d, l],
                    ctx,
                  )
                : builtins.call('array_fill', [TypeOid.int4, TypeOid._int4], [x, d], ctx),
            ),
          );
        },
      ),
      { numRuns: RUNS },
    );
  });

  it('assigns subscripts as UPDATE ... SET a[i] = x does', async () => {
    await pg.query('CREATE TABLE arr_set (a int4[])');
    // Small lower bounds: a far subscript would make a huge (mostly NULL) array.
    const arrays = arrayOf(smallInt4, { maxDims: 3, maxLen: 3, lbounds: 'small' });
    await fc.assert(
      fc.asyncProperty(
        fc.option(arrays, { nil: null }),
        fc.array(fc.integer({ min: -3, max: 6 }), { minLength: 1, maxLength: 2 }),
        fc.option(smallInt4, { nil: null }),
        async (a, subs, x) => {
          const sa = a === null ? null : int4Arr.output(a, ctx);
          await pg.query('TRUNCATE arr_set');
          await pg.query('INSERT INTO arr_set VALUES ($1::text::int4[])', [sa]);
          const target = subs.map((_, i) => `[$${i + 1}::int4]`).join('');
          const x$ = `$${subs.length + 1}::int4`;
          await same(
            `${sa}${subs.map((s) => `[${s}]`).join('')} := ${x}`,
            `UPDATE arr_set SET a${target} = ${x$} RETURNING a::text AS v`,
            [...subs, x],
            () => int4Arr.output(arraySet(a, subs, x), ctx),
          );
        },
      ),
      { numRuns: RUNS },
    );
  });

  it('fetches elements and slices as subscripting does', async () => {
    const bound = fc.option(fc.integer({ min: -3, max: 5 }), { nil: undefined });
    await fc.assert(
      fc.asyncProperty(
        int4Arrays,
        fc.array(fc.tuple(bound, bound), { minLength: 1, maxLength: 3 }),
        fc.boolean(),
        async (a, bounds, slice) => {
          const sa = int4Arr.output(a, ctx);
          const params: unknown[] = [sa];
          const p = (v: number) => {
            params.push(v);
            return `$${params.length}::int4`;
          };
          if (slice) {
            const sub = bounds
              .map(([l, u]) => `[${l === undefined ? '' : p(l)}:${u === undefined ? '' : p(u)}]`)
              .join('');
            await same(`${sa}${sub}`, `SELECT ($1::text::int4[])${sub}::text AS v`, params, () =>
              int4Arr.output(
                arraySlice(
                  a,
                  bounds.map(([l]) => l),
                  bounds.map(([, u]) => u),
                ),
                ctx,
              ),
            );
          } else {
            const idx = bounds.map(([l]) => l ?? 1);
            const sub = idx.map((i) => `[${p(i)}]`).join('');
            await same(`${sa}${sub}`, `SELECT ($1::text::int4[])${sub}::text AS v`, params, () =>
              sqlText(undefined, arrayGet(a, idx)),
            );
          }
        },
      ),
      { numRuns: RUNS },
    );
  });

  it('generates subscripts', async () => {
    await fc.assert(
      fc.asyncProperty(
        int4Arrays,
        fc.integer({ min: -1, max: 4 }),
        fc.boolean(),
        async (a, d, rev) => {
          const sa = int4Arr.output(a, ctx);
          await same(
            `generate_subscripts(${sa}, ${d}, ${rev})`,
            "SELECT string_agg(s::text, ',') AS v FROM generate_subscripts($1::text::int4[], $2, $3) s",
            [sa, d, rev],
            () => {
              const out = builtins.call(
                'generate_subscripts',
                [TypeOid._int4, TypeOid.int4, TypeOid.bool],
                [a, d, rev],
                ctx,
              ) as number[];
              return out.length === 0 ? null : out.join(',');
            },
          );
        },
      ),
      { numRuns: RUNS },
    );
  });

  it('unnests in storage order', async () => {
    await fc.assert(
      fc.asyncProperty(textArrays, async (a) => {
        const sa = textArr.output(a, ctx);
        await same(
          `unnest ${sa}`,
          "SELECT string_agg(coalesce(x, '<null>'), '|') AS v FROM unnest($1::text::text[]) x",
          [sa],
          () => {
            const items = [
              ...(builtins.call('unnest', [TypeOid._text], [a], ctx) as Iterable<string | null>),
            ];
            return items.length === 0 ? null : items.map((x) => x ?? '<null>').join('|');
          },
        );
      }),
      { numRuns: RUNS },
    );
  });

  it('splits strings with string_to_array', async () => {
    const piece = fc.constantFrom('a', 'b', ',', ',,', '', ' ', 'ab', 'é', 'x');
    await fc.assert(
      fc.asyncProperty(
        fc.array(piece, { maxLength: 6 }).map((p) => p.join('')),
        fc.option(fc.constantFrom(',', '', 'a', 'ab', ',,'), { nil: null }),
        fc.option(fc.constantFrom('', 'a', 'b', 'x'), { nil: null }),
        async (s, sep, ns) => {
          await same(
            `string_to_array(${s}, ${sep}, ${ns})`,
            'SELECT string_to_array($1, $2, $3)::text AS v',
            [s, sep, ns],
            () =>
              sqlText(
                textArr,
                builtins.call(
                  'string_to_array',
                  [TypeOid.text, TypeOid.text, TypeOid.text],
                  [s, sep, ns],
                  ctx,
                ),
              ),
          );
        },
      ),
      { numRuns: RUNS },
    );
  });

  it('evaluates = ANY and < ALL with three-valued logic', async () => {
    await fc.assert(
      fc.asyncProperty(
        fc.option(smallInt4, { nil: null }),
        fc.option(int4Arrays, { nil: null }),
        fc.constantFrom('=', '<'),
        fc.boolean(),
        async (x, a, op, any) => {
          const sa = a === null ? null : int4Arr.output(a, ctx);
          const f = any ? scalarArrayOpAny : scalarArrayOpAll;
          await same(
            `${x} ${op} ${any ? 'ANY' : 'ALL'} ${sa}`,
            `SELECT ($1::int4 ${op} ${any ? 'ANY' : 'ALL'} ($2::text::int4[]))::text AS v`,
            [x, sa],
            () => sqlText(undefined, f(builtins, op, TypeOid.int4, TypeOid.int4, x, a, ctx)),
          );
        },
      ),
      { numRuns: RUNS },
    );
    await fc.assert(
      fc.asyncProperty(
        fc.option(smallText, { nil: null }),
        fc.option(arrayOf(smallText, { maxDims: 2 }), { nil: null }),
        fc.constantFrom('=', '<'),
        fc.boolean(),
        async (x, a, op, any) => {
          const sa = a === null ? null : textArr.output(a, ctx);
          const f = any ? scalarArrayOpAny : scalarArrayOpAll;
          await same(
            `${x} ${op} ${any ? 'ANY' : 'ALL'} ${sa}`,
            `SELECT ($1::text ${op} ${any ? 'ANY' : 'ALL'} ($2::text::text[]))::text AS v`,
            [x, sa],
            () => sqlText(undefined, f(builtins, op, TypeOid.text, TypeOid.text, x, a, ctx)),
          );
        },
      ),
      { numRuns: RUNS },
    );
  });

  it('stores arrays in heap tuples byte for byte', async () => {
    await pg.query('CREATE TABLE arr_disk (i int4[], t text[], b bool[])');
    const types = [int4Arr, textArr, boolArr];
    await fc.assert(
      fc.asyncProperty(
        fc.option(int4Arrays, { nil: null }),
        fc.option(textArrays, { nil: null }),
        fc.option(arrayOf(fc.boolean(), { maxLen: 12, maxDims: 2 }), { nil: null }),
        async (i, t, b) => {
          const values = [i, t, b];
          const texts = values.map((v, k) => (v === null ? null : types[k]!.output(v, ctx)));
          await pg.query('TRUNCATE arr_disk');
          await pg.query(
            'INSERT INTO arr_disk VALUES ($1::text::int4[], $2::text::text[], $3::text::bool[])',
            texts,
          );
          const rows = await pg.query<{ v: string }>(
            "SELECT encode(t_data, 'hex') AS v FROM heap_page_items(get_raw_page('arr_disk', 0))",
          );
          expect({ case: texts, bytes: hex(encodeRow(types, values).data) }).toEqual({
            case: texts,
            bytes: rows[0]?.v,
          });
          agreed++;
        },
      ),
      { numRuns: Math.max(20, Math.floor(RUNS / 3)) },
    );
  });

  it('handles arrays of every other registered element type (I/O, send, on disk)', async () => {
    await pg.query("SET TimeZone = 'UTC'");
    let n = 0;
    for (const arrType of builtins.types()) {
      if (arrType.category !== 'A') continue;
      const elem = builtins.mustType(arrType.elemOid);
      const candidates = SAMPLES[elem.name];
      if (!candidates) continue;
      // Only samples the element family already reads and prints as PostgreSQL does.
      const samples: unknown[] = [];
      for (const s of candidates) {
        const theirs = await pgOutcome(pg, `SELECT $1::text::"${elem.name}"::text AS v`, [s]);
        let ours: Outcome;
        let value: unknown;
        try {
          value = elem.input(s, -1, ctx);
          ours = { ok: true, text: elem.output(value, ctx) };
        } catch {
          continue;
        }
        if (theirs.ok && ours.ok && theirs.text === ours.text) samples.push(value);
      }
      if (samples.length === 0) continue;
      const table = `arr_${elem.name}`;
      await pg.query(`CREATE TABLE ${table} (a ${arrType.name}, b ${arrType.name})`);
      await fc.assert(
        fc.asyncProperty(
          arrayOf(fc.constantFrom(...samples), { maxDims: 2, maxLen: 3 }),
          arrayOf(fc.constantFrom(...samples), { maxDims: 1, maxLen: 3, lbounds: false }),
          async (a, b) => {
            const text = arrType.output(a, ctx);
            await same(
              `${arrType.name} ${text}`,
              `SELECT $1::text::${arrType.name}::text AS v`,
              [text],
              () => arrType.output(arrType.input(text, -1, ctx), ctx),
            );
            await same(
              `send ${arrType.name} ${text}`,
              `SELECT encode(array_send($1::text::${arrType.name}), 'hex') AS v`,
              [text],
              () => hex(arrType.send(a, ctx)),
            );
            const textB = arrType.output(b, ctx);
            await pg.query(`TRUNCATE ${table}`);
            await pg.query(
              `INSERT INTO ${table} VALUES ($1::text::${arrType.name}, $2::text::${arrType.name})`,
              [text, textB],
            );
            const rows = await pg.query<{ v: string }>(
              `SELECT encode(t_data, 'hex') AS v FROM heap_page_items(get_raw_page('${table}', 0))`,
            );
            expect({
              case: [text, textB],
              bytes: hex(encodeRow([arrType, arrType], [a, b]).data),
            }).toEqual({
              case: [text, textB],
              bytes: rows[0]?.v,
            });
            agreed++;
          },
        ),
        { numRuns: Math.max(10, Math.floor(RUNS / 5)) },
      );
      covered.push(arrType.name);
      n++;
    }
    expect(n).toBeGreaterThanOrEqual(1);
  });
});
