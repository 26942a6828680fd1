/**
 * What is shared by every session of a cluster: the buffer pool, the WAL
 * inserter, the OID counter, the catalog heaps of each database, the
 * invalidation log, and the pending file deletions and invalidations of
 * running transactions (PostgreSQL's pendingDeletes and the transaction's
 * invalidation messages).
 *
 * Invalidation (inval.c / sinval.c, reduced): a DDL operation names the
 * relations it changed; the session's own cache drops them at once (so
 * later commands of the same transaction rebuild them from the catalogs,
 * seeing its own uncommitted rows), and at COMMIT the names are appended to
 * the cluster's log with increasing sequence numbers. Every session checks
 * the log at the start of each statement ({@link Catalog.beginStatement},
 * AcceptInvalidationMessages) and drops what it names. At ABORT the
 * session drops them again (its cache may hold entries built from rows
 * that now never existed). Other sessions never cache uncommitted DDL:
 * their catalog snapshots do not see it.
 */
import {
  type BufferPool,
  createFork,
  DEFAULTTABLESPACE_OID,
  ForkNumber,
  logNewPages,
  type RelFileLocator,
  type XLogInserter,
} from '@pg/storage';
import { LOCAL_CATALOGS, SHARED_CATALOGS } from './bootstrap.js';
import { OidCounter } from './oid.js';
import { CatalogTable } from './table.js';

export interface CatalogClusterOptions {
  readonly pool: BufferPool;
  /** WAL; without it nothing is logged. */
  readonly inserter?: XLogInserter;
  /** The OID counter (after recovery: `new OidCounter(rmgr.recoveredNextOid(checkpointNextOid), inserter)`). */
  readonly oids?: OidCounter;
}

/** One invalidation message: relation `relOid` of database `dbOid` changed. */
export interface InvalidationMessage {
  readonly seq: number;
  readonly dbOid: number;
  readonly relOid: number;
}

/** Something a session's catalog must do at the end of a transaction. */
export interface SessionHook {
  invalidateLocal(relOids: Iterable<number>): void;
}

/** The file actions of one (sub)transaction level. */
interface Level {
  readonly deleteOnCommit: RelFileLocator[];
  readonly deleteOnAbort: RelFileLocator[];
}

interface Pending {
  /** levels[0] is the top-level transaction, then one per open subtransaction. */
  readonly levels: Level[];
  readonly invalidations: Map<number, Set<number>>;
  readonly sessions: Set<SessionHook>;
}

const newLevel = (): Level => ({ deleteOnCommit: [], deleteOnAbort: [] });

export class CatalogCluster {
  readonly pool: BufferPool;
  readonly inserter: XLogInserter | undefined;
  readonly oids: OidCounter;
  readonly #tables = new Map<number, Map<string, CatalogTable>>();
  readonly #log: InvalidationMessage[] = [];
  #seq = 0;
  readonly #pending = new Map<number, Pending>();

  constructor(options: CatalogClusterOptions) {
    this.pool = options.pool;
    this.inserter = options.inserter;
    this.oids = options.oids ?? new OidCounter(undefined, options.inserter);
  }

  /** The catalog heaps of database `dbOid` (the shared ones included), opened once. */
  tables(dbOid: number): ReadonlyMap<string, CatalogTable> {
    let m = this.#tables.get(dbOid);
    if (m === undefined) {
      m = new Map();
      for (const def of LOCAL_CATALOGS)
        m.set(def.name, new CatalogTable(def, this.pool, dbOid, this.inserter));
      for (const def of SHARED_CATALOGS) {
        const shared =
          this.#tables.get(-1)?.get(def.name) ?? new CatalogTable(def, this.pool, 0, this.inserter);
        m.set(def.name, shared);
      }
      this.#tables.set(dbOid, m);
    }
    return m;
  }

  // ------------------------------------------------------------ invalidation

