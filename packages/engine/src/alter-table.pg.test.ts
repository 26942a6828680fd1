/**
 * ALTER TABLE under load (issue 9, the "migration halt" scenario), against
 * real PostgreSQL 15: the same session scripts on both, and after every
 * step the same outcome — still waiting, done with the same rows, or
 * failed with the same SQLSTATE and message — and the same table at the
 * end.
 *
 * A long-running reader (a SELECT in an open transaction) holds ACCESS
 * SHARE on the table; ALTER TABLE asks for ACCESS EXCLUSIVE and waits.
 * With lock_timeout it gives up with 55P03 `canceling statement due to
 * lock timeout`; without, it waits, and a new reader queues behind it
 * (its ACCESS SHARE conflicts with the waiting ACCESS EXCLUSIVE ahead of
 * it) until the first reader commits: then the ALTER, then the reader.
 */
import {
  compareWithPostgres,
  SELECT_ROWS_TAGS,
  type Step,
  type TwoSessionOptions,
} from './two-sessions.js';

const SETUP = [
  'CREATE TABLE t (a int PRIMARY KEY, b text)',
  "INSERT INTO t VALUES (1, 'one'), (2, 'two')",
];
const FINAL = [
  "SELECT attname, format_type(atttypid, atttypmod) FROM pg_attribute WHERE attrelid = 't'::regclass AND attnum > 0 AND NOT attisdropped ORDER BY attnum",
  'SELECT * FROM t ORDER BY a',
];

const OPTIONS: Omit<TwoSessionOptions, 'reference'> = {
  reset: 'DROP TABLE IF EXISTS t CASCADE',
  setup: SETUP,
  final: FINAL,
  ...SELECT_ROWS_TAGS,
};

const READ = 'SELECT * FROM t ORDER BY a';
const scenarios: [string, Step[]][] = [
  [
    'lock_timeout: ALTER TABLE behind a long reader waits, then fails with 55P03',
    [
      { s: 1, sql: 'BEGIN' },
      { s: 1, sql: READ },
      { s: 2, sql: "SET lock_timeout = '200ms'" },
      { s: 2, sql: 'ALTER TABLE t ADD COLUMN c int', pause: 500 },
      { s: 1, sql: 'COMMIT' },
      { s: 2, sql: 'ALTER TABLE t ADD COLUMN d int DEFAULT 4' },
    ],
  ],
  [
    'no lock_timeout: the ALTER waits, a new reader queues behind it, both go when the reader commits',
    [
      { s: 1, sql: 'BEGIN' },
      { s: 1, sql: READ },
      { s: 2, sql: 'ALTER TABLE t ADD COLUMN c int DEFAULT 7' },
      // a SELECT * queued behind the ALTER sees the new column (relations locked at analysis)
      { s: 3, sql: READ },
      { s: 1, sql: READ },
      { s: 1, sql: 'COMMIT' },
      { s: 3, sql: READ },
    ],
  ],
  [
    'the queued reader goes when the ALTER ahead of it times out',
    [
      { s: 1, sql: 'BEGIN' },
      { s: 1, sql: READ },
      { s: 2, sql: "SET lock_timeout = '300ms'" },
      { s: 2, sql: 'ALTER TABLE t DROP COLUMN b' },
      { s: 3, sql: READ, pause: 600 },
      { s: 1, sql: 'COMMIT' },
    ],
  ],
  [
    'the ALTER rolled back: the queued reader sees the table as it was',
    [
      { s: 1, sql: 'BEGIN' },
      { s: 1, sql: READ },
      { s: 2, sql: 'BEGIN' },
      { s: 2, sql: "SET LOCAL lock_timeout = '5s'" },
      { s: 2, sql: 'ALTER TABLE t ADD COLUMN c text' },
      { s: 3, sql: READ },
      { s: 1, sql: 'COMMIT' },
      { s: 2, sql: 'ROLLBACK' },
    ],
  ],
  [
    'ALTER COLUMN TYPE, SET UNLOGGED and SET SCHEMA wait behind the reader too (ACCESS EXCLUSIVE)',
    [
      { s: 1, sql: 'BEGIN' },
      { s: 1, sql: READ },
      { s: 2, sql: "SET lock_timeout = '150ms'" },
      { s: 2, sql: 'ALTER TABLE t SET UNLOGGED', pause: 400 },
      { s: 2, sql: 'ALTER TABLE t SET SCHEMA pg_catalog', pause: 400 },
      { s: 2, sql: 'RESET lock_timeout' },
      { s: 2, sql: "ALTER TABLE t ALTER COLUMN b TYPE varchar(10) USING b || '!'" },
      // a reader queued behind the rewrite reads the new files and the new type
      { s: 3, sql: READ },
      { s: 1, sql: READ },
      { s: 1, sql: 'COMMIT' },
      { s: 3, sql: READ },
    ],
  ],
];

compareWithPostgres(
  'ALTER TABLE behind a long reader (the migration halt), as PostgreSQL 15',
  OPTIONS,
  scenarios,
);
