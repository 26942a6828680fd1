/**
 * Differential tests of the text family against a real PostgreSQL 15:
 * generated strings, bytes and patterns go through text input and output,
 * casts and typmod coercions, operators and functions on both sides, and
 * the results (text, or SQLSTATE and message) must agree.
 */
import { type ReferencePostgres, startReferencePostgres } from '@pg/pg-reference';
import fc from 'fast-check';
import { afterAll, beforeAll, describe, it } from 'vitest';
import { defaultContext, type TypeContext } from '../core/context.js';
import { encodeRow } from '../core/datum.js';
import { TypeOid } from '../core/oids.js';
import { expectSameOutcome, ourOutcome, pgOutcome } from '../core/pgdiff.js';
import { Registry } from '../core/registry.js';
import { int4Type } from '../scalars/int4.js';
import { register } from './index.js';

const RUNS = Number(process.env.PG_PROPERTY_RUNS ?? 100);
const r = new Registry();
register(r);
// format() and concat() print int4 arguments: the example int4 type of the scalars family.
r.addType(int4Type);
let ctx: TypeContext = defaultContext();

let pg: ReferencePostgres;
let agreed = 0;

beforeAll(async () => {
  pg = await startReferencePostgres();
  await pg.query('CREATE EXTENSION IF NOT EXISTS pageinspect');
  await pg.query(
    `CREATE TEMP TABLE coerce (v1 varchar(1), v3 varchar(3), v5 varchar(5),
       c1 char(1), c3 char(3), c5 char(5), n name)`,
  );
});

afterAll(async () => {
  console.log(`text family: ${agreed} differential cases agreed with PostgreSQL`);
  await pg?.stop();
});

/** Runs `sql` there and `ours` here; expects the same text or the same error. */
async function same(
  label: string,
  sql: string,
  params: readonly unknown[],
  ours: () => string | null,
  messages = true,
): Promise<void> {
  const theirs = await pgOutcome(pg, sql, params);
  expectSameOutcome(`${label} ${JSON.stringify(params)}`, ourOutcome(ours), theirs, messages);
  agreed++;
}

const oids: Record<string, number> = {
  text: TypeOid.text,
  int4: TypeOid.int4,
  int8: TypeOid.int8,
  bytea: TypeOid.bytea,
  uuid: TypeOid.uuid,
  name: TypeOid.name,
  bpchar: TypeOid.bpchar,
  varchar: TypeOid.varchar,
};

/** Reads a parameter as PostgreSQL would for `$n::type`. */
function read(type: string, value: unknown): unknown {
  if (value === null) return null;
  if (type === 'int4') return value as number;
  if (type === 'int8') return BigInt(value as string);
  return r.mustType(oids[type]!).input(value as string, -1, ctx);
}

/** The text of a result as `(...)::text` shows it. */
function show(oid: number, v: unknown): string | null {
  if (v === null || v === undefined) return null;
  if (oid === TypeOid.bool) return v ? 'true' : 'false';
  if (oid === TypeOid.int4) return String(v);
  if (oid === TypeOid._text) return arrayText((v as { elements: (string | null)[] }).elements);
  return r.mustType(oid).output(v, ctx);
}

