/**
 * issue 9 (F): what the session's parse-time locking needs (session.ts
 * #planLocked): the relations analysis looked up, in order, and the lock
 * mode the statement takes on each.
 *
 * PostgreSQL opens every relation a statement names while analyzing it
 * (parserOpenTable → RangeVarGetRelidExtended with the statement's lock
 * mode), and after a lock wait processes the invalidations the wait let
 * pile up (AcceptInvalidationMessages), so the statement is analyzed and
 * planned against the relation as the DDL it waited for left it. Here
 * analysis is synchronous and locks are awaited, so the session analyzes,
 * locks what analysis looked up, and analyzes again when it had to wait.
 */

import { LockMode } from '@pg/mvcc';
import type { CatalogView } from '@pg/sql';

/** The catalog view with every relation found recorded in `seen` (by OID, in lookup order). */
export function recordingLookups<V extends CatalogView>(view: V, seen: number[]): V {
  return {
    ...view,
    lookupRelation: (schema: string | undefined, name: string) => {
      const r = view.lookupRelation(schema, name);
      if (r !== undefined) seen.push(r.oid);
      return r;
    },
  };
}

const SKIP = new Set(['fn', 'op', 'cast', 'agg', 'def']);

/**
 * The strongest lock mode the analyzed statement takes on each relation
 * it names (its range tables at every level: sub-SELECTs, WITH queries,
 * expanded views), into `modes`.
 */
export function statementLockModes(query: unknown, modes: Map<number, LockMode>): void {
  const seen = new Set<object>();
  const walk = (x: unknown): void => {
    if (x === null || typeof x !== 'object' || seen.has(x)) return;
    seen.add(x);
    if (Array.isArray(x)) {
      for (const e of x) walk(e);
      return;
    }
    if (x instanceof Map) {
      for (const v of x.values()) walk(v);
      return;
    }
    const o = x as Record<string, unknown>;
    if (o.kind === 'var' || o.kind === 'const') return;
    if (
      o.kind === 'relation' &&
      typeof o.relationOid === 'number' &&
      typeof o.lockMode === 'string'
    ) {
      const mode = LockMode[o.lockMode as keyof typeof LockMode];
      const prev = modes.get(o.relationOid);
      if (mode !== undefined && (prev === undefined || mode > prev)) modes.set(o.relationOid, mode);
    }
    for (const k in o) if (!SKIP.has(k)) walk(o[k]);
  };
  walk(query);
}

const planModes = new WeakMap<object, readonly (readonly [number, LockMode])[]>();

/** statementLockModes of a (cached) plan's query, computed once per query tree. */
export function planLockModes(query: object): readonly (readonly [number, LockMode])[] {
  let m = planModes.get(query);
  if (m === undefined) {
    const modes = new Map<number, LockMode>();
    statementLockModes(query, modes);
    m = [...modes];
    planModes.set(query, m);
  }
  return m;
}
