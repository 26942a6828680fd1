/**
 * The JSON lexer and recursive-descent parser of PostgreSQL 15
 * (src/common/jsonapi.c), shared by json and jsonb. It produces a tree of
 * JsonNode with the source span of every value (json's -> and #> return the
 * exact original text of a sub-value), and reports errors exactly as
 * PostgreSQL does: 22P02 "invalid input syntax for type json" (22P05
 * "unsupported Unicode escape sequence" for \u0000 when de-escaping), the
 * DETAIL naming the offending token, and the "JSON data, line N: ..." CONTEXT.
 *
 * Strings are de-escaped only when asked (`deEscape`): json_in validates
 * without de-escaping, so '"\ud800"' and '"\u0000"' are valid json but not
 * valid jsonb.
 */
import { SqlError, SqlState } from '../core/errors.js';
import { utf8 } from '../core/wire.js';

/** 22P05 untranslatable_character. */
export const UNTRANSLATABLE_CHARACTER = SqlState.UNTRANSLATABLE_CHARACTER;
/**
 * The deepest nesting accepted. PostgreSQL's limit comes from
 * max_stack_depth (about 14000 levels with the default 2MB); ours is lower
 * so that every later recursion (output, on-disk, comparison) stays within
 * JavaScript's stack. Deeper input raises the same 54001 error.
 */
export const MAX_DEPTH = 2000;

/** 54001 statement_too_complex: "stack depth limit exceeded". */
export const STATEMENT_TOO_COMPLEX = SqlState.STATEMENT_TOO_COMPLEX;

/** A SqlError with PostgreSQL's CONTEXT line (errcontext), which core's SqlError lacks. */
/** The json family's errors are core SqlErrors (they carry PostgreSQL's CONTEXT line). */
export const JsonSqlError = SqlError;
export type JsonSqlError = SqlError;

/** A parsed JSON value with its span [start, end) in the source text (UTF-16 indexes). */
export type JsonNode =
  | { readonly kind: 'null'; readonly start: number; readonly end: number }
  | { readonly kind: 'bool'; readonly value: boolean; readonly start: number; readonly end: number }
  | { readonly kind: 'number'; readonly text: string; readonly start: number; readonly end: number }
  | {
      readonly kind: 'string';
      /** The de-escaped value, or undefined when parsed without de-escaping. */
      readonly value: string | undefined;
      readonly start: number;
      readonly end: number;
    }
  | {
      readonly kind: 'array';
      readonly elements: readonly JsonNode[];
      readonly start: number;
      readonly end: number;
    }
  | {
      readonly kind: 'object';
      readonly pairs: readonly JsonPair[];
      readonly start: number;
      readonly end: number;
    };

export interface JsonPair {
  readonly key: string | undefined;
  readonly keyStart: number;
  readonly value: JsonNode;
}

type Tok =
  | '{'
  | '}'
  | '['
  | ']'
  | ','
  | ':'
  | 'string'
  | 'number'
  | 'true'
  | 'false'
  | 'null'
  | 'end';

type ParseCtx =
  | 'END'
  | 'VALUE'
  | 'STRING'
  | 'ARRAY_NEXT'
  | 'OBJECT_START'
  | 'LABEL'
  | 'OBJECT_NEXT';

const ALNUM = /[A-Za-z0-9_\u0080-\uffff]/;

function isAlnum(c: string | undefined): boolean {
  return c !== undefined && ALNUM.test(c);
}

function isDigit(c: string | undefined): boolean {
  return c !== undefined && c >= '0' && c <= '9';
}

const HEX = /^[0-9a-fA-F]$/;

class Lexer {
  readonly src: string;
  readonly deEscape: boolean;
  pos = 0;
  tok: Tok = 'end';
  tokStart = 0;
  tokEnd = 0;
  tokValue: string | undefined = undefined;
  line = 1;
  lineStart = 0;

