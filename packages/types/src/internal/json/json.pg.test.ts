/**
 * Differential tests of the json family against real PostgreSQL 15: text
 * input (valid and invalid, with SQLSTATE, message, DETAIL and CONTEXT),
 * output, the on-disk jsonb format byte for byte (pageinspect), operators,
 * functions, casts and ordering, on generated documents.
 */
import { type ReferencePostgres, startReferencePostgres } from '@pg/pg-reference';
import fc from 'fast-check';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { createBuiltinRegistry } from '../builtins.js';
import { pgArray } from '../core/array-value.js';
import { defaultContext } from '../core/context.js';
import { encodeRow } from '../core/datum.js';
import { SqlError } from '../core/errors.js';
import { TypeOid } from '../core/oids.js';
import { Registry } from '../core/registry.js';
import { boolType } from '../scalars/bool.js';
import { int4Type } from '../scalars/int4.js';
import { textType } from '../text/text.js';
import {
  brokenJsonText,
  jsonbValue,
  jsonKey,
  jsonText,
  longBrokenLine,
  longJsonb,
  numberToken,
} from './arbitraries.js';
import { jsonAgg, jsonbAgg, jsonbObjectAgg, jsonObjectAgg, register } from './index.js';
import { escapeJson, isArray, isObject, type JsonbObject, type JsonbValue } from './jsonb-value.js';
import { JsonSqlError } from './parser.js';
import { jsonbType, jsonType } from './types.js';

const RUNS = Number(process.env.PG_PROPERTY_RUNS ?? 100);
const ctx = defaultContext();
const r = new Registry();
r.addType(boolType);
r.addType(int4Type);
r.addType(textType);
register(r);

const { jsonb, json, text, int4, _text, bool } = TypeOid;

let pg: ReferencePostgres;
let agreed = 0;

beforeAll(async () => {
  pg = await startReferencePostgres();
}, 60_000);

afterAll(async () => {
  console.log(`json family: ${agreed} differential cases agreed with PostgreSQL`);
  await pg?.stop();
});

type Outcome =
  | { ok: true; text: string | null }
  | {
      ok: false;
      code: string;
      message: string;
      detail?: string | undefined;
      context?: string | undefined;
    };

async function theirs(sql: string, params: unknown[], details: boolean): Promise<Outcome> {
  try {
    const rows = await pg.query<{ v: string | null }>(sql, params);
    return { ok: true, text: rows[0]?.v ?? null };
  } catch (e) {
    const err = e as { code?: string; message?: string; detail?: string; where?: string };
    if (typeof err.code !== 'string') throw e;
    const o: Outcome = { ok: false, code: err.code, message: err.message ?? '' };
    if (details) {
      o.detail = err.detail;
      // The CONTEXT of an input error is the JSON line only.
      if (err.where !== undefined) o.context = err.where;
    }
    return o;
  }
}

function ours(f: () => string | null, details: boolean): Outcome {
  try {
    return { ok: true, text: f() };
  } catch (e) {
    if (!(e instanceof SqlError)) throw e;
    const o: Outcome = { ok: false, code: e.code, message: e.message };
    if (details) {
      o.detail = e.detail;
      if (e instanceof JsonSqlError && e.context !== undefined) o.context = e.context;
    }
    return o;
  }
}

async function same(
  label: string,
  sql: string,
  params: unknown[],
  f: () => string | null,
  details = false,
): Promise<void> {
  const a = ours(f, details);
  const b = await theirs(sql, params, details);
  expect({ label, sql, params, ...a }).toEqual({ label, sql, params, ...b });
  agreed++;
}

const jb = (s: string) => jsonbType.input(s, -1, ctx);
const out = (v: unknown) => (v === null ? null : jsonbType.output(v as JsonbValue, ctx));
const boolText = (v: unknown) => (v === null ? null : v ? 'true' : 'false');
const str = (v: unknown) => (v === null ? null : String(v));

