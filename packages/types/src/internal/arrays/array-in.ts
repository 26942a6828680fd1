/**
 * Array text input (array_in, ArrayCount and ReadArrayStr of PostgreSQL 15's
 * arrayfuncs.c), ported step by step so that what is accepted, what is
 * rejected and the error texts (with their DETAIL) are PostgreSQL's. The
 * result is a PgArray whose elements were read with the element type's input.
 */
import type { PgArray } from '../core/array-value.js';
import type { TypeContext } from '../core/context.js';
import { SqlError, SqlState } from '../core/errors.js';
import type { AnyPgType } from '../core/type.js';

/** MAXDIM. */
export const MAXDIM = 6;
/** MaxArraySize: MaxAllocSize / sizeof(Datum). */
export const MAX_ARRAY_SIZE = 134217727;

/** array_isspace: the ASCII whitespace the array parser skips. */
export function isArraySpace(c: string | undefined): boolean {
  return c === ' ' || c === '\t' || c === '\n' || c === '\r' || c === '\v' || c === '\f';
}

/** `malformed array literal: "<text>"` (22P02) with an optional DETAIL. */
export function malformed(text: string, detail?: string): SqlError {
  return new SqlError(
    SqlState.INVALID_TEXT_REPRESENTATION,
    `malformed array literal: "${text}"`,
    detail === undefined ? {} : { detail },
  );
}

/** 54000 for more than MAXDIM dimensions. */
export function tooManyDims(n: number): SqlError {
  return new SqlError(
    SqlState.PROGRAM_LIMIT_EXCEEDED,
    `number of array dimensions (${n}) exceeds the maximum allowed (${MAXDIM})`,
  );
}

function sizeExceeded(): SqlError {
  return new SqlError(
    SqlState.PROGRAM_LIMIT_EXCEEDED,
    `array size exceeds the maximum allowed (${MAX_ARRAY_SIZE})`,
  );
}

/** ArrayGetNItems: the element count, with PostgreSQL's overflow checks (54000). */
export function arrayGetNItems(dims: readonly number[]): number {
  if (dims.length === 0) return 0;
  let ret = 1;
  for (const d of dims) {
    if (d < 0) throw sizeExceeded();
    const prod = ret * d;
    if (prod > 2147483647) throw sizeExceeded();
    ret = prod;
  }
  if (ret > MAX_ARRAY_SIZE) throw sizeExceeded();
  return ret;
}

/** ArrayCheckBounds: lower bound + length must fit in an int32 (54000). */
export function arrayCheckBounds(dims: readonly number[], lbounds: readonly number[]): void {
  dims.forEach((d, i) => {
    const lb = lbounds[i]!;
    if (d + lb > 2147483647 || d + lb < -2147483648) {
      throw new SqlError(SqlState.PROGRAM_LIMIT_EXCEEDED, `array lower bound is too large: ${lb}`);
    }
  });
}

/** C's atoi on the characters [0-9+-] array_in collects: strtol, then truncated to int. */
function atoi(s: string): number {
  const m = /^([+-]?)(\d*)/.exec(s)!;
  const digits = m[2]!;
  if (digits === '') return 0;
  let v = BigInt(digits);
  if (m[1] === '-') v = -v;
  const max = 9223372036854775807n;
  if (v > max) v = max;
  if (v < -max - 1n) v = -max - 1n;
  return Number(BigInt.asIntN(32, v));
}

function isDimChar(c: string | undefined): boolean {
  return c !== undefined && ((c >= '0' && c <= '9') || c === '-' || c === '+');
}

/** ArrayParseState. */
const State = {
  NoLevel: 0,
  LevelStarted: 1,
  ElemStarted: 2,
  ElemCompleted: 3,
  QuotedElemStarted: 4,
  QuotedElemCompleted: 5,
  ElemDelimited: 6,
  LevelCompleted: 7,
  LevelDelimited: 8,
} as const;

