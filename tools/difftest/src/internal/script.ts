/**
 * Turns a test file into the steps psql would take reading it on stdin with
 * `-a` (echo all input): which lines it echoes, which statements it sends to
 * the server (the exact text, since error positions count characters in it)
 * and which backslash commands it runs.
 *
 * This follows psql's MainLoop and its lexer (src/bin/psql/mainloop.c,
 * src/fe_utils/psqlscan.l) for the parts a test file uses:
 *
 *  1. Input is read line by line. An empty line outside a quoted string or a
 *     block comment is dropped: not echoed, not added to the query.
 *  2. Every other line is echoed as read, before anything it completes runs.
 *  3. Before a line is added to a non-empty query buffer, a newline is added.
 *  4. Whitespace and `--` comments are dropped while the query buffer is
 *     empty; afterwards they are kept as written. Block comments are kept.
 *  5. A `;` outside quotes, comments and parentheses ends the statement (the
 *     `;` included) and the buffer starts again empty.
 *  6. A backslash outside quotes starts a backslash command that runs to the
 *     end of the line. Only `\set VERBOSITY ...` and `\pset null ...` are
 *     supported, on a line of their own; anything else is a ScriptError.
 *  7. At end of input a non-empty buffer is sent as a last statement.
 *  8. After a `COPY ... FROM STDIN` statement, the lines up to and
 *     including one that is just `\.` are its data: sent with it, not
 *     echoed (psql's handleCopyIn reads them itself; psql skips them the
 *     same way when the COPY fails).
 *
 * Quoting understood: '...' (with '' inside), E'...' (backslash escapes),
 * "..." identifiers, $tag$...$tag$ dollar quotes, U&'...', B'...', X'...',
 * N'...', nested block comments. Not supported: psql variables (:name), and
 * `BEGIN ATOMIC` function bodies (whose `;` psql does not split on).
 */

/** A psql backslash command this runner understands. */
export type MetaCommand =
  | { readonly kind: 'set-verbosity'; readonly value: Verbosity }
  | { readonly kind: 'pset-null'; readonly value: string };

/** psql's VERBOSITY values that can be reproduced without server source locations. */
export type Verbosity = 'default' | 'terse' | 'sqlstate';

/** One step of a script, in the order psql takes them. */
export type ScriptStep =
  | { readonly kind: 'echo'; readonly line: string }
  | {
      readonly kind: 'sql';
      readonly sql: string;
      readonly line: number;
      /** COPY ... FROM STDIN: the lines after it up to `\.` (included), as psql sends them; not echoed. */
      readonly copyIn?: string;
    }
  | { readonly kind: 'meta'; readonly command: MetaCommand; readonly line: number };

/** A file this runner cannot reproduce psql's behaviour for. */
export class ScriptError extends Error {
  constructor(
    message: string,
    readonly line: number,
  ) {
    super(`line ${line}: ${message}`);
    this.name = 'ScriptError';
  }
}

type LexState =
  | { readonly kind: 'initial' }
  | { readonly kind: 'quote'; readonly backslash: boolean }
  | { readonly kind: 'ident' }
  | { readonly kind: 'dollar'; readonly tag: string }
  | { readonly kind: 'comment'; readonly depth: number };

/** A statement psql would follow with its copy data (COPY ... FROM STDIN). */
const COPY_FROM_STDIN = /^\s*copy\b[\s\S]*\bfrom\s+stdin\b/i;

const IDENT_START = /[A-Za-z_\u0080-\uffff]/;
const IDENT_CONT = /[A-Za-z_0-9$\u0080-\uffff]/;