/** A deterministic sub-document of v (so that @> is often true). */
function subDoc(v: JsonbValue, seed: number): JsonbValue {
  let s = seed >>> 0 || 1;
  const rnd = () => {
    s = (Math.imul(s, 1103515245) + 12345) >>> 0;
    return s / 2 ** 32;
  };
  const walk = (x: JsonbValue): JsonbValue => {
    if (isArray(x)) return x.filter(() => rnd() < 0.6).map(walk);
    if (isObject(x)) {
      return {
        kind: 'object',
        pairs: x.pairs.filter(() => rnd() < 0.6).map(([k, e]) => [k, walk(e)] as const),
      } as JsonbObject;
    }
    return x;
  };
  return walk(v);
}

const doc = fc.oneof(jsonbValue, jsonbValue, longJsonb);
/** json documents, some with escapes that only de-escaping rejects, some invalid. */
const jsonDoc = fc.oneof(
  jsonText,
  jsonText,
  brokenJsonText,
  fc.constantFrom(
    '{"a": "\\u0000", "b": [1]}',
    '["\\ud800", {"a": 1}]',
    '{"a": {"b": "\\udc00x"}}',
  ),
);
const smallInt = fc.integer({ min: -6, max: 6 });
const pathElem = fc.oneof(jsonKey, smallInt.map(String), fc.constant(null));
const path = fc.array(pathElem, { maxLength: 4 });
const pathNoNull = fc.array(fc.oneof(jsonKey, smallInt.map(String)), { maxLength: 4 });

/** Picks a key or index that exists in v when it can. */
function keyOf(v: JsonbValue, seed: number): string {
  if (isObject(v) && v.pairs.length > 0) return v.pairs[seed % v.pairs.length]![0];
  return ['a', 'b', ''][seed % 3]!;
}

