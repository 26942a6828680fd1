/**
 * The json (OID 114) and jsonb (OID 3802) types.
 *
 * json: a JavaScript string, the input text itself after validation
 * (json_in keeps it verbatim, whitespace and duplicate keys included).
 * PostgreSQL has no ordering for json; compare() orders by the text's code
 * points so that the type laws hold, but no operators are registered.
 *
 * jsonb: a JsonbValue (see jsonb-value.ts). Text output as jsonb_out;
 * binary send/receive is a version byte 1 then the text; on disk it is
 * PostgreSQL's JsonbContainer (jsonb-disk.ts).
 */
import { SqlError, SqlState } from '../core/errors.js';
import { hashBytes } from '../core/hash.js';
import { TypeOid } from '../core/oids.js';
import type { PgType } from '../core/type.js';
import { fromUtf8, utf8, WireReader } from '../core/wire.js';
import { normalizeNumber } from './decimal.js';
import { decodeJsonb, encodeJsonb } from './jsonb-disk.js';
import {
  compareBytes,
  compareJsonb,
  hashJsonb,
  JSONB_NULL,
  type JsonbValue,
  jsonbNumber,
  jsonbToText,
  makeObject,
} from './jsonb-value.js';
import { type JsonNode, parseJson } from './parser.js';

/** The jsonb value of a parsed JSON tree (parsed with de-escaping). */
export function nodeToJsonb(node: JsonNode): JsonbValue {
  switch (node.kind) {
    case 'null':
      return JSONB_NULL;
    case 'bool':
      return node.value;
    case 'number':
      return jsonbNumber(normalizeNumber(node.text));
    case 'string':
      return node.value ?? '';
    case 'array':
      return node.elements.map(nodeToJsonb);
    case 'object':
      return makeObject(node.pairs.map((p) => [p.key ?? '', nodeToJsonb(p.value)] as const));
  }
}

/** jsonb_in. */
export function parseJsonb(text: string): JsonbValue {
  return nodeToJsonb(parseJson(text, true));
}

/** json_in: validates and returns the text unchanged. */
export function parseJsonText(text: string): string {
  parseJson(text, false);
  return text;
}

export const jsonType: PgType<string> = {
  name: 'json',
  displayName: 'json',
  oid: TypeOid.json,
  arrayOid: TypeOid._json,
  elemOid: 0,
  len: -1,
  byVal: false,
  align: 'i',
  storage: 'x',
  category: 'U',
  preferred: false,
  input: (text) => parseJsonText(text),
  output: (v) => v,
  send: (v) => utf8(v),
  receive: (bytes) => parseJsonText(fromUtf8(bytes)),
  encode: (v) => utf8(v),
  decode: (bytes) => fromUtf8(bytes),
  compare: compareBytes,
  hash: (v) => hashBytes(utf8(v)),
};

export const jsonbType: PgType<JsonbValue> = {
  name: 'jsonb',
  displayName: 'jsonb',
  oid: TypeOid.jsonb,
  arrayOid: TypeOid._jsonb,
  elemOid: 0,
  len: -1,
  byVal: false,
  align: 'i',
  storage: 'x',
  category: 'U',
  preferred: false,
  input: (text) => parseJsonb(text),
  output: (v) => jsonbToText(v),
  send(v) {
    const text = utf8(jsonbToText(v));
    const out = new Uint8Array(text.length + 1);
    out[0] = 1;
    out.set(text, 1);
    return out;
  },
  receive(bytes) {
    const r = new WireReader(bytes);
    const version = r.uint8();
    if (version !== 1) {
      // elog(ERROR) in jsonb_recv: an internal error, not 22P03
      throw new SqlError(SqlState.INTERNAL_ERROR, `unsupported jsonb version number ${version}`);
    }
    return parseJsonb(fromUtf8(r.rest()));
  },
  encode: encodeJsonb,
  decode: decodeJsonb,
  compare: compareJsonb,
  hash: hashJsonb,
};
