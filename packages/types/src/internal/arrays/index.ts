/**
 * Registers the arrays family: for every registered type with a typarray,
 * its array type ('_' + typname, PgArray values, see array-type.ts), and the
 * polymorphic array functions and operators (functions.ts). Runs last, after
 * every element type is in the registry. pg_cast holds no array entries
 * (array coercions go element by element through the element casts, which
 * is the executor's business), so no casts are registered here.
 */
import type { Registry } from '../core/registry.js';
import { makeArrayType } from './array-type.js';
import { registerArrayFunctions } from './functions.js';

export { arrayIn } from './array-in.js';
export {
  type ArrayPgType,
  arrayOut,
  compareArrays,
  decodeArray,
  encodeArray,
  makeArrayType,
} from './array-type.js';
export {
  arrayAppend,
  arrayCat,
  arrayGet,
  arrayPrepend,
  arraySet,
  arraySlice,
  mapArray,
  scalarArrayOpAll,
  scalarArrayOpAny,
  stringToArray,
} from './functions.js';

export function register(r: Registry): void {
  // format_type_extended(..., FORMAT_TYPE_ALLOW_INVALID): '-' for 0, '???' for unknown OIDs.
  const typeName = (oid: number) => (oid === 0 ? '-' : (r.type(oid)?.displayName ?? '???'));
  for (const elem of r.types()) {
    if (elem.arrayOid === 0 || r.type(elem.arrayOid) !== undefined) continue;
    r.addType(makeArrayType(elem, typeName));
  }
  registerArrayFunctions(r);
}
