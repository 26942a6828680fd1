/** Unit tests of the text family's functions, operators and casts, through the registry. */
import { describe, expect, it } from 'vitest';
import { defaultContext } from '../core/context.js';
import { SqlError } from '../core/errors.js';
import { TypeOid } from '../core/oids.js';
import { Registry } from '../core/registry.js';
import { register } from './index.js';
import { ilike, like } from './like.js';
import { regexMatches, regexpMatch, regexpReplace } from './regex.js';

const r = new Registry();
register(r);
const ctx = defaultContext();
const { text, int4, bytea, bpchar, varchar, name, uuid } = TypeOid;

const call = (fn: string, types: number[], args: unknown[]) => r.call(fn, types, args, ctx);
const err = (code: string, message: string) => new SqlError(code, message);

describe('string functions', () => {
  it('substr follows text_substring for starts below 1 and lengths', () => {
    expect(call('substr', [text, int4, int4], ['hello', 0, 3])).toBe('he');
    expect(call('substr', [text, int4, int4], ['hello', -5, 3])).toBe('');
    expect(call('substr', [text, int4], ['héllo😀', 5])).toBe('o😀');
    expect(call('substring', [text, int4, int4], ['hello', 2, 2147483647])).toBe('ello');
    expect(() => call('substr', [text, int4, int4], ['hello', 1, -1])).toThrow(
      err('22011', 'negative substring length not allowed'),
    );
  });
  it('split_part counts from the end with negative fields, and refuses zero', () => {
    expect(call('split_part', [text, text, int4], ['a,b,c', ',', -1])).toBe('c');
    expect(call('split_part', [text, text, int4], ['a,b,c', ',', 4])).toBe('');
    expect(() => call('split_part', [text, text, int4], ['a', ',', 0])).toThrow(
      err('22023', 'field position must not be zero'),
    );
  });
  it('lower/upper/initcap change ASCII letters only (C locale)', () => {
    expect(call('upper', [text], ['abc é'])).toBe('ABC é');
    expect(call('lower', [text], ['ÀBC'])).toBe('Àbc');
    expect(call('initcap', [text], ['hello wORLD 3d éa'])).toBe('Hello World 3d éA');
  });
  it('padding, trimming, left/right, repeat', () => {
    expect(call('lpad', [text, int4, text], ['abc', 6, 'xy'])).toBe('xyxabc');
    expect(call('rpad', [text, int4], ['abcdef', 2])).toBe('ab');
    expect(call('lpad', [text, int4, text], ['abc', 5, ''])).toBe('abc');
    expect(call('btrim', [text, text], ['xxaxyx', 'xy'])).toBe('a');
    expect(call('ltrim', [text], ['  a '])).toBe('a ');
    expect(call('left', [text, int4], ['abcde', -2])).toBe('abc');
    expect(call('right', [text, int4], ['abcde', -2])).toBe('cde');
    expect(call('repeat', [text, int4], ['ab', 3])).toBe('ababab');
    expect(() => call('lpad', [text, int4, text], ['a', 268435455, 'x'])).toThrow(
      err('54000', 'requested length too large'),
    );
    expect(call('lpad', [text, int4, text], ['a', 268435455, ''])).toBe('a');
    expect(() => call('repeat', [text, int4], ['ab', 1000000000])).toThrow(
      err('54000', 'requested length too large'),
    );
  });
  it('chr, ascii, to_hex, md5, strpos, replace, reverse, translate, overlay', () => {
    expect(call('chr', [int4], [0x1f600])).toBe('😀');
    expect(() => call('chr', [int4], [0])).toThrow(err('54000', 'null character not permitted'));
    expect(() => call('chr', [int4], [-1])).toThrow(
      err('22023', 'character number must be positive'),
    );
    expect(call('ascii', [text], ['😀'])).toBe(0x1f600);
    expect(call('to_hex', [int4], [-1])).toBe('ffffffff');
    expect(call('to_hex', [TypeOid.int8], [-1n])).toBe('ffffffffffffffff');
    expect(call('md5', [text], [''])).toBe('d41d8cd98f00b204e9800998ecf8427e');
    expect(call('strpos', [text, text], ['é😀ab', 'ab'])).toBe(3);
    expect(call('replace', [text, text, text], ['abab', 'b', 'xy'])).toBe('axyaxy');
    expect(call('reverse', [text], ['a😀b'])).toBe('b😀a');
    expect(call('translate', [text, text, text], ['abcabc', 'abx', 'XY'])).toBe('XYcXYc');
    expect(call('overlay', [text, text, int4], ['abcdef', 'XY', 3])).toBe('abXYef');
    expect(() => call('overlay', [text, text, int4], ['abcdef', 'XY', 0])).toThrow(
      err('22011', 'negative substring length not allowed'),
    );
  });
  it('concat and concat_ws print every type, skipping NULLs; || with non-text', () => {
    const u = 'a0eebc99-9c0b-4ef8-bb6d-6bb9bd380a11';
    expect(call('concat', [text, bytea, uuid, text], ['a', new Uint8Array([1]), u, null])).toBe(
      `a\\x01${u}`,
    );
    expect(call('concat_ws', [text, text, text, text], ['-', 'a', null, 'b'])).toBe('a-b');
    expect(call('concat_ws', [text, text], [null, 'a'])).toBeNull();
    expect(r.operate('||', text, uuid, ['x', u], ctx)).toBe(`x${u}`);
    expect(r.operate('||', text, text, ['x', null], ctx)).toBeNull();
    const concat = r.findFunction('concat', [text]);
    expect([concat?.strict, concat?.volatility]).toEqual([false, 's']);
  });
  it('bpchar functions ignore the padding where PostgreSQL does', () => {
    expect(call('length', [bpchar], ['ab  '])).toBe(2);
    expect(call('octet_length', [bpchar], ['ab  '])).toBe(4);
    expect(r.operate('=', bpchar, bpchar, ['ab', 'ab   '], ctx)).toBe(true);
    expect(r.operate('~~', bpchar, text, ['ab  ', 'ab'], ctx)).toBe(false);
  });
});

