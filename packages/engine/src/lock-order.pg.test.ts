/**
 * issue 9 (F): relation locks are taken while the statement is analyzed,
 * against real PostgreSQL 15. PostgreSQL's parser opens each relation with
 * the statement's lock mode (RangeVarGetRelidExtended), then processes the
 * invalidation messages the lock wait let pile up, so a statement that
 * waited behind TRUNCATE, VACUUM FULL, ALTER TABLE or REFRESH MATERIALIZED
 * VIEW sees the relation as that DDL committed it: the new file, the new
 * columns. The same two-session scripts run on both, with the same
 * outcome after every step and the same committed tables at the end.
 */
import { compareWithPostgres, type Step, type TwoSessionOptions } from './two-sessions.js';

const SETUP = [
  'CREATE TABLE t (a int PRIMARY KEY, b text)',
  "INSERT INTO t VALUES (1, 'x'), (2, 'y')",
  'CREATE MATERIALIZED VIEW mv AS SELECT a, b FROM t',
];
const FINAL = ['SELECT * FROM t ORDER BY a', 'SELECT * FROM mv ORDER BY a'];

// a finished statement: its tag and its rows (as text), so the columns a reader saw show
const withRows = (tag: string, rows: readonly (readonly unknown[])[]) =>
  rows.length === 0
    ? tag
    : `${tag} ${JSON.stringify(rows.map((r) => r.map((v) => (v === null ? null : String(v)))))}`;

const OPTIONS: Omit<TwoSessionOptions, 'reference'> = {
  reset: 'DROP TABLE IF EXISTS t CASCADE',
  setup: SETUP,
  final: FINAL,
  referenceTag: (r) => {
    const tag =
      r.command === 'INSERT'
        ? `INSERT 0 ${r.rowCount}`
        : ['BEGIN', 'COMMIT', 'ROLLBACK', 'TRUNCATE', 'VACUUM', 'ALTER', 'REFRESH'].includes(
              r.command,
            )
          ? r.command
          : `${r.command} ${r.rowCount}`;
    return withRows(
      tag,
      r.rows.map((row) => Object.values(row)),
    );
  },
  engineTag: (r) => {
    const tag = r.command.startsWith('TRUNCATE')
      ? 'TRUNCATE'
      : r.command.startsWith('ALTER')
        ? 'ALTER'
        : r.command.startsWith('REFRESH')
          ? 'REFRESH'
          : r.command;
    return withRows(tag, r.rows);
  },
};

const scenarios: [string, Step[]][] = [
  [
    'SELECT * queued behind ALTER TABLE ADD COLUMN returns the new column',
    [
      { s: 1, sql: 'BEGIN' },
      { s: 1, sql: "ALTER TABLE t ADD COLUMN c text DEFAULT 'new'" },
      { s: 2, sql: 'SELECT * FROM t ORDER BY a' },
      { s: 1, sql: 'COMMIT' },
    ],
  ],
  [
    'a repeated query (its plan cached) queued behind ADD COLUMN returns the new column',
    [
      { s: 2, sql: 'SELECT * FROM t ORDER BY a' },
      { s: 2, sql: 'SELECT * FROM t ORDER BY a' },
      { s: 1, sql: 'BEGIN' },
      { s: 1, sql: 'ALTER TABLE t ADD COLUMN c int DEFAULT 3' },
      { s: 2, sql: 'SELECT * FROM t ORDER BY a' },
      { s: 1, sql: 'COMMIT' },
    ],
  ],
  [
    'a query naming a column added while it waited finds it',
    [
      { s: 1, sql: 'BEGIN' },
      { s: 1, sql: 'ALTER TABLE t ADD COLUMN c int DEFAULT 7' },
      { s: 2, sql: 'SELECT a, c FROM t ORDER BY a' },
      { s: 1, sql: 'COMMIT' },
    ],
  ],
  [
    'a reader queued behind TRUNCATE reads the new, empty file',
    [
      { s: 1, sql: 'BEGIN' },
      { s: 1, sql: 'TRUNCATE t CASCADE' },
      { s: 1, sql: "INSERT INTO t VALUES (9, 'after')" },
      { s: 2, sql: 'SELECT * FROM t ORDER BY a' },
      { s: 1, sql: 'COMMIT' },
    ],
  ],
  [
    'an UPDATE queued behind TRUNCATE changes the rows of the new file',
    [
      { s: 1, sql: 'BEGIN' },
      { s: 1, sql: 'TRUNCATE t CASCADE' },
      { s: 1, sql: "INSERT INTO t VALUES (1, 'again')" },
      { s: 2, sql: "UPDATE t SET b = b || '!' WHERE a = 1" },
      { s: 1, sql: 'COMMIT' },
    ],
  ],
  [
    'a reader queued behind a rolled-back ALTER TABLE sees the old definition',
    [
      { s: 1, sql: 'BEGIN' },
      { s: 1, sql: 'ALTER TABLE t ADD COLUMN c int' },
      { s: 2, sql: 'SELECT * FROM t ORDER BY a' },
      { s: 1, sql: 'ROLLBACK' },
    ],
  ],
  [
    'a reader queued behind VACUUM FULL (itself waiting for a reader) reads the rewritten table',
    [
      { s: 1, sql: 'DELETE FROM t WHERE a = 1' },
      { s: 3, sql: 'BEGIN' },
      { s: 3, sql: 'SELECT count(*) FROM t' },
      { s: 1, sql: 'VACUUM FULL t' },
      { s: 2, sql: 'SELECT * FROM t ORDER BY a' },
      { s: 3, sql: 'COMMIT' },
    ],
  ],
  [
    'a reader queued behind REFRESH MATERIALIZED VIEW reads the new contents',
    [
      { s: 1, sql: "INSERT INTO t VALUES (3, 'z')" },
      { s: 1, sql: 'BEGIN' },
      { s: 1, sql: 'REFRESH MATERIALIZED VIEW mv' },
      { s: 2, sql: 'SELECT * FROM mv ORDER BY a' },
      { s: 1, sql: 'COMMIT' },
    ],
  ],
];

compareWithPostgres(
  'relation locks taken at analysis: the same outcomes as PostgreSQL 15',
  OPTIONS,
  scenarios,
);
