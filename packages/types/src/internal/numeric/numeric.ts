/**
 * numeric (OID 1700): arbitrary precision decimals, as PostgreSQL 15's
 * numeric.c. The JavaScript value is the frozen `Numeric` object of
 * value.ts (sign, weight, dscale, base-10000 digits; NaN and +-Infinity
 * as special signs). Other families create numerics only through
 * numericType.input / numericType.output.
 *
 * Text input as numeric_in (spaces, sign, digits with an optional point,
 * exponent, NaN / Infinity / inf in any case), output as numeric_out (never
 * an exponent, dscale digits after the point), binary as numeric_send /
 * numeric_recv, on disk as NumericShort / NumericLong, typmod numeric(p,s).
 */
import { badBinary, invalidInput, SqlError, SqlState } from '../core/errors.js';
import { hashBytes, hashInt32 } from '../core/hash.js';
import { TypeOid } from '../core/oids.js';
import type { PgType } from '../core/type.js';
import { utf8, view, WireReader } from '../core/wire.js';
import {
  cmpNumeric,
  DEC_DIGITS,
  type Dec,
  fromDec,
  isSpecial,
  makeResult,
  NAN,
  NBASE,
  NINF,
  NUMERIC_DSCALE_MAX,
  NUMERIC_MAX_PRECISION,
  NUMERIC_MAX_SCALE,
  NUMERIC_MIN_SCALE,
  NUMERIC_NAN,
  NUMERIC_NEG,
  NUMERIC_NINF,
  NUMERIC_PINF,
  NUMERIC_POS,
  NUMERIC_WEIGHT_MAX,
  type Numeric,
  ndec,
  numericToString,
  overflow,
  PINF,
  pow10,
  roundDec,
  toDec,
} from './value.js';

const VARHDRSZ = 4;

/** make_numeric_typmod. */
export function makeNumericTypmod(precision: number, scale: number): number {
  return ((precision << 16) | (scale & 0x7ff)) + VARHDRSZ;
}
export function isValidNumericTypmod(typmod: number): boolean {
  return typmod >= VARHDRSZ;
}
export function typmodPrecision(typmod: number): number {
  return ((typmod - VARHDRSZ) >> 16) & 0xffff;
}
export function typmodScale(typmod: number): number {
  return (((typmod - VARHDRSZ) & 0x7ff) ^ 1024) - 1024;
}

const isSpace = (ch: string | undefined) =>
  ch === ' ' || ch === '\t' || ch === '\n' || ch === '\r' || ch === '\v' || ch === '\f';
const isDigit = (ch: string | undefined) => ch !== undefined && ch >= '0' && ch <= '9';

/** A parsed finite input: exact value plus the weight PostgreSQL computed from it. */
interface Parsed {
  readonly dec: Dec;
  readonly end: number;
}

