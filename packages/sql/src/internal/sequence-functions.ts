/**
 * nextval(regclass), currval(regclass), setval(regclass, bigint [, bool]),
 * lastval() and pg_get_serial_sequence(text, text): functions of the
 * session's sequences and catalog, so not in the @pg/types registry, whose
 * functions see only a TypeContext. Analysis resolves calls to these
 * definitions (after the registry, like the settings functions); the
 * executor recognizes them (`sequenceFunction`) and runs them against the
 * session's sequences (ExecContext.settings.sequences).
 */
import { type FunctionDef, SqlError, TypeOid } from '@pg/types';

function needsSession(): never {
  throw new SqlError('0A000', 'sequence functions run only in the executor');
}

const { text, bool, int8, regclass } = TypeOid;

/** pg_proc's rows for them: all volatile and strict, pg_get_serial_sequence stable. */
export const SEQUENCE_FUNCTIONS: readonly FunctionDef[] = [
  {
    name: 'nextval',
    args: [regclass],
    result: int8,
    volatility: 'v',
    strict: true,
    impl: needsSession,
  },
  {
    name: 'currval',
    args: [regclass],
    result: int8,
    volatility: 'v',
    strict: true,
    impl: needsSession,
  },
  {
    name: 'setval',
    args: [regclass, int8],
    result: int8,
    volatility: 'v',
    strict: true,
    impl: needsSession,
  },
  {
    name: 'setval',
    args: [regclass, int8, bool],
    result: int8,
    volatility: 'v',
    strict: true,
    impl: needsSession,
  },
  { name: 'lastval', args: [], result: int8, volatility: 'v', strict: true, impl: needsSession },
  {
    name: 'pg_get_serial_sequence',
    args: [text, text],
    result: text,
    volatility: 's',
    strict: true,
    impl: needsSession,
  },
];

export type SequenceFunctionName =
  | 'nextval'
  | 'currval'
  | 'setval'
  | 'lastval'
  | 'pg_get_serial_sequence';

/** Which sequence function `fn` is (undefined for any other). */
export function sequenceFunction(fn: FunctionDef): SequenceFunctionName | undefined {
  if (!SEQUENCE_FUNCTIONS.includes(fn)) return undefined;
  return fn.name as SequenceFunctionName;
}

/** Their names (the analyzer looks among them only for these). */
export const SEQUENCE_FUNCTION_NAMES: ReadonlySet<string> = new Set(
  SEQUENCE_FUNCTIONS.map((f) => f.name),
);