/** ArrayCount: validates the brace structure of `str` and returns its dimensions ([] if empty). */
function arrayCount(str: string, typdelim: string): number[] {
  let nestLevel = 0;
  let ndim = 1;
  const temp = new Array<number>(MAXDIM).fill(0);
  const nelems = new Array<number>(MAXDIM).fill(1);
  const nelemsLast = new Array<number>(MAXDIM).fill(0);
  let inQuotes = false;
  let eoArray = false;
  let emptyArray = true;
  let state: number = State.NoLevel;
  let ptr = 0;
  const unexpected = (c: string) => malformed(str, `Unexpected "${c}" character.`);
  while (!eoArray) {
    let itemdone = false;
    while (!itemdone) {
      if (state === State.ElemStarted || state === State.QuotedElemStarted) emptyArray = false;
      const c = str[ptr];
      if (c === undefined) throw malformed(str, 'Unexpected end of input.');
      if (c === '\\') {
        if (
          state !== State.LevelStarted &&
          state !== State.ElemStarted &&
          state !== State.QuotedElemStarted &&
          state !== State.ElemDelimited
        ) {
          throw unexpected('\\');
        }
        if (state !== State.QuotedElemStarted) state = State.ElemStarted;
        if (str[ptr + 1] !== undefined) ptr++;
        else throw malformed(str, 'Unexpected end of input.');
      } else if (c === '"') {
        if (
          state !== State.LevelStarted &&
          state !== State.QuotedElemStarted &&
          state !== State.ElemDelimited
        ) {
          throw malformed(str, 'Unexpected array element.');
        }
        inQuotes = !inQuotes;
        state = inQuotes ? State.QuotedElemStarted : State.QuotedElemCompleted;
      } else if (c === '{' && !inQuotes) {
        if (
          state !== State.NoLevel &&
          state !== State.LevelStarted &&
          state !== State.LevelDelimited
        ) {
          throw unexpected('{');
        }
        state = State.LevelStarted;
        if (nestLevel >= MAXDIM) throw tooManyDims(nestLevel + 1);
        temp[nestLevel] = 0;
        nestLevel++;
        if (ndim < nestLevel) ndim = nestLevel;
      } else if (c === '}' && !inQuotes) {
        if (
          state !== State.ElemStarted &&
          state !== State.ElemCompleted &&
          state !== State.QuotedElemCompleted &&
          state !== State.LevelCompleted &&
          !(nestLevel === 1 && state === State.LevelStarted)
        ) {
          throw unexpected('}');
        }
        state = State.LevelCompleted;
        if (nestLevel === 0) throw malformed(str, 'Unmatched "}" character.');
        nestLevel--;
        if (nelemsLast[nestLevel] !== 0 && nelems[nestLevel] !== nelemsLast[nestLevel]) {
          throw malformed(
            str,
            'Multidimensional arrays must have sub-arrays with matching dimensions.',
          );
        }
        nelemsLast[nestLevel] = nelems[nestLevel]!;
        nelems[nestLevel] = 1;
        if (nestLevel === 0) {
          eoArray = true;
          itemdone = true;
        } else {
          temp[nestLevel - 1]!++;
        }
      } else if (!inQuotes && c !== '{' && c !== '}') {
        if (c === typdelim) {
          if (
            state !== State.ElemStarted &&
            state !== State.ElemCompleted &&
            state !== State.QuotedElemCompleted &&
            state !== State.LevelCompleted
          ) {
            throw unexpected(typdelim);
          }
          state = state === State.LevelCompleted ? State.LevelDelimited : State.ElemDelimited;
          itemdone = true;
          nelems[nestLevel - 1]!++;
        } else if (!isArraySpace(c)) {
          if (
            state !== State.LevelStarted &&
            state !== State.ElemStarted &&
            state !== State.ElemDelimited
          ) {
            throw malformed(str, 'Unexpected array element.');
          }
          state = State.ElemStarted;
        }
      }
      if (!itemdone) ptr++;
    }
    temp[ndim - 1]!++;
    ptr++;
  }
  while (ptr < str.length) {
    if (!isArraySpace(str[ptr++])) throw malformed(str, 'Junk after closing right brace.');
  }
  if (emptyArray) return [];
  return temp.slice(0, ndim);
}

