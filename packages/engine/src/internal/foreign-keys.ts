/**
 * Foreign keys at run time (H8): PostgreSQL's RI triggers as queued
 * events. Each inserted, updated or deleted row queues an event per
 * foreign key it touches; the session fires the queue at the end of the
 * statement (AFTER ROW triggers), and the events of DEFERRABLE constraints
 * that are deferred (INITIALLY DEFERRED, or SET CONSTRAINTS) at commit.
 *
 * The checks are the queries ri_triggers.c runs, run as SQL in the
 * statement:
 * - the referencing side (RI_FKey_check): `SELECT 1 FROM p WHERE key = $
 *   FOR KEY SHARE` — the referenced row is locked, so a concurrent DELETE
 *   of it waits for this transaction (and one that deleted it first makes
 *   this one wait, then fail, or 40001 under REPEATABLE READ);
 * - the referenced side: NO ACTION (when no other row now has the old key)
 *   and RESTRICT look for a referencing row `FOR KEY SHARE` (23503 when
 *   one exists); CASCADE, SET NULL and SET DEFAULT run the DELETE or
 *   UPDATE on the referencing table, whose own events are fired before the
 *   next event (depth first, as the nested queries' AFTER triggers are).
 * Only the referencing-side check and NO ACTION can be deferred, as in
 * PostgreSQL (the action triggers are never deferrable).
 */
import type { Tid } from '@pg/access';
import type { ConstraintInfo, RelationDesc } from '@pg/catalog';
import { quoteIdent } from '@pg/catalog';
import type { RowTriggers } from '@pg/executor';
import {
  type ConstraintHost,
  checkRow,
  fkViolation,
  keyText,
  qualifiedName,
} from './constraints.js';
import { EngineError } from './result.js';

type FkEvent =
  | {
      readonly kind: 'check';
      readonly fk: ConstraintInfo;
      readonly values: readonly unknown[];
      readonly tid: Tid;
    }
  | {
      readonly kind: 'referenced';
      readonly fk: ConstraintInfo;
      readonly old: readonly unknown[];
      /** UPDATE: the new version (undefined for DELETE). */
      readonly next?: readonly unknown[];
    };

interface Keys {
  /** Foreign keys of the table (it references). */
  readonly out: readonly ConstraintInfo[];
  /** Foreign keys referencing the table. */
  readonly in: readonly ConstraintInfo[];
}

const keyCache = new WeakMap<RelationDesc, Keys>();

/** What the session gives foreign keys (the same as CHECK constraints). */
export type ForeignKeyHost = ConstraintHost;

/** SET CONSTRAINTS state and the queued events of one session's transaction. */
export class SessionForeignKeys {
  readonly #host: ForeignKeyHost;
  #txn: object | undefined;
  /** Events of the running statement (and of the nested RI statements). */
  #queue: FkEvent[] = [];
  /** Deferred events, fired at commit or SET CONSTRAINTS ... IMMEDIATE. */
  #deferred: FkEvent[] = [];
  /** Row versions this transaction has updated or deleted: their checks are skipped (RI_FKey_check). */
  readonly #dead = new Set<string>();
  /** SET CONSTRAINTS ALL: undefined when not given. */
  #all: boolean | undefined;
  /** SET CONSTRAINTS name: by constraint OID. */
  readonly #byOid = new Map<number, boolean>();

  constructor(host: ForeignKeyHost) {
    this.#host = host;
  }

  /** The transaction the state belongs to: a new one starts with nothing queued. */
  enter(txn: object): void {
    if (this.#txn === txn) return;
    this.#txn = txn;
    this.#queue = [];
    this.#deferred = [];
    this.#all = undefined;
    this.#byOid.clear();
    this.#dead.clear();
  }

  #keys(desc: RelationDesc): Keys {
    let k = keyCache.get(desc);
    if (k === undefined) {
      const cat = this.#host.catalog;
      k = {
        out: cat.constraintsOf(desc.oid).filter((c) => c.type === 'f'),
        in: cat.referencingConstraints(desc.oid),
      };
      keyCache.set(desc, k);
    }
    return k;
  }

