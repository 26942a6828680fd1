/**
 * Foreign keys under concurrency, against real PostgreSQL 15: the same
 * two-session scripts on both, and after every step the same outcome —
 * still waiting, done with the same command tag, or failed with the same
 * SQLSTATE, message and detail — and the same committed tables at the end.
 *
 * The race of issue 9: a DELETE of a referenced row against an INSERT of
 * a row referencing it, in both orders and with both endings. The
 * referencing INSERT locks the referenced row FOR KEY SHARE (RI_FKey_check),
 * so the DELETE waits for it and then finds the new reference (23503), or
 * the INSERT waits for the DELETE and then finds the row gone (23503); an
 * UPDATE of a non-key column does not conflict with KEY SHARE; an ON DELETE
 * CASCADE waits, then deletes the newly committed reference too.
 */
import { compareWithPostgres, type Step, type TwoSessionOptions } from './two-sessions.js';

const SETUP = [
  'CREATE TABLE p (id int PRIMARY KEY, name text)',
  'CREATE TABLE c (id int PRIMARY KEY, pid int REFERENCES p)',
  'CREATE TABLE cc (id int PRIMARY KEY, pid int REFERENCES p ON DELETE CASCADE)',
  "INSERT INTO p VALUES (1, 'one'), (2, 'two')",
];
const FINAL = [
  'SELECT id, name FROM p ORDER BY id',
  'SELECT id, pid FROM c ORDER BY id',
  'SELECT id, pid FROM cc ORDER BY id',
];

const OPTIONS: Omit<TwoSessionOptions, 'reference'> = {
  reset: 'DROP TABLE IF EXISTS cc, c, p',
  setup: SETUP,
  final: FINAL,
};

const RC = 'BEGIN';
const scenarios: [string, Step[]][] = [
  [
    'DELETE first, then a referencing INSERT waits; the DELETE commits: 23503',
    [
      { s: 1, sql: RC },
      { s: 2, sql: RC },
      { s: 1, sql: 'DELETE FROM p WHERE id = 1' },
      { s: 2, sql: 'INSERT INTO c VALUES (10, 1)' },
      { s: 1, sql: 'COMMIT' },
      { s: 2, sql: 'ROLLBACK' },
    ],
  ],
  [
    'DELETE first, then a referencing INSERT waits; the DELETE rolls back: the INSERT succeeds',
    [
      { s: 1, sql: RC },
      { s: 2, sql: RC },
      { s: 1, sql: 'DELETE FROM p WHERE id = 1' },
      { s: 2, sql: 'INSERT INTO c VALUES (10, 1)' },
      { s: 1, sql: 'ROLLBACK' },
      { s: 2, sql: 'COMMIT' },
    ],
  ],
  [
    'INSERT first (FOR KEY SHARE on the parent), then the DELETE waits; the INSERT commits: 23503',
    [
      { s: 1, sql: RC },
      { s: 2, sql: RC },
      { s: 2, sql: 'INSERT INTO c VALUES (10, 1)' },
      { s: 1, sql: 'DELETE FROM p WHERE id = 1' },
      { s: 2, sql: 'COMMIT' },
      { s: 1, sql: 'ROLLBACK' },
    ],
  ],
  [
    'INSERT first, then the DELETE waits; the INSERT rolls back: the DELETE succeeds',
    [
      { s: 1, sql: RC },
      { s: 2, sql: RC },
      { s: 2, sql: 'INSERT INTO c VALUES (10, 1)' },
      { s: 1, sql: 'DELETE FROM p WHERE id = 1' },
      { s: 2, sql: 'ROLLBACK' },
      { s: 1, sql: 'COMMIT' },
    ],
  ],
  [
    'autocommit: a DELETE waits for an open referencing INSERT, then fails',
    [
      { s: 2, sql: RC },
      { s: 2, sql: 'INSERT INTO c VALUES (10, 2)' },
      { s: 1, sql: 'DELETE FROM p WHERE id = 2' },
      { s: 2, sql: 'COMMIT' },
    ],
  ],
  [
    'an UPDATE of a non-key column does not wait for KEY SHARE',
    [
      { s: 1, sql: RC },
      { s: 2, sql: RC },
      { s: 2, sql: 'INSERT INTO c VALUES (10, 1)' },
      { s: 1, sql: "UPDATE p SET name = 'uno' WHERE id = 1" },
      { s: 1, sql: 'COMMIT' },
      { s: 2, sql: 'COMMIT' },
    ],
  ],
  [
    'ON DELETE CASCADE waits for the new reference, then deletes it too',
    [
      { s: 1, sql: RC },
      { s: 2, sql: RC },
      { s: 2, sql: 'INSERT INTO cc VALUES (20, 1)' },
      { s: 1, sql: 'DELETE FROM p WHERE id = 1' },
      { s: 2, sql: 'COMMIT' },
      { s: 1, sql: 'COMMIT' },
    ],
  ],
  [
    'REPEATABLE READ: the referenced row deleted by a committed transaction is 40001',
    [
      { s: 2, sql: 'BEGIN ISOLATION LEVEL REPEATABLE READ' },
      { s: 2, sql: 'SELECT 1' },
      { s: 1, sql: 'DELETE FROM p WHERE id = 2' },
      { s: 2, sql: 'INSERT INTO c VALUES (10, 2)' },
      { s: 2, sql: 'ROLLBACK' },
    ],
  ],
  [
    'REPEATABLE READ: a reference committed after the snapshot still blocks the DELETE',
    [
      { s: 1, sql: 'BEGIN ISOLATION LEVEL REPEATABLE READ' },
      { s: 1, sql: 'SELECT 1' },
      { s: 2, sql: 'INSERT INTO c VALUES (10, 1)' },
      { s: 1, sql: 'DELETE FROM p WHERE id = 1' },
      { s: 1, sql: 'ROLLBACK' },
    ],
  ],
  [
    'REPEATABLE READ: ON DELETE CASCADE over a reference committed after the snapshot',
    [
      { s: 1, sql: 'BEGIN ISOLATION LEVEL REPEATABLE READ' },
      { s: 1, sql: 'SELECT 1' },
      { s: 2, sql: 'INSERT INTO cc VALUES (20, 1)' },
      { s: 1, sql: 'DELETE FROM p WHERE id = 1' },
      { s: 1, sql: 'ROLLBACK' },
    ],
  ],
];

compareWithPostgres(
  'foreign keys under concurrency: the same outcomes as PostgreSQL 15',
  OPTIONS,
  scenarios,
);
