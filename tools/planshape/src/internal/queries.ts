/**
 * Splitting a .sql file into statements: `;` ends a statement outside
 * quotes ('...', "...", $tag$...$tag$) and comments (-- and nested /* *\/).
 * A statement's name is the last `--` comment line that came before it
 * since the previous statement ended (or q<N> when there is none).
 */

export interface NamedQuery {
  /** The last `--` comment before it, or `q<N>` (1-based). */
  readonly name: string;
  /** The statement, without its `;`, trimmed. */
  readonly sql: string;
}

/** The statements of a script with their names. */
export function parseQueries(text: string): NamedQuery[] {
  const out: NamedQuery[] = [];
  let name: string | undefined;
  let buf = '';
  let i = 0;
  const finish = (): void => {
    const sql = buf.trim();
    if (sql !== '') out.push({ name: name ?? `q${out.length + 1}`, sql });
    buf = '';
    name = undefined;
  };
  while (i < text.length) {
    const c = text[i] as string;
    const next = text[i + 1];
    if (c === '-' && next === '-') {
      const end = text.indexOf('\n', i);
      const stop = end < 0 ? text.length : end;
      const comment = text.slice(i + 2, stop).trim();
      if (buf.trim() === '') name = comment;
      else buf += ' ';
      i = stop;
      continue;
    }
    if (c === '/' && next === '*') {
      let depth = 1;
      let j = i + 2;
      while (j < text.length && depth > 0) {
        if (text[j] === '/' && text[j + 1] === '*') {
          depth++;
          j += 2;
        } else if (text[j] === '*' && text[j + 1] === '/') {
          depth--;
          j += 2;
        } else j++;
      }
      if (buf.trim() !== '') buf += text.slice(i, j);
      i = j;
      continue;
    }
    if (c === "'" || c === '"') {
      let j = i + 1;
      while (j < text.length) {
        if (text[j] === c) {
          if (text[j + 1] === c)
            j += 2; // doubled quote
          else break;
        } else j++;
      }
      buf += text.slice(i, j + 1);
      i = j + 1;
      continue;
    }
    if (c === '$') {
      const tag = /^\$[A-Za-z_]*\$/.exec(text.slice(i));
      if (tag !== null && !/[A-Za-z0-9_]/.test(text[i - 1] ?? ' ')) {
        const close = text.indexOf(tag[0], i + tag[0].length);
        const end = close < 0 ? text.length : close + tag[0].length;
        buf += text.slice(i, end);
        i = end;
        continue;
      }
    }
    if (c === ';') {
      finish();
      i++;
      continue;
    }
    buf += c;
    i++;
  }
  finish();
  return out;
}
