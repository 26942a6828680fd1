/**
 * The built-in catalog: every family registered, in dependency order
 * (arrays last: it creates the array type of every element type).
 */
import { register as registerArrays } from './arrays/index.js';
import { register as registerBit } from './bit/index.js';
import { Registry } from './core/registry.js';
import { register as registerDatetime } from './datetime/index.js';
import { register as registerJson } from './json/index.js';
import { register as registerNumeric } from './numeric/index.js';
import { register as registerRanges } from './ranges/index.js';
import { register as registerRecords } from './records/index.js';
import { register as registerReg } from './reg/index.js';
import { register as registerScalars } from './scalars/index.js';
import { register as registerText } from './text/index.js';

/** A registry holding PostgreSQL's built-in types, functions, operators and casts. */
export function createBuiltinRegistry(): Registry {
  const r = new Registry();
  registerScalars(r);
  registerNumeric(r);
  registerText(r);
  registerBit(r);
  registerDatetime(r);
  registerJson(r);
  registerReg(r);
  registerRecords(r);
  registerRanges(r); // ranges: after their subtypes, before their arrays
  registerArrays(r);
  return r;
}

/** The shared built-in registry. */
export const builtins: Registry = createBuiltinRegistry();