describe('bytea functions', () => {
  const b = (...xs: number[]) => new Uint8Array(xs);
  it('length, substr, position, get/set_byte, ||', () => {
    expect(call('length', [bytea], [b(1, 2, 3)])).toBe(3);
    expect(call('substr', [bytea, int4, int4], [b(1, 2, 3), 0, 3])).toEqual(b(1, 2));
    expect(call('position', [bytea, bytea], [b(1, 2, 3), b(2, 3)])).toBe(2);
    expect(call('get_byte', [bytea, int4], [b(1, 2, 3), 2])).toBe(3);
    expect(() => call('get_byte', [bytea, int4], [b(1, 2, 3), 3])).toThrow(
      err('2202E', 'index 3 out of valid range, 0..2'),
    );
    expect(call('set_byte', [bytea, int4, int4], [b(1, 2), 0, 255])).toEqual(b(255, 2));
    expect(r.operate('||', bytea, bytea, [b(1), b(2)], ctx)).toEqual(b(1, 2));
  });
  it('encode and decode hex, base64, escape', () => {
    const data = b(0, 0x5c, 0x80, 0x41);
    expect(call('encode', [bytea, text], [data, 'hex'])).toBe('005c8041');
    expect(call('encode', [bytea, text], [data, 'base64'])).toBe('AFyAQQ==');
    expect(call('encode', [bytea, text], [data, 'escape'])).toBe('\\000\\\\\\200A');
    expect(call('decode', [text, text], ['AFyAQQ==', 'base64'])).toEqual(data);
    expect(call('decode', [text, text], ['\\000\\\\\\200A', 'escape'])).toEqual(data);
    expect(() => call('encode', [bytea, text], [data, 'b64'])).toThrow(
      err('22023', 'unrecognized encoding: "b64"'),
    );
    expect(() => call('decode', [text, text], ['AFy', 'base64'])).toThrow(
      'invalid base64 end sequence',
    );
  });
});

describe('encoding conversion', () => {
  it('converts UTF8 and LATIN1, refuses other encodings with 0A000', () => {
    expect(call('convert_to', [text, name], ['é', 'latin-1'])).toEqual(new Uint8Array([0xe9]));
    expect(call('convert_from', [bytea, name], [new Uint8Array([0xe9]), 'LATIN1'])).toBe('é');
    expect(() =>
      call('convert_from', [bytea, name], [new Uint8Array([0xc3, 0x28]), 'UTF8']),
    ).toThrow(err('22021', 'invalid byte sequence for encoding "UTF8": 0xc3 0x28'));
    expect(() => call('convert_to', [text, name], ['😀', 'LATIN1'])).toThrow(
      err(
        '22P05',
        'character with byte sequence 0xf0 0x9f 0x98 0x80 in encoding "UTF8" has no equivalent in encoding "LATIN1"',
      ),
    );
    expect(() => call('convert_to', [text, name], ['a', 'WIN1252'])).toThrow(
      expect.objectContaining({ code: '0A000' }),
    );
    expect(() => call('convert_to', [text, name], ['a', 'foo'])).toThrow(
      err('22023', 'invalid destination encoding name "foo"'),
    );
  });
});

describe('LIKE', () => {
  it('matches % and _ with backslash escapes', () => {
    expect(like('abc', 'a%')).toBe(true);
    expect(like('abc', '_b_')).toBe(true);
    expect(like('a%c', 'a\\%c')).toBe(true);
    expect(like('abc', 'a\\%c')).toBe(false);
    expect(like('😀', '_')).toBe(true);
    expect(ilike('ABC', 'a%c')).toBe(true);
    expect(ilike('É', 'é')).toBe(false);
  });
  it('raises 22025 only when matching reaches a trailing escape', () => {
    expect(() => like('ab', 'a\\')).toThrow(
      err('22025', 'LIKE pattern must not end with escape character'),
    );
    // The text ends first: no error at run time (as for parameters in PostgreSQL).
    expect(like('a', 'a\\')).toBe(false);
    expect(like('a', 'b\\')).toBe(false);
  });
});