  constructor(src: string, deEscape: boolean) {
    this.src = src;
    this.deEscape = deEscape;
  }

  /** Raises the json error `detail` with the context ending at the token terminator. */
  fail(detail: string, code: string = SqlState.INVALID_TEXT_REPRESENTATION): never {
    const message =
      code === SqlState.INVALID_TEXT_REPRESENTATION
        ? 'invalid input syntax for type json'
        : 'unsupported Unicode escape sequence';
    throw new JsonSqlError(code, message, { detail, context: this.context() });
  }

  context(): string {
    const src = this.src;
    const end = this.tokEnd;
    let start = this.lineStart;
    let bytes = utf8(src.slice(start, end)).length;
    while (bytes >= 50) {
      const cp = src.codePointAt(start)!;
      const w = cp < 0x80 ? 1 : cp < 0x800 ? 2 : cp < 0x10000 ? 3 : 4;
      bytes -= w;
      start += cp >= 0x10000 ? 2 : 1;
    }
    if (utf8(src.slice(this.lineStart, start)).length <= 3) start = this.lineStart;
    const prefix = start > this.lineStart ? '...' : '';
    const next = src[end];
    const suffix =
      this.tok !== 'end' && end < src.length && next !== '\n' && next !== '\r' ? '...' : '';
    return `JSON data, line ${this.line}: ${prefix}${src.slice(start, end)}${suffix}`;
  }

  tokenText(): string {
    return this.src.slice(this.tokStart, this.tokEnd);
  }

  next(): void {
    const src = this.src;
    let s = this.pos;
    while (s < src.length) {
      const c = src[s];
      if (c === '\n') {
        this.line++;
        this.lineStart = s + 1;
      } else if (c !== ' ' && c !== '\t' && c !== '\r') break;
      s++;
    }
    this.tokStart = s;
    this.tokValue = undefined;
    if (s >= src.length) {
      this.tok = 'end';
      this.tokEnd = s;
      this.pos = s;
      return;
    }
    const c = src[s]!;
    switch (c) {
      case '{':
      case '}':
      case '[':
      case ']':
      case ',':
      case ':':
        this.tok = c;
        this.tokEnd = s + 1;
        this.pos = s + 1;
        return;
      case '"':
        this.lexString(s);
        return;
      case '-':
        this.lexNumber(s + 1);
        return;
      default:
        if (isDigit(c)) {
          this.lexNumber(s);
          return;
        }
    }
    let p = s;
    while (p < src.length && isAlnum(src[p])) p++;
    if (p === s) {
      this.tokEnd = s + (src.codePointAt(s)! >= 0x10000 ? 2 : 1);
      this.tok = '{'; // any non-end token: the context gets its "..." suffix
      this.fail(`Token "${this.tokenText()}" is invalid.`);
    }
    this.tokEnd = p;
    this.pos = p;
    const word = src.slice(s, p);
    if (word === 'true' || word === 'false' || word === 'null') {
      this.tok = word;
      return;
    }
    this.tok = '{';
    this.fail(`Token "${word}" is invalid.`);
  }

  lexNumber(digitsAt: number): void {
    const src = this.src;
    let s = digitsAt;
    let error = false;
    if (src[s] === '0') s++;
    else if (isDigit(src[s]) && src[s] !== '0') {
      while (isDigit(src[s])) s++;
    } else error = true;
    if (src[s] === '.') {
      s++;
      if (!isDigit(src[s])) error = true;
      else while (isDigit(src[s])) s++;
    }
    if (src[s] === 'e' || src[s] === 'E') {
      s++;
      if (src[s] === '+' || src[s] === '-') s++;
      if (!isDigit(src[s])) error = true;
      else while (isDigit(src[s])) s++;
    }
    while (s < src.length && isAlnum(src[s])) {
      s++;
      error = true;
    }
    this.tokEnd = s;
    this.pos = s;
    this.tok = 'number';
    if (error) this.fail(`Token "${this.tokenText()}" is invalid.`);
  }