/** Splits a script into psql's steps. Throws ScriptError for what psql would do differently. */
export function splitScript(text: string): ScriptStep[] {
  const steps: ScriptStep[] = [];
  const lines = text.split('\n');
  // A file ending in a newline has no last, empty line (psql reads lines).
  if (lines.length > 0 && lines[lines.length - 1] === '') lines.pop();

  let state: LexState = { kind: 'initial' };
  let parenDepth = 0;
  let buf = '';
  let bufStartLine = 0;

  const inQuote = (): boolean => state.kind !== 'initial';

  let copyPending = false;
  for (let ln = 0; ln < lines.length; ln++) {
    if (copyPending) {
      // rule 8: COPY ... FROM STDIN reads the lines up to `\.` itself (handleCopyIn): sent, not echoed
      copyPending = false;
      const last = steps.pop() as Extract<ScriptStep, { kind: 'sql' }>;
      let data = '';
      for (; ln < lines.length; ln++) {
        data += `${lines[ln]!}\n`;
        if (lines[ln] === '\\.') break;
      }
      steps.push({ ...last, copyIn: data });
      continue;
    }
    const line = lines[ln]!;
    const lineNo = ln + 1;
    if (line === '' && !inQuote()) continue; // rule 1
    steps.push({ kind: 'echo', line }); // rule 2
    if (buf.length > 0) buf += '\n'; // rule 3

    let i = 0;
    const n = line.length;
    while (i < n) {
      const c = line[i]!;
      switch (state.kind) {
        case 'quote': {
          if (state.backslash && c === '\\') {
            buf += line.slice(i, i + 2);
            i += 2;
          } else if (c === "'") {
            if (line[i + 1] === "'") {
              buf += "''";
              i += 2;
            } else {
              buf += c;
              i++;
              state = { kind: 'initial' };
            }
          } else {
            buf += c;
            i++;
          }
          continue;
        }
        case 'ident': {
          buf += c;
          i++;
          if (c === '"') {
            if (line[i] === '"') {
              buf += '"';
              i++;
            } else {
              state = { kind: 'initial' };
            }
          }
          continue;
        }
        case 'dollar': {
          const close = `$${state.tag}$`;
          if (line.startsWith(close, i)) {
            buf += close;
            i += close.length;
            state = { kind: 'initial' };
          } else {
            buf += c;
            i++;
          }
          continue;
        }
        case 'comment': {
          if (line.startsWith('/*', i)) {
            buf += '/*';
            i += 2;
            state = { kind: 'comment', depth: state.depth + 1 };
          } else if (line.startsWith('*/', i)) {
            buf += '*/';
            i += 2;
            state =
              state.depth === 1 ? { kind: 'initial' } : { kind: 'comment', depth: state.depth - 1 };
          } else {
            buf += c;
            i++;
          }
          continue;
        }
        case 'initial':
          break;
      }

      // Initial state.
      if (c === ' ' || c === '\t' || c === '\r' || c === '\f' || c === '\v') {
        if (buf.length > 0) buf += c; // rule 4
        i++;
      } else if (c === '-' && line[i + 1] === '-') {
        if (buf.length > 0) buf += line.slice(i); // rule 4
        i = n;
      } else if (c === '/' && line[i + 1] === '*') {
        if (buf.length === 0) bufStartLine = lineNo;
        buf += '/*';
        i += 2;
        state = { kind: 'comment', depth: 1 };
      } else if (c === ';' && parenDepth === 0) {
        buf += ';';
        i++;
        steps.push({ kind: 'sql', sql: buf, line: bufStartLine }); // rule 5
        if (COPY_FROM_STDIN.test(buf)) copyPending = true;
        buf = '';
      } else if (c === '\\') {
        if (buf.length > 0) {
          throw new ScriptError('a backslash command inside a statement is not supported', lineNo);
        }
        steps.push({ kind: 'meta', command: parseMeta(line.slice(i), lineNo), line: lineNo });
        i = n; // rule 6
      } else {
        if (buf.length === 0) bufStartLine = lineNo;
        if (c === "'") {
          buf += c;
          i++;
          state = { kind: 'quote', backslash: false };
        } else if (c === '"') {
          buf += c;
          i++;
          state = { kind: 'ident' };
        } else if (c === '$') {
          const m = /^\$([A-Za-z_\u0080-\uffff][A-Za-z_0-9\u0080-\uffff]*)?\$/.exec(line.slice(i));
          if (m) {
            buf += m[0];
            i += m[0].length;
            state = { kind: 'dollar', tag: m[1] ?? '' };
          } else {
            buf += c;
            i++;
          }
        } else if (IDENT_START.test(c)) {
          let j = i + 1;
          while (j < n && IDENT_CONT.test(line[j]!)) j++;
          const word = line.slice(i, j);
          buf += word;
          i = j;
          const next = line[i];
          const upper = word.toUpperCase();
          if (next === "'" && (upper === 'E' || upper === 'B' || upper === 'X' || upper === 'N')) {
            buf += "'";
            i++;
            state = { kind: 'quote', backslash: upper === 'E' };
          } else if (
            upper === 'U' &&
            line[i] === '&' &&
            (line[i + 1] === "'" || line[i + 1] === '"')
          ) {
            buf += line.slice(i, i + 2);
            const quote = line[i + 1];
            i += 2;
            state = quote === "'" ? { kind: 'quote', backslash: false } : { kind: 'ident' };
          }
        } else if (/[0-9]/.test(c)) {
          // Numbers (and anything glued to them, like 1e5 or 0x1F) cannot start quotes.
          let j = i + 1;
          while (j < n && /[0-9A-Za-z_.]/.test(line[j]!)) j++;
          buf += line.slice(i, j);
          i = j;
        } else {
          if (c === '(') parenDepth++;
          else if (c === ')' && parenDepth > 0) parenDepth--;
          buf += c;
          i++;
        }
      }
    }
  }
  if (state.kind === 'comment' || state.kind === 'quote' || state.kind === 'dollar') {
    // psql would send the unterminated text; keep it, the server reports it.
  }
  if (buf.length > 0) steps.push({ kind: 'sql', sql: buf, line: bufStartLine }); // rule 7
  return steps;
}

function parseMeta(text: string, line: number): MetaCommand {
  const words = text.trim().split(/\s+/);
  const [cmd, a, b, ...rest] = words;
  if (cmd === '\\set' && a === 'VERBOSITY' && b !== undefined && rest.length === 0) {
    if (b === 'default' || b === 'terse' || b === 'sqlstate')
      return { kind: 'set-verbosity', value: b };
    throw new ScriptError(`\\set VERBOSITY ${b} is not supported (default, terse, sqlstate)`, line);
  }
  if (cmd === '\\pset' && a === 'null') {
    const raw = text.trim().slice('\\pset null'.length).trim();
    return { kind: 'pset-null', value: unquoteMetaArg(raw, line) };
  }
  throw new ScriptError(
    `unsupported psql command: ${text.trim()} (supported: \\set VERBOSITY, \\pset null)`,
    line,
  );
}

/** A psql backslash-command argument: bare word or '...' with '' for a quote. */
function unquoteMetaArg(raw: string, line: number): string {
  if (raw === '') return '';
  if (!raw.startsWith("'")) {
    if (/\s/.test(raw)) throw new ScriptError(`\\pset null takes one argument: ${raw}`, line);
    return raw;
  }
  const m = /^'((?:[^'\\]|'')*)'$/.exec(raw);
  if (!m) throw new ScriptError(`unsupported quoting in \\pset null ${raw}`, line);
  return m[1]!.replace(/''/g, "'");
}
