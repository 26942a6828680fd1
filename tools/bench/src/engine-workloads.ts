/**
 * Embedded SQL workloads: @pg/engine in memory against the engines a
 * Node.js application would embed instead, all in this process and run:
 *
 * - PGlite: PostgreSQL compiled to WebAssembly, in memory, through
 *   `db.query(sql, params)` (an extended-protocol round trip into WASM per
 *   statement).
 * - pg-mem: an in-memory PostgreSQL emulator in JavaScript, through
 *   `db.public.many(sql)` (it has no parameters: values are inlined).
 * - SQLite: better-sqlite3, in memory, prepared statements.
 *
 * Every engine gets `CREATE TABLE t (id int PRIMARY KEY, k int, v int)`.
 * The workloads are the issue's: single-row INSERTs in one transaction,
 * point SELECTs by primary key with a parameter, UPDATEs by primary key,
 * and a filtered COUNT(*) over a large table. Each engine runs the same
 * SQL text; where a peer cannot take parameters the values are inlined.
 */
import { PGlite } from '@electric-sql/pglite';
import { Database as PgDatabase, type Session } from '@pg/engine';
import Database from 'better-sqlite3';
import { newDb } from 'pg-mem';
import type { Round, RoundResult, Variant, Workload } from './measure.js';
import { foldSink } from './workloads.js';

export const ENGINE = '@pg/engine';
export const PGLITE = 'PGlite';
export const PG_MEM = 'pg-mem';
export const SQLITE_ENGINE = 'SQLite';

/** Rows of the table point SELECTs and UPDATEs use. */
export const DEFAULT_POINT_ROWS = 100_000;
/** Rows COUNT(*) scans. */
export const DEFAULT_COUNT_ROWS = 1_000_000;

/** A database under test: statements with parameters, in one session. */
export interface Peer {
  run(sql: string, params?: readonly unknown[]): Promise<unknown[]>;
  close(): Promise<void>;
}

type PeerFactory = () => Promise<Peer>;

const CREATE = 'CREATE TABLE t (id int PRIMARY KEY, k int, v int)';

export async function enginePeer(): Promise<Peer> {
  const db = await PgDatabase.open();
  const session: Session = await db.connect();
  return {
    run: async (sql, params) => (await session.query(sql, params ?? [])).rows,
    close: () => db.close(),
  };
}

export async function pglitePeer(): Promise<Peer> {
  const db = new PGlite();
  await db.waitReady;
  return {
    run: async (sql, params) => (await db.query(sql, params as unknown[])).rows,
    close: () => db.close(),
  };
}

/** pg-mem takes no parameters: $n are replaced by the values' SQL literals. */
function inline(sql: string, params: readonly unknown[] = []): string {
  return sql.replace(/\$(\d+)/g, (_, n: string) => {
    const v = params[Number(n) - 1];
    return v === null || v === undefined ? 'NULL' : String(v);
  });
}

async function pgMemPeer(): Promise<Peer> {
  const db = newDb();
  return {
    run: async (sql, params) => {
      if (/^\s*(BEGIN|COMMIT)\s*$/i.test(sql)) return []; // pg-mem's public API is autocommit
      return db.public.many(inline(sql, params));
    },
    close: async () => {},
  };
}

async function sqlitePeer(): Promise<Peer> {
  const db = new Database(':memory:');
  const cache = new Map<string, Database.Statement>();
  return {
    run: async (sql, params) => {
      const text = sql.replace(/\$\d+/g, '?');
      let stmt = cache.get(text);
      if (stmt === undefined) {
        stmt = db.prepare(text);
        cache.set(text, stmt);
      }
      if (stmt.reader) return stmt.all(...((params ?? []) as unknown[]));
      stmt.run(...((params ?? []) as unknown[]));
      return [];
    },
    close: async () => {
      db.close();
    },
  };
}

export const PEERS: readonly { readonly name: string; readonly open: PeerFactory }[] = [
  { name: ENGINE, open: enginePeer },
  { name: PGLITE, open: pglitePeer },
  { name: PG_MEM, open: pgMemPeer },
  { name: SQLITE_ENGINE, open: sqlitePeer },
];

/** Loads `rows` rows (id 0..rows-1, k = id % 1000, v = id % 100) with multi-row INSERTs. */
export async function load(peer: Peer, rows: number): Promise<void> {
  await peer.run(CREATE);
  const chunk = 1000;
  await peer.run('BEGIN');
  for (let start = 0; start < rows; start += chunk) {
    const values: string[] = [];
    for (let id = start; id < Math.min(rows, start + chunk); id++) {
      values.push(`(${id}, ${id % 1000}, ${id % 100})`);
    }
    await peer.run(`INSERT INTO t VALUES ${values.join(', ')}`);
  }
  await peer.run('COMMIT');
}