/** set_var_from_str: parses at `at`, returns the value and where parsing stopped. */
function setVarFromStr(str: string, at: number): Parsed {
  let cp = at;
  let neg = false;
  if (str[cp] === '+') cp++;
  else if (str[cp] === '-') {
    neg = true;
    cp++;
  }
  let haveDp = false;
  if (str[cp] === '.') {
    haveDp = true;
    cp++;
  }
  if (!isDigit(str[cp])) throw invalidInput('numeric', str);
  let digits = '';
  let dweight = -1;
  let dscale = 0;
  while (cp < str.length) {
    const ch = str[cp];
    if (isDigit(ch)) {
      digits += ch;
      if (!haveDp) dweight++;
      else dscale++;
      cp++;
    } else if (ch === '.') {
      if (haveDp) throw invalidInput('numeric', str);
      haveDp = true;
      cp++;
    } else break;
  }
  const fracDigits = dscale;
  let exponent = 0;
  if (str[cp] === 'e' || str[cp] === 'E') {
    cp++;
    // strtol: optional whitespace, optional sign, digits
    let p = cp;
    while (isSpace(str[p])) p++;
    let eneg = false;
    if (str[p] === '+' || str[p] === '-') {
      eneg = str[p] === '-';
      p++;
    }
    const start = p;
    while (isDigit(str[p])) p++;
    if (p === start) throw invalidInput('numeric', str);
    const text = str.slice(start, p).replace(/^0+(?=\d)/, '');
    const mag = text.length > 12 ? Number.MAX_SAFE_INTEGER : Number(text);
    exponent = eneg ? -mag : mag;
    cp = p;
    if (exponent >= 1073741823 || exponent <= -1073741823) throw overflow();
    dweight += exponent;
    dscale -= exponent;
    if (dscale < 0) dscale = 0;
  }
  // The storage limits of the stripped value, checked before any typmod as 15.x does.
  const significant = digits.replace(/^0+/, '');
  if (significant.length > 0) {
    // decimal exponent of the leading significant digit
    const dexp = dweight - (digits.length - significant.length);
    if (Math.floor(dexp / DEC_DIGITS) > NUMERIC_WEIGHT_MAX) throw overflow();
  }
  if (dscale > NUMERIC_DSCALE_MAX) throw overflow();
  // value = digits * 10^(exponent - fracDigits), expressed at scale dscale
  const shift = dscale - fracDigits + exponent;
  let c = 0n;
  if (significant.length > 0) {
    c = BigInt(significant);
    c = shift >= 0 ? c * pow10(shift) : c / pow10(-shift);
  }
  return { dec: { c: neg ? -c : c, s: dscale }, end: cp };
}

function numericFieldOverflow(detail: string): SqlError {
  return new SqlError(SqlState.NUMERIC_VALUE_OUT_OF_RANGE, 'numeric field overflow', { detail });
}

/** apply_typmod on a finite value: rounds to the scale, checks the precision. */
export function applyTypmodDec(d: Dec, typmod: number): Dec {
  if (!isValidNumericTypmod(typmod)) return d;
  const precision = typmodPrecision(typmod);
  const scale = typmodScale(typmod);
  const maxdigits = precision - scale;
  const r = roundDec(d, scale);
  if (r.c !== 0n) {
    // digits before the decimal point of the rounded value
    const ddigits = ndec(r.c) - r.s;
    if (ddigits > maxdigits) {
      throw numericFieldOverflow(
        `A field with precision ${precision}, scale ${scale} must round to an absolute value less than ${maxdigits ? '10^' : ''}${maxdigits ? maxdigits : 1}.`,
      );
    }
  }
  return r;
}

/** apply_typmod_special: NaN passes any typmod, infinities none. */
function applyTypmodSpecial(n: Numeric, typmod: number): void {
  if (n.sign === NUMERIC_NAN || !isValidNumericTypmod(typmod)) return;
  throw numericFieldOverflow(
    `A field with precision ${typmodPrecision(typmod)}, scale ${typmodScale(typmod)} cannot hold an infinite value.`,
  );
}

/** Applies a typmod to any numeric (the numeric(numeric, int4) length coercion). */
export function applyNumericTypmod(n: Numeric, typmod: number): Numeric {
  if (isSpecial(n)) {
    applyTypmodSpecial(n, typmod);
    return n;
  }
  if (!isValidNumericTypmod(typmod)) return n;
  return fromDec(applyTypmodDec(toDec(n), typmod));
}

function startsWithCI(str: string, at: number, word: string): boolean {
  return str.slice(at, at + word.length).toLowerCase() === word.toLowerCase();
}

/** numeric_in. */
export function numericIn(str: string, typmod = -1): Numeric {
  let cp = 0;
  while (isSpace(str[cp])) cp++;
  let res: Numeric | undefined;
  const specials: readonly [string, Numeric][] = [
    ['NaN', NAN],
    ['Infinity', PINF],
    ['+Infinity', PINF],
    ['-Infinity', NINF],
    ['inf', PINF],
    ['+inf', PINF],
    ['-inf', NINF],
  ];
  for (const [word, value] of specials) {
    if (startsWithCI(str, cp, word)) {
      res = value;
      cp += word.length;
      break;
    }
  }
  if (res === undefined) {
    const parsed = setVarFromStr(str, cp);
    for (let i = parsed.end; i < str.length; i++) {
      if (!isSpace(str[i])) throw invalidInput('numeric', str);
    }
    return fromDec(applyTypmodDec(parsed.dec, typmod));
  }
  for (let i = cp; i < str.length; i++) {
    if (!isSpace(str[i])) throw invalidInput('numeric', str);
  }
  applyTypmodSpecial(res, typmod);
  return res;
}

