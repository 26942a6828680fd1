/**
 * convert / convert_from / convert_to between the database encoding
 * (UTF8) and UTF8, LATIN1 or SQL_ASCII, with PostgreSQL's encoding-name
 * matching (case and punctuation ignored) and its errors. Other server
 * encodings are known by name but raise 0A000.
 */
import { SqlError, SqlState } from '../core/errors.js';
import { utf8 } from '../core/wire.js';

type Encoding = 'UTF8' | 'LATIN1' | 'SQL_ASCII' | { readonly other: string };

const OTHER_ENCODINGS = new Set(
  (
    'eucjp euccn euckr euctw eucjis2004 muleinternal latin2 latin3 latin4 latin5 latin6 latin7 ' +
    'latin8 latin9 latin10 win1256 win1258 win866 win874 koi8r win1251 win1252 iso88595 ' +
    'iso88596 iso88597 iso88598 win1250 win1253 win1254 win1255 win1257 koi8u sjis big5 gbk uhc ' +
    'gb18030 johab shiftjis2004 iso88592 iso88593 iso88594 iso88599 iso885910 iso885913 ' +
    'iso885914 iso885915 iso885916 alt cp866 koi8 mskanji shiftjis tcvn tcvn5712 vscii win ' +
    'windows866 windows874 windows1250 windows1251 windows1252 windows1253 windows1254 ' +
    'windows1255 windows1256 windows1257 windows1258 abc cp1250 cp1251 cp1252 cp1253 cp1254 ' +
    'cp1255 cp1256 cp1257 cp1258 cp874 cp932 cp936 cp949 cp950 koi8'
  ).split(' '),
);

/** pg_char_to_encoding (clean_encoding_name): the encoding called `name`. */
function encodingByName(name: string, direction: 'source' | 'destination'): Encoding {
  const clean = name.toLowerCase().replace(/[^a-z0-9]/g, '');
  if (clean === 'utf8' || clean === 'unicode') return 'UTF8';
  if (clean === 'latin1' || clean === 'iso88591') return 'LATIN1';
  if (clean === 'sqlascii') return 'SQL_ASCII';
  if (OTHER_ENCODINGS.has(clean)) return { other: clean };
  throw new SqlError(
    SqlState.INVALID_PARAMETER_VALUE,
    `invalid ${direction} encoding name "${name}"`,
  );
}

function notSupported(e: Encoding): SqlError {
  const name = typeof e === 'string' ? e : e.other;
  return new SqlError(
    SqlState.FEATURE_NOT_SUPPORTED,
    `conversion with encoding "${name}" is not supported`,
  );
}

function sameEncoding(a: Encoding, b: Encoding): boolean {
  return typeof a === 'string' || typeof b === 'string' ? a === b : a.other === b.other;
}

/** pg_verify_mbstr: UTF8's rules; NUL is the only invalid byte of LATIN1 and SQL_ASCII. */
function verify(b: Uint8Array, e: Encoding): void {
  if (b.length === 0) return;
  if (typeof e !== 'string') throw notSupported(e);
  if (e === 'UTF8') {
    verifyUtf8(b);
    return;
  }
  const zero = b.indexOf(0);
  if (zero >= 0) throw invalidSequence(e, b.subarray(zero, zero + 1));
}

/** pg_convert: verify the source, then pg_do_encoding_conversion. */
function pgConvert(b: Uint8Array, from: Encoding, to: Encoding): Uint8Array {
  verify(b, from);
  if (b.length === 0 || sameEncoding(from, to) || to === 'SQL_ASCII') return b;
  if (from === 'SQL_ASCII') {
    verify(b, to);
    return b;
  }
  if (typeof from !== 'string') throw notSupported(from);
  if (typeof to !== 'string') throw notSupported(to);
  // UTF8 <-> LATIN1
  return from === 'LATIN1' ? utf8(String.fromCharCode(...b)) : encodeLatin1(b);
}

const hexByte = (b: number) => `0x${b.toString(16).padStart(2, '0')}`;

function invalidSequence(encoding: string, bytes: Uint8Array): SqlError {
  return new SqlError(
    SqlState.CHARACTER_NOT_IN_REPERTOIRE,
    `invalid byte sequence for encoding "${encoding}": ${[...bytes].map(hexByte).join(' ')}`,
  );
}

/** pg_utf_mblen: the length a UTF-8 sequence announces by its first byte. */
function utf8Length(b: number): number {
  if ((b & 0x80) === 0) return 1;
  if ((b & 0xe0) === 0xc0) return 2;
  if ((b & 0xf0) === 0xe0) return 3;
  if ((b & 0xf8) === 0xf0) return 4;
  return 1;
}

/** pg_utf8_islegal. */
function utf8Legal(b: Uint8Array, at: number, len: number): boolean {
  const cont = (k: number) => {
    const c = b[at + k];
    return c !== undefined && c >= 0x80 && c <= 0xbf;
  };
  const a = b[at]!;
  const second = b[at + 1] ?? 0;
  switch (len) {
    case 1:
      return a < 0x80;
    case 2:
      return a >= 0xc2 && cont(1);
    case 3:
      if (!cont(1) || !cont(2)) return false;
      if (a === 0xe0) return second >= 0xa0;
      if (a === 0xed) return second <= 0x9f;
      return true;
    case 4:
      if (!cont(1) || !cont(2) || !cont(3)) return false;
      if (a === 0xf0) return second >= 0x90;
      if (a === 0xf4) return second <= 0x8f;
      return a < 0xf4;
    default:
      return false;
  }
}

/** pg_verify_mbstr for UTF8: the first invalid sequence raises 22021 with its bytes. */
export function verifyUtf8(b: Uint8Array): void {
  for (let i = 0; i < b.length; ) {
    const len = utf8Length(b[i]!);
    if (b[i] === 0 || len > b.length - i || !utf8Legal(b, i, len)) {
      throw invalidSequence('UTF8', b.subarray(i, i + Math.min(len, b.length - i)));
    }
    i += len;
  }
}

/** UTF-8 bytes (already verified) to LATIN1, or 22P05 for characters it lacks. */
function encodeLatin1(b: Uint8Array): Uint8Array {
  const str = new TextDecoder().decode(b);
  const out = new Uint8Array(str.length);
  let n = 0;
  for (const ch of str) {
    const cp = ch.codePointAt(0)!;
    if (cp > 0xff) {
      const seq = [...utf8(ch)].map(hexByte).join(' ');
      throw new SqlError(
        '22P05',
        `character with byte sequence ${seq} in encoding "UTF8" has no equivalent in encoding "LATIN1"`,
      );
    }
    out[n++] = cp;
  }
  return out.slice(0, n);
}

/** convert_from(bytes, src_encoding): to the database encoding (UTF8). */
export function convertFrom(b: Uint8Array, source: string): string {
  const bytes = pgConvert(b, encodingByName(source, 'source'), 'UTF8');
  return new TextDecoder().decode(bytes);
}

/** convert_to(string, dest_encoding): from the database encoding (UTF8). */
export function convertTo(s: string, destination: string): Uint8Array {
  return pgConvert(utf8(s), 'UTF8', encodingByName(destination, 'destination'));
}

/** convert(bytes, src_encoding, dest_encoding). */
export function convert(b: Uint8Array, source: string, destination: string): Uint8Array {
  const from = encodingByName(source, 'source');
  const to = encodingByName(destination, 'destination');
  return pgConvert(b, from, to).slice();
}
