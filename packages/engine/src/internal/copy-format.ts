/**
 * COPY's text and CSV formats as PostgreSQL 15 reads and writes them
 * (src/backend/commands/copyfromparse.c, copyto.c): the option list with
 * ProcessCopyOptions' checks and errors, a streaming record reader (line
 * ends, the `\.` end marker, quoted CSV fields spanning lines, the line
 * counter the CONTEXT line shows), field splitting with text escapes and
 * CSV quoting, and the writers for COPY TO.
 */
import { EngineError } from './result.js';

export type CopyFormat = 'text' | 'csv' | 'binary';

/** The options of one COPY statement, defaults filled in. */
export interface CopyOptions {
  readonly format: CopyFormat;
  readonly header: boolean | 'match';
  readonly delimiter: string;
  readonly null: string;
  readonly quote: string;
  readonly escape: string;
  /** FORCE_QUOTE: '*' or column names. */
  readonly forceQuote: '*' | readonly string[];
  readonly forceNotNull: readonly string[];
  readonly forceNull: readonly string[];
  /** FREEZE (H7): the table must be created or truncated in the current subtransaction (copy.ts). */
  readonly freeze: boolean;
}

/** One DefElem of the option list, as libpg-query hands it over. */
// biome-ignore lint/suspicious/noExplicitAny: libpg-query's JSON nodes are untyped
type Node = any;

const BOOL_TRUE = ['true', 'on', 'yes', '1', 't', 'y'];
const BOOL_FALSE = ['false', 'off', 'no', '0', 'f', 'n'];

function argText(arg: Node): string | undefined {
  if (arg === undefined || arg === null) return undefined;
  if (arg.String !== undefined) return String(arg.String.sval ?? '');
  if (arg.Integer !== undefined) return String(arg.Integer.ival ?? 0);
  if (arg.Float !== undefined) return String(arg.Float.fval);
  if (arg.Boolean !== undefined) return arg.Boolean.boolval === true ? 'true' : 'false';
  if (arg.A_Const !== undefined) {
    const c = arg.A_Const;
    if (c.sval !== undefined) return String(c.sval.sval ?? '');
    if (c.ival !== undefined) return String(c.ival.ival ?? 0);
    if (c.boolval !== undefined) return c.boolval.boolval === true ? 'true' : 'false';
  }
  return undefined;
}

/** parse_bool's accepted spellings (prefixes of true/false/yes/no, on/off, 1/0). */
function parseBool(text: string): boolean | undefined {
  const v = text.toLowerCase();
  if (v === '') return undefined;
  if ('true'.startsWith(v) || 'yes'.startsWith(v) || v === 'on' || v === '1') return true;
  if ('false'.startsWith(v) || 'no'.startsWith(v) || v === 'off' || v === 'of' || v === '0') {
    if (v === 'o') return undefined;
    return false;
  }
  return BOOL_TRUE.includes(v) ? true : BOOL_FALSE.includes(v) ? false : undefined;
}

function columnList(d: Node): string[] | '*' {
  const arg = d.arg;
  if (arg?.A_Star !== undefined) return '*';
  if (arg?.List !== undefined) return (arg.List.items ?? []).map((x: Node) => argText(x) ?? '');
  throw new EngineError(
    '22023',
    `argument to option "${String(d.defname)}" must be a list of column names`,
    { position: position(d) },
  );
}

/** FORCE_NOT_NULL / FORCE_NULL: a list of column names (`*` is only FORCE_QUOTE's). */
function namedColumns(d: Node, name: string): string[] {
  const l = columnList(d);
  if (l === '*') {
    throw new EngineError('22023', `argument to option "${name}" must be a list of column names`, {
      position: position(d),
    });
  }
  return l;
}

function position(d: Node): number | undefined {
  return typeof d.location === 'number' && d.location >= 0 ? d.location + 1 : undefined;
}