  /** The last sequence number handed out. */
  get invalidationSeq(): number {
    return this.#seq;
  }

  /** The messages after `seq`. */
  invalidationsSince(seq: number): readonly InvalidationMessage[] {
    let lo = this.#log.length;
    while (lo > 0 && (this.#log[lo - 1] as InvalidationMessage).seq > seq) lo--;
    return this.#log.slice(lo);
  }

  #entry(txnKey: number): Pending {
    let p = this.#pending.get(txnKey);
    if (p === undefined) {
      p = { levels: [newLevel()], invalidations: new Map(), sessions: new Set() };
      this.#pending.set(txnKey, p);
    }
    return p;
  }

  /** Records that transaction `txnKey` changed relation `relOid` (CacheInvalidateRelcache). */
  registerInvalidation(txnKey: number, session: SessionHook, dbOid: number, relOid: number): void {
    const p = this.#entry(txnKey);
    p.sessions.add(session);
    let set = p.invalidations.get(dbOid);
    if (set === undefined) {
      set = new Set();
      p.invalidations.set(dbOid, set);
    }
    set.add(relOid);
    session.invalidateLocal([relOid]);
  }

  /** RelationCreateStorage's pending delete: the file goes away if the transaction aborts. */
  deleteOnAbort(txnKey: number, rel: RelFileLocator): void {
    (this.#entry(txnKey).levels.at(-1) as Level).deleteOnAbort.push(rel);
  }

  /** RelationDropStorage: the file goes away when the transaction commits. */
  deleteOnCommit(txnKey: number, rel: RelFileLocator): void {
    (this.#entry(txnKey).levels.at(-1) as Level).deleteOnCommit.push(rel);
  }

  /**
   * smgrDoPendingDeletes(true) and AtEOXact_Inval(true): the engine calls
   * it after the transaction's commit record is durable. Removes the files
   * of dropped and truncated relations and publishes the invalidations.
   */
  atCommit(txnKey: number): void {
    const p = this.#pending.get(txnKey);
    if (p === undefined) return;
    this.#pending.delete(txnKey);
    for (const level of p.levels) for (const rel of level.deleteOnCommit) this.#unlink(rel);
    for (const [dbOid, rels] of p.invalidations) {
      for (const relOid of rels) this.#log.push({ seq: ++this.#seq, dbOid, relOid });
      for (const s of p.sessions) s.invalidateLocal(rels);
    }
    // keep the log bounded: sessions that fell behind this far reset their whole cache
    if (this.#log.length > 4096) this.#log.splice(0, this.#log.length - 4096);
  }

  /** smgrDoPendingDeletes(false) and AtEOXact_Inval(false): after an abort. */
  atAbort(txnKey: number): void {
    const p = this.#pending.get(txnKey);
    if (p === undefined) return;
    this.#pending.delete(txnKey);
    for (const level of p.levels) for (const rel of level.deleteOnAbort) this.#unlink(rel);
    for (const rels of p.invalidations.values())
      for (const s of p.sessions) s.invalidateLocal(rels);
  }

  /** SAVEPOINT: a new subtransaction level (AtSubStart_smgr). */
  atSubBegin(txnKey: number): void {
    this.#entry(txnKey).levels.push(newLevel());
  }

  /**
   * Whether `rel`'s file was created by the current subtransaction of
   * `txnKey` (or by one it released): PostgreSQL's rd_createSubid /
   * rd_newRelfilenodeSubid equal to GetCurrentSubTransactionId(), which
   * COPY FREEZE requires (a table created or truncated there).
   */
  createdInCurrentSubtransaction(txnKey: number, dbOid: number, relNumber: number): boolean {
    const level = this.#pending.get(txnKey)?.levels.at(-1);
    return (
      level?.deleteOnAbort.some((r) => r.relNumber === relNumber && r.dbOid === dbOid) ?? false
    );
  }

  /** RELEASE SAVEPOINT: the level's actions become its parent's (AtSubCommit_smgr). */
  atSubCommit(txnKey: number): void {
    const p = this.#pending.get(txnKey);
    if (p === undefined || p.levels.length < 2) return;
    const level = p.levels.pop() as Level;
    const parent = p.levels.at(-1) as Level;
    parent.deleteOnCommit.push(...level.deleteOnCommit);
    parent.deleteOnAbort.push(...level.deleteOnAbort);
  }

  /**
   * ROLLBACK TO SAVEPOINT (AtSubAbort_smgr, AtEOSubXact_Inval(false)): the
   * files the subtransaction created go now, its drops are forgotten, and
   * the sessions drop every relation the transaction changed (their
   * entries may have been built from the rolled-back rows). The
   * invalidations stay pending for the top-level commit. The engine calls
   * atSubBegin again for the savepoint that stays open.
   */
  atSubAbort(txnKey: number): void {
    const p = this.#pending.get(txnKey);
    if (p === undefined) return;
    if (p.levels.length >= 2) {
      const level = p.levels.pop() as Level;
      for (const rel of level.deleteOnAbort) this.#unlink(rel);
    }
    for (const rels of p.invalidations.values())
      for (const s of p.sessions) s.invalidateLocal(rels);
  }

  /** The oldest sequence number still in the log (a session behind it resets everything). */
  get oldestInvalidationSeq(): number {
    return this.#log[0]?.seq ?? this.#seq + 1;
  }

  /**
   * CREATE DATABASE's copy (PostgreSQL 15's WAL_LOG strategy): each
   * relation file of database `from` — every fork that exists — is created
   * under `to` and filled block by block through the buffer pool (so pages
   * not yet written out are copied as they are), each new page logged as
   * a full-page image when the relation is WAL-logged; recovery rebuilds
   * the copy from those records. The files go away if the transaction
   * aborts.
   */
  copyDatabase(
    txnKey: number,
    from: number,
    to: number,
    files: readonly { readonly relNumber: number; readonly logged: boolean }[],
  ): void {
    const { pool } = this;
    const spcOid = DEFAULTTABLESPACE_OID;
    for (const f of files) {
      const src: RelFileLocator = { spcOid, dbOid: from, relNumber: f.relNumber };
      const dst: RelFileLocator = { spcOid, dbOid: to, relNumber: f.relNumber };
      const inserter = f.logged ? this.inserter : undefined;
      for (const fork of [ForkNumber.main, ForkNumber.fsm, ForkNumber.vm, ForkNumber.init]) {
        if (!pool.smgr.exists(src, fork)) continue;
        if (inserter) createFork(inserter, dst, fork);
        else pool.smgr.create(dst, fork);
        if (fork === ForkNumber.main) this.deleteOnAbort(txnKey, dst);
        const n = pool.smgr.nblocks(src, fork);
        for (let block = 0; block < n; block++) {
          const s = pool.readBuffer(src, fork, block);
          try {
            pool.lock(s, 'share');
            const d = pool.extend(dst, fork);
            try {
              pool.lock(d, 'exclusive');
              pool.bytes(d).set(pool.bytes(s));
              pool.markDirty(d);
              if (inserter) logNewPages(inserter, [d]);
            } finally {
              pool.unlockRelease(d);
            }
          } finally {
            pool.unlockRelease(s);
          }
        }
      }
    }
  }

  /** DROP DATABASE, after commit: forgets the catalog heaps opened for it. */
  forgetDatabase(dbOid: number): void {
    this.#tables.delete(dbOid);
  }

  #unlink(rel: RelFileLocator): void {
    this.pool.dropRelation(rel);
    for (const fork of [ForkNumber.main, ForkNumber.fsm, ForkNumber.vm, ForkNumber.init])
      if (this.pool.smgr.exists(rel, fork)) this.pool.smgr.unlink(rel, fork);
  }
}