describe('json family against PostgreSQL', () => {
  it('jsonb and json text input and output', async () => {
    await fc.assert(
      fc.asyncProperty(fc.oneof(jsonText, brokenJsonText, longBrokenLine), async (t) => {
        await same('jsonb_in', 'SELECT $1::text::jsonb::text AS v', [t], () => out(jb(t)), true);
        await same(
          'json_in',
          'SELECT $1::text::json::text AS v',
          [t],
          () => jsonType.input(t, -1, ctx),
          true,
        );
      }),
      { numRuns: RUNS * 2 },
    );
  });

  it('jsonb output of generated values', async () => {
    await fc.assert(
      fc.asyncProperty(doc, async (v) => {
        const t = out(v)!;
        await same('jsonb_out', 'SELECT $1::jsonb::text AS v', [t], () => out(jb(t)));
        await same('jsonb_send', "SELECT encode(jsonb_send($1::jsonb), 'hex') AS v", [t], () =>
          Buffer.from(jsonbType.send(v, ctx)).toString('hex'),
        );
        await same('jsonb_pretty', 'SELECT jsonb_pretty($1::jsonb) AS v', [t], () =>
          str(r.call('jsonb_pretty', [jsonb], [v], ctx)),
        );
      }),
      { numRuns: RUNS },
    );
  });

  it('jsonb numbers', async () => {
    await fc.assert(
      fc.asyncProperty(numberToken, async (t) => {
        await same('number', 'SELECT $1::text::jsonb::text AS v', [t], () => out(jb(t)));
      }),
      { numRuns: RUNS },
    );
  });

  it('stores jsonb on disk byte for byte', async () => {
    await pg.query('DROP TABLE IF EXISTS jdisk');
    await pg.query('CREATE TABLE jdisk (v jsonb)');
    await fc.assert(
      fc.asyncProperty(fc.array(doc, { minLength: 1, maxLength: 10 }), async (docs) => {
        await pg.query('TRUNCATE jdisk');
        const texts = docs.map((d) => out(d)!);
        await pg.query('INSERT INTO jdisk SELECT unnest($1::text[])::jsonb', [texts]);
        const rows = await pg.query<{ d: Buffer }>(
          `SELECT t_data AS d FROM generate_series(0, (pg_relation_size('jdisk') / 8192)::int - 1) p,
             heap_page_items(get_raw_page('jdisk', p)) ORDER BY p, lp`,
        );
        expect(rows.length).toBe(docs.length);
        docs.forEach((d, i) => {
          const mine = Buffer.from(encodeRow([jsonbType], [d]).data).toString('hex');
          expect({ doc: texts[i], bytes: mine }).toEqual({
            doc: texts[i],
            bytes: rows[i]!.d.toString('hex'),
          });
          agreed++;
        });
      }),
      { numRuns: Math.ceil(RUNS / 3) },
    );
  });

  it('jsonb operators', async () => {
    await fc.assert(
      fc.asyncProperty(doc, fc.nat(), jsonKey, smallInt, path, async (v, seed, key, idx, p) => {
        const t = out(v)!;
        const k = seed % 2 === 0 ? keyOf(v, seed) : key;
        const op = (name: string, right: number, b: unknown) =>
          r.operate(name, jsonb, right, [v, b], ctx);
        await same('->', 'SELECT ($1::jsonb -> $2::text)::text AS v', [t, k], () =>
          out(op('->', text, k)),
        );
        await same('->>', 'SELECT $1::jsonb ->> $2::text AS v', [t, k], () =>
          str(op('->>', text, k)),
        );
        await same('-> int', 'SELECT ($1::jsonb -> $2::int)::text AS v', [t, idx], () =>
          out(op('->', int4, idx)),
        );
        await same('->> int', 'SELECT $1::jsonb ->> $2::int AS v', [t, idx], () =>
          str(op('->>', int4, idx)),
        );
        await same('#>', 'SELECT ($1::jsonb #> $2::text[])::text AS v', [t, p], () =>
          out(op('#>', _text, pgArray(p))),
        );
        await same('#>>', 'SELECT $1::jsonb #>> $2::text[] AS v', [t, p], () =>
          str(op('#>>', _text, pgArray(p))),
        );
        await same('?', 'SELECT ($1::jsonb ? $2::text)::text AS v', [t, k], () =>
          boolText(op('?', text, k)),
        );
        const keys = [k, key];
        await same('?|', 'SELECT ($1::jsonb ?| $2::text[])::text AS v', [t, keys], () =>
          boolText(op('?|', _text, pgArray(keys))),
        );
        await same('?&', 'SELECT ($1::jsonb ?& $2::text[])::text AS v', [t, keys], () =>
          boolText(op('?&', _text, pgArray(keys))),
        );
        await same('- text', 'SELECT ($1::jsonb - $2::text)::text AS v', [t, k], () =>
          out(op('-', text, k)),
        );
        await same('- int', 'SELECT ($1::jsonb - $2::int)::text AS v', [t, idx], () =>
          out(op('-', int4, idx)),
        );
        await same('- text[]', 'SELECT ($1::jsonb - $2::text[])::text AS v', [t, keys], () =>
          out(op('-', _text, pgArray(keys))),
        );
        await same('#-', 'SELECT ($1::jsonb #- $2::text[])::text AS v', [t, p], () =>
          out(op('#-', _text, pgArray(p))),
        );
        const texts = [k, key, ...p];
        for (const fname of ['jsonb_object', 'json_object']) {
          await same(`${fname} 1`, `SELECT ${fname}($1::text[])::text AS v`, [texts], () =>
            str(
              fname === 'jsonb_object'
                ? out(r.call(fname, [_text], [pgArray(texts)], ctx))
                : r.call(fname, [_text], [pgArray(texts)], ctx),
            ),
          );
          const vals = texts.slice(0, seed % (texts.length + 1));
          await same(
            `${fname} 2`,
            `SELECT ${fname}($1::text[], $2::text[])::text AS v`,
            [p, vals],
            () => {
              const res = r.call(fname, [_text, _text], [pgArray(p), pgArray(vals)], ctx);
              return fname === 'jsonb_object' ? out(res) : str(res);
            },
          );
        }
        for (const fname of ['jsonb_typeof', 'jsonb_array_length', 'jsonb_strip_nulls']) {
          await same(fname, `SELECT ${fname}($1::jsonb)::text AS v`, [t], () => {
            const res = r.call(fname, [jsonb], [v], ctx);
            return fname === 'jsonb_strip_nulls' ? out(res) : str(res);
          });
        }
        await same(
          'jsonb_object_keys',
          'SELECT json_agg(k)::text AS v FROM jsonb_object_keys($1::jsonb) k',
          [t],
          () => {
            const ks = [...(r.call('jsonb_object_keys', [jsonb], [v], ctx) as Iterable<string>)];
            return ks.length === 0 ? null : `[${ks.map(escapeJson).join(', ')}]`;
          },
        );
        await same(
          'jsonb_array_elements_text',
          'SELECT json_agg(e)::text AS v FROM jsonb_array_elements_text($1::jsonb) e',
          [t],
          () => {
            const es = [
              ...(r.call('jsonb_array_elements_text', [jsonb], [v], ctx) as Iterable<
                string | null
              >),
            ];
            return es.length === 0
              ? null
              : `[${es.map((e) => (e === null ? 'null' : escapeJson(e))).join(', ')}]`;
          },
        );
        for (const [target, name] of [
          [int4, 'int4'],
          [bool, 'bool'],
          [TypeOid.int8, 'int8'],
          [TypeOid.float8, 'float8'],
          [TypeOid.float4, 'float4'],
        ] as const) {
          // floats are compared by their float8send bytes, not by their text
          const sql = name.startsWith('float')
            ? `SELECT encode(${name}send(($1::jsonb)::${name}), 'hex') AS v`
            : `SELECT ($1::jsonb)::${name}::text AS v`;
          await same(`::${name}`, sql, [t], () => {
            const res = r.cast(jsonb, target)!.fn!(v, -1, ctx, true);
            if (typeof res === 'boolean') return boolText(res);
            if (typeof res === 'number' && name === 'float8') {
              const bytes = Buffer.alloc(8);
              bytes.writeDoubleBE(res);
              return bytes.toString('hex');
            }
            if (typeof res === 'number' && name === 'float4') {
              const bytes = Buffer.alloc(4);
              bytes.writeFloatBE(res);
              return bytes.toString('hex');
            }
            return String(res);
          });
        }
      }),
      { numRuns: RUNS },
    );
  });

  it('jsonb binary operators, jsonb_set and ordering', async () => {
    await fc.assert(
      fc.asyncProperty(
        doc,
        doc,
        fc.nat(),
        pathNoNull,
        fc.boolean(),
        async (a, other, seed, p, flag) => {
          const b = seed % 3 === 0 ? other : subDoc(a, seed);
          const ta = out(a)!;
          const tb = out(b)!;
          const op = (name: string) => r.operate(name, jsonb, jsonb, [a, b], ctx);
          await same('@>', 'SELECT ($1::jsonb @> $2::jsonb)::text AS v', [ta, tb], () =>
            boolText(op('@>')),
          );
          await same('<@', 'SELECT ($1::jsonb <@ $2::jsonb)::text AS v', [ta, tb], () =>
            boolText(op('<@')),
          );
          await same('||', 'SELECT ($1::jsonb || $2::jsonb)::text AS v', [ta, tb], () =>
            out(op('||')),
          );
          await same(
            'jsonb_cmp',
            'SELECT jsonb_cmp($1::jsonb, $2::jsonb)::text AS v',
            [ta, tb],
            () => str(r.call('jsonb_cmp', [jsonb, jsonb], [a, b], ctx)),
          );
          await same('=', 'SELECT ($1::jsonb = $2::jsonb)::text AS v', [ta, tb], () =>
            boolText(op('=')),
          );
          const treatment = [
            'use_json_null',
            'delete_key',
            'return_target',
            'raise_exception',
            'bad',
          ][seed % 5]!;
          const newval = seed % 7 < 3 ? null : b;
          await same(
            'jsonb_set_lax',
            'SELECT jsonb_set_lax($1::jsonb, $2::text[], $3::jsonb, $4::bool, $5::text)::text AS v',
            [ta, p, newval === null ? null : tb, flag, treatment],
            () =>
              out(
                r.call(
                  'jsonb_set_lax',
                  [jsonb, _text, jsonb, bool, text],
                  [a, pgArray(p), newval, flag, treatment],
                  ctx,
                ),
              ),
          );
          const set = seed % 2 === 0 ? 'jsonb_set' : 'jsonb_insert';
          await same(
            set,
            `SELECT ${set}($1::jsonb, $2::text[], $3::jsonb, $4::bool)::text AS v`,
            [ta, p, tb, flag],
            () => out(r.call(set, [jsonb, _text, jsonb, bool], [a, pgArray(p), b, flag], ctx)),
          );
        },
      ),
      { numRuns: RUNS },
    );
  });

  it('json operators keep the original text', async () => {
    await fc.assert(
      fc.asyncProperty(jsonDoc, jsonKey, smallInt, path, async (t, key, idx, p) => {
        // json_in first (as $1::json does), then the operator
        const op = (name: string, right: number, b: unknown) =>
          r.operate(name, json, right, [jsonType.input(t, -1, ctx), b], ctx) as string | null;
        await same('json ->', 'SELECT ($1::json -> $2::text)::text AS v', [t, key], () =>
          op('->', text, key),
        );
        await same('json ->>', 'SELECT $1::json ->> $2::text AS v', [t, key], () =>
          op('->>', text, key),
        );
        await same('json -> int', 'SELECT ($1::json -> $2::int)::text AS v', [t, idx], () =>
          op('->', int4, idx),
        );
        await same('json ->> int', 'SELECT $1::json ->> $2::int AS v', [t, idx], () =>
          op('->>', int4, idx),
        );
        await same('json #>', 'SELECT ($1::json #> $2::text[])::text AS v', [t, p], () =>
          op('#>', _text, pgArray(p)),
        );
        await same('json #>>', 'SELECT $1::json #>> $2::text[] AS v', [t, p], () =>
          op('#>>', _text, pgArray(p)),
        );
        await same('json_strip_nulls', 'SELECT json_strip_nulls($1::json)::text AS v', [t], () =>
          str(r.call('json_strip_nulls', [json], [jsonType.input(t, -1, ctx)], ctx)),
        );
        const agg = (xs: Iterable<unknown>) => {
          const list = [...xs].map((x) =>
            Array.isArray(x)
              ? `${escapeJson(x[0] as string)}:${x[1] === null ? 'null' : escapeJson(x[1] as string)}`
              : x === null
                ? 'null'
                : escapeJson(x as string),
          );
          return list.length === 0 ? null : `[${list.join(', ')}]`;
        };
        for (const fname of [
          'json_array_elements',
          'json_array_elements_text',
          'json_object_keys',
        ]) {
          await same(
            fname,
            `SELECT json_agg(x::text)::text AS v FROM ${fname}($1::json) x`,
            [t],
            () => agg(r.call(fname, [json], [t], ctx) as Iterable<unknown>),
          );
        }
        for (const fname of ['json_each', 'json_each_text']) {
          await same(
            fname,
            `SELECT json_agg(x.key || ':' || coalesce(to_json(x.value::text)::text, 'null'))::text AS v FROM ${fname}($1::json) x`,
            [t],
            () => {
              const rows = [
                ...(r.call(fname, [json], [t], ctx) as Iterable<[string, string | null]>),
              ];
              if (rows.length === 0) return null;
              return `[${rows
                .map(([k, x]) => escapeJson(`${k}:${x === null ? 'null' : escapeJson(x)}`))
                .join(', ')}]`;
            },
          );
        }
        await same('json_send', "SELECT encode(json_send($1::json), 'hex') AS v", [t], () =>
          Buffer.from(jsonType.send(jsonType.input(t, -1, ctx), ctx)).toString('hex'),
        );
        for (const fname of ['json_typeof', 'json_array_length']) {
          await same(fname, `SELECT ${fname}($1::json)::text AS v`, [t], () =>
            str(r.call(fname, [json], [jsonType.input(t, -1, ctx)], ctx)),
          );
        }
      }),
      {
        numRuns: RUNS,
        // an empty path on padded documents: a container comes back as its own
        // span, a scalar with its leading whitespace (once a CI failure)
        examples: ['\t[]', ' 1 ', ' "a" ', ' null ', ' {"a":1} '].map(
          (doc) => [doc, 'a', 0, []] as [string, string, number, string[]],
        ),
      },
    );
  });

  it('to_jsonb, to_json and the build functions', async () => {
    const arg = fc.oneof(
      fc.integer().map((n) => ({ sql: 'int4', oid: int4, value: n as unknown, param: String(n) })),
      fc
        .string({ unit: 'grapheme' })
        .filter((s) => !s.includes('\0'))
        .map((s) => ({ sql: 'text', oid: text, value: s as unknown, param: s })),
      fc.boolean().map((b) => ({ sql: 'bool', oid: bool, value: b as unknown, param: String(b) })),
      jsonText.map((s) => ({ sql: 'json', oid: json, value: s as unknown, param: s })),
      jsonbValue.map((v) => ({ sql: 'jsonb', oid: jsonb, value: v as unknown, param: out(v) })),
      fc.constant({ sql: 'text', oid: text, value: null as unknown, param: null as string | null }),
    );
    await fc.assert(
      fc.asyncProperty(fc.array(arg, { maxLength: 5 }), async (args) => {
        const params = args.map((a) => a.param);
        const types = args.map((a) => a.oid);
        const values = args.map((a) => a.value);
        const list = args.map((a, i) => `$${i + 1}::${a.sql}`).join(', ');
        for (const fname of ['jsonb_build_object', 'jsonb_build_array']) {
          await same(fname, `SELECT ${fname}(${list})::text AS v`, params, () =>
            out(r.call(fname, types, values, ctx)),
          );
        }
        for (const fname of ['json_build_object', 'json_build_array']) {
          await same(fname, `SELECT ${fname}(${list})::text AS v`, params, () =>
            str(r.call(fname, types, values, ctx)),
          );
        }
        // the aggregates' results over the arguments of one type
        const same1 = args.filter((a) => a.sql === (args[0]?.sql ?? 'int4'));
        const sqlType = args[0]?.sql ?? 'int4';
        const oid = args[0]?.oid ?? int4;
        const vals = same1.map((a) => a.param);
        const jsValues = same1.map((a) => a.value);
        await same(
          `json_agg ${sqlType}`,
          `SELECT json_agg(x)::text AS v FROM unnest($1::${sqlType}[]) x`,
          [vals],
          () => jsonAgg(jsValues, oid, r, ctx),
        );
        await same(
          `jsonb_agg ${sqlType}`,
          `SELECT jsonb_agg(x)::text AS v FROM unnest($1::${sqlType}[]) x`,
          [vals],
          () => out(jsonbAgg(jsValues, oid, r, ctx)),
        );
        const keys = jsValues.map((_, i) => (i === 3 ? 'dup' : `k${i % 3}`));
        for (const [fname, agg] of [
          ['json_object_agg', (p: [unknown, unknown][]) => jsonObjectAgg(p, text, oid, r, ctx)],
          [
            'jsonb_object_agg',
            (p: [unknown, unknown][]) => out(jsonbObjectAgg(p, text, oid, r, ctx)),
          ],
        ] as const) {
          await same(
            fname,
            `SELECT ${fname}(k, x)::text AS v FROM unnest($1::text[], $2::${sqlType}[]) t(k, x)`,
            [keys, vals],
            () => agg(keys.map((k, i) => [k, jsValues[i]])),
          );
        }
        const first = args[0];
        if (first && first.value !== null) {
          await same(
            'to_jsonb',
            `SELECT to_jsonb($1::${first.sql})::text AS v`,
            [first.param],
            () => out(r.call('to_jsonb', [first.oid], [first.value], ctx)),
          );
          await same('to_json', `SELECT to_json($1::${first.sql})::text AS v`, [first.param], () =>
            str(r.call('to_json', [first.oid], [first.value], ctx)),
          );
        }
      }),
      { numRuns: RUNS },
    );
  });
});