/** ProcessCopyOptions: the option list checked and completed as PostgreSQL 15 does. */
export function copyOptions(list: readonly Node[], isFrom: boolean): CopyOptions {
  let format: CopyFormat | undefined;
  let header: boolean | 'match' | undefined;
  let delimiter: string | undefined;
  let nullText: string | undefined;
  let quote: string | undefined;
  let escapeChar: string | undefined;
  let forceQuote: '*' | string[] | undefined;
  let forceNotNull: string[] | undefined;
  let forceNull: string[] | undefined;
  let encoding: string | undefined;
  let freeze: boolean | undefined;
  const conflict = (d: Node) =>
    new EngineError('42601', 'conflicting or redundant options', { position: position(d) });
  for (const item of list) {
    const d = item.DefElem;
    const name = String(d.defname);
    const text = argText(d.arg);
    switch (name) {
      case 'format': {
        if (format !== undefined) throw conflict(d);
        const f = text ?? '';
        if (f !== 'text' && f !== 'csv' && f !== 'binary') {
          throw new EngineError('22023', `COPY format "${f}" not recognized`, {
            position: position(d),
          });
        }
        format = f;
        break;
      }
      case 'freeze': {
        if (freeze !== undefined) throw conflict(d);
        const b = text === undefined ? true : parseBool(text);
        if (b === undefined) throw new EngineError('22023', `${name} requires a Boolean value`);
        freeze = b;
        break;
      }
      case 'delimiter':
        if (delimiter !== undefined) throw conflict(d);
        delimiter = text ?? '';
        break;
      case 'null':
        if (nullText !== undefined) throw conflict(d);
        nullText = text ?? '';
        break;
      case 'header': {
        if (header !== undefined) throw conflict(d);
        if (text === undefined) header = true;
        else if (d.arg?.Integer !== undefined && (text === '0' || text === '1')) {
          header = text === '1';
        } else if (text.toLowerCase() === 'match') {
          if (!isFrom) {
            throw new EngineError('0A000', 'cannot use "match" with HEADER in COPY TO');
          }
          header = 'match';
        } else {
          const b = parseBool(text);
          if (b === undefined) {
            throw new EngineError('22023', `${name} requires a Boolean value or "match"`);
          }
          header = b;
        }
        break;
      }
      case 'quote':
        if (quote !== undefined) throw conflict(d);
        quote = text ?? '';
        break;
      case 'escape':
        if (escapeChar !== undefined) throw conflict(d);
        escapeChar = text ?? '';
        break;
      case 'force_quote':
        if (forceQuote !== undefined) throw conflict(d);
        forceQuote = columnList(d);
        break;
      case 'force_not_null':
        if (forceNotNull !== undefined) throw conflict(d);
        forceNotNull = namedColumns(d, name);
        break;
      case 'force_null':
        if (forceNull !== undefined) throw conflict(d);
        forceNull = namedColumns(d, name);
        break;
      case 'encoding': {
        if (encoding !== undefined) throw conflict(d);
        const e = (text ?? '').toLowerCase().replace(/[-_]/g, '');
        if (!KNOWN_ENCODINGS.has(e)) {
          throw new EngineError(
            '22023',
            `argument to option "${name}" must be a valid encoding name`,
            { position: position(d) },
          );
        }
        if (e !== 'utf8' && e !== 'unicode') {
          throw new EngineError('0A000', `COPY ENCODING '${text}' is not supported yet`);
        }
        encoding = e;
        break;
      }
      default:
        throw new EngineError('42601', `option "${name}" not recognized`, {
          position: position(d),
        });
    }
  }
  const fmt = format ?? 'text';
  const csv = fmt === 'csv';
  if (fmt === 'binary') {
    if (delimiter !== undefined)
      throw new EngineError('42601', 'cannot specify DELIMITER in BINARY mode');
    if (nullText !== undefined)
      throw new EngineError('42601', 'cannot specify NULL in BINARY mode');
    if (header !== undefined && header !== false)
      throw new EngineError('0A000', 'cannot specify HEADER in BINARY mode');
  }
  const delim = delimiter ?? (csv ? ',' : '\t');
  const nul = nullText ?? (csv ? '' : '\\N');
  if (new TextEncoder().encode(delim).length !== 1) {
    throw new EngineError('0A000', 'COPY delimiter must be a single one-byte character');
  }
  if (delim.includes('\r') || delim.includes('\n')) {
    throw new EngineError('22023', 'COPY delimiter cannot be newline or carriage return');
  }
  if (nul.includes('\r') || nul.includes('\n')) {
    throw new EngineError(
      '22023',
      'COPY null representation cannot use newline or carriage return',
    );
  }
  if (!csv && '\\.abcdefghijklmnopqrstuvwxyz0123456789'.includes(delim)) {
    throw new EngineError('22023', `COPY delimiter cannot be "${delim}"`);
  }
  if (!csv && quote !== undefined) {
    throw new EngineError('0A000', 'COPY quote available only in CSV mode');
  }
  const q = quote ?? '"';
  if (csv && new TextEncoder().encode(q).length !== 1) {
    throw new EngineError('0A000', 'COPY quote must be a single one-byte character');
  }
  if (csv && delim === q) {
    throw new EngineError('22023', 'COPY delimiter and quote must be different');
  }
  if (!csv && escapeChar !== undefined) {
    throw new EngineError('0A000', 'COPY escape available only in CSV mode');
  }
  const esc = escapeChar ?? q;
  if (csv && new TextEncoder().encode(esc).length !== 1) {
    throw new EngineError('0A000', 'COPY escape must be a single one-byte character');
  }
  if (!csv && forceQuote !== undefined) {
    throw new EngineError('0A000', 'COPY force quote available only in CSV mode');
  }
  if (forceQuote !== undefined && isFrom) {
    throw new EngineError('0A000', 'COPY force quote only available using COPY TO');
  }
  if (!csv && forceNotNull !== undefined) {
    throw new EngineError('0A000', 'COPY force not null available only in CSV mode');
  }
  if (forceNotNull !== undefined && !isFrom) {
    throw new EngineError('0A000', 'COPY force not null only available using COPY FROM');
  }
  if (!csv && forceNull !== undefined) {
    throw new EngineError('0A000', 'COPY force null available only in CSV mode');
  }
  if (forceNull !== undefined && !isFrom) {
    throw new EngineError('0A000', 'COPY force null only available using COPY FROM');
  }
  if (nul.includes(delim)) {
    throw new EngineError('0A000', 'COPY delimiter must not appear in the NULL specification');
  }
  if (csv && nul.includes(q)) {
    throw new EngineError('0A000', 'CSV quote character must not appear in the NULL specification');
  }
  if (fmt === 'binary') throw new EngineError('0A000', 'COPY BINARY is not supported yet');
  return {
    format: fmt,
    header: header ?? false,
    delimiter: delim,
    null: nul,
    quote: q,
    escape: esc,
    forceQuote: forceQuote ?? [],
    forceNotNull: forceNotNull ?? [],
    forceNull: forceNull ?? [],
    freeze: freeze ?? false,
  };
}

