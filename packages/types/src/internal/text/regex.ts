/**
 * PostgreSQL's regular expressions (Advanced REs, regex/regcomp.c) run on
 * JavaScript's RegExp: the pattern is translated to an equivalent
 * JavaScript pattern (with the 'u' flag, over code points). Character
 * classes and case-insensitivity follow the "C" locale: only ASCII letters
 * fold case, and [[:alpha:]], \w, \s ... match ASCII characters only.
 *
 * JavaScript picks among alternatives and quantifier lengths by
 * backtracking priority where PostgreSQL takes the longest (or, for a
 * non-greedy RE, the shortest) match at the leftmost position: where the
 * two may differ, execAt re-chooses the match end by PostgreSQL's rule.
 * Capture groups inside such a match still follow JavaScript's choice, a
 * back-reference to a group that did not participate matches the empty
 * string, named collating elements ([.space.]) raise 0A000, and the BRE/ERE
 * flavours ('b', 'e' options) raise 0A000 (see README.part.md).
 */
import { SqlError, SqlState } from '../core/errors.js';

export interface RegexOptions {
  /** Case-insensitive (ASCII letters only, as the "C" locale). */
  readonly icase: boolean;
  /** '.' and [^...] do not match newline (flags n, m, p). */
  readonly newlineDot: boolean;
  /** ^ and $ match at newlines (flags n, m, w). */
  readonly newlineAnchor: boolean;
  /** 'x': whitespace and # comments are ignored. */
  readonly expanded: boolean;
  /** 'q': the whole pattern is a literal string. */
  readonly quote: boolean;
  /** 'g': regexp_replace replaces every match. */
  readonly global: boolean;
}

function invalidRegex(what: string): SqlError {
  return new SqlError(SqlState.INVALID_REGULAR_EXPRESSION, `invalid regular expression: ${what}`);
}

function notSupported(what: string): SqlError {
  return new SqlError(SqlState.FEATURE_NOT_SUPPORTED, `${what} is not supported`);
}

/** parse_re_flags: the option letters of regexp_replace, regexp_match, ... */
export function parseFlags(flags: string): RegexOptions {
  const o = {
    icase: false,
    newlineDot: false,
    newlineAnchor: false,
    expanded: false,
    quote: false,
    global: false,
  };
  for (const f of flags) applyFlag(o, f, true);
  return o;
}

function applyFlag(
  o: { -readonly [K in keyof RegexOptions]: boolean },
  f: string,
  allowGlobal: boolean,
): void {
  switch (f) {
    case 'g':
      if (!allowGlobal) throw invalidRegex('invalid embedded option');
      o.global = true;
      break;
    case 'b':
    case 'e':
      throw notSupported(`regular expression option "${f}"`);
    case 'c':
      o.icase = false;
      break;
    case 'i':
      o.icase = true;
      break;
    case 'm':
    case 'n':
      o.newlineDot = true;
      o.newlineAnchor = true;
      break;
    case 'p':
      o.newlineDot = true;
      o.newlineAnchor = false;
      break;
    case 'q':
      o.quote = true;
      break;
    case 's':
      o.newlineDot = false;
      o.newlineAnchor = false;
      break;
    case 't':
      o.expanded = false;
      break;
    case 'w':
      o.newlineDot = false;
      o.newlineAnchor = true;
      break;
    case 'x':
      o.expanded = true;
      break;
    default:
      if (allowGlobal) {
        throw new SqlError(
          SqlState.INVALID_PARAMETER_VALUE,
          `invalid regular expression option: "${f}"`,
        );
      }
      throw invalidRegex('invalid embedded option');
  }
}

const CLASSES: Record<string, string> = {
  alnum: '0-9A-Za-z',
  alpha: 'A-Za-z',
  blank: ' \\t',
  cntrl: '\\x00-\\x1f\\x7f',
  digit: '0-9',
  graph: '!-~',
  lower: 'a-z',
  print: ' -~',
  punct: '!-\\/:-@\\[-`{-~',
  space: ' \\t\\n\\r\\f\\v',
  upper: 'A-Z',
  xdigit: '0-9A-Fa-f',
  word: '0-9A-Za-z_',
};

const WORD = '[0-9A-Za-z_]';

/** A code point as a JavaScript class member or literal, escaped. */
function lit(cp: number, inClass: boolean): string {
  const ch = String.fromCodePoint(cp);
  if (cp < 0x20 || cp === 0x7f) return `\\x${cp.toString(16).padStart(2, '0')}`;
  if (inClass ? /[\\\][\-^]/.test(ch) : /[\\^$.*+?()[\]{}|/]/.test(ch)) return `\\${ch}`;
  return ch;
}

function isAsciiLetter(cp: number): boolean {
  return (cp >= 0x41 && cp <= 0x5a) || (cp >= 0x61 && cp <= 0x7a);
}

type Attr = 'g' | 'n' | undefined;

/** Translates one ARE to a JavaScript pattern (for the 'u' flag); counts capturing groups. */
class Translator {
  readonly #cps: number[];
  #i = 0;
  #o: { -readonly [K in keyof RegexOptions]: boolean };
  readonly #closed = new Set<number>();
  groups = 0;
  /** The greediness of what was parsed last (PostgreSQL's rules): greedy, non-greedy or none. */
  #attr: Attr = undefined;
  /** Whether JavaScript's backtracking may pick another match than PostgreSQL would. */
  ambiguous = false;
  /** The greediness of the whole RE. */
  greedy = true;
  /**
   * A back-reference under case-insensitivity: only JavaScript's 'i' flag
   * makes it compare ignoring case (for non-ASCII letters too, unlike the
   * "C" locale).
   */
  icaseBackref = false;
  /** The longest match possible, in characters (Infinity when unbounded). */
  maxLength = 0;
  /**
   * Whether the RE has lookahead constraints ((?=...), (?!...)), which may
   * look any distance past the end of the match. ($, \Z and the word
   * boundaries look at most one character on.)
   */
  lookahead = false;
  /** The maximum length of what was parsed last. */
  #len = 0;
  /** The maximum repetition of the quantifier parsed last. */
  #qmax = 1;

