/**
 * Prints results exactly as psql 15 does with `-X -a -q` and its default
 * \pset settings (format aligned, border 1, linestyle ascii, header on,
 * footer on, output not a terminal so no pager and no wrapping).
 *
 * Tables follow print_aligned_text (src/fe_utils/print.c); errors and
 * notices follow libpq's pqBuildErrorMessage3 and reportErrorPosition
 * (src/interfaces/libpq/fe-protocol3.c).
 */
import type { Field, Notice, Result } from './engine.js';
import type { Verbosity } from './script.js';
import { displayWidth, type FormattedLine, formatCell } from './width.js';

/** The psql settings a script can change. */
export interface PrintSettings {
  verbosity: Verbosity;
  /** \pset null: how NULL prints (default ''). */
  nullDisplay: string;
}

export function defaultPrintSettings(): PrintSettings {
  return { verbosity: 'default', nullDisplay: '' };
}

/** int2, int4, int8, float4, float8, numeric, oid, xid, xid8, cid, money: psql's column_type_alignment. */
const RIGHT_ALIGNED = new Set([21, 23, 20, 700, 701, 1700, 26, 28, 5069, 29, 790]);

/** The output of one result, as psql writes it to stdout and stderr (merged). */
export function printResult(result: Result, sql: string, settings: PrintSettings): string {
  let out = '';
  for (const notice of result.notices) out += printMessage(notice, sql, settings.verbosity);
  switch (result.kind) {
    case 'rows':
      out += printTable(result.fields, result.rows, settings.nullDisplay);
      break;
    case 'command':
      if (result.copyOut !== undefined) out += result.copyOut; // COPY ... TO STDOUT's data
      break; // -q: command tags are not printed
    case 'error':
      out += printMessage(result, sql, settings.verbosity);
      break;
  }
  return out;
}

interface Message {
  readonly severity: string;
  readonly sqlstate?: string;
  readonly message: string;
  readonly detail?: string;
  readonly hint?: string;
  readonly position?: number;
  readonly context?: string;
}

/** pqBuildErrorMessage3 for the default, terse and sqlstate verbosities. */
export function printMessage(m: Message, sql: string, verbosity: Verbosity): string {
  let out = `${m.severity}:  `;
  if (verbosity === 'sqlstate' && m.sqlstate !== undefined) return `${out}${m.sqlstate}\n`;
  out += m.message;
  const terse = verbosity !== 'default';
  if (m.position !== undefined && terse) out += ` at character ${m.position}`;
  out += '\n';
  if (terse) return out;
  if (m.position !== undefined) out += errorPosition(sql, m.position);
  if (m.detail !== undefined) out += `DETAIL:  ${m.detail}\n`;
  if (m.hint !== undefined) out += `HINT:  ${m.hint}\n`;
  if (m.context !== undefined && m.severity === 'ERROR') out += `CONTEXT:  ${m.context}\n`;
  return out;
}

const DISPLAY_SIZE = 60; // screen width limit, in screen columns
const MIN_RIGHT_CUT = 10; // keep this far from the end of the line

/**
 * libpq's reportErrorPosition: the `LINE n: ` line holding the 1-based
 * character position `position` of `query` (cut to about 60 columns around
 * it, with `...` where cut) and a `^` under that character.
 */