const KNOWN_ENCODINGS = new Set([
  'utf8',
  'unicode',
  'sqlascii',
  'latin1',
  'latin2',
  'latin9',
  'win1252',
  'win1251',
  'euc_jp'.replace('_', ''),
  'sjis',
  'gbk',
  'big5',
  'koi8r',
  'iso88591',
]);

// ------------------------------------------------------------------ errors

const MAX_DISPLAY = 100;
const enc = new TextEncoder();
const dec = new TextDecoder();

/** limit_printout_length: more than 100 bytes are cut (at a character) and get "...". */
export function limitPrintout(text: string): string {
  if (text.length * 3 <= MAX_DISPLAY) return text;
  const bytes = enc.encode(text);
  if (bytes.length <= MAX_DISPLAY) return text;
  let end = MAX_DISPLAY;
  while (end > 0 && (bytes[end]! & 0xc0) === 0x80) end--;
  return `${dec.decode(bytes.subarray(0, end))}...`;
}

/** An error raised while reading a record: the CONTEXT line is added by the caller. */
export class CopyDataError extends EngineError {
  /** Whether the record's text is shown in the CONTEXT line (line_buf_valid). */
  constructor(
    code: string,
    message: string,
    readonly withLine: boolean,
    extra: { hint?: string } = {},
  ) {
    super(code, message, extra);
  }
}

// ------------------------------------------------------------------ reading

/** One record (line) of input: its text without the line end, and its line number. */
export interface CopyRecord {
  readonly text: string;
  readonly line: number;
}

type Eol = 'unknown' | 'nl' | 'cr' | 'crnl';

/**
 * Splits input, fed in chunks, into records as CopyReadLine does: line ends
 * (the first one fixes the style), `\.` ends the data, text format's
 * backslash escapes a line end, CSV quotes span lines (counted lines).
 */
export class CopyRecordReader {
  #buf = '';
  #pos = 0;
  #start = 0;
  #inQuote = false;
  #eol: Eol = 'unknown';
  #line = 0;
  #done = false;
  readonly #csv: boolean;
  readonly #quote: string;
  /** The escape character, or '' when it is the quote (the quote then just toggles). */
  readonly #escape: string;
  #lastWasEsc = false;
  #recordLine = 0;
  /** The characters the scan must look at (line ends, backslash, CSV's quote and escape); the rest is skipped. */
  readonly #special: RegExp;

