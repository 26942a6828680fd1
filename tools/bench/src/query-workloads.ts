/**
 * Analytic SQL workloads (issue 8): @pg/engine in memory against PGlite
 * and pg-mem in this process, and real PostgreSQL 15 on this machine
 * (started with @pg/pg-reference, reached over a local TCP connection —
 * one round trip per query, small next to these queries).
 *
 * - a 3-way join with aggregates: fact f (100k rows) joined to d1 (10k)
 *   and d2 (1k), grouped;
 * - a window function over 1M rows: rank() OVER (PARTITION BY k ORDER BY v);
 * - ORDER BY ... LIMIT 10 on an indexed column of 1M rows;
 * - a recursive CTE walking a 100k-node binary tree from its root.
 *
 * Each query's result is checked against the first peer's, so a fast
 * wrong answer cannot pass for a fast one. A peer that cannot run a query
 * (pg-mem lacks window functions and recursive CTEs) is reported as
 * unsupported rather than failing the run.
 */
import { startReferencePostgres } from '@pg/pg-reference';
import { newDb } from 'pg-mem';
import { ENGINE, enginePeer, type Peer, PG_MEM, PGLITE, pglitePeer } from './engine-workloads.js';
import type { Round, RoundResult, Variant, Workload } from './measure.js';

export const REAL_PG = 'PostgreSQL 15';

/** Sizes of the analytic workloads' tables. */
export interface QuerySizes {
  readonly fact: number;
  readonly dim1: number;
  readonly dim2: number;
  readonly windowRows: number;
  readonly limitRows: number;
  readonly treeNodes: number;
  /** Only these peers (names); all by default. */
  readonly peers?: readonly string[];
}

export const DEFAULT_QUERY_SIZES: QuerySizes = {
  fact: 100_000,
  dim1: 10_000,
  dim2: 1_000,
  windowRows: 1_000_000,
  limitRows: 1_000_000,
  treeNodes: 100_000,
};

export const QUICK_QUERY_SIZES: QuerySizes = {
  fact: 10_000,
  dim1: 1_000,
  dim2: 100,
  windowRows: 50_000,
  limitRows: 50_000,
  treeNodes: 10_000,
};

async function pgMemPeer(): Promise<Peer> {
  const db = newDb();
  return {
    run: async (sql) => {
      if (/^\s*(BEGIN|COMMIT|ANALYZE.*)\s*$/i.test(sql)) return [];
      return db.public.many(sql);
    },
    close: async () => {},
  };
}

async function realPgPeer(): Promise<Peer> {
  const server = await startReferencePostgres({ dataChecksums: false, extensions: [] });
  const client = await server.connect();
  return {
    run: async (sql, params) => (await client.query(sql, params as unknown[])).rows,
    close: async () => {
      await client.end();
      await server.stop();
    },
  };
}

const PEERS: readonly { readonly name: string; readonly open: () => Promise<Peer> }[] = [
  { name: ENGINE, open: enginePeer },
  { name: PGLITE, open: pglitePeer },
  { name: PG_MEM, open: pgMemPeer },
  { name: REAL_PG, open: realPgPeer },
];

/** Inserts `count` rows made by `row(i)` (a VALUES tuple's text) in chunks, in one transaction. */
async function fill(
  peer: Peer,
  table: string,
  count: number,
  row: (i: number) => string,
): Promise<void> {
  const chunk = 1000;
  await peer.run('BEGIN');
  for (let start = 0; start < count; start += chunk) {
    const values: string[] = [];
    for (let i = start; i < Math.min(count, start + chunk); i++) values.push(`(${row(i)})`);
    await peer.run(`INSERT INTO ${table} VALUES ${values.join(', ')}`);
  }
  await peer.run('COMMIT');
}

interface QuerySpec {
  readonly id: string;
  readonly title: string;
  readonly setup: (peer: Peer) => Promise<void>;
  readonly sql: string;
  /** Rows each execution processes, for the per-row rate. */
  readonly rows: number;
  /** Rows loaded: pg-mem sits out workloads over more than PG_MEM_MAX_ROWS (its load alone takes many minutes). */
  readonly loaded: number;
}

const PG_MEM_MAX_ROWS = 200_000;

