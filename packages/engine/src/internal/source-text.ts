/**
 * The source text of an expression inside a statement, for the catalog's
 * stored forms (a column DEFAULT is kept as SQL text). The parser gives
 * the byte offset where each node starts, not where it ends: the end is
 * found by scanning the text for the first comma, closing parenthesis or
 * constraint keyword at nesting depth zero, outside quotes.
 */
import type { PNode } from '@pg/sql';

/** The smallest `location` in a parse subtree (where its text starts). */
export function startLocation(node: PNode): number | undefined {
  let min: number | undefined;
  const visit = (n: unknown): void => {
    if (n === null || typeof n !== 'object') return;
    if (Array.isArray(n)) {
      for (const x of n) visit(x);
      return;
    }
    for (const [k, v] of Object.entries(n as Record<string, unknown>)) {
      if (k === 'location' && typeof v === 'number' && v >= 0) {
        if (min === undefined || v < min) min = v;
      } else visit(v);
    }
  };
  visit(node);
  return min;
}

const STOP_WORDS = new Set([
  'not',
  'null',
  'check',
  'unique',
  'primary',
  'references',
  'constraint',
  'default',
  'collate',
  'generated',
  'deferrable',
  'initially',
]);

/** The text of the expression `node` in `source` (byte offsets, as the parser reports). */
export function expressionText(source: string, node: PNode): string {
  const bytes = Buffer.from(source, 'utf8');
  const start = startLocation(node) ?? 0;
  const text = bytes.subarray(start).toString('utf8');
  let depth = 0;
  let k = 0;
  while (k < text.length) {
    const c = text[k] as string;
    if (c === "'" || c === '"') {
      const close = text.indexOf(c, k + 1);
      k = close < 0 ? text.length : close + 1;
      continue;
    }
    if (c === '(' || c === '[') depth++;
    else if (c === ')' || c === ']') {
      if (depth === 0) break;
      depth--;
    } else if ((c === ',' || c === ';') && depth === 0) break;
    else if (depth === 0 && /[A-Za-z]/.test(c) && (k === 0 || /[\s)]/.test(text[k - 1] ?? ''))) {
      const word = /^[A-Za-z_]+/.exec(text.slice(k))?.[0] ?? '';
      if (k > 0 && STOP_WORDS.has(word.toLowerCase())) break;
      k += word.length;
      continue;
    }
    k++;
  }
  return text.slice(0, k).trim();
}
