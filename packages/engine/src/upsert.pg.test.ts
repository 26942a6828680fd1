/**
 * INSERT ... ON CONFLICT under concurrency (issue 9), against real
 * PostgreSQL 15: the same two-session scripts on both, and after every
 * step the same outcome — still waiting, done with the same command tag,
 * or failed with the same SQLSTATE and message — and the same committed
 * table at the end (the serial's last value too: a conflicting row still
 * consumes its nextval).
 *
 * Two sessions upserting one key never both insert and never fail with a
 * unique violation: the second waits for the first's transaction (its
 * in-progress entry is seen by the dirty pre-check), then does nothing,
 * updates the committed row, or inserts when the first rolled back;
 * REPEATABLE READ turns a conflict with a row its snapshot cannot see
 * into 40001.
 */
import { compareWithPostgres, type Step, type TwoSessionOptions } from './two-sessions.js';

const SETUP = [
  'CREATE TABLE kv (k int PRIMARY KEY, v int NOT NULL, n serial)',
  'INSERT INTO kv (k, v) VALUES (1, 10)',
];
const FINAL = ['SELECT k, v FROM kv ORDER BY k', 'SELECT last_value FROM kv_n_seq'];

const OPTIONS: Omit<TwoSessionOptions, 'reference'> = {
  reset: 'DROP TABLE IF EXISTS kv',
  setup: SETUP,
  final: FINAL,
};

const RC = 'BEGIN';
const RR = 'BEGIN ISOLATION LEVEL REPEATABLE READ';
const NOTHING = (k: number, v: number) =>
  `INSERT INTO kv (k, v) VALUES (${k}, ${v}) ON CONFLICT (k) DO NOTHING`;
const UPDATE = (k: number, v: number) =>
  `INSERT INTO kv (k, v) VALUES (${k}, ${v}) ON CONFLICT (k) DO UPDATE SET v = kv.v + excluded.v`;

