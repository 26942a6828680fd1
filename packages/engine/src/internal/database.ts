/**
 * The instance: a cluster opened from a data directory (or in memory),
 * its startup with crash recovery, its background work, its sessions, and
 * its shutdown (postmaster.c, xlog.c's StartupXLOG, reduced to one
 * process: design decision 3, one event loop, many sessions).
 */
import { join } from 'node:path';
import { btreeRmgr } from '@pg/btree';
import {
  bootstrapCatalog,
  CatalogCluster,
  catalogRmgr,
  OidCounter,
  POSTGRES_OID,
  TEMPLATE0_OID,
  TEMPLATE1_OID,
} from '@pg/catalog';
import { heapRmgr } from '@pg/heap';
import {
  FileSlruStore,
  LockManager,
  MemorySlruStore,
  type OpenedTransactions,
  openTransactions,
} from '@pg/mvcc';
import { loadParser } from '@pg/sql';
import {
  BackgroundWork,
  FileControlStore,
  FileSmgr,
  MemoryControlStore,
  MemorySmgr,
} from '@pg/storage';
import { FileWalStorage, MemoryWalStorage } from '@pg/wal';
import {
  checkDataDirectoryVersion,
  createDataDirectory,
  DataDirectoryLock,
  finishDataDirectory,
  isDataDirectory,
} from './datadir.js';
import { ClusterSettings } from './guc.js';
import { EngineError } from './result.js';
import { Session } from './session.js';

export interface DatabaseOptions {
  /** The data directory; created (initdb) when missing or empty. Without it the cluster lives in memory. */
  readonly dataDir?: string;
  /** Settings by PostgreSQL's names, over postgresql.conf's (shared_buffers, TimeZone...). */
  readonly settings?: Readonly<Record<string, string>>;
  /** initdb -U: the bootstrap superuser's name (default 'postgres'). */
  readonly superuser?: string;
  /** initdb progress, one line per step. */
  readonly onProgress?: (step: string) => void;
}

export interface ConnectOptions {
  readonly user?: string;
  readonly database?: string;
  /** Startup parameters (application_name, search_path, TimeZone...). */
  readonly options?: Readonly<Record<string, string>>;
}

/** smart: wait for sessions to end; fast: roll them back; immediate: no checkpoint (recovery next start). */
export type ShutdownMode = 'smart' | 'fast' | 'immediate';

const DATABASES: Readonly<Record<string, number>> = {
  template1: TEMPLATE1_OID,
  template0: TEMPLATE0_OID,
  postgres: POSTGRES_OID,
};

/** The internals sessions share (not exported from the package). */
export interface Instance {
  readonly t: OpenedTransactions;
  readonly locks: LockManager;
  readonly cluster: CatalogCluster;
  readonly settings: ClusterSettings;
  readonly superuser: string;
  readonly inMemory: boolean;
}

export class Database {
  readonly #instance: Instance;
  readonly #lock: DataDirectoryLock | undefined;
  #timer: NodeJS.Timeout | undefined;
  readonly #sessions = new Set<Session>();
  #nextSession = 1;
  #closed = false;

