/**
 * Registers the bit-string family: bit(n) (OID 1560) and bit varying(n)
 * (1562), their comparison operators, the bitwise operators & | # ~ << >>
 * and ||, the functions of varbit.c (length, get_bit, substring, ...), and
 * the casts among them and to/from integer and bigint, as pg_cast has them.
 */
import { fn, registerComparisons } from '../core/define.js';
import { badBinary } from '../core/errors.js';
import { combineHash, hashBytes } from '../core/hash.js';
import { TypeOid } from '../core/oids.js';
import type { Registry } from '../core/registry.js';
import type { PgType } from '../core/type.js';
import {
  type BitString,
  bitAnd,
  bitCat,
  bitCoerce,
  bitCount,
  bitFromInt,
  bitNot,
  bitOr,
  bitOverlay,
  bitPosition,
  bitString,
  bitSubstring,
  bitToInt,
  bitTypmodIn,
  bitXor,
  checkBitInput,
  checkVarbitInput,
  compareBits,
  formatBitString,
  getBit,
  parseBitString,
  setBit,
  shiftLeft,
  shiftRight,
  VARBIT_MAX_LEN,
  varbitCoerce,
} from './bit-string.js';

export type { BitString } from './bit-string.js';

const { bit, varbit, int4, int8, bool } = TypeOid;

/** The binary form (bit_send): the length as a big-endian int32, then the bytes. */
function send(v: BitString): Uint8Array {
  const out = new Uint8Array(4 + v.bytes.length);
  new DataView(out.buffer).setInt32(0, v.bitLen);
  out.set(v.bytes, 4);
  return out;
}

function readBits(bytes: Uint8Array, littleEndian: boolean): BitString {
  if (bytes.length < 4) throw badBinary();
  const len = new DataView(bytes.buffer, bytes.byteOffset, 4).getInt32(0, littleEndian);
  if (len < 0 || len > VARBIT_MAX_LEN || bytes.length < 4 + ((len + 7) >> 3)) {
    throw badBinary('invalid length in external bit string');
  }
  return bitString(len, bytes.slice(4, 4 + ((len + 7) >> 3)));
}

/** The on-disk payload (VarBit after its varlena header): bit_len as a native (little-endian) int32, then the bytes. */
function encode(v: BitString): Uint8Array {
  const out = new Uint8Array(4 + v.bytes.length);
  new DataView(out.buffer).setInt32(0, v.bitLen, true);
  out.set(v.bytes, 4);
  return out;
}

function hashBits(v: BitString): number {
  return combineHash(v.bitLen, hashBytes(v.bytes));
}

const typmodOut = (typmod: number) => `(${typmod})`;

export const bitType: PgType<BitString> = {
  name: 'bit',
  displayName: 'bit',
  oid: bit,
  arrayOid: TypeOid._bit,
  elemOid: 0,
  len: -1,
  byVal: false,
  align: 'i',
  storage: 'x',
  category: 'V',
  preferred: false,
  input: (text, typmod) => parseBitString(text, (len) => checkBitInput(len, typmod)),
  output: (v) => formatBitString(v),
  send,
  receive: (bytes, typmod) => {
    const v = readBits(bytes, false);
    checkBitInput(v.bitLen, typmod);
    return v;
  },
  encode,
  decode: (bytes) => readBits(bytes, true),
  compare: compareBits,
  hash: hashBits,
  typmodIn: (mods) => bitTypmodIn('bit', mods),
  typmodOut,
  applyTypmod: bitCoerce,
};

export const varbitType: PgType<BitString> = {
  ...bitType,
  name: 'varbit',
  displayName: 'bit varying',
  oid: varbit,
  arrayOid: TypeOid._varbit,
  preferred: true,
  input: (text, typmod) => parseBitString(text, (len) => checkVarbitInput(len, typmod)),
  receive: (bytes, typmod) => {
    const v = readBits(bytes, false);
    checkVarbitInput(v.bitLen, typmod);
    return v;
  },
  typmodIn: (mods) => bitTypmodIn('varbit', mods),
  applyTypmod: varbitCoerce,
};

type B = BitString;

