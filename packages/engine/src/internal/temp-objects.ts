/**
 * issue 9 (F): what a session does with its temporary tables at commit —
 * PostgreSQL's on_commits list (tablecmds.c register_on_commit_action,
 * PreCommit_on_commit_actions, AtEOXact_on_commit_actions).
 *
 *   CREATE TEMP TABLE t (...) ON COMMIT DELETE ROWS   every commit of the
 *       session empties t (heap_truncate), from the commit of the
 *       transaction that created it until t is dropped;
 *   CREATE TEMP TABLE t (...) ON COMMIT DROP          the commit of the
 *       transaction that created it drops t (and what depends on it,
 *       quietly, as performDeletion with PERFORM_DELETION_QUIETLY);
 *   ON COMMIT PRESERVE ROWS (the default)             nothing.
 *
 * The list lives in the session's memory, as PostgreSQL's does (nothing in
 * the catalogs says ON COMMIT). A registration made by a transaction that
 * rolls back is forgotten with it; one whose table no longer exists (it
 * was dropped, or created in a subtransaction that rolled back) is skipped
 * and forgotten — the catalog is asked at each commit, so no
 * subtransaction bookkeeping is needed (an OID is not reused while the
 * session runs its statements).
 *
 * Differences from PostgreSQL: DELETE ROWS truncates with a new
 * relfilenode (as TRUNCATE does here) rather than truncating the file in
 * place, and only a table that has a visible row (PostgreSQL skips the
 * work when the transaction touched no temporary relation: the same
 * tables end up empty).
 *
 * Temporary sequences need nothing here: they live in pg_temp_N with the
 * session's temporary tables and go with the schema at session end.
 */

/** ON COMMIT DELETE ROWS / ON COMMIT DROP (PRESERVE ROWS registers nothing). */
export type OnCommitAction = 'delete rows' | 'drop';

/** What the commit must do, in order: truncate these tables, then drop those. */
export interface CommitActions {
  readonly truncate: readonly number[];
  readonly drop: readonly number[];
}

/** The session's ON COMMIT list. */
export class TempObjects {
  /** DELETE ROWS tables of committed transactions. */
  readonly #committed = new Set<number>();
  /** Registrations of the open transaction. */
  readonly #pending = new Map<number, OnCommitAction>();

  /** register_on_commit_action: from CREATE TEMP TABLE ... ON COMMIT. */
  register(oid: number, action: OnCommitAction): void {
    this.#pending.set(oid, action);
  }

  /** Whether a commit has anything to do (the fast path of every commit). */
  get empty(): boolean {
    return this.#committed.size === 0 && this.#pending.size === 0;
  }

  /**
   * PreCommit_on_commit_actions: the tables to empty and to drop, of those
   * that still exist (`exists`); the ones gone are forgotten.
   */
  actions(exists: (oid: number) => boolean): CommitActions {
    const truncate: number[] = [];
    const drop: number[] = [];
    for (const oid of this.#committed) {
      if (!exists(oid)) this.#committed.delete(oid);
      else if (this.#pending.get(oid) !== 'drop') truncate.push(oid);
    }
    for (const [oid, action] of this.#pending) {
      if (!exists(oid)) continue;
      if (action === 'drop') drop.push(oid);
      else if (!this.#committed.has(oid)) truncate.push(oid);
    }
    return { truncate, drop };
  }

  /** AtEOXact_on_commit_actions: a commit keeps the DELETE ROWS registrations, an abort none. */
  atEnd(committed: boolean): void {
    if (committed)
      for (const [oid, action] of this.#pending)
        if (action === 'delete rows') this.#committed.add(oid);
    this.#pending.clear();
  }
}

/** The action of a CreateStmt's `oncommit` (libpg_query's OnCommitAction), if one must be registered. */
export function onCommitActionOf(oncommit: unknown): OnCommitAction | undefined {
  if (oncommit === 'ONCOMMIT_DELETE_ROWS') return 'delete rows';
  if (oncommit === 'ONCOMMIT_DROP') return 'drop';
  return undefined;
}