  private constructor(
    instance: Instance,
    lock: DataDirectoryLock | undefined,
    background: BackgroundWork | undefined,
  ) {
    this.#instance = instance;
    this.#lock = lock;
    if (background !== undefined) {
      this.#timer = setInterval(() => {
        void background.tick().catch(() => {});
      }, 200);
      this.#timer.unref();
    }
  }

  /**
   * Opens a cluster: `Database.open()` in memory, `Database.open({ dataDir })`
   * (or a path) on disk — initdb when the directory is new, crash recovery
   * from the WAL when the last shutdown was not clean.
   */
  static async open(options: DatabaseOptions | string = {}): Promise<Database> {
    const o: DatabaseOptions = typeof options === 'string' ? { dataDir: options } : options;
    const progress = o.onProgress ?? (() => {});
    await loadParser();
    const settings = new ClusterSettings();
    const dir = o.dataDir;
    let lock: DataDirectoryLock | undefined;
    let fresh = true;
    if (dir !== undefined) {
      fresh = !isDataDirectory(dir);
      if (fresh) {
        progress(`creating directory ${dir} ... ok`);
        createDataDirectory(dir, o.settings);
      } else {
        checkDataDirectoryVersion(dir);
      }
      lock = new DataDirectoryLock(dir);
      lock.acquire(dir);
      const { readFileSync } = await import('node:fs');
      settings.loadConf(readFileSync(join(dir, 'postgresql.conf'), 'utf8'));
    }
    try {
      for (const [name, value] of Object.entries(o.settings ?? {})) settings.set(name, value);
      const controlStore =
        dir === undefined
          ? new MemoryControlStore()
          : new FileControlStore(join(dir, 'global', 'pg_control'));
      const checkpointNextOid = controlStore.read()?.checkPointCopy.nextOid ?? 16384;
      const oidRmgr = catalogRmgr();
      let oids: OidCounter | undefined;
      const locks = new LockManager({
        deadlockTimeoutMs: Number(settings.get('deadlock_timeout')),
      });
      if (!fresh) progress('starting up: replaying the write-ahead log from the last checkpoint');
      const t = openTransactions({
        walStorage:
          dir === undefined ? new MemoryWalStorage() : new FileWalStorage(join(dir, 'pg_wal')),
        smgr: dir === undefined ? new MemorySmgr() : new FileSmgr(dir),
        control: controlStore,
        clogStore:
          dir === undefined ? new MemorySlruStore() : new FileSlruStore(join(dir, 'pg_xact')),
        multixactOffsetsStore:
          dir === undefined
            ? new MemorySlruStore()
            : new FileSlruStore(join(dir, 'pg_multixact', 'offsets')),
        multixactMembersStore:
          dir === undefined
            ? new MemorySlruStore()
            : new FileSlruStore(join(dir, 'pg_multixact', 'members')),
        rmgrs: [heapRmgr, btreeRmgr, oidRmgr],
        locks,
        sharedBuffers: Number(settings.get('shared_buffers')) * 8192,
        dataChecksums: true,
        fullPageWrites: Boolean(settings.get('full_page_writes')),
        nextOid: () => oids?.checkpointNextOid() ?? checkpointNextOid,
      });
      const { storage } = t;
      oids = new OidCounter(oidRmgr.recoveredNextOid(checkpointNextOid), storage.inserter);
      const cluster = new CatalogCluster({
        pool: storage.pool,
        inserter: storage.inserter,
        oids,
      });
      const superuser = o.superuser ?? 'postgres';
      if (fresh) {
        progress('creating the system catalogs (template1, template0, postgres) ... ok');
        bootstrapCatalog({ pool: storage.pool, inserter: storage.inserter, superuser });
        storage.wal.flushSync();
        storage.checkpointer.checkpoint();
        if (dir !== undefined) finishDataDirectory(dir);
        progress('syncing data to disk ... ok');
      }
      const background =
        dir === undefined
          ? undefined
          : new BackgroundWork({ pool: storage.pool, checkpointer: storage.checkpointer });
      return new Database(
        { t, locks, cluster, settings, superuser, inMemory: dir === undefined },
        lock,
        background,
      );
    } catch (err) {
      lock?.release();
      throw err;
    }
  }

  /** Opens a session on a database of the cluster (default postgres, as the bootstrap superuser). */
  async connect(options: ConnectOptions = {}): Promise<Session> {
    if (this.#closed) {
      throw new EngineError('57P01', 'terminating connection due to administrator command');
    }
    const database = options.database ?? 'postgres';
    const dbOid = DATABASES[database];
    if (dbOid === undefined) {
      throw new EngineError('3D000', `database "${database}" does not exist`, {
        severity: 'FATAL',
      });
    }
    if (dbOid === TEMPLATE0_OID) {
      throw new EngineError(
        '55000',
        `database "template0" is not currently accepting connections`,
        {
          severity: 'FATAL',
        },
      );
    }
    const user = options.user ?? this.#instance.superuser;
    if (user !== this.#instance.superuser) {
      throw new EngineError('28000', `role "${user}" does not exist`, { severity: 'FATAL' });
    }
    const session = new Session(this.#instance, {
      id: this.#nextSession++,
      dbOid,
      database,
      user,
      startup: options.options ?? {},
      onClose: (s) => this.#sessions.delete(s),
    });
    this.#sessions.add(session);
    return session;
  }

  /** The sessions connected now. */
  get sessionCount(): number {
    return this.#sessions.size;
  }

  /**
   * Shuts down: `fast` (default) rolls back open transactions and writes a
   * shutdown checkpoint; `smart` waits for sessions to close first;
   * `immediate` stops without a checkpoint, leaving recovery to the next
   * start, as PostgreSQL's immediate mode does.
   */
  async close(mode: ShutdownMode = 'fast'): Promise<void> {
    if (this.#closed) return;
    if (mode === 'smart') {
      while (this.#sessions.size > 0) await new Promise((r) => setTimeout(r, 20));
    }
    this.#closed = true;
    if (this.#timer !== undefined) clearInterval(this.#timer);
    for (const session of [...this.#sessions]) session.terminate();
    const { storage } = this.#instance.t;
    if (mode !== 'immediate') {
      storage.shutdown();
    }
    this.#lock?.release();
  }
}