  constructor(pattern: string, options: RegexOptions) {
    this.#o = { ...options };
    this.#cps = Array.from(pattern, (c) => c.codePointAt(0)!);
  }

  translate(): string {
    const cps = this.#cps;
    if (this.#o.quote && (this.#o.newlineDot || this.#o.newlineAnchor || this.#o.expanded)) {
      throw invalidRegex('invalid argument to regex function');
    }
    if (this.#o.quote) return cps.map((c) => this.#literal(c)).join('');
    // Director prefixes: ***= (literal), ***: (ARE), then embedded options.
    if (cps[0] === 0x2a && cps[1] === 0x2a && cps[2] === 0x2a) {
      if (cps[3] === 0x3d)
        return cps
          .slice(4)
          .map((c) => this.#literal(c))
          .join('');
      if (cps[3] === 0x3a) this.#i = 4;
      else if (cps[3] === 0x3f) throw invalidRegex('invalid regexp (reg version 0.8)');
    }
    if (
      cps[this.#i] === 0x28 &&
      cps[this.#i + 1] === 0x3f &&
      isAsciiLetter(cps[this.#i + 2] ?? 0)
    ) {
      this.#i += 2;
      while (this.#i < cps.length && cps[this.#i] !== 0x29) {
        applyFlag(this.#o, String.fromCodePoint(cps[this.#i]!), false);
        this.#i++;
      }
      if (this.#i >= cps.length) throw invalidRegex('invalid embedded option');
      this.#i++;
    }
    const out = this.#alternation(0);
    if (this.#i < cps.length) throw invalidRegex('parentheses () not balanced');
    this.greedy = this.#attr !== 'n';
    this.maxLength = this.#len;
    return out;
  }

  #peek(k = 0): number | undefined {
    return this.#cps[this.#i + k];
  }

  #skipExpanded(): void {
    if (!this.#o.expanded) return;
    for (;;) {
      const c = this.#peek();
      if (c === 0x20 || c === 0x09 || c === 0x0a || c === 0x0d || c === 0x0b || c === 0x0c) {
        this.#i++;
      } else if (c === 0x23) {
        while (this.#i < this.#cps.length && this.#peek() !== 0x0a) this.#i++;
      } else return;
    }
  }

  #literal(cp: number): string {
    if (this.#o.icase && isAsciiLetter(cp)) {
      return `[${String.fromCodePoint(cp | 0x20)}${String.fromCodePoint(cp & ~0x20)}]`;
    }
    return lit(cp, false);
  }

  #alternation(depth: number): string {
    const branches = [this.#branch(depth)];
    let len = this.#len;
    while (this.#peek() === 0x7c) {
      this.#i++;
      branches.push(this.#branch(depth));
      len = Math.max(len, this.#len);
    }
    this.#len = len;
    if (branches.length > 1) {
      this.#attr = 'g';
      this.ambiguous = true;
    }
    return branches.join('|');
  }

  #branch(depth: number): string {
    let out = '';
    let attr: Attr;
    let len = 0;
    for (;;) {
      this.#skipExpanded();
      const c = this.#peek();
      if (c === undefined || c === 0x7c) {
        this.#attr = attr;
        this.#len = len;
        return out;
      }
      if (c === 0x28 && this.#peek(1) === 0x3f && this.#peek(2) === 0x23) {
        // (?#comment)
        // (?#comment), unterminated: to the end, as PostgreSQL's lexer does
        while (this.#i < this.#cps.length && this.#peek() !== 0x29) this.#i++;
        if (this.#i < this.#cps.length) this.#i++;
        continue;
      }
      if (c === 0x29) {
        if (depth === 0) throw invalidRegex('parentheses () not balanced');
        this.#attr = attr;
        this.#len = len;
        return out;
      }
      const { text, quantifiable, group, len: atomLen } = this.#atom(depth);
      const atomAttr = this.#attr;
      this.#attr = group ? atomAttr : undefined;
      this.#qmax = 1;
      out += quantifiable ? this.#quantifier(text, group === true) : this.#noQuantifier(text);
      attr ??= this.#attr;
      len += atomLen === 0 || this.#qmax === 0 ? 0 : atomLen * this.#qmax;
    }
  }

  #noQuantifier(text: string): string {
    this.#skipExpanded();
    const c = this.#peek();
    if (c === 0x2a || c === 0x2b || c === 0x3f) throw invalidRegex('quantifier operand invalid');
    if (c === 0x7b && this.#isDigit(this.#peek(1))) {
      throw invalidRegex('quantifier operand invalid');
    }
    return text;
  }

  #isDigit(c: number | undefined): boolean {
    return c !== undefined && c >= 0x30 && c <= 0x39;
  }

  #quantifier(atom: string, group: boolean): string {
    this.#skipExpanded();
    const c = this.#peek();
    let q: string;
    if (c === 0x2a || c === 0x2b || c === 0x3f) {
      this.#i++;
      q = String.fromCodePoint(c);
      this.#qmax = c === 0x3f ? 1 : Number.POSITIVE_INFINITY;
    } else if (c === 0x7b && this.#isDigit(this.#peek(1))) {
      this.#i++;
      const m = this.#number();
      let n: number | undefined = m;
      let open = false;
      if (this.#peek() === 0x2c) {
        this.#i++;
        if (this.#isDigit(this.#peek())) n = this.#number();
        else open = true;
      }
      if (this.#peek() !== 0x7d) throw invalidRegex('braces {} not balanced');
      this.#i++;
      if (m > 255 || (n !== undefined && (n > 255 || n < m))) {
        throw invalidRegex('invalid repetition count(s)');
      }
      q = open ? `{${m},}` : n === m ? `{${m}}` : `{${m},${n}}`;
      this.#qmax = open ? Number.POSITIVE_INFINITY : (n ?? m);
    } else {
      return atom;
    }
    const fixed = /^\{(\d+)\}$/.test(q);
    if (this.#peek() === 0x3f) {
      this.#i++;
      q += '?';
      if (!fixed) {
        this.#attr = 'n';
        this.ambiguous = true;
      }
    } else if (!fixed) {
      this.#attr = 'g';
    }
    if (group && !fixed) this.ambiguous = true;
    this.#skipExpanded();
    const d = this.#peek();
    if (d === 0x2a || d === 0x2b || d === 0x3f || (d === 0x7b && this.#isDigit(this.#peek(1)))) {
      throw invalidRegex('quantifier operand invalid');
    }
    if (group && (q === '?' || q === '??' || q === '{0,1}' || q === '{0,1}?')) {
      // JavaScript rejects an empty iteration of X? (leaving X's groups
      // unset); PostgreSQL keeps it: an alternation with the empty string does.
      const lazy = q !== '?' && q.endsWith('?');
      return lazy ? `(?:|${atom})` : `(?:${atom}|)`;
    }
    return `(?:${atom})${q}`;
  }

  #number(): number {
    let n = 0;
    while (this.#isDigit(this.#peek())) {
      n = n * 10 + (this.#peek()! - 0x30);
      this.#i++;
      if (n > 100000) throw invalidRegex('invalid repetition count(s)');
    }
    return n;
  }

  #atom(depth: number): { text: string; quantifiable: boolean; group?: boolean; len: number } {
    const c = this.#peek()!;
    this.#i++;
    switch (c) {
      case 0x28: {
        // (
        let prefix = '(';
        let capturing = true;
        let lookaround = false;
        if (this.#peek() === 0x3f) {
          const k = this.#peek(1);
          const k2 = this.#peek(2);
          if (k === 0x3a) prefix = '(?:';
          else if (k === 0x3d) prefix = '(?=';
          else if (k === 0x21) prefix = '(?!';
          else if (k === 0x3c && k2 === 0x3d) prefix = '(?<=';
          else if (k === 0x3c && k2 === 0x21) prefix = '(?<!';
          else throw invalidRegex('quantifier operand invalid');
          capturing = false;
          lookaround = k !== 0x3a;
          if (k === 0x3d || k === 0x21) this.lookahead = true;
          this.#i += prefix.length - 1;
        }
        const number = capturing ? ++this.groups : 0;
        const inner = this.#alternation(depth + 1);
        if (this.#peek() !== 0x29) throw invalidRegex('parentheses () not balanced');
        this.#i++;
        if (capturing) this.#closed.add(number);
        if (lookaround) this.#attr = undefined;
        const len = lookaround ? 0 : this.#len;
        return { text: `${prefix}${inner})`, quantifiable: !lookaround, group: true, len };
      }
      case 0x2e: // .
        return { text: this.#o.newlineDot ? '[^\\n]' : '[\\s\\S]', quantifiable: true, len: 1 };
      case 0x5e: // ^
        return { text: this.#o.newlineAnchor ? '(?<![^\\n])' : '^', quantifiable: false, len: 0 };
      case 0x24: // $
        return { text: this.#o.newlineAnchor ? '(?![^\\n])' : '$', quantifiable: false, len: 0 };
      case 0x5b:
        return { text: this.#bracket(), quantifiable: true, len: 1 };
      case 0x5c: {
        const e = this.#escape();
        const backref = /^\\\d+$/.test(e.text);
        return { ...e, len: !e.quantifiable ? 0 : backref ? Number.POSITIVE_INFINITY : 1 };
      }
      case 0x2a:
      case 0x2b:
      case 0x3f:
        throw invalidRegex('quantifier operand invalid');
      case 0x7b:
        if (this.#isDigit(this.#peek())) throw invalidRegex('quantifier operand invalid');
        return { text: this.#literal(c), quantifiable: true, len: 1 };
      default:
        return { text: this.#literal(c), quantifiable: true, len: 1 };
    }
  }

  #escape(): { text: string; quantifiable: boolean } {
    const c = this.#peek();
    if (c === undefined) throw invalidRegex('invalid escape \\ sequence');
    this.#i++;
    const ch = String.fromCodePoint(c);
    const constraint = (text: string) => ({ text, quantifiable: false });
    switch (ch) {
      case 'A':
        return constraint('^'); // no 'm' flag: only at the start
      case 'Z':
        return constraint('$'); // no 'm' flag: only at the very end
      case 'm':
        return constraint(`(?<!${WORD})(?=${WORD})`);
      case 'M':
        return constraint(`(?<=${WORD})(?!${WORD})`);
      case 'y':
        return constraint(`(?:(?<=${WORD})(?!${WORD})|(?<!${WORD})(?=${WORD}))`);
      case 'Y':
        return constraint(`(?:(?<=${WORD})(?=${WORD})|(?<!${WORD})(?!${WORD}))`);
      case 'd':
      case 's':
      case 'w':
        return { text: `[${this.#classEscape(ch)}]`, quantifiable: true };
      case 'D':
      case 'S':
      case 'W':
        return {
          text: `[^${this.#classEscape(ch.toLowerCase())}]`,
          quantifiable: true,
        };
      default:
        break;
    }
    if (c >= 0x31 && c <= 0x39) {
      // lexescape: one digit is a back-reference; more digits are one if
      // their value is at most the groups opened so far, else octal.
      const first = this.#i - 1;
      let n = 0;
      let digits = 0;
      this.#i = first;
      while (this.#isDigit(this.#peek()) && n <= 255) {
        n = n * 10 + (this.#peek()! - 0x30);
        this.#i++;
        digits++;
      }
      if (digits === 1 || n <= this.groups) {
        if (!this.#closed.has(n)) throw invalidRegex('invalid backreference number');
        if (this.#o.icase) this.icaseBackref = true;
        return { text: `\\${n}`, quantifiable: true };
      }
      this.#i = first;
      return { text: this.#literal(this.#octal()), quantifiable: true };
    }
    const cp = this.#charEscape(c);
    return { text: this.#literal(cp), quantifiable: true };
  }

  /** Up to three octal digits (one too many when above 0xff): a character code. */
  #octal(): number {
    let v = 0;
    let k = 0;
    while (k < 3 && (this.#peek() ?? 0) >= 0x30 && (this.#peek() ?? 0) <= 0x37) {
      v = v * 8 + (this.#peek()! - 0x30);
      this.#i++;
      k++;
    }
    if (v > 0xff) {
      this.#i--;
      v >>= 3;
    }
    return v;
  }

  /** The members of \d, \s, \w (lowercase letter) for a JavaScript class. */
  #classEscape(ch: string): string {
    return ch === 'd' ? '0-9' : ch === 's' ? CLASSES.space! : CLASSES.word!;
  }

  /** A character-entry escape (\n, \x41, \u0041, \B, \-): the code point it stands for. */
  #charEscape(c: number): number {
    const ch = String.fromCodePoint(c);
    const hex = (max: number, min: number) => {
      let v = 0;
      let k = 0;
      while (k < max && /^[0-9a-fA-F]$/.test(String.fromCodePoint(this.#peek() ?? 0x20))) {
        v = v * 16 + Number.parseInt(String.fromCodePoint(this.#peek()!), 16);
        this.#i++;
        k++;
      }
      if (k < min) throw invalidRegex('invalid escape \\ sequence');
      if (v > 0x10ffff) throw invalidRegex('invalid escape \\ sequence');
      return v;
    };
    switch (ch) {
      case 'a':
        return 7;
      case 'b':
        return 8;
      case 'B':
        return 0x5c;
      case 'e':
        return 0x1b;
      case 'f':
        return 0x0c;
      case 'n':
        return 0x0a;
      case 'r':
        return 0x0d;
      case 't':
        return 0x09;
      case 'v':
        return 0x0b;
      case 'c': {
        const k = this.#peek();
        if (k === undefined) throw invalidRegex('invalid escape \\ sequence');
        this.#i++;
        return k & 0x1f;
      }
      case 'x':
        return hex(255, 1);
      case 'u':
        return hex(4, 4);
      case 'U':
        return hex(8, 8);
      case '0':
        this.#i--;
        return this.#octal();
      default:
        if (/^[0-9A-Za-z]$/.test(ch)) throw invalidRegex('invalid escape \\ sequence');
        return c;
    }
  }

  #bracket(): string {
    const cps = this.#cps;
    let negate = false;
    if (this.#peek() === 0x5e) {
      negate = true;
      this.#i++;
    }
    const parts: string[] = [];
    let first = true;
    for (;;) {
      const c = this.#peek();
      if (c === undefined) throw invalidRegex('brackets [] not balanced');
      if (c === 0x5d && !first) {
        this.#i++;
        break;
      }
      first = false;
      // [:class:], [.x.], [=x=]
      if (
        c === 0x5b &&
        (this.#peek(1) === 0x3a || this.#peek(1) === 0x2e || this.#peek(1) === 0x3d)
      ) {
        const kind = this.#peek(1)!;
        let j = this.#i + 2;
        while (j + 1 < cps.length && !(cps[j] === kind && cps[j + 1] === 0x5d)) j++;
        if (j + 1 >= cps.length) throw invalidRegex('brackets [] not balanced');
        const inner = String.fromCodePoint(...cps.slice(this.#i + 2, j));
        this.#i = j + 2;
        if (kind === 0x3a) {
          const cls = CLASSES[inner];
          if (cls === undefined || inner === 'word') throw invalidRegex('invalid character class');
          parts.push(this.#o.icase && (inner === 'lower' || inner === 'upper') ? 'A-Za-z' : cls);
          continue;
        }
        const members = Array.from(inner, (x) => x.codePointAt(0)!);
        if (members.length === 0) throw invalidRegex('invalid collating element');
        if (members.length > 1) throw notSupported('named collating element');
        this.#rangeOrChar(parts, members[0]!);
        continue;
      }
      if (c === 0x5c) {
        const e = this.#peek(1);
        if (e === 0x64 || e === 0x73 || e === 0x77) {
          this.#i += 2;
          parts.push(this.#classEscape(String.fromCodePoint(e)));
          if (this.#peek() === 0x2d && this.#peek(1) !== 0x5d)
            throw invalidRegex('invalid character range');
          continue;
        }
        if (e === 0x44 || e === 0x53 || e === 0x57)
          throw invalidRegex('invalid escape \\ sequence');
        if (e === undefined) throw invalidRegex('brackets [] not balanced');
        this.#i += 2;
        this.#rangeOrChar(parts, this.#charEscape(e));
        continue;
      }
      this.#i++;
      this.#rangeOrChar(parts, c);
    }
    if (negate && this.#o.newlineDot) parts.push('\\n');
    return `[${negate ? '^' : ''}${parts.join('')}]`;
  }

  /** After a start character: a range start-end, or the character alone. */
  #rangeOrChar(parts: string[], lo: number): void {
    if (this.#peek() === 0x2d && this.#peek(1) !== 0x5d && this.#peek(1) !== undefined) {
      this.#i++;
      let hi = this.#peek()!;
      if (hi === 0x5b && this.#peek(1) === 0x2e) {
        const j = this.#cps.indexOf(0x2e, this.#i + 2);
        if (j < 0 || this.#cps[j + 1] !== 0x5d || j !== this.#i + 3) {
          throw invalidRegex('invalid collating element');
        }
        hi = this.#cps[this.#i + 2]!;
        this.#i = j + 2;
      } else if (hi === 0x5c) {
        const e = this.#peek(1);
        if (e === undefined) throw invalidRegex('brackets [] not balanced');
        this.#i += 2;
        hi = this.#charEscape(e);
      } else {
        this.#i++;
      }
      if (hi < lo) throw invalidRegex('invalid character range');
      parts.push(`${lit(lo, true)}-${lit(hi, true)}`);
      if (this.#o.icase) {
        const a = Math.max(lo, 0x61);
        const b = Math.min(hi, 0x7a);
        if (a <= b) parts.push(`${lit(a - 32, true)}-${lit(b - 32, true)}`);
        const c = Math.max(lo, 0x41);
        const d = Math.min(hi, 0x5a);
        if (c <= d) parts.push(`${lit(c + 32, true)}-${lit(d + 32, true)}`);
      }
      return;
    }
    parts.push(lit(lo, true));
    if (this.#o.icase && isAsciiLetter(lo)) parts.push(lit(lo ^ 0x20, true));
  }
}

export interface CompiledRegex {
  readonly re: RegExp;
  readonly groups: number;
  /** The JavaScript pattern. */
  readonly source: string;
  /** Whether the match must be re-chosen by PostgreSQL's longest/shortest rule. */
  readonly ambiguous: boolean;
  /** Greedy REs take the longest match at the leftmost position, others the shortest. */
  readonly greedy: boolean;
  /** Extra JavaScript flags ('i' for case-insensitive back-references). */
  readonly flags: string;
  /** The longest possible match in characters (Infinity when unbounded). */
  readonly maxLength: number;
  /** Whether the RE has (?=...) or (?!...): then it cannot run on a cut string. */
  readonly lookahead: boolean;
}

const cache = new Map<string, CompiledRegex>();

/** Compiles a PostgreSQL ARE with these options (flags already parsed) to a global RegExp. */
export function compileRegex(pattern: string, options: RegexOptions): CompiledRegex {
  const key = `${JSON.stringify(options)}\u0000${pattern}`;
  const hit = cache.get(key);
  if (hit) return hit;
  const t = new Translator(pattern, options);
  const source = t.translate();
  let re: RegExp;
  try {
    re = new RegExp(source, t.icaseBackref ? 'gudi' : 'gud');
  } catch (e) {
    throw invalidRegex(`cannot translate (${(e as Error).message})`);
  }
  const compiled = {
    re,
    groups: t.groups,
    source,
    ambiguous: t.ambiguous,
    greedy: t.greedy,
    flags: t.icaseBackref ? 'i' : '',
    maxLength: t.maxLength,
    lookahead: t.lookahead,
  };
  if (cache.size > 500) cache.clear();
  cache.set(key, compiled);
  return compiled;
}

function isHighSurrogateAt(s: string, i: number): boolean {
  const c = s.charCodeAt(i);
  return c >= 0xd800 && c <= 0xdbff;
}

function isLowSurrogateAt(s: string, i: number): boolean {
  const c = s.charCodeAt(i);
  return c >= 0xdc00 && c <= 0xdfff;
}

/** Beyond this many characters after a match start, JavaScript's choice of match is kept. */
const LONGEST_SEARCH_LIMIT = 256;
const forcedCache = new Map<string, RegExp>();

/** The RE, sticky, forced to end where exactly `rest` characters remain. */
function forcedEnd(c: CompiledRegex, rest: number): RegExp {
  const key = `${rest}\u0000${c.flags}\u0000${c.source}`;
  let re = forcedCache.get(key);
  if (!re) {
    re = new RegExp(`(?:${c.source})(?=[\\s\\S]{${rest}}$)`, `uyd${c.flags}`);
    if (forcedCache.size > 2000) forcedCache.clear();
    forcedCache.set(key, re);
  }
  return re;
}

/**
 * The first match at or after `from`, or null. JavaScript finds the
 * leftmost match start as PostgreSQL does; where the two may choose
 * different ends there (alternation, non-greedy or repeated groups), the
 * end is re-chosen as PostgreSQL's rule says: the longest match for a
 * greedy RE, the shortest for a non-greedy one.
 */
function execAt(c: CompiledRegex, s: string, from = 0): RegExpExecArray | null {
  c.re.lastIndex = from;
  let m = c.re.exec(s);
  // V8 may report a zero-width match between the halves of a surrogate pair.
  while (m && isLowSurrogateAt(s, m.index) && isHighSurrogateAt(s, m.index - 1)) {
    c.re.lastIndex = m.index + 1;
    m = c.re.exec(s);
  }
  if (!m || !c.ambiguous) return m;
  // The character positions from the match start, up to the end of the
  // string or LONGEST_SEARCH_LIMIT characters on; the candidate ends are
  // those the RE can reach.
  const positions: number[] = [];
  let i = m.index;
  for (;;) {
    positions.push(i);
    if (i >= s.length || positions.length > LONGEST_SEARCH_LIMIT) break;
    i += s.codePointAt(i)! > 0xffff ? 2 : 1;
  }
  const nearEnd = i >= s.length;
  if (!nearEnd && c.lookahead) return m; // cannot cut the string: keep JavaScript's match
  const ends = positions.slice(0, Math.min(c.maxLength, LONGEST_SEARCH_LIMIT) + 1);
  const jsEnd = m.index + m[0].length;
  if (c.greedy && jsEnd > ends[ends.length - 1]!) return m;
  for (let k = 0; k < ends.length; k++) {
    const at = c.greedy ? ends.length - 1 - k : k;
    const end = ends[at]!;
    let found: RegExpExecArray | null;
    if (nearEnd) {
      // Force the end by the number of characters left after it.
      const re = forcedEnd(c, positions.length - 1 - at);
      re.lastIndex = m.index;
      found = re.exec(s);
    } else {
      // Without lookahead constraints, the RE looks at most one character
      // past the match: cut the string one character after `end`.
      const re = forcedEnd(c, 1);
      re.lastIndex = m.index;
      found = re.exec(s.slice(0, nextChar(s, end)));
    }
    if (found) return found;
  }
  return m;
}

/** textregexeq: `s ~ pattern` (with 'i' for ~*). */
export function regexMatches(s: string, pattern: string, flags = ''): boolean {
  return execAt(compileRegex(pattern, parseFlags(flags)), s) !== null;
}

function noGlobal(fnName: string, options: RegexOptions, hint: string): RegexOptions {
  if (options.global) {
    throw new SqlError(
      SqlState.INVALID_PARAMETER_VALUE,
      `${fnName}() does not support the "global" option`,
      { hint },
    );
  }
  return options;
}

/** regexp_like(s, pattern, flags). */
export function regexpLike(s: string, pattern: string, flags = ''): boolean {
  const options = noGlobal(
    'regexp_like',
    parseFlags(flags),
    'Use the regexp_matches function instead.',
  );
  return execAt(compileRegex(pattern, options), s) !== null;
}

/** regexp_match: the captured substrings of the first match (the whole match without groups). */
export function regexpMatch(s: string, pattern: string, flags = ''): (string | null)[] | null {
  const options = noGlobal(
    'regexp_match',
    parseFlags(flags),
    'Use the regexp_matches function instead.',
  );
  const c = compileRegex(pattern, options);
  const m = execAt(c, s);
  if (!m) return null;
  if (c.groups === 0) return [m[0]];
  return m.slice(1, c.groups + 1).map((g) => g ?? null);
}

/** regexp_replace(source, pattern, replacement[, flags]). */
export function regexpReplace(s: string, pattern: string, replacement: string, flags = ''): string {
  const options = parseFlags(flags);
  return replaceTextRegexp(s, pattern, replacement, options, 0, options.global ? 0 : 1);
}

/**
 * regexp_replace(source, pattern, replacement, start[, N[, flags]]): from
 * character `start`, replace the N-th match (every match when N is 0).
 */
export function regexpReplaceExtended(
  s: string,
  pattern: string,
  replacement: string,
  start: number,
  n?: number,
  flags = '',
): string {
  if (start <= 0) throw invalidValue('start', start);
  if (n !== undefined && n < 0) throw invalidValue('n', n);
  const options = parseFlags(flags);
  const count = n ?? (options.global ? 0 : 1);
  return replaceTextRegexp(s, pattern, replacement, options, offsetOfChar(s, start), count, start);
}

function invalidValue(param: string, value: number): SqlError {
  return new SqlError(
    SqlState.INVALID_PARAMETER_VALUE,
    `invalid value for parameter "${param}": ${value}`,
  );
}

/** The UTF-16 offset one character after `at`. */
function nextChar(s: string, at: number): number {
  return at + (at < s.length && s.codePointAt(at)! > 0xffff ? 2 : 1);
}

/** replace_text_regexp: replaces the n-th match, or every match when n is 0. */
function replaceTextRegexp(
  s: string,
  pattern: string,
  replacement: string,
  options: RegexOptions,
  from: number,
  n: number,
  startChar = 1,
): string {
  const c = compileRegex(pattern, options);
  if (startChar - 1 > charCount(s)) return s;
  let out = '';
  let copied = 0;
  let search = from;
  let matches = 0;
  while (search <= s.length) {
    const m = execAt(c, s, search);
    if (!m) break;
    const end = m.index + m[0].length;
    matches++;
    if (n > 0 && matches !== n) {
      search = m[0].length === 0 ? nextChar(s, end) : end;
      continue;
    }
    out += s.slice(copied, m.index) + substitute(replacement, m);
    copied = end;
    if (n > 0) break;
    search = m[0].length === 0 ? nextChar(s, end) : end;
  }
  return out + s.slice(copied);
}

function charCount(s: string): number {
  let n = 0;
  for (let i = 0; i < s.length; i = nextChar(s, i)) n++;
  return n;
}

/** appendStringInfoRegexpSubstr: \1..\9 and \& in the replacement. */
function substitute(replacement: string, m: RegExpExecArray): string {
  let out = '';
  for (let i = 0; i < replacement.length; i++) {
    const ch = replacement[i]!;
    if (ch !== '\\') {
      out += ch;
      continue;
    }
    const next = replacement[i + 1];
    if (next === undefined) {
      out += '\\';
      break;
    }
    if (next >= '1' && next <= '9') {
      out += m[Number(next)] ?? '';
      i++;
    } else if (next === '&') {
      out += m[0];
      i++;
    } else if (next === '\\') {
      out += '\\';
      i++;
    } else {
      out += '\\';
    }
  }
  return out;
}

interface FoundMatch {
  /** Start and end, as UTF-16 offsets. */
  readonly start: number;
  readonly end: number;
  /** The captured substrings (or the whole match when the RE has no groups). */
  readonly captures: (string | null)[];
  /** UTF-16 spans of the whole match (0) and of each group, undefined when unset. */
  readonly spans: readonly ([number, number] | undefined)[];
}

/**
 * setup_regexp_matches: the matches of `pattern` in `s` from UTF-16 offset
 * `from`, every one with 'g' (else the first). With `ignoreDegenerate`
 * (the splitting functions), empty matches at either end of the string or
 * right after a previous match do not count.
 */
function findMatches(
  s: string,
  c: CompiledRegex,
  global: boolean,
  ignoreDegenerate: boolean,
  from = 0,
): FoundMatch[] {
  const out: FoundMatch[] = [];
  let prevEnd = from;
  let search = from;
  while (search <= s.length) {
    const m = execAt(c, s, search);
    if (!m) break;
    const start = m.index;
    const end = start + m[0].length;
    if (!ignoreDegenerate || (start < s.length && end > prevEnd)) {
      const captures = c.groups === 0 ? [m[0]] : m.slice(1, c.groups + 1).map((g) => g ?? null);
      const spans = m.indices ? [...m.indices] : [[start, end] as [number, number]];
      out.push({ start, end, captures, spans });
    }
    prevEnd = end;
    if (!global) break;
    search = end;
    if (start === end) {
      if (search >= s.length) break;
      search += s.codePointAt(search)! > 0xffff ? 2 : 1;
    }
  }
  return out;
}

/** regexp_matches: one text[] per match (all of them with 'g'). */
export function regexpMatches(s: string, pattern: string, flags = ''): (string | null)[][] {
  const options = parseFlags(flags);
  const c = compileRegex(pattern, options);
  return findMatches(s, c, options.global, false).map((m) => m.captures);
}

/** regexp_split_to_table / regexp_split_to_array: the pieces between the matches. */
export function regexpSplit(
  s: string,
  pattern: string,
  flags = '',
  fnName = 'regexp_split_to_table',
): string[] {
  const options = noGlobal(fnName, parseFlags(flags), 'Use the regexp_matches function instead.');
  const c = compileRegex(pattern, options);
  const pieces: string[] = [];
  let at = 0;
  for (const m of findMatches(s, c, true, true)) {
    pieces.push(s.slice(at, m.start));
    at = m.end;
  }
  pieces.push(s.slice(at));
  return pieces;
}

/** The UTF-16 offset of 1-based character position `start` (past the end if beyond it). */
function offsetOfChar(s: string, start: number): number {
  let i = 0;
  for (let k = 1; k < start && i < s.length; k++) i += s.codePointAt(i)! > 0xffff ? 2 : 1;
  return i;
}

/** regexp_count(string, pattern[, start[, flags]]). */
export function regexpCount(s: string, pattern: string, start = 1, flags = ''): number {
  if (start <= 0) {
    throw new SqlError(
      SqlState.INVALID_PARAMETER_VALUE,
      `invalid value for parameter "start": ${start}`,
    );
  }
  const options = noGlobal(
    'regexp_count',
    parseFlags(flags),
    'Use the regexp_matches function instead.',
  );
  const c = compileRegex(pattern, options);
  const from = offsetOfChar(s, start);
  if (start > 1 && from >= s.length && [...s].length < start - 1) return 0;
  return findMatches(s, c, true, false, from).length;
}

/**
 * similar_to_escape: the POSIX regular expression for a SIMILAR TO
 * pattern (`a SIMILAR TO p ESCAPE e` is `a ~ similar_to_escape(p, e)`).
 * `escapeChar` is one character, '' for none; backslash by default.
 */
export function similarToEscape(pattern: string, escapeChar: string | null = '\\'): string {
  return similarParts(pattern, escapeChar).regex;
}

/** similar_escape_internal, also giving the translated parts between escape-double-quotes. */
function similarParts(
  pattern: string,
  escapeChar: string | null,
): { regex: string; parts: string[] } {
  const parts: string[] = [''];
  const e = escapeChar === null || escapeChar === '' ? null : escapeChar;
  if (e !== null && Array.from(e).length > 1) {
    throw new SqlError(SqlState.INVALID_ESCAPE_SEQUENCE, 'invalid escape string', {
      hint: 'Escape string must be empty or one character.',
    });
  }
  let out = '^(?:';
  const emit = (x: string) => {
    out += x;
    parts[parts.length - 1] += x;
  };
  let afterEscape = false;
  let inClass = false;
  let quotes = 0;
  for (const ch of pattern) {
    if (afterEscape) {
      if (ch === '"' && !inClass) {
        if (quotes === 0) out += '){1,1}?(';
        else if (quotes === 1) out += '){1,1}(?:';
        else {
          throw new SqlError(
            '2200C',
            'SQL regular expression may not contain more than two escape-double-quote separators',
          );
        }
        quotes++;
        parts.push('');
      } else {
        emit(`\\${ch}`);
      }
      afterEscape = false;
    } else if (e !== null && ch === e) {
      afterEscape = true;
    } else if (inClass) {
      if (ch === '\\') emit('\\');
      emit(ch);
      if (ch === ']') inClass = false;
    } else if (ch === '[') {
      emit(ch);
      inClass = true;
    } else if (ch === '%') emit('.*');
    else if (ch === '_') emit('.');
    else if (ch === '(') emit('(?:');
    else if (ch === '\\' || ch === '.' || ch === '^' || ch === '$') emit(`\\${ch}`);
    else emit(ch);
  }
  return { regex: `${out})$`, parts };
}

/**
 * substring(s SIMILAR pattern ESCAPE e): with escape-double-quotes, the
 * middle part of the match, the first part matching as little and the
 * middle part as much as it can (as PostgreSQL's translation asks).
 */
export function similarSubstring(s: string, pattern: string, escapeChar: string): string | null {
  const { regex, parts } = similarParts(pattern, escapeChar);
  const m = regexpMatch(s, regex);
  if (m === null || parts.length === 1) return m === null ? null : m[0]!;
  // Parentheses of the pattern that straddle a separator regroup the
  // translated regex: then, as in PostgreSQL, its first capture group is the answer.
  if (!parts.every(balancedParens)) return m[0]!;
  const whole = (part: string) => {
    try {
      return compileRegex(`^(?:${part})$`, parseFlags('')).re;
    } catch {
      return null;
    }
  };
  const [p1, p2, p3] = [whole(parts[0]!), whole(parts[1]!), whole(parts[2] ?? '')];
  const cps = Array.from(s);
  if (!p1 || !p2 || !p3 || cps.length > LONGEST_SEARCH_LIMIT) return m[0]!;
  const test = (re: RegExp, from: number, to: number) => {
    re.lastIndex = 0;
    return re.test(cps.slice(from, to).join(''));
  };
  for (let i = 0; i <= cps.length; i++) {
    if (!test(p1, 0, i)) continue;
    for (let j = cps.length; j >= i; j--) {
      if (test(p2, i, j) && test(p3, j, cps.length)) return cps.slice(i, j).join('');
    }
  }
  return m[0]!;
}

/** Whether a translated part opens and closes its own parentheses (escapes and brackets skipped). */
function balancedParens(part: string): boolean {
  let depth = 0;
  let inClass = false;
  for (let i = 0; i < part.length; i++) {
    const ch = part[i];
    if (ch === '\\') i++;
    else if (inClass) inClass = ch !== ']';
    else if (ch === '[') inClass = true;
    else if (ch === '(') depth++;
    else if (ch === ')' && --depth < 0) return false;
  }
  return depth === 0;
}

/** The 1-based character position of UTF-16 offset `at`. */
function charPosition(s: string, at: number): number {
  return charCount(s.slice(0, at)) + 1;
}

interface NthMatch {
  readonly s: string;
  readonly span: [number, number] | undefined;
}

/** The span of subexpression `subexpr` (0: the whole match) of the n-th match from `start`. */
function nthMatch(
  fnName: string,
  s: string,
  pattern: string,
  start: number,
  n: number,
  flags: string,
  subexpr: number,
): NthMatch {
  if (start <= 0) throw invalidValue('start', start);
  if (n <= 0) throw invalidValue('n', n);
  if (subexpr < 0) throw invalidValue('subexpr', subexpr);
  const options = noGlobal(fnName, parseFlags(flags), 'Use the regexp_matches function instead.');
  const c = compileRegex(pattern, options);
  if (start - 1 > charCount(s)) return { s, span: undefined };
  const found = findMatches(s, c, true, false, offsetOfChar(s, start));
  const m = found[n - 1];
  // Without subexpressions, subexpression 1 is the whole match (npatterns = 1).
  if (!m || subexpr > Math.max(c.groups, 1)) return { s, span: undefined };
  return { s, span: m.spans[c.groups === 0 ? 0 : subexpr] };
}

/** regexp_substr(string, pattern[, start[, N[, flags[, subexpr]]]]). */
export function regexpSubstr(
  s: string,
  pattern: string,
  start = 1,
  n = 1,
  flags = '',
  subexpr = 0,
): string | null {
  const { span } = nthMatch('regexp_substr', s, pattern, start, n, flags, subexpr);
  return span ? s.slice(span[0], span[1]) : null;
}

/** regexp_instr(string, pattern[, start[, N[, endoption[, flags[, subexpr]]]]]). */
export function regexpInstr(
  s: string,
  pattern: string,
  start = 1,
  n = 1,
  endOption = 0,
  flags = '',
  subexpr = 0,
): number {
  if (start <= 0) throw invalidValue('start', start);
  if (n <= 0) throw invalidValue('n', n);
  if (endOption !== 0 && endOption !== 1) throw invalidValue('endoption', endOption);
  const { span } = nthMatch('regexp_instr', s, pattern, start, n, flags, subexpr);
  if (!span) return 0;
  return charPosition(s, endOption === 1 ? span[1] : span[0]);
}
