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
  type MvccNotice,
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
import { AutovacuumLauncher } from './autovacuum.js'; // autovacuum
import {
  checkDataDirectoryVersion,
  createDataDirectory,
  DataDirectoryLock,
  finishDataDirectory,
  isDataDirectory,
} from './datadir.js';
import { ClusterSettings } from './guc.js';
import { NotifyHub } from './notify.js';
import { StatsHub } from './pgstat.js'; // issue 11
import { EngineError, type Notice } from './result.js';
import { type RoleAuth, roleAuthOf } from './role-ddl.js'; // issue 10 (H3)
import { Session } from './session.js';
import { resetUnloggedRelations } from './table-ddl-extras.js'; // issue 9 (H)
import { clusterXidLimits, freezeHorizonsAt, resetNextXid } from './wraparound.js'; // freeze (issue 11)

export interface DatabaseOptions {
  /** The data directory; created (initdb) when missing or empty. Without it the cluster lives in memory. */
  readonly dataDir?: string;
  /** Settings by PostgreSQL's names, over postgresql.conf's (shared_buffers, TimeZone...). */
  readonly settings?: Readonly<Record<string, string>>;
  /** initdb -U: the bootstrap superuser's name (default 'postgres'). */
  readonly superuser?: string;
  /** initdb progress, one line per step. */
  readonly onProgress?: (step: string) => void;
  /**
   * freeze (issue 11): pg_resetwal -x/-e on opening: the xid counter jumps
   * forward to this full xid (epoch << 32 | xid), recorded by a checkpoint
   * (tests start near the wraparound point this way).
   */
  readonly nextXid?: bigint;
  /** autovacuum: the server log's sink (autovacuum's LOG lines); none by default. */
  readonly onLog?: (severity: string, message: string) => void;
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
  // autovacuum: off in memory (tests must not see surprise vacuums); on for a data directory
  autovacuum: 'off',
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
  /** freeze (issue 11): each session's sink for the xid-assignment WARNING ("must be vacuumed within"). */
  readonly xidNotices: Map<number, (notice: MvccNotice) => void>;
  /** issue 11: the cumulative statistics (pgstat.ts). */
  readonly stats: StatsHub;
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
  /** autovacuum: the launcher (autovacuum.ts). */
  readonly #autovacuum: AutovacuumLauncher;