function specs(s: QuerySizes): QuerySpec[] {
  return [
    {
      id: 'sql-join3-agg',
      title: `3-way join with aggregates (${s.fact}/${s.dim1}/${s.dim2} rows)`,
      rows: s.fact,
      loaded: s.fact + s.dim1 + s.dim2,
      setup: async (p) => {
        await p.run('CREATE TABLE d2 (id int PRIMARY KEY, region text)');
        await p.run('CREATE TABLE d1 (id int PRIMARY KEY, grp int, d2 int)');
        await p.run('CREATE TABLE f (id int PRIMARY KEY, d1 int, amount int)');
        await fill(p, 'd2', s.dim2, (i) => `${i}, 'r${i % 7}'`);
        await fill(p, 'd1', s.dim1, (i) => `${i}, ${i % 13}, ${(i * 7) % s.dim2}`);
        await fill(p, 'f', s.fact, (i) => `${i}, ${(i * 31) % s.dim1}, ${i % 97}`);
        await p.run('ANALYZE');
      },
      sql:
        'SELECT d2.region, d1.grp, count(*) AS n, sum(f.amount) AS total FROM f ' +
        'JOIN d1 ON f.d1 = d1.id JOIN d2 ON d1.d2 = d2.id GROUP BY d2.region, d1.grp ' +
        'ORDER BY d2.region, d1.grp',
    },
    {
      id: 'sql-window',
      title: `rank() OVER (PARTITION BY k ORDER BY v) over ${s.windowRows} rows`,
      rows: s.windowRows,
      loaded: s.windowRows,
      setup: async (p) => {
        await p.run('CREATE TABLE w (id int PRIMARY KEY, k int, v int)');
        await fill(p, 'w', s.windowRows, (i) => `${i}, ${i % 1000}, ${(i * 7919) % 10007}`);
        await p.run('ANALYZE');
      },
      // sum(bigint) is numeric, which @pg/engine returns as an object: cast to compare as text
      sql: 'SELECT sum(r)::bigint AS s FROM (SELECT rank() OVER (PARTITION BY k ORDER BY v) AS r FROM w) x',
    },
    {
      id: 'sql-order-limit',
      title: `ORDER BY an indexed column LIMIT 10 over ${s.limitRows} rows`,
      rows: 10,
      loaded: s.limitRows,
      setup: async (p) => {
        await p.run('CREATE TABLE o (id int PRIMARY KEY, k int, v int)');
        await p.run('CREATE INDEX o_k ON o (k)');
        await fill(p, 'o', s.limitRows, (i) => `${i}, ${(i * 7919) % s.limitRows}, ${i % 100}`);
        await p.run('ANALYZE');
      },
      sql: 'SELECT id, k, v FROM o ORDER BY k DESC LIMIT 10',
    },
    {
      id: 'sql-recursive-cte',
      title: `recursive CTE walking a ${s.treeNodes}-node tree`,
      rows: s.treeNodes,
      loaded: s.treeNodes,
      setup: async (p) => {
        await p.run('CREATE TABLE tree (id int PRIMARY KEY, parent int)');
        await p.run('CREATE INDEX tree_parent ON tree (parent)');
        await fill(p, 'tree', s.treeNodes, (i) =>
          i === 0 ? '0, NULL' : `${i}, ${Math.floor((i - 1) / 2)}`,
        );
        await p.run('ANALYZE');
      },
      sql:
        'WITH RECURSIVE r(id, depth) AS (SELECT id, 0 FROM tree WHERE parent IS NULL ' +
        'UNION ALL SELECT t.id, r.depth + 1 FROM tree t JOIN r ON t.parent = r.id) ' +
        'SELECT count(*) AS n, max(depth) AS d FROM r',
    },
  ];
}

/** Rows as comparable text (engines return numbers, bigints or strings for the same values). */
function canonical(rows: readonly unknown[]): string {
  return JSON.stringify(
    rows.map((r) => Object.values(r as Record<string, unknown>).map((v) => String(v))),
  );
}

/** The analytic workloads, as factories (same shape as engineWorkloads'). */
export function queryWorkloads(
  sizes: QuerySizes = DEFAULT_QUERY_SIZES,
): { readonly title: string; readonly make: () => Workload }[] {
  const chosen = PEERS.filter((p) => sizes.peers === undefined || sizes.peers.includes(p.name));
  return specs(sizes).map((spec) => ({
    title: `SQL: ${spec.title}`,
    make: (): Workload => {
      const peers = chosen.filter((p) => p.name !== PG_MEM || spec.loaded <= PG_MEM_MAX_ROWS);
      const ratios = peers.slice(1).map((p) => ({ subject: ENGINE, baseline: p.name }));
      const opened: Peer[] = [];
      let expected: string | undefined;
      const variant = (name: string, open: () => Promise<Peer>): Variant => {
        let peer: Peer | undefined;
        let failed: string | undefined;
        const round: Round = async (ms): Promise<RoundResult> => {
          if (failed !== undefined) return { ops: 0, seconds: ms / 1000 };
          try {
            if (peer === undefined) {
              peer = await open();
              opened.push(peer);
              await spec.setup(peer);
              const first = canonical(await peer.run(spec.sql));
              if (expected === undefined) expected = first;
              else if (first !== expected) {
                throw new Error(`${name} returned other rows than ${peers[0]?.name}`);
              }
            }
            let ops = 0;
            const start = performance.now();
            let now = start;
            do {
              await peer.run(spec.sql);
              ops += spec.rows;
              now = performance.now();
            } while (now - start < ms);
            return { ops, seconds: (now - start) / 1000 };
          } catch (err) {
            failed = (err as Error).message;
            process.stderr.write(`  ${name}: ${spec.id} not measured: ${failed}\n`);
            return { ops: 0, seconds: ms / 1000 };
          }
        };
        return { name, round };
      };
      return {
        id: spec.id,
        title: spec.title,
        unit: 'rows',
        ratios,
        variants: peers.map((p) => variant(p.name, p.open)),
        dispose: () => {
          for (const p of opened.splice(0)) void p.close();
        },
      };
    },
  }));
}
