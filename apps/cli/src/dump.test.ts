import fc from 'fast-check';
import { describe, expect, it } from 'vitest';
import { type DumpItem, quoteIdent, splitDump } from './dump.js';

const runs = Number(process.env.PG_PROPERTY_RUNS ?? 200);

/** COPY's text format for one value: backslash, tab, newline and CR escaped; NULL as \N. */
function copyValue(v: string | null): string {
  if (v === null) return '\\N';
  return v.replace(/\\/g, '\\\\').replace(/\t/g, '\\t').replace(/\n/g, '\\n').replace(/\r/g, '\\r');
}

const text = fc.string({
  unit: fc.constantFrom('a', 'b', ' ', ';', "'", '"', '\\', '\t', '\n', '-', '.', 'é'),
});
const literal = text.map((s) => `'${s.replace(/'/g, "''")}'`);
const statement = fc
  .tuple(
    fc.constantFrom('SELECT', 'INSERT INTO t VALUES (', 'CREATE TABLE x (a text DEFAULT'),
    fc.array(literal, { maxLength: 3 }),
  )
  .map(
    ([head, lits]) =>
      `${head} ${lits.join(', ') || "'x'"}${head.endsWith('(') ? ')' : head.endsWith('DEFAULT') ? ')' : ''};`,
  );
const copyBlock = fc
  .array(fc.array(fc.option(text, { nil: null }), { minLength: 1, maxLength: 3 }), { maxLength: 4 })
  .map((rows) => ({
    sql: 'COPY public.t (a) FROM stdin;',
    copyData: rows.map((r) => `${r.map(copyValue).join('\t')}\n`).join(''),
  }));
const item: fc.Arbitrary<DumpItem> = fc.oneof(
  statement.map((sql): DumpItem => ({ sql })),
  copyBlock,
);

describe('splitDump', () => {
  it('gives back the statements and COPY blocks a dump was made of', () => {
    fc.assert(
      fc.property(fc.array(item, { maxLength: 8 }), fc.boolean(), (items, comments) => {
        const dump = items
          .map((i) =>
            i.copyData === undefined
              ? `${comments ? '--\n-- a comment; with a semicolon\n--\n\n' : ''}${i.sql}\n\n`
              : `${i.sql}\n${i.copyData}\\.\n\n`,
          )
          .join('');
        expect(splitDump(dump)).toEqual(items);
      }),
      { numRuns: runs },
    );
  });

  it('quotes identifiers as quote_ident does', () => {
    expect(quoteIdent('abc_1')).toBe('abc_1');
    expect(quoteIdent('select')).toBe('"select"');
    expect(quoteIdent('Mixed')).toBe('"Mixed"');
    expect(quoteIdent('a"b')).toBe('"a""b"');
    expect(quoteIdent('1a')).toBe('"1a"');
  });
});
