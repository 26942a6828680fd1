// The workload of the engine's SIGKILL crash test, shared by the child
// that runs it through SQL and the test that replays it on a model.
//
// Transaction n is run by session n % SESSIONS and touches only that
// session's rows (id ≡ session mod SESSIONS; every predicate says so), so
// transactions of different sessions commute and those of one session
// run one after another: replaying the committed transactions in the
// order of n gives the committed state, whatever the interleaving.
//
// Tables: t (id int PRIMARY KEY, name text, v int NOT NULL) with a
// secondary index t_v on (v), and commits (n int PRIMARY KEY), the ledger:
// every transaction first inserts its n there (never inside a savepoint),
// so the ledger read after recovery is the set of committed transactions.
//
// Transaction n's statements come from a PRNG seeded by (seed, n):
// single-row and multi-row INSERTs (names null, short, or a few kB of
// incompressible text), UPDATEs and DELETEs by id (through the primary
// key), UPDATEs that move a row to a new id, UPDATEs and DELETEs by a
// predicate (a sequential scan) and by a range of v (through t_v);
// sometimes a SAVEPOINT followed by more statements and then ROLLBACK TO
// (their effects left out) or RELEASE; it ends with COMMIT, or ROLLBACK
// about one time in eight. Ids inserted or moved to by transaction n are
// fresh: n * SLOTS * SESSIONS + j * SESSIONS + session for slot j.

import { createHash } from 'node:crypto';

export const SESSIONS = 3;
/** Fresh ids per transaction. */
export const SLOTS = 16;

/** The id of slot j of transaction n (its session's residue). */
export const idOf = (n, j) => (n * SLOTS + j) * SESSIONS + (n % SESSIONS);

function prng(seed) {
  let s = seed >>> 0 || 1;
  return () => {
    s ^= s << 13;
    s ^= s >>> 17;
    s ^= s << 5;
    return (s >>> 0) / 0x100000000;
  };
}

/** Incompressible printable text of `len` characters. */
function longText(n, j, len) {
  const r = prng(n * 7919 + j * 104729 + 1);
  let text = '';
  while (text.length < len) text += String.fromCharCode(33 + Math.floor(r() * 94));
  return text;
}

/** How a name is compared and printed: short ones as they are, long ones as their length and SHA-256. */
export function digest(name) {
  if (name === null || name.length <= 64) return name;
  return `${name.length}:${createHash('sha256').update(name).digest('hex').slice(0, 32)}`;
}

/**
 * The statements of transaction n under `seed`: each step is
 * `{ sql, params, apply }` (apply: the model's effect, on a Map id → row
 * { id, name, v }), or a savepoint step `{ op: 'savepoint' | 'rollbackTo'
 * | 'release', sql }`.
 */