describe('json family with the other families (shared built-in registry)', () => {
  it('to_jsonb, to_json, jsonb_build_object over more types, and jsonb::numeric', async () => {
    const b = createBuiltinRegistry();
    await pg.query("SET TimeZone = 'UTC'");
    const typed = fc.oneof(
      fc
        .bigInt({ min: -(2n ** 63n), max: 2n ** 63n - 1n })
        .map((n) => ['int8', String(n)] as const),
      fc.double().map((d) => ['float8', String(d)] as const),
      numberToken.map((t) => ['numeric', t] as const),
      fc
        .date({ min: new Date('0100-01-01'), max: new Date('9000-01-01'), noInvalidDate: true })
        .chain((d) =>
          fc.constantFrom(
            ['date', d.toISOString().slice(0, 10)] as const,
            ['timestamp', d.toISOString().slice(0, 23).replace('T', ' ')] as const,
            ['timestamptz', `${d.toISOString().slice(0, 19).replace('T', ' ')}+05:30`] as const,
          ),
        ),
      fc.array(fc.integer(), { maxLength: 4 }).map((xs) => ['_int4', `{${xs.join(',')}}`] as const),
      fc
        .array(fc.constantFrom('a', 'b c', 'é', '"q"', 'NULL'), { maxLength: 4 })
        .map((xs) => ['_text', `{${xs.map((x) => JSON.stringify(x)).join(',')}}`] as const),
      fc.constantFrom(
        ['float8', 'NaN'] as const,
        ['float8', '-Infinity'] as const,
        ['date', 'infinity'] as const,
        ['date', '0044-03-15 BC'] as const,
        ['timestamp', '0044-03-15 10:00:00.25 BC'] as const,
        ['timestamptz', '0044-03-15 10:00:00+00 BC'] as const,
        ['timestamptz', '1900-01-01 10:00:00+05:21:10'] as const,
      ),
      fc.constantFrom(
        ['int2', '-32768'] as const,
        ['float4', '1e+20'] as const,
        ['float4', '-0.5'] as const,
        ['oid', '4294967295'] as const,
        ['bool', 'true'] as const,
        ['varchar', 'a"b'] as const,
        ['bpchar', 'x'] as const,
        ['name', 'n\\m'] as const,
        ['bytea', '\\x00ff'] as const,
        ['uuid', 'A0EEBC99-9C0B-4EF8-BB6D-6BB9BD380A11'] as const,
        ['interval', '1 year 2 mons 3 days 04:05:06.5'] as const,
        ['time', '10:00:00.5'] as const,
        ['numeric', 'NaN'] as const,
        ['numeric', '-Infinity'] as const,
        ['_float8', '{1.5,NULL,-Infinity}'] as const,
        ['_numeric', '{{1.50,2},{NULL,NaN}}'] as const,
        ['_int4', '[0:1]={1,2}'] as const,
        ['_text', '{}'] as const,
      ),
    );
    await fc.assert(
      fc.asyncProperty(typed, jsonbValue, async ([typeName, literal], v) => {
        const t = b.typeByName(typeName)!;
        const value = t.input(literal, -1, ctx);
        const sqlType = typeName.startsWith('_') ? `${typeName.slice(1)}[]` : typeName;
        await same(
          `to_jsonb ${typeName}`,
          `SELECT to_jsonb($1::${sqlType})::text AS v`,
          [literal],
          () => out(b.call('to_jsonb', [t.oid], [value], ctx)),
        );
        await same(
          `to_json ${typeName}`,
          `SELECT to_json($1::${sqlType})::text AS v`,
          [literal],
          () => str(b.call('to_json', [t.oid], [value], ctx)),
        );
        await same(
          `jsonb_build_object ${typeName}`,
          `SELECT jsonb_build_object($1::${sqlType}, $1::${sqlType})::text AS v`,
          [literal],
          () => out(b.call('jsonb_build_object', [t.oid, t.oid], [value, value], ctx)),
        );
        if (typeName.startsWith('_')) {
          for (const pretty of [false, true]) {
            await same(
              `array_to_json ${typeName}`,
              `SELECT array_to_json($1::${sqlType}, ${pretty})::text AS v`,
              [literal],
              () => str(b.call('array_to_json', [t.oid, bool], [value, pretty], ctx)),
            );
          }
        }
        const numeric = b.typeByName('numeric')!;
        await same('jsonb::numeric', 'SELECT ($1::jsonb)::numeric::text AS v', [out(v)], () => {
          const res = b.cast(jsonb, numeric.oid)!.fn!(v, -1, ctx, true);
          return numeric.output(res, ctx);
        });
      }),
      { numRuns: RUNS },
    );
  });
});