/**
 * A variant whose database is opened (and loaded) on first use, outside
 * the timed rounds' clock: the round's `ms` counts only statements.
 */
function lazyVariant(
  name: string,
  open: PeerFactory,
  prepare: (peer: Peer) => Promise<void>,
  step: (peer: Peer, i: number) => Promise<number>,
  opened: Peer[],
  stepsPerCheck = 64,
): Variant {
  let peer: Peer | undefined;
  let i = 0;
  const round: Round = async (ms): Promise<RoundResult> => {
    if (peer === undefined) {
      peer = await open();
      opened.push(peer);
      await prepare(peer);
    }
    let ops = 0;
    const start = performance.now();
    let now = start;
    while (now - start < ms) {
      for (let k = 0; k < stepsPerCheck; k++) ops += await step(peer, i++);
      now = performance.now();
    }
    return { ops, seconds: (now - start) / 1000 };
  };
  return { name, round };
}

function closeAll(opened: Peer[]): () => void {
  return () => {
    for (const p of opened.splice(0)) void p.close();
  };
}

export interface EngineWorkloadSizes {
  readonly pointRows?: number;
  readonly countRows?: number;
  /** Only these peers (names); all by default. */
  readonly peers?: readonly string[];
}

/** The embedded SQL workloads, as factories. */
export function engineWorkloads(
  sizes: EngineWorkloadSizes = {},
): { readonly title: string; readonly make: () => Workload }[] {
  const pointRows = sizes.pointRows ?? DEFAULT_POINT_ROWS;
  const countRows = sizes.countRows ?? DEFAULT_COUNT_ROWS;
  const peers = PEERS.filter((p) => sizes.peers === undefined || sizes.peers.includes(p.name));
  const ratios = peers.slice(1).map((p) => ({ subject: ENGINE, baseline: p.name }));

  /** One workload: every peer prepared the same way, then timed on the same step. */
  const sqlWorkload =
    (
      head: Pick<Workload, 'id' | 'title' | 'unit'>,
      prepare: (peer: Peer) => Promise<void>,
      step: (peer: Peer, i: number) => Promise<number>,
      stepsPerCheck?: number,
    ) =>
    (): Workload => {
      const opened: Peer[] = [];
      return {
        ...head,
        ratios,
        variants: peers.map((p) =>
          lazyVariant(p.name, p.open, prepare, step, opened, stepsPerCheck),
        ),
        dispose: closeAll(opened),
      };
    };

  const insert = sqlWorkload(
    { id: 'sql-insert', title: 'single-row INSERTs in one transaction', unit: 'rows' },
    async (peer) => {
      await peer.run(CREATE);
      await peer.run('BEGIN');
    },
    async (peer, i) => {
      await peer.run('INSERT INTO t VALUES ($1, $2, $3)', [i, i % 1000, i % 100]);
      return 1;
    },
  );

  const select = sqlWorkload(
    {
      id: 'sql-point-select',
      title: `point SELECTs by primary key ($1), ${pointRows} rows`,
      unit: 'queries',
    },
    (peer) => load(peer, pointRows),
    async (peer, i) => {
      const rows = await peer.run('SELECT v FROM t WHERE id = $1', [(i * 7919) % pointRows]);
      foldSink(rows.length);
      return 1;
    },
  );

  const update = sqlWorkload(
    { id: 'sql-update-pk', title: `UPDATEs by primary key, ${pointRows} rows`, unit: 'rows' },
    (peer) => load(peer, pointRows),
    async (peer, i) => {
      await peer.run('UPDATE t SET v = v + 1 WHERE id = $1', [(i * 7919) % pointRows]);
      return 1;
    },
  );

  const count = sqlWorkload(
    { id: 'sql-count', title: `filtered COUNT(*) over ${countRows} rows`, unit: 'rows' },
    (peer) => load(peer, countRows),
    async (peer) => {
      const rows = await peer.run('SELECT count(*) FROM t WHERE k < 500');
      foldSink(rows.length);
      return countRows;
    },
    1,
  );

  return [
    { title: 'SQL: single-row INSERTs', make: insert },
    { title: 'SQL: point SELECTs', make: select },
    { title: 'SQL: UPDATEs by key', make: update },
    { title: 'SQL: filtered COUNT(*)', make: count },
  ];
}
