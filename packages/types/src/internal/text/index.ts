/**
 * Registers the text family: the types text, varchar, bpchar, name, bytea
 * and uuid; their comparison operators; the string and bytea functions;
 * LIKE and regular-expression operators; and the casts among the
 * character types (pg_cast's entries, with their contexts).
 */
import { randomUUID } from 'node:crypto';
import { pgArray } from '../core/array-value.js';
import type { TypeContext } from '../core/context.js';
import { COMPARISONS, fn, registerComparisons } from '../core/define.js';
import { TypeOid } from '../core/oids.js';
import type { CastContext, Registry } from '../core/registry.js';
import { byteaType } from './bytea.js';
import { registerChar } from './char.js';
import {
  bpcharCoerce,
  bpcharCompare,
  bpcharTrim,
  bpcharType,
  charLength,
  clipName,
  nameType,
  varcharCoerce,
  varcharType,
} from './chars.js';
import { convert, convertFrom, convertTo } from './encoding.js';
import * as f from './functions.js';
import { byteaLike, ilike, like, likeEscape } from './like.js';
import {
  regexMatches,
  regexpCount,
  regexpInstr,
  regexpLike,
  regexpMatch,
  regexpMatches,
  regexpReplace,
  regexpReplaceExtended,
  regexpSplit,
  regexpSubstr,
  similarSubstring,
  similarToEscape,
} from './regex.js';
import { registerStringSrfs } from './string-srf.js';
import { checkText, compareCodePoints, textType } from './text.js';
import { uuidType } from './uuid.js';

const { text, int4, int8, bool, bytea, bpchar, varchar, name, uuid } = TypeOid;

type S = string;

export function register(r: Registry): void {
  registerTypes(r);
  registerChar(r);
  registerCasts(r);
  registerStringFunctions(r);
  registerBytea(r);
  registerPatterns(r);
  registerStringSrfs(r);
}

function registerTypes(r: Registry): void {
  r.addType(textType);
  // PostgreSQL names them texteq, textne, but text_lt, text_le, text_gt, text_ge.
  registerComparisons(r, textType, 'text', 'bttextcmp', {
    lt: 'text_lt',
    le: 'text_le',
    gt: 'text_gt',
    ge: 'text_ge',
  });
  r.addType(varcharType);
  r.addType(bpcharType);
  registerComparisons(r, bpcharType, 'bpchar', 'bpcharcmp');
  r.addType(nameType);
  registerComparisons(r, nameType, 'name', 'btnamecmp');
  registerNameText(r);
  r.addType(byteaType);
  registerComparisons(r, byteaType, 'bytea', 'byteacmp');
  r.addType(uuidType);
  registerComparisons(r, uuidType, 'uuid_', 'uuid_cmp');
  fn(r, 'gen_random_uuid', [], uuid, () => randomUUID(), { volatility: 'v' });
}

