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