  lexString(start: number): void {
    const src = this.src;
    let s = start + 1;
    let out = '';
    let hi = -1;
    const de = this.deEscape;
    this.tok = 'string';
    for (;;) {
      if (s >= src.length) {
        this.tokEnd = s;
        this.fail(`Token "${this.tokenText()}" is invalid.`);
      }
      const c = src[s]!;
      if (c === '"') break;
      const code = c.charCodeAt(0);
      if (code < 32) {
        this.tokEnd = s;
        this.fail(`Character with value 0x${code.toString(16).padStart(2, '0')} must be escaped.`);
      }
      if (c === '\\') {
        s++;
        if (s >= src.length) {
          this.tokEnd = s;
          this.fail(`Token "${this.tokenText()}" is invalid.`);
        }
        const e = src[s]!;
        if (e === 'u') {
          let ch = 0;
          for (let i = 1; i <= 4; i++) {
            s++;
            if (s >= src.length) {
              this.tokEnd = s;
              this.fail(`Token "${this.tokenText()}" is invalid.`);
            }
            const h = src[s]!;
            if (!HEX.test(h)) {
              this.tokEnd = s + (src.codePointAt(s)! >= 0x10000 ? 2 : 1);
              this.fail('"\\u" must be followed by four hexadecimal digits.');
            }
            ch = ch * 16 + Number.parseInt(h, 16);
          }
          if (de) {
            if (ch >= 0xd800 && ch <= 0xdbff) {
              if (hi !== -1) {
                this.tokEnd = s + 1;
                this.fail('Unicode high surrogate must not follow a high surrogate.');
              }
              hi = ch;
              s++;
              continue;
            }
            if (ch >= 0xdc00 && ch <= 0xdfff) {
              if (hi === -1) {
                this.tokEnd = s + 1;
                this.fail('Unicode low surrogate must follow a high surrogate.');
              }
              out += String.fromCharCode(hi, ch);
              hi = -1;
              s++;
              continue;
            }
            if (hi !== -1) {
              this.tokEnd = s + 1;
              this.fail('Unicode low surrogate must follow a high surrogate.');
            }
            if (ch === 0) {
              this.tokEnd = s + 1;
              this.fail('\\u0000 cannot be converted to text.', UNTRANSLATABLE_CHARACTER);
            }
            out += String.fromCharCode(ch);
          }
          s++;
          continue;
        }
        if (de && hi !== -1) {
          this.tokEnd = s + (src.codePointAt(s)! >= 0x10000 ? 2 : 1);
          this.fail('Unicode low surrogate must follow a high surrogate.');
        }
        const simple = ESCAPES[e];
        if (simple === undefined) {
          this.tokStart = s;
          this.tokEnd = s + (src.codePointAt(s)! >= 0x10000 ? 2 : 1);
          this.fail(`Escape sequence "\\${this.tokenText()}" is invalid.`);
        }
        out += simple;
        s++;
        continue;
      }
      if (de && hi !== -1) {
        this.tokEnd = s + (src.codePointAt(s)! >= 0x10000 ? 2 : 1);
        this.fail('Unicode low surrogate must follow a high surrogate.');
      }
      out += c;
      s++;
    }
    if (de && hi !== -1) {
      this.tokEnd = s + 1;
      this.fail('Unicode low surrogate must follow a high surrogate.');
    }
    this.tokEnd = s + 1;
    this.pos = s + 1;
    this.tokValue = de ? out : undefined;
  }
}

const ESCAPES: Record<string, string> = {
  '"': '"',
  '\\': '\\',
  '/': '/',
  b: '\b',
  f: '\f',
  n: '\n',
  r: '\r',
  t: '\t',
};