/** numeric_send, written into a buffer of the exact size. */
export function numericSend(n: Numeric): Uint8Array {
  // For specials PostgreSQL reads dscale out of the short-format bits of the
  // header word: 0xD000 and 0xF000 (the infinities) give 32.
  const dscale = isSpecial(n) ? (n.sign & 0x1f80) >> 7 : n.dscale;
  const out = new Uint8Array(8 + 2 * n.digits.length);
  const dv = new DataView(out.buffer);
  dv.setInt16(0, n.digits.length);
  dv.setInt16(2, n.weight);
  dv.setUint16(4, n.sign);
  dv.setInt16(6, dscale);
  n.digits.forEach((d, i) => {
    dv.setInt16(8 + 2 * i, d);
  });
  return out;
}

/** numeric_recv. */
export function numericRecv(bytes: Uint8Array, typmod: number): Numeric {
  const r = new WireReader(bytes);
  const len = r.uint16();
  const weight = r.int16();
  const sign = r.uint16();
  if (
    sign !== NUMERIC_POS &&
    sign !== NUMERIC_NEG &&
    sign !== NUMERIC_NAN &&
    sign !== NUMERIC_PINF &&
    sign !== NUMERIC_NINF
  ) {
    throw badBinary('invalid sign in external "numeric" value');
  }
  const dscale = r.uint16();
  if ((dscale & NUMERIC_DSCALE_MAX) !== dscale) {
    throw badBinary('invalid scale in external "numeric" value');
  }
  const digits: number[] = [];
  for (let i = 0; i < len; i++) {
    const d = r.int16();
    if (d < 0 || d >= NBASE) throw badBinary('invalid digit in external "numeric" value');
    digits.push(d);
  }
  r.end();
  if (sign === NUMERIC_NAN || sign === NUMERIC_PINF || sign === NUMERIC_NINF) {
    const res = sign === NUMERIC_NAN ? NAN : sign === NUMERIC_PINF ? PINF : NINF;
    applyTypmodSpecial(res, typmod);
    return res;
  }
  // The exact value, truncated to dscale (trunc_var), then the typmod.
  let str = '';
  for (const d of digits) str += String(d).padStart(4, '0');
  let c = len === 0 ? 0n : BigInt(str);
  const shift = DEC_DIGITS * (weight - len + 1) + dscale;
  if (shift >= 0) c *= pow10(shift);
  else c /= pow10(-shift);
  if (sign === NUMERIC_NEG) c = -c;
  return fromDec(applyTypmodDec({ c, s: dscale }, typmod));
}

/** The on-disk datum payload (make_result's NumericShort / NumericLong), little-endian. */
export function numericEncode(n: Numeric): Uint8Array {
  if (isSpecial(n)) {
    const out = new Uint8Array(2);
    new DataView(out.buffer).setUint16(0, n.sign, true);
    return out;
  }
  const short = n.dscale <= 0x3f && n.weight <= 0x3f && n.weight >= -0x40;
  const head = short ? 2 : 4;
  const out = new Uint8Array(head + 2 * n.digits.length);
  const dv = new DataView(out.buffer);
  if (short) {
    dv.setUint16(
      0,
      0x8000 |
        (n.sign === NUMERIC_NEG ? 0x2000 : 0) |
        (n.dscale << 7) |
        (n.weight < 0 ? 0x40 : 0) |
        (n.weight & 0x3f),
      true,
    );
  } else {
    dv.setUint16(0, n.sign | (n.dscale & NUMERIC_DSCALE_MAX), true);
    dv.setInt16(2, n.weight, true);
  }
  n.digits.forEach((d, i) => {
    dv.setInt16(head + 2 * i, d, true);
  });
  return out;
}