function registerCasts(r: Registry): void {
  const cast = (
    source: number,
    target: number,
    context: CastContext,
    conv?: (v: string, typmod: number, isExplicit: boolean) => string,
  ): void => {
    if (conv === undefined) r.addCast({ source, target, context, method: 'b' });
    else {
      r.addCast({
        source,
        target,
        context,
        method: 'f',
        fn: (v, typmod, _ctx, isExplicit) => conv(v as string, typmod, isExplicit),
      });
    }
  };
  const toName = (v: string) => clipName(v);
  // text(boolean) (booltext): 'true' / 'false', the assignment cast from boolean to the string types
  fn(r, 'text', [bool], text, ([b]: boolean[]) => (b ? 'true' : 'false'));
  for (const target of [text, varchar, bpchar]) {
    r.addCast({
      source: bool,
      target,
      context: 'a',
      method: 'f',
      fn: (v) => ((v as boolean) ? 'true' : 'false'),
    });
  }
  cast(name, text, 'i', (v) => v);
  cast(name, bpchar, 'a', (v, t, e) => bpcharCoerce(v, t, e));
  cast(name, varchar, 'a', (v, t, e) => varcharCoerce(v, t, e));
  cast(text, name, 'i', toName);
  cast(text, bpchar, 'i');
  cast(text, varchar, 'i');
  cast(bpchar, name, 'i', (v) => clipName(bpcharTrim(v)));
  cast(bpchar, text, 'i', (v) => bpcharTrim(v));
  cast(bpchar, bpchar, 'i', (v, t, e) => bpcharCoerce(v, t, e));
  cast(bpchar, varchar, 'i', (v, t, e) => varcharCoerce(bpcharTrim(v), t, e));
  cast(varchar, name, 'i', toName);
  cast(varchar, text, 'i');
  cast(varchar, bpchar, 'i');
  cast(varchar, varchar, 'i', (v, t, e) => varcharCoerce(v, t, e));

  // The cast functions as pg_proc has them.
  fn(r, 'text', [bpchar], text, ([v]: S[]) => bpcharTrim(v!));
  fn(r, 'text', [name], text, ([v]: S[]) => v);
  fn(r, 'name', [text], name, ([v]: S[]) => clipName(v!));
  fn(r, 'name', [varchar], name, ([v]: S[]) => clipName(v!));
  fn(r, 'name', [bpchar], name, ([v]: S[]) => clipName(bpcharTrim(v!)));
  fn(r, 'bpchar', [name], bpchar, ([v]: S[]) => v);
  fn(r, 'varchar', [name], varchar, ([v]: S[]) => v);
  fn(r, 'bpchar', [bpchar, int4, bool], bpchar, ([v, t, e]: [S, number, boolean]) =>
    bpcharCoerce(v, t, e),
  );
  fn(r, 'varchar', [varchar, int4, bool], varchar, ([v, t, e]: [S, number, boolean]) =>
    varcharCoerce(v, t, e),
  );
}

/** The text of a value of any registered type, as its output function prints it. */
function printAny(r: Registry, value: unknown, type: number, ctx: TypeContext): string {
  return r.mustType(type).output(value, ctx);
}