describe('regular expressions', () => {
  it('translate the ARE dialect', () => {
    expect(regexMatches('foo bar', '\\mbar\\M')).toBe(true);
    expect(regexMatches('foobar', '\\mbar')).toBe(false);
    expect(regexMatches('x1', '[[:alpha:]][[:digit:]]')).toBe(true);
    expect(regexMatches('é', '[[:alpha:]]')).toBe(false);
    expect(regexMatches('a\nb', 'a.b')).toBe(true);
    expect(regexMatches('a\nb', 'a.b', 'n')).toBe(false);
    expect(regexMatches('a\nb', '^b', 'n')).toBe(true);
    expect(regexMatches('ABC', '(?i)abc')).toBe(true);
    expect(regexMatches('a b', 'a b', 'x')).toBe(false);
    expect(regexMatches('a.c', 'a.c', 'q')).toBe(true);
    expect(regexMatches('abc', '***=a.c')).toBe(false);
  });
  it('regexp_match and regexp_replace', () => {
    expect(regexpMatch('foobarbequebaz', '(bar)(beque)')).toEqual(['bar', 'beque']);
    expect(regexpMatch('abc', 'x')).toBeNull();
    expect(regexpMatch('ab', 'a|ab')).toEqual(['ab']);
    // PostgreSQL's longest match also far from the end of a long string
    expect(regexpReplace('ab '.repeat(400), 'a|ab', 'x', 'g')).toBe('x '.repeat(400));
    expect(regexpReplace('ab '.repeat(400), 'a|ab\\y', 'x', 'g')).toBe('x '.repeat(400));
    // an optional group matching the empty string keeps its (empty) capture
    expect(regexpMatch('', '()?')).toEqual(['']);
    expect(regexpReplace('foobarbaz', 'b(..)', 'X\\1Y', 'g')).toBe('fooXarYXazY');
    expect(regexpReplace('abx', 'x*', '-', 'g')).toBe('-a-b--');
    expect(regexpReplace('Hello', 'l', '[\\&]')).toBe('He[l]lo');
    expect(call('substring', [text, text], ['foobar', 'o(.)b'])).toBe('o');
    expect(call('regexp_match', [text, text], ['ab', '(a)(x)?'])).toEqual({
      dims: [2],
      lbounds: [1],
      elements: ['a', null],
    });
  });
  it('raises PostgreSQL errors', () => {
    expect(() => regexMatches('', '(a')).toThrow(
      err('2201B', 'invalid regular expression: parentheses () not balanced'),
    );
    expect(() => regexMatches('', 'a**')).toThrow(
      err('2201B', 'invalid regular expression: quantifier operand invalid'),
    );
    expect(() => regexMatches('', '[z-a]')).toThrow(
      err('2201B', 'invalid regular expression: invalid character range'),
    );
    expect(() => regexpMatch('', '', 'z')).toThrow(
      err('22023', 'invalid regular expression option: "z"'),
    );
    expect(() => regexpMatch('', '', 'g')).toThrow(
      new SqlError('22023', 'regexp_match() does not support the "global" option', {
        hint: 'Use the regexp_matches function instead.',
      }),
    );
    expect(() => regexMatches('', 'a', 'b')).toThrow(expect.objectContaining({ code: '0A000' }));
  });
});

describe('casts', () => {
  it('are registered with pg_cast contexts and methods', () => {
    const row = (s: number, t: number) => {
      const c = r.cast(s, t);
      return c ? `${c.context}${c.method}` : undefined;
    };
    expect(row(text, varchar)).toBe('ib');
    expect(row(text, bpchar)).toBe('ib');
    expect(row(text, name)).toBe('if');
    expect(row(name, varchar)).toBe('af');
    expect(row(name, bpchar)).toBe('af');
    expect(row(bpchar, text)).toBe('if');
    expect(row(bpchar, bpchar)).toBe('if');
    expect(row(varchar, varchar)).toBe('if');
    expect(row(varchar, text)).toBe('ib');
    expect(row(text, bytea)).toBeUndefined();
  });
  it('coerce lengths as PostgreSQL does', () => {
    const cast = (s: number, t: number, v: string, typmod: number, explicit: boolean) =>
      r.cast(s, t)!.fn!(v, typmod, ctx, explicit);
    expect(cast(bpchar, text, 'ab  ', -1, false)).toBe('ab');
    expect(cast(varchar, varchar, 'abcd', 7, true)).toBe('abc');
    expect(() => cast(varchar, varchar, 'abcd', 7, false)).toThrow(
      err('22001', 'value too long for type character varying(3)'),
    );
    expect(cast(name, bpchar, 'ab', 8, false)).toBe('ab  ');
    expect(cast(text, name, 'x'.repeat(100), -1, false)).toBe('x'.repeat(63));
  });
});
