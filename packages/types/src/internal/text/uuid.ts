/**
 * uuid (OID 2950): a string in the canonical lowercase hyphenated form
 * ('a0eebc99-9c0b-4ef8-bb6d-6bb9bd380a11'). 16 bytes on disk and on the
 * wire. Input as uuid_in (string_to_uuid): optional braces around 32 hex
 * digits, which may be upper case, with an optional hyphen after any
 * group of four digits. Compared bytewise, which is the order of the
 * canonical strings.
 */
import { invalidInput } from '../core/errors.js';
import { hashBytes } from '../core/hash.js';
import { TypeOid } from '../core/oids.js';
import type { PgType } from '../core/type.js';
import { readWhole } from '../core/wire.js';
import { hexEncode } from './bytea.js';

const UUID_LEN = 16;

/** The canonical text of 16 bytes. */
export function uuidFromBytes(b: Uint8Array): string {
  const h = hexEncode(b);
  return `${h.slice(0, 8)}-${h.slice(8, 12)}-${h.slice(12, 16)}-${h.slice(16, 20)}-${h.slice(20)}`;
}

/** The 16 bytes of a canonical uuid string. */
export function uuidToBytes(v: string): Uint8Array {
  const h = v.replace(/-/g, '');
  const out = new Uint8Array(UUID_LEN);
  for (let i = 0; i < UUID_LEN; i++) out[i] = Number.parseInt(h.slice(2 * i, 2 * i + 2), 16);
  return out;
}

const isHex = (c: string | undefined): boolean => c !== undefined && /^[0-9a-fA-F]$/.test(c);

/** string_to_uuid. */
export function uuidIn(text: string): string {
  let at = 0;
  let braces = false;
  if (text[0] === '{') {
    at++;
    braces = true;
  }
  let hex = '';
  for (let i = 0; i < UUID_LEN; i++) {
    if (!isHex(text[at]) || !isHex(text[at + 1])) throw invalidInput('uuid', text);
    hex += text.slice(at, at + 2);
    at += 2;
    if (text[at] === '-' && i % 2 === 1 && i < UUID_LEN - 1) at++;
  }
  if (braces) {
    if (text[at] !== '}') throw invalidInput('uuid', text);
    at++;
  }
  if (at !== text.length) throw invalidInput('uuid', text);
  const h = hex.toLowerCase();
  return `${h.slice(0, 8)}-${h.slice(8, 12)}-${h.slice(12, 16)}-${h.slice(16, 20)}-${h.slice(20)}`;
}

export const uuidType: PgType<string> = {
  name: 'uuid',
  displayName: 'uuid',
  oid: TypeOid.uuid,
  arrayOid: TypeOid._uuid,
  elemOid: 0,
  len: UUID_LEN,
  byVal: false,
  align: 'c',
  storage: 'p',
  category: 'U',
  preferred: false,
  input: (text) => uuidIn(text),
  output: (v) => v,
  send: uuidToBytes,
  receive: (bytes) => readWhole(bytes, (r) => uuidFromBytes(r.bytes(UUID_LEN))),
  encode: uuidToBytes,
  decode: (bytes) => uuidFromBytes(bytes.subarray(0, UUID_LEN)),
  // Canonical strings of lowercase hex sort as their bytes do.
  compare: (a, b) => (a < b ? -1 : a > b ? 1 : 0),
  hash: (v) => hashBytes(uuidToBytes(v)),
};
