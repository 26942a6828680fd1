/**
 * Registers the record family: the record type (2249, see record-type.ts)
 * and record[] (2287, typcategory P as in PostgreSQL), its comparison operators
 * (record_eq ... btrecordcmp, record_cmp's order) and row_to_json. Runs
 * before the arrays family.
 */
import { makeArrayType } from '../arrays/array-type.js';
import { registerComparisons } from '../core/define.js';
import { TypeOid } from '../core/oids.js';
import type { Registry } from '../core/registry.js';
import { toJsonText } from '../json/to-json.js';
import { makeRecordType } from './record-type.js';

export { makeRecordType, recordCompare, recordHash, recordIn, recordOut } from './record-type.js';
export { isPgRecord, type PgRecord, pgRecord, type RecordField } from './record-value.js';

export function register(r: Registry): void {
  const record = makeRecordType(r);
  r.addType(record);
  // record[] (2287) is a pseudo-type too (typcategory P), unlike other array types
  r.addType({ ...makeArrayType(record), category: 'P' });
  registerComparisons(r, record, 'record_', 'btrecordcmp');
  r.addFunction({
    name: 'row_to_json',
    args: [TypeOid.record],
    result: TypeOid.json,
    volatility: 's',
    strict: true,
    impl: ([v], ctx) => toJsonText(v, TypeOid.record, r, ctx),
  });
}
