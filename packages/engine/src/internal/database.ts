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
  Catalog,
  CatalogCluster,
  type CatalogTxn,
  catalogRmgr,
  OidCounter,
  POSTGRES_OID,
} from '@pg/catalog';
import { heapRmgr } from '@pg/heap';
import {
  ComboCids,
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
import { ActivityHub, adminTermination } from './activity.js';
import {
  checkDataDirectoryVersion,
  createDataDirectory,
  DataDirectoryLock,
  finishDataDirectory,
  isDataDirectory,
} from './datadir.js';
import { ClusterSettings } from './guc.js';
import { NotifyHub } from './notify.js';
import { EngineError } from './result.js';
import { type RoleAuth, roleAuthOf } from './role-ddl.js'; // issue 10 (H3)
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

/** The sessions connected to each database (PostgreSQL's CountOtherDBBackends reads the proc array). */
export class Backends {
  readonly #db = new Map<number, number>();

  add(session: number, dbOid: number): void {
    this.#db.set(session, dbOid);
  }

  remove(session: number): void {
    this.#db.delete(session);
  }

  /** How many sessions other than `self` are connected to `dbOid`. */
  others(dbOid: number, self: number): number {
    let n = 0;
    for (const [s, d] of this.#db) if (d === dbOid && s !== self) n++;
    return n;
  }
}

/**
 * The defaults of a cluster in memory, where the "disk" is memory too: a
 * smaller buffer pool (reading a page from the in-memory storage manager
 * is a copy) and a checkpoint every 64 MB of WAL, so the WAL kept in
 * memory stays small. `settings` overrides them.
 */
const IN_MEMORY_SETTINGS: Readonly<Record<string, string>> = {
  shared_buffers: '16MB',
  max_wal_size: '64MB',
};

/** The stores of a cluster in memory (no crash can be outlived: no durable copies kept). */
interface MemoryStores {
  readonly control: MemoryControlStore;
  readonly wal: MemoryWalStorage;
  readonly smgr: MemorySmgr;
  readonly clog: MemorySlruStore;
  readonly multixactOffsets: MemorySlruStore;
  readonly multixactMembers: MemorySlruStore;
  /** Copied from a bootstrapped cluster: start up from its checkpoint instead of bootstrapping. */
  readonly fromImage: boolean;
}

/**
 * Bootstrapped in-memory clusters by bootstrap superuser and settings, as
 * their stores stood right after the bootstrap's checkpoint. Bootstrapping
 * writes three databases' catalogs (most of Database.open()'s time), so the
 * next in-memory cluster of the process starts from a copy, as initdb's
 * output would be copied: the copies share pages and WAL segments until
 * either side writes them.
 */
const MEMORY_IMAGES = new Map<string, MemoryStores>();

function cloneStores(m: MemoryStores): MemoryStores {
  return {
    control: m.control.clone(),
    wal: m.wal.clone(),
    smgr: m.smgr.clone(),
    clog: m.clog.clone(),
    multixactOffsets: m.multixactOffsets.clone(),
    multixactMembers: m.multixactMembers.clone(),
    fromImage: true,
  };
}

function memoryStores(imageKey: string): MemoryStores {
  const image = MEMORY_IMAGES.get(imageKey);
  if (image !== undefined) return cloneStores(image);
  return {
    control: new MemoryControlStore(),
    wal: new MemoryWalStorage({ volatile: true }),
    smgr: new MemorySmgr({ volatile: true }),
    clog: new MemorySlruStore(),
    multixactOffsets: new MemorySlruStore(),
    multixactMembers: new MemorySlruStore(),
    fromImage: false,
  };
}

/** The internals sessions share (not exported from the package). */
export interface Instance {
  readonly t: OpenedTransactions;
  readonly locks: LockManager;
  readonly cluster: CatalogCluster;
  readonly settings: ClusterSettings;
  readonly superuser: string;
  readonly inMemory: boolean;
  /** The data directory (undefined in memory). */
  readonly dataDir: string | undefined;
  readonly backends: Backends;
  /** issue 10 (H6): LISTEN/NOTIFY's queue (notify.ts) and the sessions' activity (activity.ts). */
  readonly notify: NotifyHub;
  readonly activity: ActivityHub;
}

/**
 * A catalog transaction that only reads what is committed (connection
 * startup's look-up of pg_database, before the session has a transaction).
 */
function committedCatalogTxn(t: OpenedTransactions): CatalogTxn {
  const ctx = {
    log: t.transam,
    isCurrentTransactionId: () => false,
    isInProgress: (xid: number) => t.procArray.isInProgress(xid, t.transam.subtrans, t.transam),
    getTopmost: (xid: number) => t.transam.subtrans.getTopmost(xid),
    comboCids: new ComboCids(),
  };
  return {
    key: -1,
    snapshot: () => t.procArray.getSnapshotData(undefined, 0),
    ctx,
    writer: () => {
      throw new Error('a read-only catalog transaction cannot write');
    },
    commandCounterIncrement: () => {},
  };
}

export class Database {
  readonly #instance: Instance;
  readonly #lock: DataDirectoryLock | undefined;
  #timer: NodeJS.Timeout | undefined;
  readonly #sessions = new Set<Session>();
  /** Each open session's role (CONNECTION LIMIT counts them), issue 10 (H3). */
  readonly #sessionUsers = new Map<number, string>();
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
    } else {
      for (const [name, value] of Object.entries(IN_MEMORY_SETTINGS)) settings.set(name, value);
    }
    try {
      for (const [name, value] of Object.entries(o.settings ?? {})) settings.set(name, value);
      // in memory: a copy of a cluster bootstrapped earlier in this process, when there is one
      const imageKey = JSON.stringify([o.superuser ?? 'postgres', o.settings ?? {}]);
      const memory = dir === undefined ? memoryStores(imageKey) : undefined;
      if (memory?.fromImage === true) fresh = false;
      const controlStore =
        memory?.control ?? new FileControlStore(join(dir as string, 'global', 'pg_control'));
      const checkpointNextOid = controlStore.read()?.checkPointCopy.nextOid ?? 16384;
      const oidRmgr = catalogRmgr();
      let oids: OidCounter | undefined;
      const locks = new LockManager({
        deadlockTimeoutMs: Number(settings.get('deadlock_timeout')),
      });
      if (!fresh) progress('starting up: replaying the write-ahead log from the last checkpoint');
      const t = openTransactions({
        walStorage: memory?.wal ?? new FileWalStorage(join(dir as string, 'pg_wal')),
        smgr: memory?.smgr ?? new FileSmgr(dir as string),
        control: controlStore,
        clogStore: memory?.clog ?? new FileSlruStore(join(dir as string, 'pg_xact')),
        multixactOffsetsStore:
          memory?.multixactOffsets ??
          new FileSlruStore(join(dir as string, 'pg_multixact', 'offsets')),
        multixactMembersStore:
          memory?.multixactMembers ??
          new FileSlruStore(join(dir as string, 'pg_multixact', 'members')),
        rmgrs: [heapRmgr, btreeRmgr, oidRmgr],
        locks,
        sharedBuffers: Number(settings.get('shared_buffers')) * 8192,
        dataChecksums: true,
        fullPageWrites: Boolean(settings.get('full_page_writes')),
        nextOid: () => oids?.checkpointNextOid() ?? checkpointNextOid,
        checkpointer: {
          // checkpoint_timeout is in seconds, max_wal_size in MB (their base units)
          checkpointTimeoutMs: Number(settings.get('checkpoint_timeout')) * 1000,
          maxWalSize: Number(settings.get('max_wal_size')) * 1024 * 1024,
        },
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
        if (memory !== undefined) MEMORY_IMAGES.set(imageKey, cloneStores(memory));
        if (dir !== undefined) finishDataDirectory(dir);
        progress('syncing data to disk ... ok');
      }
      const background =
        dir === undefined
          ? undefined
          : new BackgroundWork({ pool: storage.pool, checkpointer: storage.checkpointer });
      return new Database(
        {
          t,
          locks,
          cluster,
          settings,
          superuser,
          inMemory: dir === undefined,
          dataDir: dir,
          backends: new Backends(),
          notify: new NotifyHub(),
          activity: new ActivityHub(),
        },
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
    const catalog = new Catalog(this.#instance.cluster, { dbOid: POSTGRES_OID });
    catalog.beginStatement(committedCatalogTxn(this.#instance.t));
    const row = catalog.database(database);
    if (row === undefined) {
      throw new EngineError('3D000', `database "${database}" does not exist`, {
        severity: 'FATAL',
      });
    }
    if (!row.allowConn) {
      throw new EngineError(
        '55000',
        `database "${database}" is not currently accepting connections`,
        {
          severity: 'FATAL',
        },
      );
    }
    const dbOid = row.oid;
    const user = options.user ?? this.#instance.superuser;
    // issue 10 (H3): InitializeSessionUserId: the role must exist and have LOGIN
    const role = roleAuthOf(catalog, user);
    if (role === undefined) {
      throw new EngineError('28000', `role "${user}" does not exist`, { severity: 'FATAL' });
    }
    if (!role.canLogin) {
      throw new EngineError('28000', `role "${user}" is not permitted to log in`, {
        severity: 'FATAL',
      });
    }
    // CONNECTION LIMIT (InitPostgres): superusers are not limited
    const authid = catalog.authid(user);
    const limit = Number(authid?.rolconnlimit ?? -1);
    if (limit >= 0 && authid?.rolsuper !== true) {
      let n = 0;
      for (const u of this.#sessionUsers.values()) if (u === user) n++;
      if (n + 1 > limit) {
        throw new EngineError('53300', `too many connections for role "${user}"`, {
          severity: 'FATAL',
        });
      }
    }
    const id = this.#nextSession++;
    const session = new Session(this.#instance, {
      id,
      dbOid,
      database,
      user,
      superuser: authid?.rolsuper === true, // issue 10 (H3)
      startup: options.options ?? {},
      onClose: (s) => {
        this.#sessions.delete(s);
        this.#sessionUsers.delete(id);
        this.#instance.backends.remove(id);
      },
    });
    this.#sessions.add(session);
    this.#sessionUsers.set(id, user);
    this.#instance.backends.add(id, dbOid);
    return session;
  }

  /**
   * issue 10 (H3): what authentication needs of role `name` from pg_authid
   * (committed rows): LOGIN, the stored password (SCRAM secret, md5 hash or
   * null) and VALID UNTIL; undefined when there is no such role.
   */
  roleAuth(name: string): RoleAuth | undefined {
    const catalog = new Catalog(this.#instance.cluster, { dbOid: POSTGRES_OID });
    catalog.beginStatement(committedCatalogTxn(this.#instance.t));
    return roleAuthOf(catalog, name);
  }

  /**
   * CancelRequest: cancels the running statement of that backend (57014
   * "canceling statement due to user request") if the key matches; ignored
   * otherwise, and when that session is idle.
   */
  cancelBackend(processId: number, secretKey: number): void {
    this.#instance.activity.cancelRequest(processId, secretKey);
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
    for (const session of [...this.#sessions]) session.terminate(adminTermination());
    const { storage } = this.#instance.t;
    if (mode !== 'immediate') {
      storage.shutdown();
    }
    this.#lock?.release();
  }
}