export function plan(n, seed) {
  const s = n % SESSIONS;
  const r = prng(Math.imul(seed >>> 0, 0x9e3779b1) ^ Math.imul(n + 1, 0x85ebca6b));
  const int = (k) => Math.floor(r() * k);
  let slot = 0;
  const fresh = () => (slot < SLOTS ? idOf(n, slot++) : null);
  const nameOf = (j) => {
    const x = r();
    if (x < 0.1) return null;
    if (x < 0.25) return longText(n, j, 1500 + int(2500));
    return `n${n}.${j}`;
  };
  // An id this session may have written: a slot of one of its last transactions.
  const oldId = () => idOf(Math.max(s, n - SESSIONS * (1 + int(12))), int(6));
  const own = (row) => row.id % SESSIONS === s;

  const statement = () => {
    const kind = int(9);
    switch (kind) {
      case 0:
      case 1: {
        const id = fresh();
        if (id === null) return null;
        const row = { id, name: nameOf(slot), v: n * 10 + slot };
        return {
          sql: 'INSERT INTO t (id, name, v) VALUES ($1, $2, $3)',
          params: [row.id, row.name, row.v],
          apply: (m) => m.set(row.id, row),
        };
      }
      case 2: {
        const rows = [];
        const count = 2 + int(3);
        for (let k = 0; k < count; k++) {
          const id = fresh();
          if (id === null) break;
          rows.push({ id, name: nameOf(slot), v: n * 10 + slot });
        }
        if (rows.length === 0) return null;
        const values = rows.map((_, k) => `($${3 * k + 1}, $${3 * k + 2}, $${3 * k + 3})`);
        return {
          sql: `INSERT INTO t (id, name, v) VALUES ${values.join(', ')}`,
          params: rows.flatMap((row) => [row.id, row.name, row.v]),
          apply: (m) => {
            for (const row of rows) m.set(row.id, row);
          },
        };
      }
      case 3: {
        const id = oldId();
        const name = nameOf(slot + 100);
        return {
          sql: 'UPDATE t SET name = $2, v = v + 1 WHERE id = $1',
          params: [id, name],
          apply: (m) => {
            const row = m.get(id);
            if (row !== undefined) m.set(id, { id, name, v: row.v + 1 });
          },
        };
      }
      case 4: {
        const id = oldId();
        const to = fresh();
        if (to === null) return null;
        return {
          sql: 'UPDATE t SET id = $2 WHERE id = $1',
          params: [id, to],
          apply: (m) => {
            const row = m.get(id);
            if (row === undefined) return;
            m.delete(id);
            m.set(to, { ...row, id: to });
          },
        };
      }
      case 5: {
        const k = int(7);
        return {
          sql: `UPDATE t SET v = v + 1000 WHERE id % ${SESSIONS} = $1 AND v % 7 = $2`,
          params: [s, k],
          apply: (m) => {
            for (const row of m.values()) {
              if (own(row) && row.v % 7 === k) m.set(row.id, { ...row, v: row.v + 1000 });
            }
          },
        };
      }
      case 6: {
        const id = oldId();
        return {
          sql: 'DELETE FROM t WHERE id = $1',
          params: [id],
          apply: (m) => m.delete(id),
        };
      }
      case 7: {
        const k = int(13);
        return {
          sql: `DELETE FROM t WHERE id % ${SESSIONS} = $1 AND id % 13 = $2`,
          params: [s, k],
          apply: (m) => {
            for (const row of [...m.values()]) if (own(row) && row.id % 13 === k) m.delete(row.id);
          },
        };
      }
      default: {
        // a range of v through t_v: the v of an earlier transaction's rows of this session
        const lo = Math.max(s, n - SESSIONS * (1 + int(12))) * 10;
        const hi = lo + 5 + int(10);
        const name = `r${n}`;
        return {
          sql: `UPDATE t SET name = $3 WHERE v >= $1 AND v < $2 AND id % ${SESSIONS} = $4`,
          params: [lo, hi, name, s],
          apply: (m) => {
            for (const row of m.values()) {
              if (own(row) && row.v >= lo && row.v < hi) m.set(row.id, { ...row, name });
            }
          },
        };
      }
    }
  };
  const some = (k, into) => {
    for (let i = 0; i < k; i++) {
      const st = statement();
      if (st !== null) into.push(st);
    }
  };

  const steps = [{ sql: 'INSERT INTO commits (n) VALUES ($1)', params: [n], apply: () => {} }];
  some(1 + int(4), steps);
  if (r() < 0.5) {
    steps.push({ op: 'savepoint', sql: 'SAVEPOINT sp' });
    some(1 + int(3), steps);
    steps.push(
      r() < 0.5
        ? { op: 'rollbackTo', sql: 'ROLLBACK TO SAVEPOINT sp' }
        : { op: 'release', sql: 'RELEASE SAVEPOINT sp' },
    );
    some(int(3), steps);
  }
  return { session: s, steps, end: r() < 0.125 ? 'rollback' : 'commit' };
}

/** Applies committed transaction n to a model (id → row); a savepoint's part only when released. */
export function applyCommitted(model, n, seed) {
  let saved = null;
  for (const step of plan(n, seed).steps) {
    if (step.op === 'savepoint') saved = new Map(model);
    else if (step.op === 'rollbackTo') {
      // ROLLBACK TO keeps the savepoint: what follows runs in it, and commits with the transaction
      model.clear();
      for (const [k, row] of saved) model.set(k, row);
    } else if (step.op === 'release') saved = null;
    else step.apply(model);
  }
}