const scenarios: [string, Step[]][] = [
  [
    'DO NOTHING twice on a new key; the first commits: the second waits, then inserts nothing',
    [
      { s: 1, sql: RC },
      { s: 2, sql: RC },
      { s: 1, sql: NOTHING(5, 1) },
      { s: 2, sql: NOTHING(5, 2) },
      { s: 1, sql: 'COMMIT' },
      { s: 2, sql: 'COMMIT' },
    ],
  ],
  [
    'DO NOTHING twice on a new key; the first rolls back: the second inserts',
    [
      { s: 1, sql: RC },
      { s: 2, sql: RC },
      { s: 1, sql: NOTHING(5, 1) },
      { s: 2, sql: NOTHING(5, 2) },
      { s: 1, sql: 'ROLLBACK' },
      { s: 2, sql: 'COMMIT' },
    ],
  ],
  [
    'DO UPDATE twice on a new key; the first commits: the second updates its row',
    [
      { s: 1, sql: RC },
      { s: 2, sql: RC },
      { s: 1, sql: UPDATE(5, 1) },
      { s: 2, sql: UPDATE(5, 2) },
      { s: 1, sql: 'COMMIT' },
      { s: 2, sql: 'COMMIT' },
    ],
  ],
  [
    'DO UPDATE twice on a new key; the first rolls back: the second inserts',
    [
      { s: 1, sql: RC },
      { s: 2, sql: RC },
      { s: 1, sql: UPDATE(5, 1) },
      { s: 2, sql: UPDATE(5, 2) },
      { s: 1, sql: 'ROLLBACK' },
      { s: 2, sql: 'COMMIT' },
    ],
  ],
  [
    'autocommit DO UPDATE waits for an open one on an existing key, then updates the new version',
    [
      { s: 1, sql: RC },
      { s: 1, sql: UPDATE(1, 1) },
      { s: 2, sql: UPDATE(1, 100) },
      { s: 1, sql: 'COMMIT' },
    ],
  ],
  [
    'DO UPDATE waits for a plain UPDATE of the row, then updates its result',
    [
      { s: 1, sql: RC },
      { s: 1, sql: 'UPDATE kv SET v = 50 WHERE k = 1' },
      { s: 2, sql: UPDATE(1, 1) },
      { s: 1, sql: 'COMMIT' },
    ],
  ],
  [
    'DO UPDATE waits for a DELETE of the row; the DELETE commits: it inserts',
    [
      { s: 1, sql: RC },
      { s: 1, sql: 'DELETE FROM kv WHERE k = 1' },
      { s: 2, sql: UPDATE(1, 7) },
      { s: 1, sql: 'COMMIT' },
    ],
  ],
  [
    'DO NOTHING waits for a DELETE of the row; the DELETE rolls back: nothing inserted',
    [
      { s: 1, sql: RC },
      { s: 1, sql: 'DELETE FROM kv WHERE k = 1' },
      { s: 2, sql: NOTHING(1, 7) },
      { s: 1, sql: 'ROLLBACK' },
    ],
  ],
  [
    'REPEATABLE READ: DO NOTHING on a key committed after the snapshot is 40001',
    [
      { s: 2, sql: RR },
      { s: 2, sql: 'SELECT 1' },
      { s: 1, sql: NOTHING(5, 1) },
      { s: 2, sql: NOTHING(5, 2) },
      { s: 2, sql: 'ROLLBACK' },
    ],
  ],
  [
    'REPEATABLE READ: DO UPDATE waits for a concurrent insert of the key; it commits: 40001',
    [
      { s: 1, sql: RC },
      { s: 2, sql: RR },
      { s: 2, sql: 'SELECT 1' },
      { s: 1, sql: UPDATE(5, 1) },
      { s: 2, sql: UPDATE(5, 2) },
      { s: 1, sql: 'COMMIT' },
      { s: 2, sql: 'ROLLBACK' },
    ],
  ],
  [
    'REPEATABLE READ: DO UPDATE waits for a concurrent insert of the key; it rolls back: inserts',
    [
      { s: 1, sql: RC },
      { s: 2, sql: RR },
      { s: 2, sql: 'SELECT 1' },
      { s: 1, sql: UPDATE(5, 1) },
      { s: 2, sql: UPDATE(5, 2) },
      { s: 1, sql: 'ROLLBACK' },
      { s: 2, sql: 'COMMIT' },
    ],
  ],
  [
    'REPEATABLE READ: DO UPDATE of a row updated after the snapshot is 40001',
    [
      { s: 2, sql: RR },
      { s: 2, sql: 'SELECT 1' },
      { s: 1, sql: 'UPDATE kv SET v = 11 WHERE k = 1' },
      { s: 2, sql: UPDATE(1, 1) },
      { s: 2, sql: 'ROLLBACK' },
    ],
  ],
  [
    'REPEATABLE READ: DO UPDATE waits for an open UPDATE of the row; it commits: 40001',
    [
      { s: 1, sql: RC },
      { s: 2, sql: RR },
      { s: 2, sql: 'SELECT 1' },
      { s: 1, sql: 'UPDATE kv SET v = 11 WHERE k = 1' },
      { s: 2, sql: UPDATE(1, 1) },
      { s: 1, sql: 'COMMIT' },
      { s: 2, sql: 'ROLLBACK' },
    ],
  ],
  [
    'REPEATABLE READ: DO UPDATE waits for an open DELETE of the row; it commits: inserts',
    [
      { s: 1, sql: RC },
      { s: 2, sql: RR },
      { s: 2, sql: 'SELECT 1' },
      { s: 1, sql: 'DELETE FROM kv WHERE k = 1' },
      { s: 2, sql: UPDATE(1, 1) },
      { s: 1, sql: 'COMMIT' },
      { s: 2, sql: 'COMMIT' },
    ],
  ],
];

compareWithPostgres(
  'INSERT ... ON CONFLICT under concurrency: the same outcomes as PostgreSQL 15',
  OPTIONS,
  scenarios,
);
