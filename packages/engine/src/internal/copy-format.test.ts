/**
 * COPY's text and CSV formats: what COPY TO writes, COPY FROM reads back
 * to the same values (random rows, delimiters, NULL strings, quotes and
 * escapes, input cut into random chunks); CSV from an independent
 * reference writer (random quoting, CRLF lines) parses to its values.
 */
import fc from 'fast-check';
import { describe, expect, it } from 'vitest';
import {
  type CopyOptions,
  CopyRecordReader,
  copyOptions,
  formatRow,
  splitCsv,
  splitText,
} from './copy-format.js';

const RUNS = Number(process.env.PG_PROPERTY_RUNS ?? 200);

type Row = (string | null)[];

function option(name: string, value: string) {
  return { DefElem: { defname: name, arg: { String: { sval: value } }, location: -1 } };
}

/** Reads `text` fed in pieces cut at `cuts`, as COPY FROM does. */
function readAll(text: string, o: CopyOptions, cuts: readonly number[]): Row[] {
  const reader = new CopyRecordReader(o);
  const records: { text: string; line: number }[] = [];
  let from = 0;
  for (const c of [...cuts].sort((a, b) => a - b)) {
    const to = Math.min(c, text.length);
    if (to <= from) continue;
    reader.push(text.slice(from, to), records);
    from = to;
  }
  reader.push(text.slice(from), records);
  reader.end(records);
  const split = o.format === 'csv' ? splitCsv : splitText;
  return records.map((r) => split(r.text, o).map((f) => f.value));
}

const special = fc.constantFrom(
  '\t',
  '\n',
  '\r',
  '\\',
  ',',
  '|',
  ';',
  '"',
  "'",
  '!',
  'N',
  '.',
  ' ',
  '\x01',
  'é',
  '😀',
);
const value = fc.string({ unit: fc.oneof(special, fc.constantFrom('a', 'b', '1')), maxLength: 8 });
const cellOf = fc.option(value, { nil: null, freq: 5 });

const textOptions = fc
  .record({
    delimiter: fc.constantFrom('\t', ',', '|', ';', ':'),
    null: fc.constantFrom('\\N', 'NULL', '', 'nil', '\\x'),
  })
  .filter((o) => !o.null.includes(o.delimiter))
  .map((o) => copyOptions([option('delimiter', o.delimiter), option('null', o.null)], true));

const csvOptions = fc
  .record({
    delimiter: fc.constantFrom(',', '|', ';', '\t'),
    quote: fc.constantFrom('"', "'", '`'),
    escape: fc.constantFrom('', '\\', '!', '"'),
    null: fc.constantFrom('', 'NULL', '\\N', 'x y'),
  })
  .filter((o) => !o.null.includes(o.delimiter) && !o.null.includes(o.quote))
  .map((o) =>
    copyOptions(
      [
        option('format', 'csv'),
        option('delimiter', o.delimiter),
        option('quote', o.quote),
        ...(o.escape === '' ? [] : [option('escape', o.escape)]),
        option('null', o.null),
      ],
      true,
    ),
  );

function rowsOf(width: number) {
  return fc.array(fc.array(cellOf, { minLength: width, maxLength: width }), { maxLength: 12 });
}

describe('COPY formats', () => {
  it('text: COPY TO output reads back to the same rows', () => {
    fc.assert(
      fc.property(
        textOptions,
        fc.integer({ min: 1, max: 4 }).chain(rowsOf),
        fc.array(fc.nat(400), { maxLength: 6 }),
        (o, rows, cuts) => {
          // text format cannot tell a value equal to the NULL string from NULL (as in PostgreSQL)
          const safe = rows.filter((r) => !r.some((v) => v === o.null));
          const text = safe.map((r) => formatRow(r, o, [])).join('');
          expect(readAll(text, o, cuts)).toEqual(safe);
        },
      ),
      { numRuns: RUNS },
    );
  });

  it('csv: COPY TO output reads back to the same rows (forced quotes too)', () => {
    fc.assert(
      fc.property(
        csvOptions,
        fc
          .integer({ min: 1, max: 4 })
          .chain((w) =>
            fc.tuple(rowsOf(w), fc.array(fc.boolean(), { minLength: w, maxLength: w })),
          ),
        fc.array(fc.nat(400), { maxLength: 6 }),
        (o, [rows, forced], cuts) => {
          const text = rows.map((r) => formatRow(r, o, forced)).join('');
          expect(readAll(text, o, cuts)).toEqual(rows);
        },
      ),
      { numRuns: RUNS },
    );
  });

  it('csv: a reference writer (random quoting, CRLF) parses to its values', () => {
    const o = copyOptions([option('format', 'csv')], true);
    fc.assert(
      fc.property(
        fc.integer({ min: 1, max: 4 }).chain((w) =>
          fc.array(fc.array(fc.tuple(cellOf, fc.boolean()), { minLength: w, maxLength: w }), {
            minLength: 1,
            maxLength: 10,
          }),
        ),
        fc.boolean(),
        fc.array(fc.nat(400), { maxLength: 6 }),
        (rows, crlf, cuts) => {
          // RFC 4180 with PostgreSQL's NULL: an unquoted empty field; "" is the empty string
          const cell = ([v, quote]: [string | null, boolean]) => {
            if (v === null) return '';
            const must = v === '' || /[",\r\n]/.test(v) || (v === '\\.' && rows[0]!.length === 1);
            return quote || must ? `"${v.replace(/"/g, '""')}"` : v;
          };
          const eol = crlf ? '\r\n' : '\n';
          const text = rows.map((r) => r.map(cell).join(',') + eol).join('');
          expect(readAll(text, o, cuts)).toEqual(rows.map((r) => r.map(([v]) => v)));
        },
      ),
      { numRuns: RUNS },
    );
  });

  it('reads text escapes as PostgreSQL does', () => {
    const o = copyOptions([], true);
    expect(readAll('a\\tb\t\\N\t\\\\N\t\\101\\x41\\q\n', o, [])).toEqual([
      ['a\tb', null, '\\N', 'AAq'],
    ]);
    expect(readAll('1\n\\.\n2\n', o, [])).toEqual([['1']]);
  });
});