  constructor(options: CopyOptions) {
    this.#csv = options.format === 'csv';
    this.#quote = options.quote;
    this.#escape = options.escape === options.quote ? '' : options.escape;
    const chars = ['\n', '\r', '\\'];
    if (this.#csv) chars.push(this.#quote, this.#escape);
    const klass = [...new Set(chars.filter((c) => c !== ''))]
      .map((c) => `\\u${c.charCodeAt(0).toString(16).padStart(4, '0')}`)
      .join('');
    this.#special = new RegExp(`[${klass}]`, 'g');
  }

  /** The line number of the record being read (for errors raised while reading it). */
  get line(): number {
    return this.#line;
  }

  get done(): boolean {
    return this.#done;
  }

  /** Adds a chunk; returns the records it completes. */
  push(chunk: string, out: CopyRecord[]): void {
    if (this.#done) return;
    if (this.#start > 0) {
      this.#buf = this.#buf.slice(this.#start);
      this.#pos -= this.#start;
      this.#start = 0;
    }
    this.#buf += chunk;
    this.#scan(false, out);
  }

  /** The end of input: the last line without a line end is a record. */
  end(out: CopyRecord[]): void {
    if (this.#done) return;
    this.#scan(true, out);
    if (this.#done) return;
    const rest = this.#buf.slice(this.#start);
    if (rest.length > 0) {
      out.push({ text: rest, line: this.#line });
    }
    this.#done = true;
  }

  #scan(final: boolean, out: CopyRecord[]): void {
    const buf = this.#buf;
    const n = buf.length;
    let i = this.#pos;
    const csv = this.#csv;
    while (i < n) {
      if (i === this.#start && this.#recordLine === 0) {
        this.#line++;
        this.#recordLine = this.#line;
      }
      const c = buf[i]!;
      if (
        c !== '\n' &&
        c !== '\r' &&
        c !== '\\' &&
        (!csv || (c !== this.#quote && c !== this.#escape))
      ) {
        // nothing to look at up to the next special character
        this.#lastWasEsc = false;
        this.#special.lastIndex = i + 1;
        const m = this.#special.exec(buf);
        i = m === null ? n : m.index;
        continue;
      }
      if (csv) {
        if (this.#inQuote && c === this.#escape) this.#lastWasEsc = !this.#lastWasEsc;
        if (c === this.#quote && !this.#lastWasEsc) this.#inQuote = !this.#inQuote;
        if (c !== this.#escape) this.#lastWasEsc = false;
        if (this.#inQuote && c === (this.#eol === 'nl' ? '\n' : '\r') && c !== this.#quote) {
          this.#line++;
        }
      }
      if (c === '\r' && (!csv || !this.#inQuote)) {
        if (i + 1 >= n && !final) break; // need the next character
        const next = buf[i + 1];
        if (this.#eol === 'unknown') this.#eol = next === '\n' ? 'crnl' : 'cr';
        if (this.#eol === 'nl') throw this.#eolError('carriage return');
        if (this.#eol === 'crnl' && next !== '\n') throw this.#eolError('carriage return');
        this.#emit(buf.slice(this.#start, i), out);
        i += this.#eol === 'crnl' ? 2 : 1;
        this.#start = i;
        continue;
      }
      if (c === '\n' && (!csv || !this.#inQuote)) {
        if (this.#eol === 'unknown') this.#eol = 'nl';
        if (this.#eol !== 'nl') throw this.#eolError('newline');
        this.#emit(buf.slice(this.#start, i), out);
        i++;
        this.#start = i;
        continue;
      }
      if (c === '\\' && (!csv || (i === this.#start && !this.#inQuote))) {
        if (i + 3 >= n && !final) break; // need up to three more characters
        const c2 = buf[i + 1];
        if (c2 === '.') {
          const bad = this.#endMarkerProblem(buf, i + 2);
          if (bad === undefined) {
            const before = buf.slice(this.#start, i);
            if (before.length > 0) out.push({ text: before, line: this.#line });
            this.#done = true;
            this.#buf = '';
            this.#pos = 0;
            this.#start = 0;
            return;
          }
          if (!csv) throw new CopyDataError('22P04', bad, false);
        }
        if (!csv) {
          i += c2 === undefined ? 1 : 2;
          continue;
        }
      }
      i++;
    }
    this.#pos = i;
  }

  /** What is wrong with the characters after a `\.` (undefined: it ends the data). */
  #endMarkerProblem(buf: string, j: number): string | undefined {
    const corrupt = 'end-of-copy marker corrupt';
    const style = 'end-of-copy marker does not match previous newline style';
    let k = j;
    if (this.#eol === 'crnl') {
      const x = buf[k];
      if (x === undefined) return undefined;
      if (x === '\n') return style;
      if (x !== '\r') return corrupt;
      k++;
    }
    const y = buf[k];
    if (y === undefined) return undefined;
    if (y !== '\r' && y !== '\n') return corrupt;
    const eol = this.#eol;
    if (
      (eol === 'nl' && y !== '\n') ||
      (eol === 'crnl' && y !== '\n') ||
      (eol === 'cr' && y !== '\r')
    ) {
      return style;
    }
    return undefined;
  }

  #emit(text: string, out: CopyRecord[]): void {
    out.push({ text, line: this.#line });
    this.#recordLine = 0;
    this.#inQuote = false;
    this.#lastWasEsc = false;
  }

  #eolError(what: 'carriage return' | 'newline'): CopyDataError {
    const csv = this.#csv;
    const message = csv ? `unquoted ${what} found in data` : `literal ${what} found in data`;
    const hint = csv
      ? `Use quoted CSV field to represent ${what}.`
      : `Use "${what === 'newline' ? '\\n' : '\\r'}" to represent ${what}.`;
    return new CopyDataError('22P04', message, false, { hint });
  }
}

// ------------------------------------------------------------------ reading bytes (issue 9: COPY's fast path)

const LF = 0x0a;
const CR = 0x0d;
const BACKSLASH = 0x5c;
const DOT = 0x2e;

/** Called with each record: its bytes are `buf[start, end)` (valid only during the call). */
export type OnCopyRecord = (buf: Buffer, start: number, end: number, line: number) => void;

/**
 * {@link CopyRecordReader} over UTF-8 bytes: the same records, line
 * numbers and errors (line ends, `\.`, CSV quotes spanning lines), but
 * each record handed over as a byte range of the reader's buffer, with
 * no string made. The buffer keeps only the unfinished record between
 * chunks (bounded memory).
 */
export class CopyByteReader {
  #buf: Buffer = Buffer.allocUnsafe(512 * 1024);
  #len = 0;
  #pos = 0;
  #start = 0;
  #inQuote = false;
  #eol: Eol = 'unknown';
  #line = 0;
  #done = false;
  readonly #csv: boolean;
  readonly #quote: number;
  /** The escape byte, or -1 when it is the quote (the quote then just toggles). */
  readonly #escape: number;
  #lastWasEsc = false;
  #recordLine = 0;
  /** 1 for the bytes the scan must look at (line ends, backslash, CSV's quote and escape). */
  readonly #special = new Uint8Array(256);

  constructor(options: CopyOptions) {
    this.#csv = options.format === 'csv';
    this.#quote = options.quote.charCodeAt(0);
    this.#escape = options.escape === options.quote ? -1 : options.escape.charCodeAt(0);
    this.#special[LF] = 1;
    this.#special[CR] = 1;
    this.#special[BACKSLASH] = 1;
    if (this.#csv) {
      this.#special[this.#quote] = 1;
      if (this.#escape >= 0) this.#special[this.#escape] = 1;
    }
  }

  /** The line number of the record being read (for errors raised while reading it). */
  get line(): number {
    return this.#line;
  }

  get done(): boolean {
    return this.#done;
  }

  /** Adds a chunk; calls `on` with each record it completes. */
  push(chunk: Uint8Array, on: OnCopyRecord): void {
    if (this.#done) return;
    if (this.#start > 0) {
      this.#buf.copyWithin(0, this.#start, this.#len);
      this.#len -= this.#start;
      this.#pos -= this.#start;
      this.#start = 0;
    }
    const need = this.#len + chunk.length;
    if (need > this.#buf.length) {
      let size = this.#buf.length * 2;
      while (size < need) size *= 2;
      const bigger = Buffer.allocUnsafe(size);
      this.#buf.copy(bigger, 0, 0, this.#len);
      this.#buf = bigger;
    }
    this.#buf.set(chunk, this.#len);
    this.#len = need;
    this.#scan(false, on);
  }

  /** The end of input: the last line without a line end is a record. */
  end(on: OnCopyRecord): void {
    if (this.#done) return;
    this.#scan(true, on);
    if (this.#done) return;
    this.#done = true;
    if (this.#len > this.#start) on(this.#buf, this.#start, this.#len, this.#line);
  }

  #scan(final: boolean, on: OnCopyRecord): void {
    const buf = this.#buf;
    const n = this.#len;
    const special = this.#special;
    const csv = this.#csv;
    const quote = this.#quote;
    const escapeByte = this.#escape;
    let i = this.#pos;
    // where the next CR, backslash and quote/escape are (n: none in the data), found by indexOf
    let nextCr = -1;
    let nextSlash = -1;
    let nextQuote = -1;
    let nextEscape = -1;
    const find = (byte: number, from: number) => {
      if (byte < 0) return n;
      const at = buf.indexOf(byte, from);
      return at < 0 || at > n ? n : at;
    };
    while (i < n) {
      if (i === this.#start && this.#recordLine === 0) {
        // a record without anything to look at (once the line ends are known as LF): found natively
        if (this.#eol === 'nl') {
          const nl = find(LF, i);
          if (nl < n) {
            if (nextCr < i) nextCr = find(CR, i);
            if (csv) {
              if (nextQuote < i) nextQuote = find(quote, i);
              if (nextEscape < i) nextEscape = find(escapeByte, i);
            } else if (nextSlash < i) nextSlash = find(BACKSLASH, i);
            if (
              nextCr > nl &&
              (csv ? nextQuote > nl && nextEscape > nl && buf[i] !== BACKSLASH : nextSlash > nl)
            ) {
              this.#line++;
              const start = i;
              i = nl + 1;
              this.#start = i;
              this.#endRecord();
              on(buf, start, nl, this.#line);
              continue;
            }
          }
        }
        this.#line++;
        this.#recordLine = this.#line;
      }
      const c = buf[i]!;
      if (special[c] === 0) {
        // nothing to look at up to the next special byte
        this.#lastWasEsc = false;
        i++;
        while (i < n && special[buf[i]!] === 0) i++;
        continue;
      }
      if (csv) {
        if (this.#inQuote && c === escapeByte) this.#lastWasEsc = !this.#lastWasEsc;
        if (c === quote && !this.#lastWasEsc) this.#inQuote = !this.#inQuote;
        if (c !== escapeByte) this.#lastWasEsc = false;
        if (this.#inQuote && c === (this.#eol === 'nl' ? LF : CR) && c !== quote) {
          this.#line++;
        }
      }
      if (c === CR && (!csv || !this.#inQuote)) {
        if (i + 1 >= n && !final) break; // need the next byte
        const next = i + 1 < n ? buf[i + 1]! : -1;
        if (this.#eol === 'unknown') this.#eol = next === LF ? 'crnl' : 'cr';
        if (this.#eol === 'nl') throw eolError(csv, 'carriage return');
        if (this.#eol === 'crnl' && next !== LF) throw eolError(csv, 'carriage return');
        const start = this.#start;
        i += this.#eol === 'crnl' ? 2 : 1;
        this.#start = i;
        this.#endRecord();
        on(buf, start, i - (this.#eol === 'crnl' ? 2 : 1), this.#line);
        continue;
      }
      if (c === LF && (!csv || !this.#inQuote)) {
        if (this.#eol === 'unknown') this.#eol = 'nl';
        if (this.#eol !== 'nl') throw eolError(csv, 'newline');
        const start = this.#start;
        i++;
        this.#start = i;
        this.#endRecord();
        on(buf, start, i - 1, this.#line);
        continue;
      }
      if (c === BACKSLASH && (!csv || (i === this.#start && !this.#inQuote))) {
        if (i + 3 >= n && !final) break; // need up to three more bytes
        const c2 = i + 1 < n ? buf[i + 1]! : -1;
        if (c2 === DOT) {
          const bad = this.#endMarkerProblem(buf, n, i + 2);
          if (bad === undefined) {
            const start = this.#start;
            this.#done = true;
            this.#len = 0;
            this.#pos = 0;
            this.#start = 0;
            if (i > start) on(buf, start, i, this.#line);
            return;
          }
          if (!csv) throw new CopyDataError('22P04', bad, false);
        }
        if (!csv) {
          i += c2 < 0 ? 1 : 2;
          continue;
        }
      }
      i++;
    }
    this.#pos = i;
  }

  #endRecord(): void {
    this.#recordLine = 0;
    this.#inQuote = false;
    this.#lastWasEsc = false;
  }

  /** What is wrong with the bytes after a `\.` (undefined: it ends the data). */
  #endMarkerProblem(buf: Buffer, n: number, j: number): string | undefined {
    const corrupt = 'end-of-copy marker corrupt';
    const style = 'end-of-copy marker does not match previous newline style';
    let k = j;
    if (this.#eol === 'crnl') {
      if (k >= n) return undefined;
      const x = buf[k]!;
      if (x === LF) return style;
      if (x !== CR) return corrupt;
      k++;
    }
    if (k >= n) return undefined;
    const y = buf[k]!;
    if (y !== CR && y !== LF) return corrupt;
    const eol = this.#eol;
    if ((eol === 'nl' && y !== LF) || (eol === 'crnl' && y !== LF) || (eol === 'cr' && y !== CR)) {
      return style;
    }
    return undefined;
  }
}

function eolError(csv: boolean, what: 'carriage return' | 'newline'): CopyDataError {
  const message = csv ? `unquoted ${what} found in data` : `literal ${what} found in data`;
  const hint = csv
    ? `Use quoted CSV field to represent ${what}.`
    : `Use "${what === 'newline' ? '\\n' : '\\r'}" to represent ${what}.`;
  return new CopyDataError('22P04', message, false, { hint });
}

/** Where a field's bytes are: the record's buffer, the splitter's scratch, or the NULL string. */
export const FIELD_IN_RECORD = 0;
export const FIELD_IN_SCRATCH = 1;
export const FIELD_IS_NULL_STRING = 2;

/**
 * The fields of one record as byte ranges, reused from record to record:
 * field k is `bytes(k)[start[k], end[k])`, NULL when `isNull[k]`, and
 * `quoted[k]` when CSV quoted it. Fields whose value differs from their
 * raw text (CSV quotes, text escapes) are copied into a scratch buffer.
 */
export class CopyFields {
  count = 0;
  start = new Int32Array(64);
  end = new Int32Array(64);
  where = new Uint8Array(64);
  isNull = new Uint8Array(64);
  quoted = new Uint8Array(64);
  scratch: Buffer = Buffer.allocUnsafe(4096);
  scratchLen = 0;
  /** The record's buffer. */
  record: Buffer = this.scratch;
  readonly nullBytes: Buffer;
  readonly delimiter: number;
  readonly quote: number;
  readonly escape: number;

  constructor(readonly options: CopyOptions) {
    this.nullBytes = Buffer.from(options.null, 'utf8');
    this.delimiter = options.delimiter.charCodeAt(0);
    this.quote = options.quote.charCodeAt(0);
    this.escape = options.escape.charCodeAt(0);
  }

  /** Adds the unquoted field `record[start, end)`, NULL when it is the NULL string. */
  addRaw(start: number, end: number): void {
    const nb = this.nullBytes;
    let isNull = end - start === nb.length;
    if (isNull) {
      const src = this.record;
      for (let i = 0; i < nb.length; i++) {
        if (src[start + i] !== nb[i]) {
          isNull = false;
          break;
        }
      }
    }
    this.add(FIELD_IN_RECORD, start, end, isNull, false);
  }

  bytes(k: number): Buffer {
    const w = this.where[k]!;
    return w === FIELD_IN_RECORD
      ? this.record
      : w === FIELD_IN_SCRATCH
        ? this.scratch
        : this.nullBytes;
  }

  /** Field k's text (its UTF-8 decoded), or null for NULL. */
  text(k: number): string | null {
    if (this.isNull[k] === 1) return null;
    return this.bytes(k).toString('utf8', this.start[k]!, this.end[k]!);
  }

  /** Whether field k's bytes are the NULL string's. */
  equalsNull(k: number): boolean {
    const a = this.start[k]!;
    const b = this.end[k]!;
    const nb = this.nullBytes;
    if (b - a !== nb.length) return false;
    const src = this.bytes(k);
    for (let i = 0; i < nb.length; i++) if (src[a + i] !== nb[i]) return false;
    return true;
  }

  reset(record: Buffer): void {
    this.count = 0;
    this.scratchLen = 0;
    this.record = record;
  }

  add(where: number, start: number, end: number, isNull: boolean, quoted: boolean): void {
    const k = this.count;
    if (k === this.start.length) this.#grow();
    this.where[k] = where;
    this.start[k] = start;
    this.end[k] = end;
    this.isNull[k] = isNull ? 1 : 0;
    this.quoted[k] = quoted ? 1 : 0;
    this.count = k + 1;
  }

  /** Room for `n` more scratch bytes. */
  reserve(n: number): void {
    const need = this.scratchLen + n;
    if (need <= this.scratch.length) return;
    let size = this.scratch.length * 2;
    while (size < need) size *= 2;
    const bigger = Buffer.allocUnsafe(size);
    this.scratch.copy(bigger, 0, 0, this.scratchLen);
    this.scratch = bigger;
  }

  #grow(): void {
    const n = this.start.length * 2;
    const grow32 = (a: Int32Array) => {
      const b = new Int32Array(n);
      b.set(a);
      return b;
    };
    const grow8 = (a: Uint8Array) => {
      const b = new Uint8Array(n);
      b.set(a);
      return b;
    };
    this.start = grow32(this.start);
    this.end = grow32(this.end);
    this.where = grow8(this.where);
    this.isNull = grow8(this.isNull);
    this.quoted = grow8(this.quoted);
  }
}

/** {@link splitCsv} over the record `buf[s, e)`, into `f`. */
export function splitCsvBytes(buf: Buffer, s: number, e: number, f: CopyFields): void {
  const delim = f.delimiter;
  const quote = f.quote;
  const esc = f.escape;
  f.reset(buf);
  let i = s;
  for (;;) {
    const start = i;
    // a field without a quote is its text
    let stop = i;
    let c = -1;
    while (stop < e) {
      c = buf[stop]!;
      if (c === delim || c === quote) break;
      stop++;
    }
    if (stop >= e || c === delim) {
      f.addRaw(start, stop);
      if (stop >= e) break;
      i = stop + 1;
      continue;
    }
    // quoted: the value is copied without its quotes and escapes
    f.reserve(e - start);
    const out = f.scratch;
    const from = f.scratchLen;
    let p = from;
    let end = -1;
    field: for (;;) {
      for (;;) {
        if (i >= e) break field;
        const ch = buf[i]!;
        i++;
        if (ch === delim) {
          end = i - 1;
          break field;
        }
        if (ch === quote) break;
        out[p++] = ch;
      }
      for (;;) {
        if (i >= e) throw new CopyDataError('22P04', 'unterminated CSV quoted field', true);
        const ch = buf[i]!;
        i++;
        if (ch === esc && i < e && (buf[i] === esc || buf[i] === quote)) {
          out[p++] = buf[i]!;
          i++;
          continue;
        }
        if (ch === quote) break;
        out[p++] = ch;
      }
    }
    f.scratchLen = p;
    f.add(FIELD_IN_SCRATCH, from, p, false, true);
    if (end < 0) break;
    i = end + 1;
  }
}

/** {@link splitText} over the record `buf[s, e)`, into `f` (a record with a backslash takes splitText). */
export function splitTextBytes(buf: Buffer, s: number, e: number, f: CopyFields): void {
  const o = f.options;
  const delim = f.delimiter;
  f.reset(buf);
  const slash = buf.indexOf(BACKSLASH, s);
  if (slash >= 0 && slash < e) {
    for (const field of splitText(buf.toString('utf8', s, e), o)) {
      if (field.value === null) {
        f.add(FIELD_IN_SCRATCH, 0, 0, true, false);
        continue;
      }
      const n = Buffer.byteLength(field.value, 'utf8');
      f.reserve(n);
      const from = f.scratchLen;
      f.scratch.write(field.value, from, 'utf8');
      f.scratchLen = from + n;
      f.add(FIELD_IN_SCRATCH, from, from + n, false, false);
    }
    return;
  }
  let i = s;
  for (;;) {
    let stop = i;
    while (stop < e && buf[stop] !== delim) stop++;
    f.addRaw(i, stop);
    if (stop >= e) break;
    i = stop + 1;
  }
}

/** One field of a record: its value (null for NULL) and whether it was quoted (CSV). */
export interface CopyField {
  readonly value: string | null;
  readonly quoted: boolean;
}

/** CopyReadAttributesText: fields split at the delimiter, backslash escapes decoded, the NULL string matched raw. */
export function splitText(line: string, o: CopyOptions): CopyField[] {
  const out: CopyField[] = [];
  const delim = o.delimiter;
  const n = line.length;
  let i = 0;
  for (;;) {
    const start = i;
    // a field without a backslash is its text
    const next = line.indexOf(delim, i);
    const stop = next < 0 ? n : next;
    const slash = line.indexOf('\\', i);
    if (slash < 0 || slash >= stop) {
      const raw = line.slice(start, stop);
      out.push({ value: raw === o.null ? null : raw, quoted: false });
      if (next < 0) break;
      i = next + 1;
      continue;
    }
    let value = '';
    let bytes: number[] | undefined;
    let plainFrom = i;
    let end = n;
    while (i < n) {
      const c = line[i]!;
      if (c === delim) {
        end = i;
        break;
      }
      if (c !== '\\') {
        i++;
        continue;
      }
      value += line.slice(plainFrom, i);
      i++;
      if (i >= n) {
        plainFrom = i;
        break;
      }
      const e = line[i]!;
      i++;
      let code: number | undefined;
      if (e >= '0' && e <= '7') {
        code = e.charCodeAt(0) - 48;
        for (let k = 0; k < 2 && i < n && line[i]! >= '0' && line[i]! <= '7'; k++) {
          code = code * 8 + (line.charCodeAt(i) - 48);
          i++;
        }
        code &= 0xff;
      } else if (e === 'x' && i < n && /[0-9a-fA-F]/.test(line[i]!)) {
        code = Number.parseInt(line[i]!, 16);
        i++;
        if (i < n && /[0-9a-fA-F]/.test(line[i]!)) {
          code = code * 16 + Number.parseInt(line[i]!, 16);
          i++;
        }
      } else {
        const simple = TEXT_ESCAPES[e];
        value += simple ?? e;
      }
      if (code !== undefined) {
        if (code === 0 || code >= 0x80) {
          bytes ??= [];
          bytes.push(...enc.encode(value), code);
          value = '';
        } else value += String.fromCharCode(code);
      }
      plainFrom = i;
    }
    if (i >= n) end = n;
    value += line.slice(plainFrom, end);
    const raw = line.slice(start, end);
    if (raw === o.null) out.push({ value: null, quoted: false });
    else {
      if (bytes !== undefined) value = decodeBytes([...bytes, ...enc.encode(value)]);
      out.push({ value, quoted: false });
    }
    if (end >= n) break;
    i = end + 1;
  }
  return out;
}

const TEXT_ESCAPES: Readonly<Record<string, string>> = {
  b: '\b',
  f: '\f',
  n: '\n',
  r: '\r',
  t: '\t',
  v: '\v',
};

const strictUtf8 = new TextDecoder('utf-8', { fatal: true });

function decodeBytes(bytes: number[]): string {
  const zero = bytes.indexOf(0);
  if (zero >= 0) {
    throw new CopyDataError('22021', 'invalid byte sequence for encoding "UTF8": 0x00', true);
  }
  try {
    return strictUtf8.decode(Uint8Array.from(bytes));
  } catch {
    const bad = bytes.find((b) => b >= 0x80) ?? 0;
    throw new CopyDataError(
      '22021',
      `invalid byte sequence for encoding "UTF8": 0x${bad.toString(16).padStart(2, '0')}`,
      true,
    );
  }
}

/** CopyReadAttributesCSV: fields split at unquoted delimiters, quotes and escapes removed. */
export function splitCsv(line: string, o: CopyOptions): CopyField[] {
  const out: CopyField[] = [];
  const { delimiter: delim, quote, escape: esc } = o;
  const n = line.length;
  let i = 0;
  for (;;) {
    const start = i;
    // a field without a quote is its text
    const next = line.indexOf(delim, i);
    const stop = next < 0 ? n : next;
    const q = line.indexOf(quote, i);
    if (q < 0 || q >= stop) {
      const raw = line.slice(start, stop);
      out.push({ value: raw === o.null ? null : raw, quoted: false });
      if (next < 0) break;
      i = next + 1;
      continue;
    }
    let value = '';
    let quoted = false;
    let end = -1;
    field: for (;;) {
      for (;;) {
        if (i >= n) break field;
        const c = line[i]!;
        i++;
        if (c === delim) {
          end = i - 1;
          break field;
        }
        if (c === quote) {
          quoted = true;
          break;
        }
        value += c;
      }
      for (;;) {
        if (i >= n) throw new CopyDataError('22P04', 'unterminated CSV quoted field', true);
        const c = line[i]!;
        i++;
        if (c === esc && i < n && (line[i] === esc || line[i] === quote)) {
          value += line[i]!;
          i++;
          continue;
        }
        if (c === quote) break;
        value += c;
      }
    }
    const raw = line.slice(start, end < 0 ? n : end);
    if (!quoted && raw === o.null) out.push({ value: null, quoted });
    else out.push({ value, quoted });
    if (end < 0) break;
    i = end + 1;
  }
  return out;
}

// ------------------------------------------------------------------ writing

/** CopyAttributeOutText: control characters, backslash and the delimiter escaped. */
export function textField(value: string, delimiter: string): string {
  let out = '';
  let from = 0;
  for (let i = 0; i < value.length; i++) {
    const c = value[i]!;
    const code = c.charCodeAt(0);
    let rep: string | undefined;
    if (code < 0x20) {
      rep = TEXT_OUT[c];
    } else if (c === '\\' || c === delimiter) rep = `\\${c}`;
    if (rep === undefined) continue;
    out += value.slice(from, i) + rep;
    from = i + 1;
  }
  return from === 0 ? value : out + value.slice(from);
}

const TEXT_OUT: Readonly<Record<string, string>> = {
  '\b': '\\b',
  '\f': '\\f',
  '\n': '\\n',
  '\r': '\\r',
  '\t': '\\t',
  '\v': '\\v',
};

/** CopyAttributeOutCSV: quoted when forced, when it equals the NULL string, or holds a delimiter, quote or line end. */
export function csvField(
  value: string,
  o: CopyOptions,
  force: boolean,
  singleAttr: boolean,
): string {
  let quote = force || value === o.null;
  if (!quote) {
    if (singleAttr && value === '\\.') quote = true;
    else {
      for (let i = 0; i < value.length; i++) {
        const c = value[i]!;
        if (c === o.delimiter || c === o.quote || c === '\n' || c === '\r') {
          quote = true;
          break;
        }
      }
    }
  }
  if (!quote) return value;
  let out = o.quote;
  for (let i = 0; i < value.length; i++) {
    const c = value[i]!;
    if (c === o.quote || c === o.escape) out += o.escape;
    out += c;
  }
  return out + o.quote;
}

/** One output row (values already in their text form, null for NULL), with its line end. */
export function formatRow(
  values: readonly (string | null)[],
  o: CopyOptions,
  forced: readonly boolean[],
): string {
  let line = '';
  const single = values.length === 1;
  for (let k = 0; k < values.length; k++) {
    if (k > 0) line += o.delimiter;
    const v = values[k] ?? null;
    if (v === null) line += o.null;
    else if (o.format === 'csv') line += csvField(v, o, forced[k] === true, single);
    else line += textField(v, o.delimiter);
  }
  return `${line}\n`;
}

/** The header line of COPY TO: the column names, formatted as values (never forced). */
export function formatHeader(names: readonly string[], o: CopyOptions): string {
  return formatRow(names, o, []);
}
