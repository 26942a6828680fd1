/**
 * LIKE and ILIKE (textlike, texticlike and friends): PostgreSQL's
 * MatchText from like_match.c, run over code points. Backslash is the
 * escape character; a pattern whose escape is reached at its very end
 * raises 22025 "LIKE pattern must not end with escape character" (only
 * when matching gets there, as in PostgreSQL). ILIKE lowercases both sides
 * first, with lower() of the "C" locale (ASCII letters only).
 */
import { SqlError, SqlState } from '../core/errors.js';

const TRUE = 1;
const FALSE = 0;
const ABORT = -1;
const PERCENT = 0x25;
const UNDERSCORE = 0x5f;
const BACKSLASH = 0x5c;

function endsWithEscape(): SqlError {
  return new SqlError(
    SqlState.INVALID_ESCAPE_SEQUENCE,
    'LIKE pattern must not end with escape character',
  );
}

function matchText(t: readonly number[], ti: number, p: readonly number[], pi: number): number {
  const tlen = t.length;
  const plen = p.length;
  if (plen - pi === 1 && p[pi] === PERCENT) return TRUE;
  while (ti < tlen && pi < plen) {
    const pc = p[pi]!;
    if (pc === BACKSLASH) {
      pi++;
      if (pi >= plen) throw endsWithEscape();
      if (p[pi] !== t[ti]) return FALSE;
    } else if (pc === PERCENT) {
      pi++;
      while (pi < plen) {
        if (p[pi] === PERCENT) pi++;
        else if (p[pi] === UNDERSCORE) {
          if (ti >= tlen) return ABORT;
          ti++;
          pi++;
        } else break;
      }
      if (pi >= plen) return TRUE;
      let firstpat: number;
      if (p[pi] === BACKSLASH) {
        if (plen - pi < 2) throw endsWithEscape();
        firstpat = p[pi + 1]!;
      } else firstpat = p[pi]!;
      while (ti < tlen) {
        if (t[ti] === firstpat) {
          const matched = matchText(t, ti, p, pi);
          if (matched !== FALSE) return matched;
        }
        ti++;
      }
      return ABORT;
    } else if (pc === UNDERSCORE) {
      ti++;
      pi++;
      continue;
    } else if (pc !== t[ti]) {
      return FALSE;
    }
    ti++;
    pi++;
  }
  if (ti < tlen) return FALSE;
  while (pi < plen && p[pi] === PERCENT) pi++;
  if (pi >= plen) return TRUE;
  return ABORT;
}

function codePoints(s: string): number[] {
  const out: number[] = [];
  for (const ch of s) out.push(ch.codePointAt(0)!);
  return out;
}

/** textlike: `s LIKE pattern`. */
export function like(s: string, pattern: string): boolean {
  return matchText(codePoints(s), 0, codePoints(pattern), 0) === TRUE;
}

/** lower() in the "C" locale: ASCII letters only. */
export function asciiLower(s: string): string {
  return s.replace(/[A-Z]+/g, (m) => m.toLowerCase());
}

/** texticlike: `s ILIKE pattern`. */
export function ilike(s: string, pattern: string): boolean {
  return like(asciiLower(s), asciiLower(pattern));
}

/** bytealike: LIKE over bytes. */
export function byteaLike(s: Uint8Array, pattern: Uint8Array): boolean {
  return matchText([...s], 0, [...pattern], 0) === TRUE;
}

/**
 * like_escape: the pattern rewritten for backslash as the escape
 * character (`a LIKE p ESCAPE e` is `a ~~ like_escape(p, e)`).
 */
export function likeEscape(pattern: string, escapeChar: string): string {
  if (escapeChar === '') return pattern.replace(/\\/g, '\\\\');
  const e = Array.from(escapeChar);
  if (e.length !== 1) {
    throw new SqlError(SqlState.INVALID_ESCAPE_SEQUENCE, 'invalid escape string', {
      hint: 'Escape string must be empty or one character.',
    });
  }
  if (escapeChar === '\\') return pattern;
  let out = '';
  let afterEscape = false;
  for (const ch of pattern) {
    if (ch === escapeChar && !afterEscape) {
      out += '\\';
      afterEscape = true;
    } else if (ch === '\\') {
      out += afterEscape ? '\\' : '\\\\';
      afterEscape = false;
    } else {
      out += ch;
      afterEscape = false;
    }
  }
  return out;
}