  private constructor(
    instance: Instance,
    lock: DataDirectoryLock | undefined,
    background: BackgroundWork | undefined,
    onLog?: (severity: string, message: string) => void, // autovacuum
  ) {
    this.#instance = instance;
    this.#lock = lock;
    // autovacuum: the launcher runs whenever the cluster is open (with
    // autovacuum = off it only forces anti-wraparound vacuums)
    this.#autovacuum = new AutovacuumLauncher({
      setting: (name) => instance.settings.get(name),
      databases: () => this.#databaseAges(),
      connectWorker: (database) => this.#connectWorker(database),
      hub: instance.stats,
      usage: () => ({ ...instance.cluster.pool.stats }),
      log: (severity, message) => onLog?.(severity, message),
    });
    this.#autovacuum.start();
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
      const xidNotices = new Map<number, (notice: MvccNotice) => void>(); // freeze (issue 11)
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
        onNotice: (session, notice) => xidNotices.get(session)?.(notice), // freeze (issue 11)
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
      // issue 9 (H): after a crash, unlogged relations restart from their init forks
      if (dir !== undefined && storage.recovery !== null && !storage.recovery.wasClean)
        resetUnloggedRelations(dir, storage.pool);
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
      // issue 11: the statistics a clean shutdown saved (the file is removed once read)
      const stats = new StatsHub();
      if (dir !== undefined) stats.load(dir);
      // freeze (issue 11): pg_resetwal -x, then SetTransactionIdLimit from pg_database
      if (o.nextXid !== undefined)
        resetNextXid(
          t,
          o.nextXid,
          fresh ? (xid) => freezeHorizonsAt(cluster, committedCatalogTxn(t), xid) : undefined,
        );
      const limits = clusterXidLimits(
        cluster,
        committedCatalogTxn(t),
        Number(settings.get('autovacuum_freeze_max_age')),
      );
      if (limits !== undefined) t.xids.setLimits(limits);
      stats.attachBlockCounts(storage.pool); // issue 11 (block counters): startup's reads not counted
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
          xidNotices, // freeze (issue 11)
          stats,
        },
        lock,
        background,
        o.onLog, // autovacuum
      );
    } catch (err) {
      lock?.release();
      throw err;
    }
  }

  /** freeze (issue 11): set only while wraparoundVacuum connects, as an autovacuum worker may to template0. */
  #workerConnect = false;

  /**
   * freeze (issue 11): an anti-wraparound vacuum of `database`, as an
   * autovacuum worker runs it: connects even where connections are not
   * allowed (template0), runs a database-wide `VACUUM (FREEZE)` (plain
   * VACUUM with `freeze: false`), which advances its datfrozenxid and the
   * cluster's xid limits, and disconnects. Returns the statement's notices.
   * This is the entry point an autovacuum launcher uses; which databases
   * need it: `SELECT datname FROM pg_database WHERE age(datfrozenxid) >
   * current_setting('autovacuum_freeze_max_age')::int`.
   */
  /** autovacuum: pg_database's committed rows with age(datfrozenxid), in oid order. */
  #databaseAges(): { name: string; allowConn: boolean; age: number }[] {
    const { t, cluster } = this.#instance;
    const table = cluster.tables(POSTGRES_OID).get('pg_database');
    if (table === undefined || this.#closed) return [];
    const nextXid = Number(BigInt.asUintN(32, t.xids.nextFullXid));
    return table
      .scan(committedCatalogTxn(t))
      .map((r) => {
        const frozen = Number(r.values[table.col('datfrozenxid')]);
        return {
          oid: Number(r.values[table.col('oid')]),
          name: String(r.values[table.col('datname')]),
          allowConn: r.values[table.col('datallowconn')] === true,
          // age(): a special xid (frozen, bootstrap) is INT_MAX old, as PostgreSQL shows it
          age: frozen < 3 ? 2147483647 : (nextXid - frozen) | 0,
        };
      })
      .sort((a, b) => a.oid - b.oid)
      .map(({ name, allowConn, age }) => ({ name, allowConn, age }));
  }

  /** autovacuum: a worker's session (may connect where datallowconn is false). */
  #connectWorker(database: string): Promise<Session> {
    this.#workerConnect = true;
    try {
      return this.connect({ database });
    } finally {
      this.#workerConnect = false;
    }
  }

  /**
   * autovacuum: one launcher visit now, as the timer would run it (to the
   * next database of the round, or to `database`); for tests and tools.
   */
  async autovacuumNow(database?: string): Promise<void> {
    await this.#autovacuum.runOnce(database);
  }

  async wraparoundVacuum(
    database: string,
    options: { readonly freeze?: boolean } = {},
  ): Promise<readonly Notice[]> {
    this.#workerConnect = true;
    let opening: Promise<Session>;
    try {
      opening = this.connect({ database });
    } finally {
      this.#workerConnect = false;
    }
    const session = await opening;
    try {
      const r = await session.query(options.freeze === false ? 'VACUUM' : 'VACUUM (FREEZE)');
      return r.notices;
    } finally {
      await session.close();
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
    if (!row.allowConn && !this.#workerConnect) {
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
    await this.#autovacuum.stop(); // autovacuum: the worker ends its statement and disconnects
    if (this.#timer !== undefined) clearInterval(this.#timer);
    for (const session of [...this.#sessions]) session.terminate(adminTermination());
    const { storage } = this.#instance.t;
    if (mode !== 'immediate') {
      storage.shutdown();
      // issue 11: pgstat_before_server_shutdown writes the statistics (not after a crash)
      if (this.#instance.dataDir !== undefined) this.#instance.stats.save(this.#instance.dataDir);
    }
    this.#lock?.release();
  }
}
