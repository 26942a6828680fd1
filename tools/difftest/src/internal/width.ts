/**
 * Screen widths of text as psql computes them in UTF-8 (ucs_wcwidth in
 * src/common/wchar.c, used by pg_wcssize/pg_wcsformat in src/fe_utils/print.c
 * and by libpq's error cursor): combining marks take no column, East Asian
 * wide and fullwidth characters two, everything else one.
 */

/** Non-spacing marks (a compact subset of Unicode's Mn/Me/Cf ranges). */
const COMBINING: readonly (readonly [number, number])[] = [
  [0x0300, 0x036f],
  [0x0483, 0x0489],
  [0x0591, 0x05bd],
  [0x0610, 0x061a],
  [0x064b, 0x065f],
  [0x0900, 0x0902],
  [0x093c, 0x093c],
  [0x0941, 0x0948],
  [0x200b, 0x200f],
  [0x202a, 0x202e],
  [0x2060, 0x2064],
  [0x20d0, 0x20ff],
  [0xfe00, 0xfe0f],
  [0xfe20, 0xfe2f],
  [0xfeff, 0xfeff],
];

/** East Asian Wide (W) and Fullwidth (F) ranges. */
const WIDE: readonly (readonly [number, number])[] = [
  [0x1100, 0x115f],
  [0x231a, 0x231b],
  [0x2329, 0x232a],
  [0x2e80, 0x303e],
  [0x3041, 0x33ff],
  [0x3400, 0x4dbf],
  [0x4e00, 0x9fff],
  [0xa000, 0xa4cf],
  [0xa960, 0xa97f],
  [0xac00, 0xd7a3],
  [0xf900, 0xfaff],
  [0xfe10, 0xfe19],
  [0xfe30, 0xfe6f],
  [0xff00, 0xff60],
  [0xffe0, 0xffe6],
  [0x1f300, 0x1f64f],
  [0x1f900, 0x1f9ff],
  [0x20000, 0x2fffd],
  [0x30000, 0x3fffd],
];

function inRanges(cp: number, ranges: readonly (readonly [number, number])[]): boolean {
  for (const [lo, hi] of ranges) if (cp >= lo && cp <= hi) return true;
  return false;
}

/** ucs_wcwidth: -1 for control characters, 0 for combining marks, 1 or 2 otherwise. */
export function charWidth(cp: number): number {
  if (cp === 0) return 0;
  if (cp < 0x20 || (cp >= 0x7f && cp < 0xa0)) return -1;
  if (inRanges(cp, COMBINING)) return 0;
  return inRanges(cp, WIDE) ? 2 : 1;
}

/** Width of text with no control characters (each control character counted as 1, as libpq does). */
export function displayWidth(text: string): number {
  let w = 0;
  for (const ch of text) {
    const cw = charWidth(ch.codePointAt(0)!);
    w += cw <= 0 ? (cw < 0 ? 1 : 0) : cw;
  }
  return w;
}

/** A cell's display lines with their widths, as pg_wcsformat lays them out. */
export interface FormattedLine {
  readonly text: string;
  readonly width: number;
}

/**
 * pg_wcsformat: splits at newlines; a tab becomes spaces up to the next
 * multiple of 8; a carriage return prints as `\r`; other control characters
 * as `\xNN`.
 */
export function formatCell(text: string): FormattedLine[] {
  const lines: FormattedLine[] = [];
  let cur = '';
  let width = 0;
  for (const ch of text) {
    const cp = ch.codePointAt(0)!;
    if (cp === 0x0a) {
      lines.push({ text: cur, width });
      cur = '';
      width = 0;
    } else if (cp === 0x09) {
      do {
        cur += ' ';
        width++;
      } while (width % 8 !== 0);
    } else if (cp === 0x0d) {
      cur += '\\r';
      width += 2;
    } else {
      const cw = charWidth(cp);
      if (cw < 0) {
        cur += `\\x${cp.toString(16).toUpperCase().padStart(2, '0')}`;
        width += 4;
      } else {
        cur += ch;
        width += cw;
      }
    }
  }
  lines.push({ text: cur, width });
  return lines;
}