  /** The executor's hooks. */
  readonly triggers: RowTriggers = {
    check: (rel, values) => checkRow(this.#host, rel, values),
    inserted: (rel, values, tid) => {
      for (const fk of this.#keys(rel).out) this.#queue.push({ kind: 'check', fk, values, tid });
    },
    updated: (rel, old, next, tid, oldTid) => {
      this.#dead.add(tidKey(rel.oid, oldTid));
      const k = this.#keys(rel);
      for (const fk of k.in) {
        if (!sameKey(fk.refColumns ?? [], old, next)) {
          this.#queue.push({ kind: 'referenced', fk, old, next });
        }
      }
      for (const fk of k.out) {
        if (!sameKey(fk.columns, old, next)) {
          this.#queue.push({ kind: 'check', fk, values: next, tid });
        }
      }
    },
    deleted: (rel, old, oldTid) => {
      this.#dead.add(tidKey(rel.oid, oldTid));
      for (const fk of this.#keys(rel).in) this.#queue.push({ kind: 'referenced', fk, old });
    },
  };

  /** Whether anything is queued (a statement's end has work to do). */
  get pending(): boolean {
    return this.#queue.length > 0;
  }

  /** Drops the running statement's events (it failed). */
  discardStatement(): void {
    this.#queue = [];
  }

  /** The end of a statement: its events fire (deferred ones wait for commit). */
  async endStatement(): Promise<void> {
    while (this.#queue.length > 0) {
      const batch = this.#queue;
      this.#queue = [];
      for (const e of batch) {
        if (this.#isDeferred(e)) this.#deferred.push(e);
        else await this.#fire(e);
      }
    }
  }

  /** Before COMMIT: the deferred events fire. */
  async beforeCommit(): Promise<void> {
    await this.endStatement();
    const list = this.#deferred;
    this.#deferred = [];
    for (const e of list) {
      await this.#fire(e);
      await this.endStatement();
    }
  }

  #isDeferred(e: FkEvent): boolean {
    const fk = e.fk;
    if (!fk.deferrable) return false;
    // only the referencing-side check and NO ACTION are deferrable
    if (e.kind === 'referenced') {
      const action = e.next === undefined ? fk.onDelete : fk.onUpdate;
      if (action !== 'a') return false;
    }
    return this.#byOid.get(fk.oid) ?? this.#all ?? fk.deferred;
  }

  /** SET CONSTRAINTS {ALL | name, ...} {DEFERRED | IMMEDIATE}. */
  async setConstraints(
    names: readonly { schema?: string; name: string }[] | undefined,
    deferred: boolean,
  ) {
    if (names === undefined) {
      this.#all = deferred;
      this.#byOid.clear();
    } else {
      const found: ConstraintInfo[] = [];
      for (const n of names) {
        const matches = this.#findConstraints(n);
        if (matches.length === 0) {
          throw new EngineError('42704', `constraint "${n.name}" does not exist`);
        }
        for (const c of matches) {
          if (!c.deferrable) {
            throw new EngineError('55000', `constraint "${n.name}" is not deferrable`);
          }
          found.push(c);
        }
      }
      for (const c of found) this.#byOid.set(c.oid, deferred);
    }
    if (!deferred) {
      // the now-immediate constraints' deferred events fire at once
      const keep: FkEvent[] = [];
      const now: FkEvent[] = [];
      for (const e of this.#deferred) (this.#isDeferred(e) ? keep : now).push(e);
      this.#deferred = keep;
      for (const e of now) {
        await this.#fire(e);
        await this.endStatement();
      }
    }
  }

  #findConstraints(n: { schema?: string; name: string }): ConstraintInfo[] {
    const cat = this.#host.catalog;
    const schemas =
      n.schema !== undefined
        ? [n.schema]
        : this.#host.searchPath().filter((s) => cat.namespaceOid(s) !== undefined);
    for (const s of schemas) {
      const nsp = cat.namespaceOid(s);
      if (nsp === undefined) continue;
      if (!cat.constraintNameTaken(n.name, nsp)) continue;
      const out: ConstraintInfo[] = [];
      for (const rel of cat.constraintTables(n.name, nsp)) {
        for (const c of cat.constraintsOf(rel))
          if (c.name === n.name && c.type === 'f') out.push(c);
      }
      const any = cat
        .constraintTables(n.name, nsp)
        .flatMap((rel) => cat.constraintsOf(rel).filter((c) => c.name === n.name));
      return out.length > 0 ? out : any;
    }
    return [];
  }

  async #fire(e: FkEvent): Promise<void> {
    const cat = this.#host.catalog;
    // the constraint may have been dropped since the event was queued
    const fk = cat.constraintByOid(e.fk.oid);
    if (fk === undefined) return;
    if (e.kind === 'check') await this.#checkReferencing(fk, e.values, e.tid);
    else await this.#referenced(fk, e.old, e.next);
  }

  /** RI_FKey_check: the new row's key must be present in the referenced table (locked FOR KEY SHARE). */
  async #checkReferencing(fk: ConstraintInfo, values: readonly unknown[], tid: Tid): Promise<void> {
    // a row version deleted or updated since (by this transaction) is not checked
    if (this.#dead.has(tidKey(fk.table, tid)) || !this.#host.rowLive(fk.table, tid)) return;
    const key = fk.columns.map((a) => values[a - 1] ?? null);
    const nulls = key.filter((v) => v === null).length;
    if (nulls === key.length) return;
    if (nulls > 0) {
      if (fk.match === 'f') throw fkViolation(this.#host, fk, key);
      return; // MATCH SIMPLE: a key with a NULL references nothing
    }
    const ref = this.#host.catalog.mustRelation(fk.refTable as number);
    const where = (fk.refColumns ?? [])
      .map((a, i) => `x.${quoteIdent(ref.columns[a - 1]?.name ?? '')} = $${i + 1}`)
      .join(' AND ');
    const rows = await this.#host.run(
      `SELECT 1 FROM ${qualifiedName(ref)} x WHERE ${where} FOR KEY SHARE`,
      key,
    );
    if (rows.length === 0) throw fkViolation(this.#host, fk, key);
  }

  /** The referenced side: NO ACTION / RESTRICT checks, CASCADE / SET NULL / SET DEFAULT actions. */
  async #referenced(
    fk: ConstraintInfo,
    old: readonly unknown[],
    next: readonly unknown[] | undefined,
  ): Promise<void> {
    const cat = this.#host.catalog;
    const ref = cat.mustRelation(fk.refTable as number);
    const desc = cat.mustRelation(fk.table);
    const refCols = fk.refColumns ?? [];
    const oldKey = refCols.map((a) => old[a - 1] ?? null);
    // a key with a NULL is referenced by nothing
    if (oldKey.some((v) => v === null)) return;
    const action = (next === undefined ? fk.onDelete : fk.onUpdate) ?? 'a';
    const colName = (a: number) => quoteIdent(desc.columns[a - 1]?.name ?? '');
    const match = fk.columns.map((a, i) => `x.${colName(a)} = $${i + 1}`).join(' AND ');
    const target = qualifiedName(desc);
    // REPEATABLE READ (ri_PerformCheck with detectNewRows): the referencing rows are looked for
    // under a new snapshot; a NO ACTION / RESTRICT check sees them, an action on a row the
    // transaction snapshot does not see is a serialization failure (the crosscheck snapshot)
    const latest = this.#host.repeatableRead()
      ? this.#host.latestMatches(fk.table, fk.columns, oldKey)
      : undefined;
    if (latest !== undefined && action !== 'a' && action !== 'r') {
      if (latest.some((r) => !r.inTransactionSnapshot)) {
        throw new EngineError('40001', 'could not serialize access due to concurrent update');
      }
    }
    switch (action) {
      case 'a':
      case 'r': {
        if (action === 'a') {
          // ri_Check_Pk_Match: another row now has the old key: nothing lost
          const where = refCols
            .map((a, i) => `x.${quoteIdent(ref.columns[a - 1]?.name ?? '')} = $${i + 1}`)
            .join(' AND ');
          const still = await this.#host.run(
            `SELECT 1 FROM ${qualifiedName(ref)} x WHERE ${where} FOR KEY SHARE`,
            oldKey,
          );
          if (still.length > 0) return;
        }
        const rows =
          latest !== undefined && latest.length > 0
            ? latest
            : await this.#host.run(
                `SELECT 1 FROM ${target} x WHERE ${match} FOR KEY SHARE`,
                oldKey,
              );
        if (rows.length > 0) {
          throw new EngineError(
            '23503',
            `update or delete on table "${ref.name}" violates foreign key constraint "${fk.name}" on table "${desc.name}"`,
            {
              detail: `Key (${keyText(ref, refCols, oldKey, this.#host.typeContext())}) is still referenced from table "${desc.name}".`,
              schema: desc.namespaceName,
              table: desc.name,
              constraint: fk.name,
            },
          );
        }
        return;
      }
      case 'c': {
        if (next === undefined) {
          await this.#host.run(`DELETE FROM ${target} x WHERE ${match}`, oldKey);
          return;
        }
        const newKey = refCols.map((a) => next[a - 1] ?? null);
        const n = oldKey.length;
        const set = fk.columns.map((a, i) => `${colName(a)} = $${n + i + 1}`).join(', ');
        await this.#host.run(`UPDATE ${target} x SET ${set} WHERE ${match}`, [
          ...oldKey,
          ...newKey,
        ]);
        return;
      }
      case 'n':
      case 'd': {
        const cols =
          next === undefined && fk.deleteSetColumns !== undefined && fk.deleteSetColumns.length > 0
            ? fk.deleteSetColumns
            : fk.columns;
        const value = action === 'n' ? 'NULL' : 'DEFAULT';
        const set = cols.map((a) => `${colName(a)} = ${value}`).join(', ');
        await this.#host.run(`UPDATE ${target} x SET ${set} WHERE ${match}`, oldKey);
        // SET DEFAULT to the deleted key itself leaves the rows referencing it: NO ACTION's check
        if (action === 'd') {
          await this.endStatement();
          await this.#referenced({ ...fk, onDelete: 'a', onUpdate: 'a' }, old, next);
        }
        return;
      }
    }
  }
}

function tidKey(table: number, tid: Tid): string {
  return `${table}:${tid.block}:${tid.offset}`;
}

/** Whether the key columns are equal in both versions (no RI work: RI_FKey_pk_upd_check_required). */
function sameKey(cols: readonly number[], a: readonly unknown[], b: readonly unknown[]): boolean {
  for (const c of cols) {
    const x = a[c - 1] ?? null;
    const y = b[c - 1] ?? null;
    if (x === null || y === null) {
      if (x !== y) return false;
      continue;
    }
    if (x === y) continue;
    if (typeof x === 'object' || typeof y === 'object') {
      if (JSON.stringify(x, replacer) !== JSON.stringify(y, replacer)) return false;
      continue;
    }
    return false;
  }
  return true;
}

function replacer(_k: string, v: unknown): unknown {
  return typeof v === 'bigint' ? `${v}n` : v;
}