function registerStringFunctions(r: Registry): void {
  const cat = ([a, b]: S[]) => checkText(a! + b!);
  fn(r, 'textcat', [text, text], text, cat, { operator: '||' });
  fn(
    r,
    'anytextcat',
    [TypeOid.anynonarray, text],
    text,
    ([a, b]: [unknown, S], ctx, types) => printAny(r, a, types[0]!, ctx) + b,
    { volatility: 's', operator: '||' },
  );
  fn(
    r,
    'textanycat',
    [text, TypeOid.anynonarray],
    text,
    ([a, b]: [S, unknown], ctx, types) => a + printAny(r, b, types[1]!, ctx),
    { volatility: 's', operator: '||' },
  );
  r.addFunction({
    name: 'concat',
    args: [TypeOid.any],
    result: text,
    volatility: 's',
    strict: false,
    variadic: TypeOid.any,
    impl: (args, ctx, types) =>
      args.map((a, i) => (a === null ? '' : printAny(r, a, types[i]!, ctx))).join(''),
  });
  r.addFunction({
    name: 'concat_ws',
    args: [text, TypeOid.any],
    result: text,
    volatility: 's',
    strict: false,
    variadic: TypeOid.any,
    impl: (args, ctx, types) => {
      const sep = args[0];
      if (sep === null || sep === undefined) return null;
      return args
        .slice(1)
        .map((a, i) => (a === null ? null : printAny(r, a, types[i + 1]!, ctx)))
        .filter((a): a is string => a !== null)
        .join(sep as string);
    },
  });

  const formatArgs = (args: readonly unknown[], ctx: TypeContext, types: readonly number[]) =>
    args.slice(1).map((value, i) => {
      const type = types[i + 1]!;
      return {
        value,
        print: () => printAny(r, value, type, ctx),
        ...(type === int4 && typeof value === 'number' ? { int4: value } : {}),
      };
    });
  r.addFunction({
    name: 'format',
    args: [text],
    result: text,
    volatility: 's',
    strict: false,
    impl: ([fmt], ctx, types) =>
      fmt === null ? null : f.format(fmt as S, formatArgs([], ctx, types)),
  });
  r.addFunction({
    name: 'format',
    args: [text, TypeOid.any],
    result: text,
    volatility: 's',
    strict: false,
    variadic: TypeOid.any,
    impl: (args, ctx, types) =>
      args[0] === null ? null : f.format(args[0] as S, formatArgs(args, ctx, types)),
  });
  const len = ([s]: S[]) => charLength(s!);
  const bpLen = ([s]: S[]) => charLength(bpcharTrim(s!));
  const octets = ([s]: S[]) => Buffer.byteLength(s!, 'utf8');
  for (const n of ['length', 'char_length', 'character_length']) {
    fn(r, n, [text], int4, len);
    fn(r, n, [bpchar], int4, bpLen);
  }
  fn(r, 'textlen', [text], int4, len);
  fn(r, 'octet_length', [text], int4, octets);
  fn(r, 'octet_length', [bpchar], int4, octets);
  fn(r, 'bit_length', [text], int4, ([s]: S[]) => 8 * Buffer.byteLength(s!, 'utf8'));
  fn(r, 'lower', [text], text, ([s]: S[]) => f.asciiLower(s!));
  fn(r, 'upper', [text], text, ([s]: S[]) => f.asciiUpper(s!));
  fn(r, 'initcap', [text], text, ([s]: S[]) => f.initcap(s!));
  for (const n of ['substr', 'substring']) {
    fn(r, n, [text, int4, int4], text, ([s, a, b]: [S, number, number]) => f.substring(s, a, b));
    fn(r, n, [text, int4], text, ([s, a]: [S, number]) => f.substring(s, a));
  }
  fn(r, 'substring', [text, text], text, ([s, p]: S[]) => {
    const m = regexpMatch(s!, p!);
    return m === null ? null : m[0]!;
  });
  fn(r, 'overlay', [text, text, int4, int4], text, ([s, t, a, n]: [S, S, number, number]) =>
    f.overlay(s, t, a, n),
  );
  fn(r, 'overlay', [text, text, int4], text, ([s, t, a]: [S, S, number]) => f.overlay(s, t, a));
  fn(r, 'translate', [text, text, text], text, ([s, a, b]: S[]) => f.translate(s!, a!, b!));
  fn(r, 'strpos', [text, text], int4, ([s, n]: S[]) => f.strpos(s!, n!));
  fn(r, 'position', [text, text], int4, ([s, n]: S[]) => f.strpos(s!, n!));
  fn(r, 'replace', [text, text, text], text, ([s, a, b]: S[]) => f.replace(s!, a!, b!));
  fn(r, 'split_part', [text, text, int4], text, ([s, d, n]: [S, S, number]) =>
    f.splitPart(s, d, n),
  );
  fn(r, 'btrim', [text], text, ([s]: S[]) => f.trim(s!, ' ', true, true));
  fn(r, 'btrim', [text, text], text, ([s, c]: S[]) => f.trim(s!, c!, true, true));
  fn(r, 'ltrim', [text], text, ([s]: S[]) => f.trim(s!, ' ', true, false));
  fn(r, 'ltrim', [text, text], text, ([s, c]: S[]) => f.trim(s!, c!, true, false));
  fn(r, 'rtrim', [text], text, ([s]: S[]) => f.trim(s!, ' ', false, true));
  fn(r, 'rtrim', [text, text], text, ([s, c]: S[]) => f.trim(s!, c!, false, true));
  fn(r, 'lpad', [text, int4], text, ([s, n]: [S, number]) => f.pad(s, n, ' ', true));
  fn(r, 'lpad', [text, int4, text], text, ([s, n, c]: [S, number, S]) => f.pad(s, n, c, true));
  fn(r, 'rpad', [text, int4], text, ([s, n]: [S, number]) => f.pad(s, n, ' ', false));
  fn(r, 'rpad', [text, int4, text], text, ([s, n, c]: [S, number, S]) => f.pad(s, n, c, false));
  fn(r, 'left', [text, int4], text, ([s, n]: [S, number]) => f.left(s, n));
  fn(r, 'right', [text, int4], text, ([s, n]: [S, number]) => f.right(s, n));
  fn(r, 'repeat', [text, int4], text, ([s, n]: [S, number]) => f.repeat(s, n));
  fn(r, 'reverse', [text], text, ([s]: S[]) => f.reverse(s!));
  fn(r, 'starts_with', [text, text], bool, ([s, p]: S[]) => s!.startsWith(p!), {
    operator: '^@',
  });
  fn(r, 'quote_ident', [text], text, ([s]: S[]) => f.quoteIdent(s!));
  fn(r, 'ascii', [text], int4, ([s]: S[]) => f.ascii(s!));
  fn(r, 'chr', [int4], text, ([n]: number[]) => f.chr(n!));
  fn(r, 'to_hex', [int4], text, ([n]: number[]) => f.toHex(n!, 32));
  fn(r, 'to_hex', [int8], text, ([n]: bigint[]) => f.toHex(n!, 64));
  fn(r, 'md5', [text], text, ([s]: S[]) => f.md5(s!));
  fn(r, 'quote_literal', [text], text, ([s]: S[]) => f.quoteLiteral(s!));
  fn(
    r,
    'quote_literal',
    [TypeOid.anyelement],
    text,
    ([v]: unknown[], ctx, types) => f.quoteLiteral(printAny(r, v, types[0]!, ctx)),
    { volatility: 's' },
  );
  r.addFunction({
    name: 'quote_nullable',
    args: [TypeOid.anyelement],
    result: text,
    volatility: 's',
    strict: false,
    impl: ([v], ctx, types) =>
      v === null ? 'NULL' : f.quoteLiteral(printAny(r, v, types[0]!, ctx)),
  });
  r.addFunction({
    name: 'quote_nullable',
    args: [text],
    result: text,
    volatility: 'i',
    strict: false,
    impl: ([s]) => (s === null ? 'NULL' : f.quoteLiteral(s as string)),
  });
}