/** The inverse of numericEncode. */
export function numericDecode(bytes: Uint8Array): Numeric {
  if (bytes.length < 2) throw badBinary('numeric datum too short');
  const dv = view(bytes);
  const header = dv.getUint16(0, true);
  const flags = header & 0xc000;
  if (flags === 0xc000) {
    if (header === NUMERIC_NAN) return NAN;
    if (header === NUMERIC_PINF) return PINF;
    if (header === NUMERIC_NINF) return NINF;
    throw badBinary(`invalid numeric header 0x${header.toString(16)}`);
  }
  let sign: number;
  let dscale: number;
  let weight: number;
  let head: number;
  if (flags === 0x8000) {
    sign = header & 0x2000 ? NUMERIC_NEG : NUMERIC_POS;
    dscale = (header & 0x1f80) >> 7;
    weight = (header & 0x40 ? ~0x3f : 0) | (header & 0x3f);
    head = 2;
  } else {
    if (bytes.length < 4) throw badBinary('numeric datum too short');
    sign = flags;
    dscale = header & NUMERIC_DSCALE_MAX;
    weight = dv.getInt16(2, true);
    head = 4;
  }
  if ((bytes.length - head) % 2 !== 0) throw badBinary('numeric datum has an odd length');
  const digits: number[] = [];
  for (let at = head; at < bytes.length; at += 2) digits.push(dv.getInt16(at, true));
  return Object.freeze({
    sign: sign as Numeric['sign'],
    weight: digits.length === 0 ? 0 : weight,
    dscale,
    digits: Object.freeze(digits),
  });
}

/** Hash equal for values that compare equal: trailing fractional zeros are ignored. */
export function numericHash(n: Numeric): number {
  if (n.sign === NUMERIC_NAN) return hashInt32(0x7fc00000);
  if (n.sign === NUMERIC_PINF) return hashInt32(0x7f800000);
  if (n.sign === NUMERIC_NINF) return hashInt32(-0x800000);
  if (n.digits.length === 0) return hashInt32(0);
  const sign = n.sign === NUMERIC_NEG ? 1 : 0;
  return hashBytes(utf8(`${sign}:${n.weight}:${n.digits.join(',')}`));
}

export const numericType: PgType<Numeric> = {
  name: 'numeric',
  displayName: 'numeric',
  oid: TypeOid.numeric,
  arrayOid: TypeOid._numeric,
  elemOid: 0,
  len: -1,
  byVal: false,
  align: 'i',
  storage: 'm',
  category: 'N',
  preferred: false,
  input: (text, typmod) => numericIn(text, typmod),
  output: (v) => numericToString(v),
  send: (v) => numericSend(v),
  receive: (bytes, typmod) => numericRecv(bytes, typmod),
  encode: numericEncode,
  decode: numericDecode,
  compare: cmpNumeric,
  hash: numericHash,
  typmodIn(mods) {
    const bad = (msg: string) => new SqlError(SqlState.INVALID_PARAMETER_VALUE, msg);
    const p = mods[0];
    if (mods.length === 2 || mods.length === 1) {
      if (p === undefined || p < 1 || p > NUMERIC_MAX_PRECISION) {
        throw bad(`NUMERIC precision ${p} must be between 1 and ${NUMERIC_MAX_PRECISION}`);
      }
      const s = mods[1] ?? 0;
      if (s < NUMERIC_MIN_SCALE || s > NUMERIC_MAX_SCALE) {
        throw bad(
          `NUMERIC scale ${s} must be between ${NUMERIC_MIN_SCALE} and ${NUMERIC_MAX_SCALE}`,
        );
      }
      return makeNumericTypmod(p, s);
    }
    throw bad('invalid NUMERIC type modifier');
  },
  typmodOut: (typmod) =>
    isValidNumericTypmod(typmod) ? `(${typmodPrecision(typmod)},${typmodScale(typmod)})` : '',
  applyTypmod: (value, typmod) => applyNumericTypmod(value, typmod),
};

export { makeResult };