/** ReadArrayStr: reads the elements (the structure was validated by arrayCount). */
function readArrayStr(
  str: string,
  origStr: string,
  nitems: number,
  dims: readonly number[],
  typdelim: string,
  readElement: (text: string | null) => unknown,
): unknown[] {
  const ndim = dims.length;
  const prod = new Array<number>(ndim).fill(1);
  for (let i = ndim - 2; i >= 0; i--) prod[i] = prod[i + 1]! * dims[i + 1]!;
  const indx = new Array<number>(MAXDIM).fill(0);
  const offset0 = () => {
    let off = 0;
    for (let j = 0; j < ndim; j++) off += indx[j]! * prod[j]!;
    return off;
  };
  const values: unknown[] = new Array<unknown>(nitems).fill(null);
  let nestLevel = 0;
  let inQuotes = false;
  let eoArray = false;
  let src = 0;
  while (!eoArray) {
    let itemdone = false;
    let leadingspace = true;
    let hasquoting = false;
    let i = -1;
    let item = '';
    let itemEnd = 0;
    while (!itemdone) {
      const c = str[src];
      if (c === undefined) throw malformed(origStr);
      if (c === '\\') {
        src++;
        const next = str[src];
        if (next === undefined) throw malformed(origStr);
        item += next;
        src++;
        leadingspace = false;
        itemEnd = item.length;
        hasquoting = true;
      } else if (c === '"') {
        inQuotes = !inQuotes;
        if (inQuotes) leadingspace = false;
        else itemEnd = item.length;
        hasquoting = true;
        src++;
      } else if (c === '{' && !inQuotes) {
        if (nestLevel >= ndim) throw malformed(origStr);
        nestLevel++;
        indx[nestLevel - 1] = 0;
        src++;
      } else if (c === '}' && !inQuotes) {
        if (nestLevel === 0) throw malformed(origStr);
        if (i === -1) i = offset0();
        indx[nestLevel - 1] = 0;
        nestLevel--;
        if (nestLevel === 0) {
          eoArray = true;
          itemdone = true;
        } else {
          indx[nestLevel - 1]!++;
        }
        src++;
      } else if (inQuotes) {
        item += c;
        src++;
      } else if (c === typdelim) {
        if (i === -1) i = offset0();
        itemdone = true;
        indx[ndim - 1]!++;
        src++;
      } else if (isArraySpace(c)) {
        if (!leadingspace) item += c;
        src++;
      } else {
        item += c;
        src++;
        leadingspace = false;
        itemEnd = item.length;
      }
    }
    const text = item.slice(0, itemEnd);
    if (i < 0 || i >= nitems) throw malformed(origStr);
    if (!hasquoting && /^null$/i.test(text)) {
      values[i] = readElement(null);
    } else {
      values[i] = readElement(text);
    }
  }
  return values;
}

/**
 * array_in: parses `text` into a PgArray, reading each element with the
 * element type's input (given the element typmod).
 */
export function arrayIn(
  text: string,
  elem: AnyPgType,
  typmod: number,
  ctx: TypeContext,
  typdelim = ',',
): PgArray {
  const s = text;
  let p = 0;
  const dims: number[] = [];
  const lbounds: number[] = [];
  for (;;) {
    while (isArraySpace(s[p])) p++;
    if (s[p] !== '[') break;
    p++;
    if (dims.length >= MAXDIM) throw tooManyDims(dims.length + 1);
    let q = p;
    while (isDimChar(s[q])) q++;
    if (q === p) {
      throw malformed(text, '"[" must introduce explicitly-specified array dimensions.');
    }
    let lb = 1;
    if (s[q] === ':') {
      lb = atoi(s.slice(p, q));
      p = q + 1;
      q = p;
      while (isDimChar(s[q])) q++;
      if (q === p) throw malformed(text, 'Missing array dimension value.');
    }
    if (s[q] !== ']') throw malformed(text, 'Missing "]" after array dimensions.');
    const ub = atoi(s.slice(p, q));
    p = q + 1;
    if (ub < lb) {
      throw new SqlError(
        SqlState.ARRAY_SUBSCRIPT_ERROR,
        'upper bound cannot be less than lower bound',
      );
    }
    dims.push((ub - lb + 1) | 0);
    lbounds.push(lb);
  }
  let body: string;
  if (dims.length === 0) {
    if (s[p] !== '{') {
      throw malformed(text, 'Array value must start with "{" or dimension information.');
    }
    body = s.slice(p);
    for (const d of arrayCount(body, typdelim)) {
      dims.push(d);
      lbounds.push(1);
    }
  } else {
    if (s[p] !== '=') throw malformed(text, 'Missing "=" after array dimensions.');
    p++;
    while (isArraySpace(s[p])) p++;
    if (s[p] !== '{') throw malformed(text, 'Array contents must start with "{".');
    body = s.slice(p);
    const braces = arrayCount(body, typdelim);
    if (braces.length !== dims.length || braces.some((d, i) => d !== dims[i])) {
      throw malformed(text, 'Specified array dimensions do not match array contents.');
    }
  }
  const nitems = arrayGetNItems(dims);
  arrayCheckBounds(dims, lbounds);
  if (nitems === 0) return { dims: [], lbounds: [], elements: [] };
  const elements = readArrayStr(body, text, nitems, dims, typdelim, (t) =>
    t === null ? null : elem.input(t, typmod, ctx),
  );
  return { dims, lbounds, elements };
}