/** array_out of a one-dimensional text[]. */
function arrayText(elements: readonly (string | null)[]): string {
  const quote = (e: string | null) => {
    if (e === null) return 'NULL';
    if (e === '' || /[{},"\\ \t\n\r\v\f]/.test(e) || e.toUpperCase() === 'NULL') {
      return `"${e.replace(/[\\"]/g, (c) => `\\${c}`)}"`;
    }
    return e;
  };
  return `{${elements.map(quote).join(',')}}`;
}

/** Calls function `name` with typed arguments on both sides. */
async function call(name: string, types: readonly string[], values: readonly unknown[]) {
  const sql = `SELECT "${name}"(${types.map((t, i) => `$${i + 1}::${t}`).join(', ')})::text AS v`;
  await same(`${name}(${types.join(', ')})`, sql, values, () => {
    const argOids = types.map((t) => oids[t]!);
    const fnDef = r.findFunction(name, argOids);
    if (!fnDef) throw new Error(`no ${name}(${types.join(', ')})`);
    const v = r.call(
      name,
      argOids,
      types.map((t, i) => read(t, values[i])),
      ctx,
    );
    return show(fnDef.result, v);
  });
}

/** A B-tree support function: only its sign is specified. */
async function sign(name: string, types: readonly string[], values: readonly unknown[]) {
  const sql = `SELECT sign("${name}"(${types.map((t, i) => `$${i + 1}::${t}`).join(', ')}))::int4::text AS v`;
  await same(`sign ${name}(${types.join(', ')})`, sql, values, () =>
    String(
      Math.sign(
        r.call(
          name,
          types.map((t) => oids[t]!),
          types.map((t, i) => read(t, values[i])),
          ctx,
        ) as number,
      ),
    ),
  );
}

/** Applies operator `op` on both sides. */
async function operate(op: string, lt: string, rt: string, a: unknown, b: unknown) {
  const sql = `SELECT ($1::${lt} ${op} $2::${rt})::text AS v`;
  await same(`${lt} ${op} ${rt}`, sql, [a, b], () => {
    const o = r.findOperator(op, oids[lt]!, oids[rt]!);
    if (!o) throw new Error(`no operator ${lt} ${op} ${rt}`);
    return show(o.result, r.operate(op, oids[lt]!, oids[rt]!, [read(lt, a), read(rt, b)], ctx));
  });
}

// ---- generators ----

const piece = fc.constantFrom(
  'a',
  'b',
  'A',
  'Z',
  ' ',
  '  ',
  "'",
  '"',
  '\\',
  ',',
  'é',
  '😀',
  'ab',
  '%',
  '_',
  '\n',
  'x y',
);
/** Strings built from edge-case pieces, plus arbitrary Unicode. */
const str = fc.oneof(
  { weight: 3, arbitrary: fc.array(piece, { maxLength: 6 }).map((p) => p.join('')) },
  {
    weight: 1,
    arbitrary: fc.string({ unit: 'binary', maxLength: 8 }).filter((s) => !s.includes('\0')),
  },
);
const int = fc.oneof(
  { weight: 6, arbitrary: fc.integer({ min: -6, max: 12 }) },
  { weight: 1, arbitrary: fc.constantFrom(-2147483648, 2147483647, 1073741823, -1073741824) },
);
const bytes = fc.uint8Array({ maxLength: 12 });
const hexOf = (b: Uint8Array) => `\\x${Buffer.from(b).toString('hex')}`;

describe('text family vs PostgreSQL 15', () => {
  it('typmod coercions: explicit casts, assignment, bpchar padding', async () => {
    await fc.assert(
      fc.asyncProperty(
        str,
        fc.constantFrom(1, 3, 5),
        fc.constantFrom('v', 'c'),
        async (s, n, kind) => {
          const type = kind === 'v' ? 'varchar' : 'char';
          const t = kind === 'v' ? r.mustType(TypeOid.varchar) : r.mustType(TypeOid.bpchar);
          await same(
            `CAST AS ${type}(${n})`,
            `SELECT CAST($1::text AS ${type}(${n})) AS v`,
            [s],
            () => t.applyTypmod!(s, n + 4, true),
          );
          await same(
            `INSERT ${type}(${n})`,
            `INSERT INTO coerce (${kind}${n}) VALUES ($1::text) RETURNING ${kind}${n} AS v`,
            [s],
            () => t.applyTypmod!(s, n + 4, false),
          );
          await same(`'...'::${type}(${n})`, `SELECT $1::${type}(${n}) AS v`, [s], () =>
            t.applyTypmod!(t.input(s, -1, ctx), n + 4, true),
          );
        },
      ),
      { numRuns: RUNS },
    );
    await pg.query('TRUNCATE coerce');
  });

  it('casts among text, varchar, bpchar and name', async () => {
    const types = ['text', 'varchar', 'bpchar', 'char(4)', 'varchar(2)', 'name'] as const;
    const oidOf = (t: string) =>
      t.startsWith('char') ? TypeOid.bpchar : t.startsWith('varchar') ? TypeOid.varchar : oids[t]!;
    const typmodOf = (t: string) => {
      const m = /\((\d+)\)/.exec(t);
      return m ? Number(m[1]) + 4 : -1;
    };
    await fc.assert(
      fc.asyncProperty(
        fc.oneof(str, fc.constantFrom('a'.repeat(70), 'é'.repeat(40), 'ab  ', '  ')),
        fc.constantFrom(...types),
        fc.constantFrom(...types),
        async (s, from, to) => {
          await same(`${from} -> ${to}`, `SELECT CAST($1::${from} AS ${to}) AS v`, [s], () => {
            const src = oidOf(from);
            const dst = oidOf(to);
            const srcType = r.mustType(src);
            let v = srcType.input(s, -1, ctx);
            if (typmodOf(from) >= 0) v = srcType.applyTypmod!(v, typmodOf(from), true);
            if (src !== dst) {
              const c = r.cast(src, dst);
              if (!c) throw new Error(`no cast ${from} -> ${to}`);
              v = c.fn ? c.fn(v, typmodOf(to), ctx, true) : v;
            }
            const dstType = r.mustType(dst);
            if (dstType.applyTypmod) v = dstType.applyTypmod(v, typmodOf(to), true);
            return dstType.output(v, ctx);
          });
        },
      ),
      { numRuns: RUNS * 2 },
    );
  });

  it('string functions with generated arguments', async () => {
    const sigs: ReadonlyArray<readonly [string, readonly string[]]> = [
      ['length', ['text']],
      ['length', ['bpchar']],
      ['char_length', ['text']],
      ['octet_length', ['text']],
      ['octet_length', ['bpchar']],
      ['bit_length', ['text']],
      ['lower', ['text']],
      ['upper', ['text']],
      ['initcap', ['text']],
      ['substr', ['text', 'int4']],
      ['substr', ['text', 'int4', 'int4']],
      ['substring', ['text', 'int4', 'int4']],
      ['strpos', ['text', 'text']],
      ['position', ['text', 'text']],
      ['replace', ['text', 'text', 'text']],
      ['split_part', ['text', 'text', 'int4']],
      ['btrim', ['text']],
      ['btrim', ['text', 'text']],
      ['ltrim', ['text', 'text']],
      ['rtrim', ['text']],
      ['rtrim', ['text', 'text']],
      ['lpad', ['text', 'int4']],
      ['lpad', ['text', 'int4', 'text']],
      ['rpad', ['text', 'int4', 'text']],
      ['left', ['text', 'int4']],
      ['right', ['text', 'int4']],
      ['repeat', ['text', 'int4']],
      ['reverse', ['text']],
      ['starts_with', ['text', 'text']],
      ['ascii', ['text']],
      ['chr', ['int4']],
      ['to_hex', ['int4']],
      ['to_hex', ['int8']],
      ['md5', ['text']],
      ['quote_literal', ['text']],
      ['textcat', ['text', 'text']],
      ['overlay', ['text', 'text', 'int4', 'int4']],
      ['overlay', ['text', 'text', 'int4']],
      ['translate', ['text', 'text', 'text']],
      ['quote_ident', ['text']],
      ['regexp_split_to_array', ['text', 'text']],
      ['regexp_count', ['text', 'text']],
      ['regexp_count', ['text', 'text', 'int4']],
      ['starts_with', ['text', 'text']],
      ['substring', ['text', 'text']],
      ['regexp_replace', ['text', 'text', 'text']],
      ['regexp_match', ['text', 'text']],
      ['text', ['bpchar']],
      ['name', ['text']],
    ];
    const arg = (t: string) =>
      t === 'int4'
        ? int
        : t === 'int8'
          ? fc.bigInt({ min: -(2n ** 63n), max: 2n ** 63n - 1n }).map(String)
          : str;
    await fc.assert(
      fc.asyncProperty(
        fc
          .constantFrom(...sigs)
          .chain(([name, types]) =>
            fc.tuple(fc.constant(name), fc.constant(types), fc.tuple(...types.map(arg))),
          ),
        async ([name, types, values]) => call(name, types, values),
      ),
      { numRuns: RUNS * 4 },
    );
    // chr over the whole code point range and beyond
    await fc.assert(
      fc.asyncProperty(
        fc.oneof(
          fc.integer({ min: -5, max: 0x110005 }),
          fc.constantFrom(
            0x7f,
            0x80,
            0xd7ff,
            0xd800,
            0xdbff,
            0xdc00,
            0xdfff,
            0xe000,
            0x10ffff,
            0x110000,
          ),
        ),
        async (n) => call('chr', ['int4'], [n]),
      ),
      { numRuns: RUNS },
    );
  });

  it('concat and concat_ws print each argument with its type', async () => {
    const argGen = fc.oneof(
      str.map((s) => ['text', s] as const),
      str.map((s) => ['bpchar', s] as const),
      bytes.map((b) => ['bytea', hexOf(b)] as const),
      fc.uuid().map((u) => ['uuid', u] as const),
      int.map((n) => ['int4', n] as const),
      fc.constant(['text', null] as const),
    );
    await fc.assert(
      fc.asyncProperty(
        fc.array(argGen, { minLength: 1, maxLength: 4 }),
        fc.option(str),
        fc.uuid(),
        bytes,
        async (args, sep, u, b) => {
          const types = args.map(([t]) => t);
          const values = args.map(([, v]) => v);
          await call('concat', types, values);
          const wsTypes = types.filter((t) => t !== 'int4');
          if (wsTypes.length > 0) {
            const wsValues = values.filter((_, i) => types[i] !== 'int4');
            await call('concat_ws', ['text', ...wsTypes], [sep, ...wsValues]);
          }
          await operate('||', 'text', 'uuid', sep ?? '', u);
          await operate('||', 'bytea', 'bytea', hexOf(b), hexOf(b.subarray(1)));
        },
      ),
      { numRuns: RUNS },
    );
  });

  it('format()', async () => {
    const fmtPiece = fc.constantFrom(
      '%s',
      '%I',
      '%L',
      '%%',
      '%1$s',
      '%2$s',
      '%-5s',
      '%5s',
      '%*s',
      '%-*s',
      '%*2$s',
      '%0$s',
      '%x',
      '%',
      'abc',
      ' ',
      '%3$I',
      '%-10L',
      '%*1$s',
      '%1$-3s',
      '%*0$s',
      '%*3s',
      '%é',
      '%2$',
    );
    const fmtArg = fc.oneof(
      str.map((v) => ['text', v] as const),
      fc.integer({ min: -8, max: 8 }).map((v) => ['int4', v] as const),
      fc.constant(['text', null] as const),
      fc.constant(['int4', null] as const),
    );
    await fc.assert(
      fc.asyncProperty(
        fc.array(fmtPiece, { maxLength: 4 }).map((p) => p.join('')),
        fc.array(fmtArg, { maxLength: 3 }),
        async (fmt, args) =>
          call('format', ['text', ...args.map(([t]) => t)], [fmt, ...args.map(([, v]) => v)]),
      ),
      { numRuns: RUNS * 2 },
    );
  });

  it('binary send, and the on-disk tuple data PostgreSQL writes', async () => {
    const cases = fc.oneof(
      str.map((v) => ['text', v] as const),
      str.map((v) => ['varchar', v] as const),
      str.map((v) => ['bpchar', v] as const),
      str.map((v) => ['name', v] as const),
      bytes.map((b) => ['bytea', hexOf(b)] as const),
      fc.uuid().map((u) => ['uuid', u] as const),
    );
    await fc.assert(
      fc.asyncProperty(cases, async ([t, v]) => {
        const type = r.mustType(oids[t]!);
        const fnName = t === 'uuid' ? 'uuid_send' : `${t}send`;
        await same(`${fnName}`, `SELECT encode(${fnName}($1::${t}), 'hex') AS v`, [v], () =>
          Buffer.from(type.send(type.input(v, -1, ctx), ctx)).toString('hex'),
        );
      }),
      { numRuns: RUNS },
    );
    await pg.query(
      `CREATE TEMP TABLE disk (i int4, t text, v varchar(8), c char(5), n name, b bytea, u uuid)`,
    );
    const long = fc
      .string({ unit: 'binary', minLength: 100, maxLength: 200 })
      .filter((x) => !x.includes('\0'));
    const row = fc.tuple(
      fc.option(fc.oneof(str, long)),
      fc.option(str.map((x) => x.slice(0, 4))),
      fc.option(str.map((x) => x.slice(0, 4))),
      fc.option(fc.oneof(str, long)),
      fc.option(fc.oneof(bytes, fc.uint8Array({ minLength: 120, maxLength: 300 }))),
      fc.option(fc.uuid()),
    );
    const types = ['int4', 'text', 'varchar', 'bpchar', 'name', 'bytea', 'uuid'].map((t) =>
      r.mustType(oids[t]!),
    );
    await fc.assert(
      fc.asyncProperty(row, async ([t, v, c, n, b, u]) => {
        await pg.query('TRUNCATE disk');
        await pg.query('INSERT INTO disk VALUES (7, $1, $2, $3, $4, $5::bytea, $6::uuid)', [
          t,
          v,
          c,
          n,
          b === null ? null : hexOf(b),
          u,
        ]);
        await same(
          'tuple data',
          `SELECT encode(t_data, 'hex') AS v FROM heap_page_items(get_raw_page('disk', 0))`,
          [],
          () => {
            const values = [
              7,
              t,
              v,
              c === null ? null : r.mustType(TypeOid.bpchar).applyTypmod!(c, 9, false),
              n === null ? null : r.mustType(TypeOid.name).input(n, -1, ctx),
              b,
              u,
            ];
            return Buffer.from(encodeRow(types, values).data).toString('hex');
          },
        );
      }),
      { numRuns: Math.max(10, Math.floor(RUNS / 2)) },
    );
  });

  it('comparison operators and B-tree order', async () => {
    const cmpTypes = ['text', 'bpchar', 'name'] as const;
    await fc.assert(
      fc.asyncProperty(
        str,
        str,
        fc.constantFrom(...cmpTypes),
        fc.constantFrom('=', '<>', '<', '<=', '>', '>='),
        async (a, b, t, op) => {
          await operate(op, t, t, a, b);
          await operate(op, 'name', 'text', a, b);
          const pop =
            op === '<'
              ? '~<~'
              : op === '<='
                ? '~<=~'
                : op === '>'
                  ? '~>~'
                  : op === '>='
                    ? '~>=~'
                    : undefined;
          if (pop !== undefined && t !== 'name') await operate(pop, t, t, a, b);
          await operate(op, 'text', 'name', a, b);
          const cmp = t === 'text' ? 'bttextcmp' : t === 'bpchar' ? 'bpcharcmp' : 'btnamecmp';
          await sign(cmp, [t, t], [a, b]);
        },
      ),
      { numRuns: RUNS },
    );
  });

  it('LIKE and ILIKE', async () => {
    const likePiece = fc.constantFrom(
      '%',
      '_',
      '\\',
      'a',
      'b',
      'A',
      'é',
      '\\%',
      '\\_',
      '\\\\',
      '%a',
      'b_',
    );
    const textPiece = fc.constantFrom('a', 'b', 'A', 'B', '%', '_', '\\', 'é', 'É', '');
    await fc.assert(
      fc.asyncProperty(
        fc.array(textPiece, { maxLength: 6 }).map((p) => p.join('')),
        fc.array(likePiece, { maxLength: 5 }).map((p) => p.join('')),
        fc.constantFrom('~~', '!~~', '~~*', '!~~*'),
        fc.constantFrom('text', 'bpchar', 'name'),
        async (s, p, op, t) => operate(op, t, 'text', s, p),
      ),
      { numRuns: RUNS * 3 },
    );
    // LIKE ... ESCAPE: like_escape rewrites the pattern for backslash.
    await fc.assert(
      fc.asyncProperty(
        fc
          .array(fc.constantFrom('a', 'b', '%', '_', '\\', '#', 'é'), { maxLength: 6 })
          .map((p) => p.join('')),
        fc
          .array(fc.constantFrom('%', '_', '\\', '#', '##', '#%', 'a', 'é', '#\\'), {
            maxLength: 5,
          })
          .map((p) => p.join('')),
        fc.constantFrom('#', '', '\\', 'a', 'é', '##'),
        async (s, p, e) => {
          await call('like_escape', ['text', 'text'], [p, e]);
          await same(
            'LIKE ESCAPE',
            'SELECT ($1::text LIKE $2::text ESCAPE $3::text)::text AS v',
            [s, p, e],
            () => {
              const pat = r.call('like_escape', [TypeOid.text, TypeOid.text], [p, e], ctx);
              return show(TypeOid.bool, r.operate('~~', TypeOid.text, TypeOid.text, [s, pat], ctx));
            },
          );
        },
      ),
      { numRuns: RUNS * 2 },
    );
  });

  it('bytea input, output and functions', async () => {
    const escapePiece = fc.constantFrom(
      'a',
      ' ',
      '\\\\',
      '\\001',
      '\\377',
      '\\400',
      '\\',
      '\\8',
      'é',
      '\\x',
      'x',
    );
    const hexPiece = fc.constantFrom('0', 'a', 'F', 'g', ' ', '\n', '00', 'ff', '1 2', 'é');
    const input = fc.oneof(
      bytes.map(hexOf),
      fc.array(escapePiece, { maxLength: 5 }).map((p) => p.join('')),
      fc.array(hexPiece, { maxLength: 6 }).map((p) => `\\x${p.join('')}`),
    );
    const bytea = r.mustType(TypeOid.bytea);
    for (const output of ['hex', 'escape'] as const) {
      await pg.query(`SET bytea_output = '${output}'`);
      ctx = defaultContext({ byteaOutput: output });
      await fc.assert(
        fc.asyncProperty(input, async (s) =>
          same(`bytea in/out (${output})`, 'SELECT $1::bytea::text AS v', [s], () =>
            bytea.output(bytea.input(s, -1, ctx), ctx),
          ),
        ),
        { numRuns: RUNS },
      );
    }
    await pg.query('RESET bytea_output');
    ctx = defaultContext();
    const sigs: ReadonlyArray<readonly [string, readonly string[]]> = [
      ['length', ['bytea']],
      ['octet_length', ['bytea']],
      ['bit_length', ['bytea']],
      ['substr', ['bytea', 'int4', 'int4']],
      ['substring', ['bytea', 'int4']],
      ['position', ['bytea', 'bytea']],
      ['btrim', ['bytea', 'bytea']],
      ['md5', ['bytea']],
      ['get_byte', ['bytea', 'int4']],
      ['set_byte', ['bytea', 'int4', 'int4']],
      ['overlay', ['bytea', 'bytea', 'int4', 'int4']],
      ['overlay', ['bytea', 'bytea', 'int4']],
      ['ltrim', ['bytea', 'bytea']],
      ['sha256', ['bytea']],
      ['sha512', ['bytea']],
      ['get_bit', ['bytea', 'int8']],
      ['set_bit', ['bytea', 'int8', 'int4']],
      ['rtrim', ['bytea', 'bytea']],
      ['byteanlike', ['bytea', 'bytea']],
      ['byteacat', ['bytea', 'bytea']],
      ['bytealike', ['bytea', 'bytea']],
      ['encode', ['bytea', 'text']],
    ];
    const arg = (t: string) =>
      t === 'int4'
        ? int
        : t === 'int8'
          ? fc.integer({ min: -2, max: 100 }).map(String)
          : t === 'text'
            ? fc.constantFrom('hex', 'base64', 'escape', 'HEX', 'b64')
            : bytes.map(hexOf);
    await fc.assert(
      fc.asyncProperty(
        fc
          .constantFrom(...sigs)
          .chain(([name, types]) =>
            fc.tuple(fc.constant(name), fc.constant(types), fc.tuple(...types.map(arg))),
          ),
        async ([name, types, values]) => call(name, types, values),
      ),
      { numRuns: RUNS * 2 },
    );
    await fc.assert(
      fc.asyncProperty(bytes, bytes, async (a, b) =>
        sign('byteacmp', ['bytea', 'bytea'], [hexOf(a), hexOf(b)]),
      ),
      { numRuns: RUNS },
    );
    // convert_from / convert_to / convert
    const encName = fc.constantFrom(
      'UTF8',
      'utf-8',
      'LATIN1',
      'latin_1',
      'SQL_ASCII',
      'unicode',
      'foo',
    );
    const rawBytes = fc.oneof(
      bytes,
      fc.constantFrom(
        new Uint8Array([0xc3, 0x28]),
        new Uint8Array([0xe2, 0x82]),
        new Uint8Array([0xed, 0xa0, 0x80]),
        new Uint8Array([0xf4, 0x90, 0x80, 0x80]),
        new Uint8Array([0xc3, 0xa9, 0x41]),
      ),
    );
    await fc.assert(
      fc.asyncProperty(rawBytes, str, encName, encName, async (b, s, e1, e2) => {
        await same(
          'convert_from',
          'SELECT convert_from($1::bytea, $2::name) AS v',
          [hexOf(b), e1],
          () =>
            show(TypeOid.text, r.call('convert_from', [TypeOid.bytea, TypeOid.name], [b, e1], ctx)),
        );
        await same('convert_to', 'SELECT convert_to($1::text, $2::name)::text AS v', [s, e1], () =>
          show(TypeOid.bytea, r.call('convert_to', [TypeOid.text, TypeOid.name], [s, e1], ctx)),
        );
        await same(
          'convert',
          'SELECT convert($1::bytea, $2::name, $3::name)::text AS v',
          [hexOf(b), e1, e2],
          () =>
            show(
              TypeOid.bytea,
              r.call('convert', [TypeOid.bytea, TypeOid.name, TypeOid.name], [b, e1, e2], ctx),
            ),
        );
      }),
      { numRuns: RUNS },
    );
    // decode() of generated text, and the round trip through encode()
    const encoded = fc.oneof(
      fc
        .tuple(fc.uint8Array({ maxLength: 120 }), fc.constantFrom('hex', 'base64', 'escape'))
        .map(([b, e]) => [Buffer.from(b).toString(e === 'escape' ? 'latin1' : e), e] as const),
      fc.tuple(
        fc
          .array(
            fc.constantFrom('QQ', '==', '=', 'A', 'ab', ' ', '\n', '*', 'QUJD', '\\\\', '\\101'),
            { maxLength: 6 },
          )
          .map((p) => p.join('')),
        fc.constantFrom('hex', 'base64', 'escape'),
      ),
    );
    await fc.assert(
      fc.asyncProperty(encoded, async ([s, e]) => {
        await call('decode', ['text', 'text'], [s.replace(/\0/g, ''), e]);
        await same(
          `encode(decode) ${e}`,
          `SELECT encode(decode($1::text, $2::text), $2::text) AS v`,
          [s.replace(/\0/g, ''), e],
          () =>
            r.call(
              'encode',
              [TypeOid.bytea, TypeOid.text],
              [r.call('decode', [TypeOid.text, TypeOid.text], [s.replace(/\0/g, ''), e], ctx), e],
              ctx,
            ) as string,
        );
      }),
      { numRuns: RUNS },
    );
  });

  it('uuid input variants', async () => {
    const hex = fc.stringMatching(/^[0-9a-fA-F]{4}$/);
    const variant = fc
      .tuple(
        fc.array(hex, { minLength: 7, maxLength: 9 }),
        fc.array(fc.constantFrom('', '', '-', '--', 'x'), { minLength: 9, maxLength: 9 }),
        fc.constantFrom('', '{', '}'),
        fc.constantFrom('', '}', '{', ' '),
      )
      .map(
        ([groups, seps, pre, post]) =>
          pre + groups.map((g, i) => g + (i < groups.length - 1 ? seps[i] : '')).join('') + post,
      );
    const uuid = r.mustType(TypeOid.uuid);
    await fc.assert(
      fc.asyncProperty(fc.oneof(variant, fc.uuid()), fc.uuid(), async (s, other) => {
        await same('uuid in/out', 'SELECT $1::uuid::text AS v', [s], () =>
          uuid.output(uuid.input(s, -1, ctx), ctx),
        );
        await operate('<', 'uuid', 'uuid', s, other);
      }),
      { numRuns: RUNS * 2 },
    );
  });

  it('SIMILAR TO and similar_to_escape', async () => {
    const simPiece = fc.constantFrom(
      'a',
      'b',
      '%',
      '_',
      '(',
      ')',
      '|',
      '[ab]',
      '[%]',
      '\\',
      '#',
      '#"',
      '\\"',
      '.',
      '^',
      '$',
      '*',
      '+',
      'é',
      '{1}',
    );
    const simPattern = fc.array(simPiece, { maxLength: 6 }).map((p) => p.join(''));
    const simText = fc
      .array(fc.constantFrom('a', 'b', '%', '.', '#', 'é', 'ab'), { maxLength: 5 })
      .map((p) => p.join(''));
    await fc.assert(
      fc.asyncProperty(
        simText,
        simPattern,
        fc.constantFrom('\\', '#', '', 'ab'),
        async (s, p, e) => {
          await call('similar_to_escape', ['text'], [p]);
          await call('similar_to_escape', ['text', 'text'], [p, e]);
          await same(
            'SIMILAR TO',
            'SELECT ($1::text SIMILAR TO $2::text)::text AS v',
            [s, p],
            () => {
              const re = r.call('similar_to_escape', [TypeOid.text], [p], ctx);
              return show(TypeOid.bool, r.operate('~', TypeOid.text, TypeOid.text, [s, re], ctx));
            },
          );
          await same(
            'substring SIMILAR',
            'SELECT substring($1::text SIMILAR $2::text ESCAPE $3::text) AS v',
            [s, p, e],
            () =>
              r.call('substring', [TypeOid.text, TypeOid.text, TypeOid.text], [s, p, e], ctx) as
                | string
                | null,
          );
        },
      ),
      {
        numRuns: RUNS * 2,
        // parentheses straddling the separator: PostgreSQL answers the first capture group ('')
        examples: [['a', '#")a(', '#']],
      },
    );
  });

  it('regular expressions', async () => {
    const rePiece = fc.constantFrom(
      'a',
      'b',
      'A',
      '.',
      '[ab]',
      '[^a]',
      '[[:alpha:]]',
      '[[:digit:]]',
      '\\d',
      '\\w',
      '\\s',
      '\\W',
      '*',
      '+',
      '?',
      '{1,2}',
      '{2}',
      '(',
      ')',
      '|',
      '^',
      '$',
      '\\m',
      '\\M',
      '\\y',
      '[a-c]',
      '\\.',
      '(?:',
      '\\1',
      '*?',
      '{',
      '[[:space:]]',
      '[^[:alpha:]]',
      '\\D',
      '\\S',
      '\\Y',
      '\\A',
      '\\Z',
      '(?=a)',
      '(?!b)',
      '(?<=a)',
      '[]a]',
      '[a-]',
      'x{0}',
      '{,',
      '\\x41',
      '\\u0041',
      '\\B',
      '\\q',
      ' ',
      '#',
      '\n',
      '[[:upper:]]',
      '\\',
    );
    const reText = fc
      .array(fc.constantFrom('a', 'b', 'A', 'B', ' ', '1', '.', '\n', 'é', 'ab', '😀'), {
        maxLength: 6,
      })
      .map((p) => p.join(''));
    const pattern = fc.array(rePiece, { minLength: 1, maxLength: 5 }).map((p) => p.join(''));
    await fc.assert(
      fc.asyncProperty(reText, pattern, fc.constantFrom('~', '!~', '~*', '!~*'), async (s, p, op) =>
        operate(op, 'text', 'text', s, p),
      ),
      { numRuns: RUNS * 3 },
    );
    await fc.assert(
      fc.asyncProperty(
        reText,
        pattern,
        fc.array(fc.constantFrom('i', 'n', 'x', 's', 'p', 'w', 'c', 'q', 't', 'm'), {
          maxLength: 3,
        }),
        async (s, p, flags) =>
          call('regexp_like', ['text', 'text', 'text'], [s, p, flags.join('')]),
      ),
      { numRuns: RUNS * 2 },
    );
    // The whole match with alternation, non-greedy and repeated groups: PostgreSQL's
    // longest (or shortest) match at the leftmost position.
    const ambiguousPiece = fc.constantFrom(
      'a',
      'b',
      '(?:a|ab)',
      '(?:b|ba|bab)',
      '.',
      'b*?',
      'a+',
      '(?:ab)*',
      '|',
      'x*?',
      '[ab]{1,2}?',
      '(?:a|b)+',
      '\\y',
      '$',
      '(?:a|ab)\\M',
    );
    // Long strings too: matches far from the end are re-chosen on a cut string.
    const tail = fc.constantFrom('', ' ab'.repeat(120), 'z'.repeat(300));
    await fc.assert(
      fc.asyncProperty(
        fc.tuple(reText, tail).map(([t, z]) => t + z),
        fc.array(ambiguousPiece, { minLength: 1, maxLength: 4 }).map((p) => p.join('')),
        async (s, p) => {
          await same(
            'whole match',
            'SELECT (regexp_match($1::text, $2::text))[1] AS v',
            [s, p],
            () => {
              const m = r.call('regexp_match', [TypeOid.text, TypeOid.text], [s, p], ctx) as {
                elements: string[];
              } | null;
              return m === null ? null : m.elements[0]!;
            },
          );
          await call('regexp_replace', ['text', 'text', 'text', 'text'], [s, p, '<\\&>', 'g']);
        },
      ),
      { numRuns: RUNS * 2 },
    );
    // The positional functions of PostgreSQL 15: regexp_substr, regexp_instr, regexp_replace(start, N).
    const small = fc.integer({ min: -1, max: 7 });
    const posPiece = fc.constantFrom('a', 'b', '.', '(a)', '(b*)', 'a|b', '\\y', '$', '^', 'x*');
    const posPattern = fc.array(posPiece, { minLength: 1, maxLength: 3 }).map((p) => p.join(''));
    const posFlags = fc.constantFrom('', 'i', 'g', 'n');
    await fc.assert(
      fc.asyncProperty(
        reText,
        posPattern,
        small,
        small,
        small,
        posFlags,
        small,
        async (s, p, a, n, e, g, sub) => {
          await call(
            'regexp_substr',
            ['text', 'text', 'int4', 'int4', 'text', 'int4'],
            [s, p, a, n, g, sub],
          );
          await call('regexp_substr', ['text', 'text', 'int4'], [s, p, a]);
          await call(
            'regexp_instr',
            ['text', 'text', 'int4', 'int4', 'int4', 'text', 'int4'],
            [s, p, a, n, e, g, sub],
          );
          await call('regexp_instr', ['text', 'text'], [s, p]);
          await call(
            'regexp_replace',
            ['text', 'text', 'text', 'int4', 'int4', 'text'],
            [s, p, '<\\&>', a, n, g],
          );
          await call('regexp_replace', ['text', 'text', 'text', 'int4'], [s, p, '-', a]);
          await call('regexp_count', ['text', 'text', 'int4', 'text'], [s, p, a, g]);
        },
      ),
      { numRuns: RUNS * 2 },
    );
    // Set-returning functions: regexp_matches and regexp_split_to_table.
    await fc.assert(
      fc.asyncProperty(
        reText,
        pattern,
        fc.constantFrom('', 'g', 'gi', 'n', 'i'),
        async (s, p, flags) => {
          await same(
            'regexp_matches',
            `SELECT string_agg(m::text, ';' ORDER BY n) AS v
             FROM regexp_matches($1::text, $2::text, $3::text) WITH ORDINALITY AS t(m, n)`,
            [s, p, flags],
            () => {
              const rows = [
                ...(r.call(
                  'regexp_matches',
                  [TypeOid.text, TypeOid.text, TypeOid.text],
                  [s, p, flags],
                  ctx,
                ) as Iterable<{ elements: (string | null)[] }>),
              ];
              return rows.length === 0 ? null : rows.map((m) => arrayText(m.elements)).join(';');
            },
          );
          await same(
            'regexp_split_to_table',
            `SELECT array_agg(x ORDER BY n)::text AS v
             FROM regexp_split_to_table($1::text, $2::text, $3::text) WITH ORDINALITY AS t(x, n)`,
            [s, p, flags],
            () =>
              arrayText([
                ...(r.call(
                  'regexp_split_to_table',
                  [TypeOid.text, TypeOid.text, TypeOid.text],
                  [s, p, flags],
                  ctx,
                ) as Iterable<string>),
              ]),
          );
        },
      ),
      { numRuns: RUNS * 2 },
    );
    // Functions: patterns without alternation, where JavaScript's match is PostgreSQL's.
    const simplePiece = fc.constantFrom(
      'a',
      'b',
      '.',
      '[ab]',
      '\\d',
      '(a)',
      '(b+)',
      'a*',
      'b?',
      '[^ ]',
      '^',
      '$',
      '\\y',
      '(a)\\1',
      '(?=a)',
      '(?<!b)',
      '\\w+',
      '[[:alpha:]]{2}',
    );
    const simple = fc.array(simplePiece, { minLength: 1, maxLength: 4 }).map((p) => p.join(''));
    const replacement = fc.constantFrom('x', '', '\\1', '[\\&]', '\\\\', '\\2', '\\', '$1');
    await fc.assert(
      fc.asyncProperty(
        reText,
        simple,
        replacement,
        fc.constantFrom('', 'g', 'i', 'gi', 'n', 'x', 'z'),
        async (s, p, rep, flags) => {
          await call('regexp_replace', ['text', 'text', 'text', 'text'], [s, p, rep, flags]);
          await call('regexp_match', ['text', 'text', 'text'], [s, p, flags]);
          await call('regexp_like', ['text', 'text', 'text'], [s, p, flags]);
        },
      ),
      { numRuns: RUNS * 2 },
    );
  });
});
