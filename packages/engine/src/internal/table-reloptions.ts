/**
 * A table's storage parameters: CREATE TABLE ... WITH (...) and ALTER
 * TABLE ... SET (...) / RESET (...), validated as PostgreSQL 15's
 * heap_reloptions does and stored in pg_class.reloptions as `name=value`
 * text, the value as written (transformRelOptions). fillfactor is read by
 * the heap and the autovacuum_* parameters by autovacuum; the rest are
 * stored for tools that read them.
 */
import type { PNode } from '@pg/sql';
import { reloptionValue } from './autovacuum.js';
import { EngineError } from './result.js';

type Bounds = {
  readonly kind: 'bool' | 'int' | 'real';
  readonly min?: number;
  readonly max?: number;
};

/** The heap's own parameters (besides autovacuum's, which autovacuum.ts validates). */
const HEAP_BOUNDS: Readonly<Record<string, Bounds>> = {
  fillfactor: { kind: 'int', min: 10, max: 100 },
  toast_tuple_target: { kind: 'int', min: 128, max: 8160 },
  parallel_workers: { kind: 'int', min: 0, max: 1024 },
  log_autovacuum_min_duration: { kind: 'int', min: -1, max: 2147483647 },
  autovacuum_multixact_freeze_min_age: { kind: 'int', min: 0, max: 1000000000 },
  autovacuum_multixact_freeze_max_age: { kind: 'int', min: 10000, max: 2000000000 },
  autovacuum_multixact_freeze_table_age: { kind: 'int', min: 0, max: 2000000000 },
  vacuum_truncate: { kind: 'bool' },
  user_catalog_table: { kind: 'bool' },
};

const BOOL_WORDS = new Set([
  'true',
  'false',
  'on',
  'off',
  'yes',
  'no',
  '1',
  '0',
  't',
  'f',
  'y',
  'n',
]);

/** defGetString of a DefElem's argument; no argument is "true". */
function argText(arg: PNode | undefined): string {
  if (arg === undefined) return 'true';
  if (arg.Integer !== undefined) return String(arg.Integer.ival ?? 0);
  if (arg.Float !== undefined) return String(arg.Float.fval);
  if (arg.String !== undefined) return String(arg.String.sval);
  if (arg.Boolean !== undefined) return arg.Boolean.boolval === true ? 'true' : 'false';
  if (arg.TypeName !== undefined) {
    return ((arg.TypeName.names ?? []) as PNode[]).map((n) => String(n.String?.sval)).join('.');
  }
  return String(Object.values(arg)[0]);
}

function validate(name: string, text: string): void {
  const heap = HEAP_BOUNDS[name];
  if (heap === undefined) {
    if (name === 'vacuum_index_cleanup') {
      if (!BOOL_WORDS.has(text.toLowerCase()) && text.toLowerCase() !== 'auto') {
        throw new EngineError('22023', `invalid value for enum option "${name}": ${text}`, {
          detail: 'Valid values are "on", "off", and "auto".',
        });
      }
      return;
    }
    reloptionValue(name, text); // autovacuum_*, or 22023 unrecognized parameter
    return;
  }
  if (heap.kind === 'bool') {
    if (!BOOL_WORDS.has(text.toLowerCase())) {
      throw new EngineError('22023', `invalid value for boolean option "${name}": ${text}`);
    }
    return;
  }
  const n = Number(text.trim());
  if (text.trim() === '' || !Number.isInteger(n)) {
    throw new EngineError('22023', `invalid value for integer option "${name}": ${text}`);
  }
  if (n < (heap.min ?? 0) || n > (heap.max ?? 0)) {
    throw new EngineError('22023', `value ${text.trim()} out of bounds for option "${name}"`, {
      detail: `Valid values are between "${heap.min}" and "${heap.max}".`,
    });
  }
}

function entries(defs: readonly PNode[]): { name: string; text: string }[] {
  return defs.map((d) => {
    const e = (d.DefElem ?? d) as PNode;
    if (e.defnamespace !== undefined) {
      if (e.defnamespace !== 'toast') {
        throw new EngineError(
          '22023',
          `unrecognized parameter namespace "${String(e.defnamespace)}"`,
        );
      }
      throw new EngineError('0A000', 'toast.* storage parameters are not supported yet');
    }
    return { name: String(e.defname), text: argText(e.arg) };
  });
}

/** WITH (...) of CREATE TABLE: the pg_class.reloptions entries. */
export function tableReloptions(defs: readonly PNode[] | undefined): string[] {
  const out: string[] = [];
  for (const { name, text } of entries(defs ?? [])) {
    if (name === 'oids') {
      if (text.toLowerCase() === 'false' || text === '0' || text.toLowerCase() === 'off') continue;
      throw new EngineError('0A000', 'tables declared WITH OIDS are not supported');
    }
    validate(name, text);
    if (out.some((o) => o.startsWith(`${name}=`))) {
      throw new EngineError('22023', `parameter "${name}" specified more than once`);
    }
    out.push(`${name}=${text}`);
  }
  return out;
}

/** ALTER TABLE SET (...) / RESET (...) over the current reloptions. */
export function alteredReloptions(
  current: readonly string[],
  defs: readonly PNode[],
  reset: boolean,
): string[] {
  const out = [...current];
  for (const { name, text } of entries(defs)) {
    const at = out.findIndex((o) => o.startsWith(`${name}=`));
    if (at >= 0) out.splice(at, 1);
    if (reset) continue;
    validate(name, text);
    out.push(`${name}=${text}`);
  }
  return out;
}
