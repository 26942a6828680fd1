/**
 * COPY's text and CSV formats: what COPY TO writes, COPY FROM reads back
 * to the same values (random rows, delimiters, NULL strings, quotes and
 * escapes, input cut into random chunks); CSV from an independent
 * reference writer (random quoting, CRLF lines) parses to its values.
 */
import fc from 'fast-check';
import { describe, expect, it } from 'vitest';
import {
  CopyByteReader,
  CopyFields,
  type CopyOptions,
  CopyRecordReader,
  copyOptions,
  formatRow,
  splitCsv,
  splitCsvBytes,
  splitText,
  splitTextBytes,
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

/** What reading gives: each record's line and field values (text or null), or the error raised first. */
function outcome(read: () => { line: number; values: (string | null)[] }[]): unknown {
  try {
    return read();
  } catch (e) {
    const err = e as { code: string; message: string };
    return `${err.code} ${err.message}`;
  }
}

function readStrings(text: string, o: CopyOptions, cuts: readonly number[]) {
  const reader = new CopyRecordReader(o);
  const records: { text: string; line: number }[] = [];
  const split = o.format === 'csv' ? splitCsv : splitText;
  const out: { line: number; values: (string | null)[] }[] = [];
  const take = () => {
    for (const r of records)
      out.push({ line: r.line, values: split(r.text, o).map((f) => f.value) });
    records.length = 0;
  };
  // records read before a reading error are split first (PostgreSQL reads a line, then parses it)
  const step = (read: () => void) => {
    try {
      read();
    } catch (e) {
      take();
      throw e;
    }
    take();
  };
  let from = 0;
  for (const c of [...cuts].sort((a, b) => a - b)) {
    const to = Math.min(c, text.length);
    if (to <= from) continue;
    step(() => reader.push(text.slice(from, to), records));
    from = to;
  }
  step(() => reader.push(text.slice(from), records));
  step(() => reader.end(records));
  return out;
}

function readBytes(text: string, o: CopyOptions, cuts: readonly number[]) {
  const bytes = Buffer.from(text, 'utf8');
  const reader = new CopyByteReader(o);
  const fields = new CopyFields(o);
  const split = o.format === 'csv' ? splitCsvBytes : splitTextBytes;
  const out: { line: number; values: (string | null)[] }[] = [];
  const on = (buf: Buffer, s: number, e: number, line: number) => {
    split(buf, s, e, fields);
    const values: (string | null)[] = [];
    for (let k = 0; k < fields.count; k++) values.push(fields.text(k));
    out.push({ line, values });
  };
  let from = 0;
  for (const c of [...cuts].sort((a, b) => a - b)) {
    const to = Math.min(c, bytes.length);
    if (to <= from) continue;
    reader.push(bytes.subarray(from, to), on);
    from = to;
  }
  reader.push(bytes.subarray(from), on);
  reader.end(on);
  return out;
}

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

  // issue 9: the fast path's byte reader and splitters agree with the string ones on any input
  it('bytes: CopyByteReader and the byte splitters read what the string reader reads', () => {
    const anyText = fc
      .array(
        fc.oneof(
          { arbitrary: fc.constantFrom('\n', '"', "'", ',', '\t', 'a'), weight: 4 },
          { arbitrary: special, weight: 2 },
          { arbitrary: fc.constantFrom('\r\n', '\\.', '\\x4', '\\0', 'NULL', '1'), weight: 1 },
        ),
        { minLength: 6, maxLength: 40 },
      )
      .map((parts) => parts.join(''));
    fc.assert(
      fc.property(
        fc.oneof(textOptions, csvOptions),
        anyText,
        fc.array(fc.nat(80), { maxLength: 5 }),
        (o, text, cuts) => {
          // the string reader sees whole characters; cut the bytes only between them
          const byteCuts = cuts.map((c) => Buffer.byteLength(text.slice(0, c), 'utf8'));
          const want = outcome(() => readStrings(text, o, []));
          expect(outcome(() => readBytes(text, o, byteCuts))).toEqual(want);
        },
      ),
      { numRuns: RUNS },
    );
  });
});
