/** Type laws and unit tests of the text family's types (text, varchar, bpchar, name, bytea, uuid). */
import fc from 'fast-check';
import { describe, expect, it } from 'vitest';
import { defaultContext } from '../core/context.js';
import { SqlError } from '../core/errors.js';
import { checkTypeLaws } from '../core/laws.js';
import { byteaType } from './bytea.js';
import { bpcharType, clipName, nameType, varcharType } from './chars.js';
import { textType } from './text.js';
import { uuidFromBytes, uuidType } from './uuid.js';

const ctx = defaultContext();
const escapeCtx = defaultContext({ byteaOutput: 'escape' });

/** Strings with edge cases: empty, spaces, quotes, backslashes, any Unicode (no NUL). */
export const pgString = fc
  .oneof(
    fc.string({ unit: 'grapheme' }),
    fc.string({ unit: 'binary' }),
    fc.stringMatching(/^[ a-c'"\\%_]{0,8}$/),
    fc.constantFrom('', ' ', '  a  ', 'é', '😀', '\u{10ffff}', '\uffff', '\ue000'),
  )
  .filter((s) => !s.includes('\0'));

function sqlError(code: string, message: string): SqlError {
  return new SqlError(code, message);
}

describe('type laws', () => {
  it('text', () => checkTypeLaws(textType, pgString));
  it('varchar', () => checkTypeLaws(varcharType, pgString));
  it('bpchar', () => checkTypeLaws(bpcharType, pgString));
  it('name', () => checkTypeLaws(nameType, pgString.map(clipName)));
  it('bytea (hex and escape output)', () => {
    const bytes = fc.oneof(
      fc.uint8Array({ maxLength: 300 }),
      fc.constantFrom(new Uint8Array(0), new Uint8Array([0]), new Uint8Array([0x5c, 0xff])),
    );
    checkTypeLaws(byteaType, bytes);
    checkTypeLaws(byteaType, bytes, { ctx: escapeCtx });
  });
  it('uuid', () =>
    checkTypeLaws(
      uuidType,
      fc.oneof(
        fc.uuid(),
        fc.uint8Array({ minLength: 16, maxLength: 16 }).map(uuidFromBytes),
        fc.constantFrom(
          '00000000-0000-0000-0000-000000000000',
          'ffffffff-ffff-ffff-ffff-ffffffffffff',
        ),
      ),
    ));
});

describe('pg_type facts', () => {
  it('match PostgreSQL 15', () => {
    const facts = [textType, varcharType, bpcharType, nameType, byteaType, uuidType].map((t) => [
      t.name,
      t.oid,
      t.len,
      t.byVal,
      t.align,
      t.storage,
      t.category,
      t.preferred,
      t.arrayOid,
    ]);
    expect(facts).toEqual([
      ['text', 25, -1, false, 'i', 'x', 'S', true, 1009],
      ['varchar', 1043, -1, false, 'i', 'x', 'S', false, 1015],
      ['bpchar', 1042, -1, false, 'i', 'x', 'S', false, 1014],
      ['name', 19, 64, false, 'c', 'p', 'S', false, 1003],
      ['bytea', 17, -1, false, 'i', 'x', 'U', false, 1001],
      ['uuid', 2950, 16, false, 'c', 'p', 'U', false, 2951],
    ]);
  });
});

describe('varchar and bpchar typmods', () => {
  it('typmodin / typmodout', () => {
    expect(varcharType.typmodIn!([5])).toBe(9);
    expect(varcharType.typmodOut!(9)).toBe('(5)');
    expect(varcharType.typmodOut!(-1)).toBe('');
    expect(() => varcharType.typmodIn!([0])).toThrow(
      sqlError('22023', 'length for type varchar must be at least 1'),
    );
    expect(() => bpcharType.typmodIn!([10485761])).toThrow(
      sqlError('22023', 'length for type char cannot exceed 10485760'),
    );
  });
  it('input with a typmod: trailing spaces may be cut, anything else is 22001', () => {
    expect(varcharType.input('abc   ', 7, ctx)).toBe('abc');
    expect(() => varcharType.input('abcd', 7, ctx)).toThrow(
      sqlError('22001', 'value too long for type character varying(3)'),
    );
    expect(bpcharType.input('ab', 8, ctx)).toBe('ab  ');
    expect(bpcharType.input('ab  ', -1, ctx)).toBe('ab  ');
    expect(() => bpcharType.input('abcd', 7, ctx)).toThrow(
      sqlError('22001', 'value too long for type character(3)'),
    );
  });
  it('explicit coercion truncates silently; counts characters not bytes', () => {
    expect(varcharType.applyTypmod!('abcdef', 7, true)).toBe('abc');
    expect(varcharType.applyTypmod!('😀é😀x', 7, true)).toBe('😀é😀');
    expect(varcharType.applyTypmod!('😀é😀 ', 7, false)).toBe('😀é😀');
    expect(() => varcharType.applyTypmod!('😀é😀x', 7, false)).toThrow(/character varying\(3\)/);
    expect(bpcharType.applyTypmod!('é', 7, false)).toBe('é  ');
    expect(bpcharType.applyTypmod!('abcdef', 6, true)).toBe('ab');
  });
  it('bpchar ignores trailing spaces in comparison and hashing', () => {
    expect(bpcharType.compare('ab', 'ab   ')).toBe(0);
    expect(bpcharType.hash('ab')).toBe(bpcharType.hash('ab   '));
    expect(bpcharType.compare('ab', 'ab\t')).toBeLessThan(0);
  });
});

describe('binary receive', () => {
  it('reports invalid UTF-8 as PostgreSQL does (22021)', () => {
    for (const t of [textType, varcharType, bpcharType, nameType]) {
      expect(() => t.receive(new Uint8Array([0x61, 0xc3, 0x28]), -1, ctx)).toThrow(
        sqlError('22021', 'invalid byte sequence for encoding "UTF8": 0xc3 0x28'),
      );
      expect(() => t.receive(new Uint8Array([0]), -1, ctx)).toThrow(
        sqlError('22021', 'invalid byte sequence for encoding "UTF8": 0x00'),
      );
    }
    expect(varcharType.receive(new Uint8Array([0x61, 0x62, 0x20]), 6, ctx)).toBe('ab');
    expect(bpcharType.receive(new Uint8Array([0x61]), 7, ctx)).toBe('a  ');
  });
});

describe('name', () => {
  it('is cut to 63 bytes at a character boundary, and is 64 bytes on disk', () => {
    expect(nameType.input('a'.repeat(70), -1, ctx)).toBe('a'.repeat(63));
    expect(nameType.input('é'.repeat(40), -1, ctx)).toBe('é'.repeat(31));
    const bytes = nameType.encode('ab');
    expect(bytes.length).toBe(64);
    expect([...bytes.subarray(0, 3)]).toEqual([0x61, 0x62, 0]);
    expect(nameType.decode(bytes)).toBe('ab');
    expect(() => nameType.receive(new Uint8Array(64).fill(0x61), -1, ctx)).toThrow(
      'identifier too long',
    );
  });
});

describe('bytea', () => {
  const hex = (s: string) => byteaType.output(byteaType.input(s, -1, ctx), ctx);
  it('reads hex and escape formats', () => {
    expect(hex('\\x01 02\n0A\tff')).toBe('\\x01020aff');
    expect(hex('abc\\\\\\001')).toBe('\\x6162635c01');
    expect(hex('é')).toBe('\\xc3a9');
    expect(hex('')).toBe('\\x');
  });
  it('raises PostgreSQL errors', () => {
    expect(() => hex('\\x0g')).toThrow(sqlError('22023', 'invalid hexadecimal digit: "g"'));
    expect(() => hex('\\x 0 1')).toThrow(sqlError('22023', 'invalid hexadecimal digit: " "'));
    expect(() => hex('\\x012')).toThrow(
      sqlError('22023', 'invalid hexadecimal data: odd number of digits'),
    );
    expect(() => hex('\\8')).toThrow(sqlError('22P02', 'invalid input syntax for type bytea'));
    expect(() => hex('a\\')).toThrow(sqlError('22P02', 'invalid input syntax for type bytea'));
  });
  it('prints the escape format', () => {
    const v = byteaType.input('\\x00017f80ff5c41', -1, ctx);
    expect(byteaType.output(v, escapeCtx)).toBe('\\000\\001\\177\\200\\377\\\\A');
  });
});

describe('uuid', () => {
  const canon = 'a0eebc99-9c0b-4ef8-bb6d-6bb9bd380a11';
  it('accepts the variants uuid_in accepts', () => {
    for (const s of [
      canon,
      canon.toUpperCase(),
      `{${canon}}`,
      canon.replace(/-/g, ''),
      'a0ee-bc99-9c0b-4ef8-bb6d-6bb9-bd38-0a11',
      '{a0eebc999c0b4ef8bb6d6bb9bd380a11}',
    ]) {
      expect(uuidType.input(s, -1, ctx)).toBe(canon);
    }
  });
  it('rejects the rest', () => {
    for (const s of [
      '',
      'x',
      `${canon}0`,
      `{${canon}`,
      `${canon}}`,
      'a0eebc9-99c0b-4ef8-bb6d-6bb9bd380a11',
      'a0eebc99--9c0b-4ef8-bb6d-6bb9bd380a11',
      `-${canon}`,
      `${canon}-`,
    ]) {
      expect(() => uuidType.input(s, -1, ctx)).toThrow(
        sqlError('22P02', `invalid input syntax for type uuid: "${s}"`),
      );
    }
  });
  it('receives exactly 16 bytes', () => {
    expect(() => uuidType.receive(new Uint8Array(15), -1, ctx)).toThrow(
      'insufficient data left in message',
    );
    expect(() => uuidType.receive(new Uint8Array(17), -1, ctx)).toThrow(
      'incorrect binary data format',
    );
  });
});