export function register(r: Registry): void {
  r.addType(bitType);
  registerComparisons(r, bitType, 'bit', 'bitcmp');
  r.addType(varbitType);
  registerComparisons(r, varbitType, 'varbit', 'varbitcmp');

  fn(r, 'bitand', [bit, bit], bit, ([a, b]: B[]) => bitAnd(a!, b!), { operator: '&' });
  fn(r, 'bitor', [bit, bit], bit, ([a, b]: B[]) => bitOr(a!, b!), { operator: '|' });
  fn(r, 'bitxor', [bit, bit], bit, ([a, b]: B[]) => bitXor(a!, b!), { operator: '#' });
  fn(r, 'bitnot', [bit], bit, ([a]: B[]) => bitNot(a!), { operator: '~' });
  fn(r, 'bitshiftleft', [bit, int4], bit, ([a, n]: [B, number]) => shiftLeft(a, n), {
    operator: '<<',
  });
  fn(r, 'bitshiftright', [bit, int4], bit, ([a, n]: [B, number]) => shiftRight(a, n), {
    operator: '>>',
  });
  fn(r, 'bitcat', [varbit, varbit], varbit, ([a, b]: B[]) => bitCat(a!, b!), { operator: '||' });

  const length = ([a]: B[]) => a!.bitLen;
  fn(r, 'length', [bit], int4, length);
  fn(r, 'bit_length', [bit], int4, length);
  fn(r, 'octet_length', [bit], int4, ([a]: B[]) => a!.bytes.length);
  fn(r, 'bit_count', [bit], int8, ([a]: B[]) => bitCount(a!));
  fn(r, 'get_bit', [bit, int4], int4, ([a, n]: [B, number]) => getBit(a, n));
  fn(r, 'set_bit', [bit, int4, int4], bit, ([a, n, v]: [B, number, number]) => setBit(a, n, v));
  fn(r, 'position', [bit, bit], int4, ([a, b]: B[]) => bitPosition(a!, b!));
  fn(r, 'substring', [bit, int4, int4], bit, ([a, s, l]: [B, number, number]) =>
    bitSubstring(a, s, l),
  );
  fn(r, 'substring', [bit, int4], bit, ([a, s]: [B, number]) => bitSubstring(a, s));
  fn(r, 'overlay', [bit, bit, int4, int4], bit, ([a, b, s, l]: [B, B, number, number]) =>
    bitOverlay(a, b, s, l),
  );
  fn(r, 'overlay', [bit, bit, int4], bit, ([a, b, s]: [B, B, number]) => bitOverlay(a, b, s));

  // Casts (pg_cast): bit and varbit are binary-coercible both ways; integers explicitly.
  r.addCast({ source: bit, target: varbit, context: 'i', method: 'b' });
  r.addCast({ source: varbit, target: bit, context: 'i', method: 'b' });
  const fromInt4 = (v: number, typmod: number) => bitFromInt(BigInt(v), typmod, 32);
  const fromInt8 = (v: bigint, typmod: number) => bitFromInt(v, typmod, 64);
  const toInt4 = (v: B) => Number(bitToInt(v, 32));
  const toInt8 = (v: B) => bitToInt(v, 64);
  r.addCast({
    source: int4,
    target: bit,
    context: 'e',
    method: 'f',
    typmodArg: true,
    fn: (v, typmod) => fromInt4(v as number, typmod),
  });
  r.addCast({
    source: int8,
    target: bit,
    context: 'e',
    method: 'f',
    typmodArg: true,
    fn: (v, typmod) => fromInt8(v as bigint, typmod),
  });
  r.addCast({ source: bit, target: int4, context: 'e', method: 'f', fn: (v) => toInt4(v as B) });
  r.addCast({ source: bit, target: int8, context: 'e', method: 'f', fn: (v) => toInt8(v as B) });
  fn(r, 'bit', [int4, int4], bit, ([v, t]: [number, number]) => fromInt4(v, t));
  fn(r, 'bit', [int8, int4], bit, ([v, t]: [bigint, number]) => fromInt8(v, t));
  fn(r, 'int4', [bit], int4, ([v]: B[]) => toInt4(v!));
  fn(r, 'int8', [bit], int8, ([v]: B[]) => toInt8(v!));
  fn(r, 'bit', [bit, int4, bool], bit, ([v, t, e]: [B, number, boolean]) => bitCoerce(v, t, e));
  fn(r, 'varbit', [varbit, int4, bool], varbit, ([v, t, e]: [B, number, boolean]) =>
    varbitCoerce(v, t, e),
  );
}
