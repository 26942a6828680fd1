/**
 * current_setting(name [, missing_ok]) and set_config(name, value,
 * is_local): functions of the session's settings (GUCs), so not in the
 * @pg/types registry, whose functions see only a TypeContext. Analysis
 * resolves calls to these definitions; the executor recognizes them
 * (`settingsFunction`) and runs them against its ExecContext's settings.
 */
import { type FunctionDef, SqlError, TypeOid } from '@pg/types';

function needsSession(): never {
  throw new SqlError('0A000', 'settings functions run only in the executor');
}

const { text, bool } = TypeOid;

/** pg_proc's current_setting (stable, strict) and set_config (volatile, not strict). */
export const SETTINGS_FUNCTIONS: readonly FunctionDef[] = [
  {
    name: 'current_setting',
    args: [text],
    result: text,
    volatility: 's',
    strict: true,
    impl: needsSession,
  },
  {
    name: 'current_setting',
    args: [text, bool],
    result: text,
    volatility: 's',
    strict: true,
    impl: needsSession,
  },
  {
    name: 'set_config',
    args: [text, text, bool],
    result: text,
    volatility: 'v',
    strict: false,
    impl: needsSession,
  },
];

/** Which settings function `fn` is (undefined for any other). */
export function settingsFunction(fn: FunctionDef): 'current_setting' | 'set_config' | undefined {
  if (!SETTINGS_FUNCTIONS.includes(fn)) return undefined;
  return fn.name === 'set_config' ? 'set_config' : 'current_setting';
}