function registerBytea(r: Registry): void {
  type B = Uint8Array;
  fn(
    r,
    'byteacat',
    [bytea, bytea],
    bytea,
    ([a, b]: B[]) => {
      const out = new Uint8Array(a!.length + b!.length);
      out.set(a!);
      out.set(b!, a!.length);
      return out;
    },
    { operator: '||' },
  );
  const octets = ([b]: B[]) => b!.length;
  fn(r, 'length', [bytea], int4, octets);
  fn(r, 'octet_length', [bytea], int4, octets);
  fn(r, 'bit_length', [bytea], int4, ([b]: B[]) => 8 * b!.length);
  for (const n of ['substr', 'substring']) {
    fn(r, n, [bytea, int4, int4], bytea, ([s, a, b]: [B, number, number]) =>
      f.byteaSubstring(s, a, b),
    );
    fn(r, n, [bytea, int4], bytea, ([s, a]: [B, number]) => f.byteaSubstring(s, a));
  }
  fn(r, 'overlay', [bytea, bytea, int4, int4], bytea, ([s, t, a, n]: [B, B, number, number]) =>
    f.byteaOverlay(s, t, a, n),
  );
  fn(r, 'overlay', [bytea, bytea, int4], bytea, ([s, t, a]: [B, B, number]) =>
    f.byteaOverlay(s, t, a),
  );
  fn(r, 'position', [bytea, bytea], int4, ([s, n]: B[]) => f.byteaPosition(s!, n!));
  fn(r, 'btrim', [bytea, bytea], bytea, ([s, c]: B[]) => f.byteaTrim(s!, c!, true, true));
  fn(r, 'ltrim', [bytea, bytea], bytea, ([s, c]: B[]) => f.byteaTrim(s!, c!, true, false));
  fn(r, 'rtrim', [bytea, bytea], bytea, ([s, c]: B[]) => f.byteaTrim(s!, c!, false, true));
  fn(r, 'md5', [bytea], text, ([b]: B[]) => f.md5(b!));
  for (const bits of [224, 256, 384, 512] as const) {
    fn(r, `sha${bits}`, [bytea], bytea, ([b]: B[]) => f.sha(bits, b!));
  }
  fn(r, 'get_bit', [bytea, int8], int4, ([b, n]: [B, bigint]) => f.getBit(b, n));
  fn(r, 'set_bit', [bytea, int8, int4], bytea, ([b, n, v]: [B, bigint, number]) =>
    f.setBit(b, n, v),
  );
  fn(r, 'get_byte', [bytea, int4], int4, ([b, n]: [B, number]) => f.getByte(b, n));
  fn(r, 'set_byte', [bytea, int4, int4], bytea, ([b, n, v]: [B, number, number]) =>
    f.setByte(b, n, v),
  );
  fn(r, 'convert_from', [bytea, name], text, ([b, e]: [B, S]) => convertFrom(b, e), {
    volatility: 's',
  });
  fn(r, 'convert_to', [text, name], bytea, ([s, e]: [S, S]) => convertTo(s, e), {
    volatility: 's',
  });
  fn(r, 'convert', [bytea, name, name], bytea, ([b, a, c]: [B, S, S]) => convert(b, a, c), {
    volatility: 's',
  });
  fn(r, 'encode', [bytea, text], text, ([b, e]: [B, S]) => f.encode(b, e));
  fn(r, 'decode', [text, text], bytea, ([s, e]: [S, S]) => f.decode(s, e));
  fn(r, 'bytealike', [bytea, bytea], bool, ([a, b]: B[]) => byteaLike(a!, b!), {
    operator: '~~',
  });
  fn(r, 'byteanlike', [bytea, bytea], bool, ([a, b]: B[]) => !byteaLike(a!, b!), {
    operator: '!~~',
  });
}