export function errorPosition(query: string, position: number): string {
  const loc = position - 1;
  if (loc < 0) return '';
  // Characters (code points), tabs shown as spaces; screen column of each.
  const chars = Array.from(query, (ch) => (ch === '\t' ? ' ' : ch));
  const scr: number[] = [];
  let col = 0;
  let line = 1;
  let ibeg = 0;
  let iend = -1;
  let cno = 0;
  for (; cno < chars.length; cno++) {
    const ch = chars[cno]!;
    scr[cno] = col;
    if (ch === '\r' || ch === '\n') {
      if (cno < loc) {
        if (ch === '\r' || cno === 0 || chars[cno - 1] !== '\r') line++;
        ibeg = cno + 1;
      } else {
        iend = cno;
        break;
      }
    }
    col += Math.max(1, displayWidth(ch));
  }
  if (iend < 0) {
    iend = cno;
    scr[iend] = col;
  }
  if (loc > cno) return '';
  const at = (i: number): number => scr[i]!;
  let begTrunc = false;
  let endTrunc = false;
  if (at(iend) - at(ibeg) > DISPLAY_SIZE) {
    if (at(ibeg) + DISPLAY_SIZE >= at(loc) + MIN_RIGHT_CUT) {
      while (at(iend) - at(ibeg) > DISPLAY_SIZE) iend--;
      endTrunc = true;
    } else {
      while (at(loc) + MIN_RIGHT_CUT < at(iend)) {
        iend--;
        endTrunc = true;
      }
      while (at(iend) - at(ibeg) > DISPLAY_SIZE) {
        ibeg++;
        begTrunc = true;
      }
    }
  }
  const prefix = `LINE ${line}: ${begTrunc ? '...' : ''}`;
  const text = chars.slice(ibeg, iend).join('');
  const caret = displayWidth(prefix) + at(loc) - at(ibeg);
  return `${prefix}${text}${endTrunc ? '...' : ''}\n${' '.repeat(caret)}^\n`;
}

/** print_aligned_text with border 1 and the ascii line style, then the footer and a blank line. */
export function printTable(
  fields: readonly Field[],
  rows: readonly (readonly (string | null)[])[],
  nullDisplay: string,
): string {
  const ncols = fields.length;
  const headers = fields.map((f) => formatCell(f.name));
  const cells = rows.map((r) => fields.map((_, j) => formatCell(r[j] ?? nullDisplay)));
  const right = fields.map((f) => RIGHT_ALIGNED.has(f.typeOid));
  const width = fields.map((_, j) => {
    let w = 0;
    for (const l of headers[j]!) w = Math.max(w, l.width);
    for (const row of cells) for (const l of row[j]!) w = Math.max(w, l.width);
    return w;
  });
  let out = '';

  // Header lines: centred; '+' after a header that continues on the next line.
  const headerLines = Math.max(0, ...headers.map((h) => h.length));
  for (let ln = 0; ln < headerLines; ln++) {
    for (let j = 0; j < ncols; j++) {
      const h = headers[j]!;
      const w = width[j]!;
      out += ' ';
      const l = h[ln];
      if (l !== undefined) {
        const nb = w - l.width;
        out += ' '.repeat(Math.floor(nb / 2)) + l.text + ' '.repeat(Math.floor((nb + 1) / 2));
      } else {
        out += ' '.repeat(w);
      }
      out += l !== undefined && ln + 1 < h.length ? '+' : ' ';
      if (j < ncols - 1) out += '|';
    }
    out += '\n';
  }
  out += ncols === 0 ? '--\n' : `${width.map((w) => '-'.repeat(w + 2)).join('+')}\n`;

  // A row of no columns prints no line at all.
  if (ncols > 0) for (const row of cells) out += printRow(row, width, right);

  out += rows.length === 1 ? '(1 row)\n' : `(${rows.length} rows)\n`;
  return `${out}\n`;
}

function printRow(
  row: readonly FormattedLine[][],
  width: readonly number[],
  right: readonly boolean[],
): string {
  const ncols = row.length;
  const maxLines = Math.max(1, ...row.map((c) => c.length));
  let out = '';
  for (let ln = 0; ln < maxLines; ln++) {
    for (let j = 0; j < ncols; j++) {
      const cell = row[j]!;
      const w = width[j]!;
      const last = j === ncols - 1;
      const l = cell[ln];
      // The left mark: a continuation line of a multi-line value is marked with a space too.
      out += ' ';
      const continues = l !== undefined && ln + 1 < cell.length;
      if (l === undefined) {
        if (!last) out += ' '.repeat(w);
      } else if (right[j]) {
        out += ' '.repeat(w - l.width) + l.text;
      } else {
        out += l.text;
        if (!last || continues) out += ' '.repeat(w - l.width);
      }
      if (continues) out += '+';
      else if (!last) out += ' ';
      if (!last) out += '|';
    }
    out += '\n';
  }
  return out;
}

/** How a Notice prints (same builder as errors). */
export function printNotice(n: Notice, sql: string, verbosity: Verbosity): string {
  return printMessage(n, sql, verbosity);
}