const EXPECTED: Record<ParseCtx, string> = {
  END: 'Expected end of input, but found "%s".',
  VALUE: 'Expected JSON value, but found "%s".',
  STRING: 'Expected string, but found "%s".',
  ARRAY_NEXT: 'Expected "," or "]", but found "%s".',
  OBJECT_START: 'Expected string or "}", but found "%s".',
  LABEL: 'Expected ":", but found "%s".',
  OBJECT_NEXT: 'Expected "," or "}", but found "%s".',
};

class Parser {
  readonly lex: Lexer;
  depth = 0;
  constructor(lex: Lexer) {
    this.lex = lex;
  }

  error(ctx: ParseCtx): never {
    const lex = this.lex;
    if (lex.tok === 'end') return lex.fail('The input string ended unexpectedly.');
    return lex.fail(EXPECTED[ctx].replace('%s', lex.tokenText()));
  }

  expect(ctx: ParseCtx, tok: Tok): void {
    if (this.lex.tok !== tok) this.error(ctx);
    this.lex.next();
  }

  value(): JsonNode {
    const lex = this.lex;
    if (lex.tok === '{') return this.object();
    if (lex.tok === '[') return this.array();
    const start = lex.tokStart;
    const end = lex.tokEnd;
    let node: JsonNode;
    switch (lex.tok) {
      case 'string':
        node = { kind: 'string', value: lex.tokValue, start, end };
        break;
      case 'number':
        node = { kind: 'number', text: lex.tokenText(), start, end };
        break;
      case 'true':
      case 'false':
        node = { kind: 'bool', value: lex.tok === 'true', start, end };
        break;
      case 'null':
        node = { kind: 'null', start, end };
        break;
      default:
        this.error('VALUE');
    }
    lex.next();
    return node;
  }

  enter(): void {
    if (++this.depth > MAX_DEPTH) {
      throw new SqlError(STATEMENT_TOO_COMPLEX, 'stack depth limit exceeded', {
        hint: 'Increase the configuration parameter "max_stack_depth" (currently 2048kB), after ensuring the platform\'s stack depth limit is adequate.',
      });
    }
  }

  object(): JsonNode {
    const lex = this.lex;
    const start = lex.tokStart;
    this.enter();
    lex.next();
    const pairs: JsonPair[] = [];
    if (lex.tok === 'string') {
      pairs.push(this.field());
      while ((lex.tok as Tok) === ',') {
        lex.next();
        pairs.push(this.field());
      }
    } else if (lex.tok !== '}') this.error('OBJECT_START');
    const end = lex.tokEnd;
    this.expect('OBJECT_NEXT', '}');
    this.depth--;
    return { kind: 'object', pairs, start, end };
  }

  field(): JsonPair {
    const lex = this.lex;
    if (lex.tok !== 'string') this.error('STRING');
    const key = lex.tokValue;
    const keyStart = lex.tokStart;
    lex.next();
    this.expect('LABEL', ':');
    return { key, keyStart, value: this.value() };
  }

  array(): JsonNode {
    const lex = this.lex;
    const start = lex.tokStart;
    this.enter();
    lex.next();
    const elements: JsonNode[] = [];
    if (lex.tok !== ']') {
      elements.push(this.value());
      while (lex.tok === ',') {
        lex.next();
        elements.push(this.value());
      }
    }
    const end = lex.tokEnd;
    this.expect('ARRAY_NEXT', ']');
    this.depth--;
    return { kind: 'array', elements, start, end };
  }
}

/**
 * pg_parse_json: parses `text` as one JSON value, raising PostgreSQL's
 * errors. With `deEscape`, string values are de-escaped (and \u0000 and
 * unpaired surrogates are errors, as for jsonb).
 */
export function parseJson(text: string, deEscape: boolean): JsonNode {
  const lex = new Lexer(text, deEscape);
  lex.next();
  const parser = new Parser(lex);
  const node = parser.value();
  parser.expect('END', 'end');
  return node;
}