function registerPatterns(r: Registry): void {
  const kinds: ReadonlyArray<readonly [string, number]> = [
    ['text', text],
    ['bpchar', bpchar],
    ['name', name],
  ];
  for (const [prefix, left] of kinds) {
    const ops: ReadonlyArray<readonly [string, string, (s: S, p: S) => boolean]> = [
      ['like', '~~', like],
      ['nlike', '!~~', (s, p) => !like(s, p)],
      ['iclike', '~~*', ilike],
      ['icnlike', '!~~*', (s, p) => !ilike(s, p)],
      ['regexeq', '~', (s, p) => regexMatches(s, p)],
      ['regexne', '!~', (s, p) => !regexMatches(s, p)],
      ['icregexeq', '~*', (s, p) => regexMatches(s, p, 'i')],
      ['icregexne', '!~*', (s, p) => !regexMatches(s, p, 'i')],
    ];
    for (const [suffix, op, test] of ops) {
      fn(r, `${prefix}${suffix}`, [left, text], bool, ([s, p]: S[]) => test(s!, p!), {
        operator: op,
      });
    }
  }
  fn(r, 'like_escape', [text, text], text, ([p, e]: S[]) => likeEscape(p!, e!));
  const patternOps = [
    ['~<~', 'lt', (c: number) => c < 0],
    ['~<=~', 'le', (c: number) => c <= 0],
    ['~>=~', 'ge', (c: number) => c >= 0],
    ['~>~', 'gt', (c: number) => c > 0],
  ] as const;
  for (const [op, suffix, test] of patternOps) {
    fn(
      r,
      `text_pattern_${suffix}`,
      [text, text],
      bool,
      ([a, b]: S[]) => test(compareCodePoints(a!, b!)),
      {
        operator: op,
      },
    );
    fn(
      r,
      `bpchar_pattern_${suffix}`,
      [bpchar, bpchar],
      bool,
      ([a, b]: S[]) => test(bpcharCompare(a!, b!)),
      {
        operator: op,
      },
    );
  }
  fn(r, 'bttext_pattern_cmp', [text, text], int4, ([a, b]: S[]) =>
    Math.sign(compareCodePoints(a!, b!)),
  );
  fn(r, 'btbpchar_pattern_cmp', [bpchar, bpchar], int4, ([a, b]: S[]) =>
    Math.sign(bpcharCompare(a!, b!)),
  );
  fn(r, 'similar_to_escape', [text], text, ([p]: S[]) => similarToEscape(p!));
  fn(r, 'similar_to_escape', [text, text], text, ([p, e]: S[]) => similarToEscape(p!, e!));
  r.addFunction({
    name: 'similar_escape',
    args: [text, text],
    result: text,
    volatility: 'i',
    strict: false,
    impl: ([p, e]) => (p === null ? null : similarToEscape(p as S, e as S | null)),
  });
  fn(r, 'substring', [text, text, text], text, ([s, p, e]: S[]) => similarSubstring(s!, p!, e!));
  fn(r, 'regexp_like', [text, text], bool, ([s, p]: S[]) => regexMatches(s!, p!));
  fn(r, 'regexp_like', [text, text, text], bool, ([s, p, g]: S[]) => regexpLike(s!, p!, g!));
  const match = ([s, p, g]: S[]) => {
    const m = regexpMatch(s!, p!, g ?? '');
    return m === null ? null : pgArray(m);
  };
  fn(r, 'regexp_match', [text, text], TypeOid._text, match);
  const matches = ([s, p, g]: S[]) => regexpMatches(s!, p!, g ?? '').map((m) => pgArray(m));
  for (const args of [
    [text, text],
    [text, text, text],
  ]) {
    r.addFunction({
      name: 'regexp_matches',
      args,
      result: TypeOid._text,
      volatility: 'i',
      strict: true,
      retset: true,
      impl: (a) => matches(a as S[]),
    });
    r.addFunction({
      name: 'regexp_split_to_table',
      args,
      result: text,
      volatility: 'i',
      strict: true,
      retset: true,
      impl: ([s, p, g]) => regexpSplit(s as S, p as S, (g as S | undefined) ?? ''),
    });
    fn(r, 'regexp_split_to_array', args, TypeOid._text, ([s, p, g]: S[]) =>
      pgArray(regexpSplit(s!, p!, g ?? '', 'regexp_split_to_array')),
    );
  }
  type N = number;
  fn(r, 'regexp_replace', [text, text, text, int4], text, ([s, p, t, a]: [S, S, S, N]) =>
    regexpReplaceExtended(s, p, t, a),
  );
  fn(
    r,
    'regexp_replace',
    [text, text, text, int4, int4],
    text,
    ([s, p, t, a, n]: [S, S, S, N, N]) => regexpReplaceExtended(s, p, t, a, n),
  );
  fn(
    r,
    'regexp_replace',
    [text, text, text, int4, int4, text],
    text,
    ([s, p, t, a, n, g]: [S, S, S, N, N, S]) => regexpReplaceExtended(s, p, t, a, n, g),
  );
  const substrArgs = [text, text, int4, int4, text, int4];
  for (let k = 2; k <= substrArgs.length; k++) {
    fn(r, 'regexp_substr', substrArgs.slice(0, k), text, (a: unknown[]) =>
      regexpSubstr(
        a[0] as S,
        a[1] as S,
        a[2] as N | undefined,
        a[3] as N | undefined,
        a[4] as S | undefined,
        a[5] as N | undefined,
      ),
    );
  }
  const instrArgs = [text, text, int4, int4, int4, text, int4];
  for (let k = 2; k <= instrArgs.length; k++) {
    fn(r, 'regexp_instr', instrArgs.slice(0, k), int4, (a: unknown[]) =>
      regexpInstr(
        a[0] as S,
        a[1] as S,
        a[2] as N | undefined,
        a[3] as N | undefined,
        a[4] as N | undefined,
        a[5] as S | undefined,
        a[6] as N | undefined,
      ),
    );
  }
  fn(r, 'regexp_count', [text, text], int4, ([s, p]: S[]) => regexpCount(s!, p!));
  fn(r, 'regexp_count', [text, text, int4], int4, ([s, p, n]: [S, S, number]) =>
    regexpCount(s, p, n),
  );
  fn(r, 'regexp_count', [text, text, int4, text], int4, ([s, p, n, g]: [S, S, number, S]) =>
    regexpCount(s, p, n, g),
  );
  fn(r, 'regexp_match', [text, text, text], TypeOid._text, match);
  fn(r, 'regexp_replace', [text, text, text], text, ([s, p, t]: S[]) => regexpReplace(s!, p!, t!));
  fn(r, 'regexp_replace', [text, text, text, text], text, ([s, p, t, g]: S[]) =>
    regexpReplace(s!, p!, t!, g!),
  );
}

/** The cross-type comparisons of name and text (nameeqtext, texteqname, ...). */
function registerNameText(r: Registry): void {
  for (const [op, suffix, test] of COMPARISONS) {
    fn(
      r,
      `name${suffix}text`,
      [name, text],
      bool,
      ([a, b]: S[]) => test(compareCodePoints(a!, b!)),
      {
        operator: op,
      },
    );
    fn(
      r,
      `text${suffix}name`,
      [text, name],
      bool,
      ([a, b]: S[]) => test(compareCodePoints(a!, b!)),
      {
        operator: op,
      },
    );
  }
  fn(r, 'btnametextcmp', [name, text], int4, ([a, b]: S[]) => Math.sign(compareCodePoints(a!, b!)));
  fn(r, 'bttextnamecmp', [text, name], int4, ([a, b]: S[]) => Math.sign(compareCodePoints(a!, b!)));
}
