export {
  arrayGet,
  arraySet,
  arraySlice,
  scalarArrayOpAll,
  scalarArrayOpAny,
} from './internal/arrays/index.js';
export { builtins, createBuiltinRegistry } from './internal/builtins.js';
export { type PgArray, pgArray } from './internal/core/array-value.js';
export {
  currentTimestamp,
  defaultContext,
  POSTGRES_EPOCH_OFFSET_MICROS,
  type RegCatalog,
  type TypeContext,
  type XactContext,
} from './internal/core/context.js';
export {
  alignOffset,
  decodeRow,
  type EncodedRow,
  encodeRow,
  readVarlena,
  VARATT_SHORT_MAX,
  VARHDRSZ,
  VARHDRSZ_SHORT,
  varlena1,
  varlena4,
} from './internal/core/datum.js';
export { compareNullable } from './internal/core/define.js';
export {
  type ErrorObjectNames,
  SqlError,
  SqlState,
  type SqlStateCode,
} from './internal/core/errors.js';
// issue 9: COPY's fast path (text input straight to on-disk datums)
export { DatumRow, type FastDatumInput, fastDatumInput } from './internal/core/fast-input.js';
export { TypeOid, type TypeOidName } from './internal/core/oids.js';
export {
  type CastContext,
  type CastDef,
  type FunctionDef,
  type OperatorDef,
  Registry,
  type Volatility,
} from './internal/core/registry.js';
export type { AnyPgType, PgType, TypAlign, TypStorage } from './internal/core/type.js';
// What the executor needs beyond the registry.
export { sqlValueFunctions } from './internal/datetime/index.js';
export type { Interval, TimeTz } from './internal/datetime/types.js';
export type { JsonbNull, JsonbNumber, JsonbObject, JsonbValue } from './internal/json/index.js';
export {
  JSONB_NULL,
  jsonAgg,
  jsonbAgg,
  jsonbObjectAgg,
  jsonObjectAgg,
  toJsonbElement,
} from './internal/json/index.js';
// Values of the families whose JavaScript representation is an object.
export type { Numeric } from './internal/numeric/index.js';
// Range types (int4range ... tstzrange): their values, OIDs and algebra, for the analyzer and BRIN.
export {
  isPgRange,
  isRangeType,
  makeRange,
  type PgRange,
  RangeOid,
  rangeContains,
  rangeContainsElem,
  rangeMerge,
  rangeOverlaps,
  rangeSubtype,
  rangeTypeOf,
} from './internal/ranges/index.js';
// Record values (ROW(...), whole-row references) and their text form.
export {
  isPgRecord,
  type PgRecord,
  pgRecord,
  type RecordField,
  recordIn,
  recordOut,
} from './internal/records/index.js';
// The OID alias types' name handling, for the catalog hook and the analyzer.
export {
  formatTypeName,
  RegOid,
  regFunctions,
  splitQualifiedName,
} from './internal/reg/index.js';
// quote_ident / quote_identifier: the one identifier quoting every package uses.
export { quoteIdent } from './internal/text/functions.js';
