/**
 * A table's storage parameters: CREATE TABLE ... WITH (...) and ALTER
 * TABLE ... SET (...) / RESET (...), validated as PostgreSQL 15's
 * heap_reloptions does and stored in pg_class.reloptions as `name=value`
 * text, the value as written (transformRelOptions). fillfactor is read by
 * the heap and the autovacuum_* parameters by autovacuum; the rest are
 * stored for tools that read them.
 */
import type { PNode } from '@pg/sql';
import { SqlError } from '@pg/types';
import { EngineError } from './result.js';

type Bounds = {
  readonly kind: 'bool' | 'int' | 'real';
  readonly min?: number;
  readonly max?: number;
};

/** A table's storage parameters (reloptions.c's heap and autovacuum entries), bounds as PostgreSQL 15. */
const RELOPTION_BOUNDS: Readonly<Record<string, Bounds>> = {
  fillfactor: { kind: 'int', min: 10, max: 100 },
  toast_tuple_target: { kind: 'int', min: 128, max: 8160 },
  parallel_workers: { kind: 'int', min: 0, max: 1024 },
  log_autovacuum_min_duration: { kind: 'int', min: -1, max: 2147483647 },
  vacuum_truncate: { kind: 'bool' },
  user_catalog_table: { kind: 'bool' },
  autovacuum_enabled: { kind: 'bool' },
  autovacuum_vacuum_threshold: { kind: 'int', min: 0, max: 2147483647 },
  autovacuum_vacuum_insert_threshold: { kind: 'int', min: -1, max: 2147483647 },
  autovacuum_analyze_threshold: { kind: 'int', min: 0, max: 2147483647 },
  autovacuum_vacuum_cost_limit: { kind: 'int', min: 1, max: 10000 },
  autovacuum_freeze_min_age: { kind: 'int', min: 0, max: 1000000000 },
  autovacuum_freeze_max_age: { kind: 'int', min: 100000, max: 2000000000 },
  autovacuum_freeze_table_age: { kind: 'int', min: 0, max: 2000000000 },
  autovacuum_multixact_freeze_min_age: { kind: 'int', min: 0, max: 1000000000 },
  autovacuum_multixact_freeze_max_age: { kind: 'int', min: 10000, max: 2000000000 },
  autovacuum_multixact_freeze_table_age: { kind: 'int', min: 0, max: 2000000000 },
  autovacuum_vacuum_cost_delay: { kind: 'real', min: 0, max: 100 },
  autovacuum_vacuum_scale_factor: { kind: 'real', min: 0, max: 100 },
  autovacuum_vacuum_insert_scale_factor: { kind: 'real', min: 0, max: 100 },
  autovacuum_analyze_scale_factor: { kind: 'real', min: 0, max: 100 },
};

const BOOL_TEXT: Readonly<Record<string, boolean>> = {
  true: true,
  on: true,
  yes: true,
  '1': true,
  t: true,
  y: true,
  false: false,
  off: false,
  no: false,
  '0': false,
  f: false,
  n: false,
};

/** Whether `name` is a storage parameter of a table. */
export function isReloption(name: string): boolean {
  return RELOPTION_BOUNDS[name] !== undefined;
}

/** One storage parameter's value, validated (22023 as PostgreSQL 15's parseRelOptions). */
export function reloptionValue(name: string, text: string): number | boolean {
  const def = RELOPTION_BOUNDS[name];
  if (def === undefined) throw new SqlError('22023', `unrecognized parameter "${name}"`);
  if (def.kind === 'bool') {
    const v = BOOL_TEXT[text.trim().toLowerCase()];
    if (v === undefined)
      throw new SqlError('22023', `invalid value for boolean option "${name}": ${text}`);
    return v;
  }
  const n = Number(text.trim());
  if (text.trim() === '' || Number.isNaN(n))
    throw new SqlError(
      '22023',
      `invalid value for ${def.kind === 'int' ? 'integer' : 'floating point'} option "${name}": ${text}`,
    );
  const min = def.min ?? 0;
  const max = def.max ?? 0;
  if (n < min || n > max)
    throw new SqlError('22023', `value ${text.trim()} out of bounds for option "${name}"`, {
      detail:
        def.kind === 'int'
          ? `Valid values are between "${min}" and "${max}".`
          : `Valid values are between "${min.toFixed(6)}" and "${max.toFixed(6)}".`,
    });
  return def.kind === 'int' ? Math.round(n) : n;
}

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
  if (name === 'vacuum_index_cleanup') {
    if (BOOL_TEXT[text.toLowerCase()] === undefined && text.toLowerCase() !== 'auto') {
      throw new EngineError('22023', `invalid value for enum option "${name}": ${text}`, {
        detail: 'Valid values are "on", "off", and "auto".',
      });
    }
    return;
  }
  reloptionValue(name, text); // 22023: unrecognized parameter, a bad value, out of bounds
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
