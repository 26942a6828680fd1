// The workload of the heap's SIGKILL crash test, shared by the child that
// runs it and the test that replays it: transaction n is run by session
// n % SESSIONS and touches only that session's rows (key ≡ session mod
// SESSIONS), so transactions of different sessions commute and one
// session's run one after another: replaying the committed transactions
// in the order of n gives the committed state.
//
// A row is [k, tag, v] (three int4 columns, k the only indexed one): tag is
// the last transaction that wrote it. Transaction n inserts rows, updates
// v (HOT: no indexed column changes), moves some rows to the negative key
// s - 4k, still the session's (not HOT),
// and, after a savepoint, inserts, updates and deletes more; that part is
// rolled back (ROLLBACK TO) when n % 3 === 0 and released otherwise; then
// it deletes some rows and commits, or rolls back when n % 10 === 7.

export const SESSIONS = 4;

const mod = (a, m) => ((a % m) + m) % m;

/** The statements of transaction n, and how it ends. */
export function plan(n) {
  const s = n % SESSIONS;
  const own = (r) => mod(r[0], SESSIONS) === s;
  return {
    session: s,
    steps: [
      { op: 'insert', row: [n * 16 + s, n, n] },
      { op: 'insert', row: [n * 16 + 4 + s, n, 0] },
      {
        op: 'update',
        where: (r) => own(r) && mod(r[0], 7) === n % 7,
        set: (r) => [r[0], n, r[2] + 1],
      },
      {
        op: 'update',
        where: (r) => own(r) && r[0] > 0 && mod(r[0], 11) === n % 11,
        set: (r) => [s - 4 * r[0], n, r[2]],
      },
      { op: 'savepoint' },
      { op: 'insert', row: [n * 16 + 8 + s, n, -n] },
      {
        op: 'update',
        where: (r) => own(r) && mod(r[0], 5) === n % 5,
        set: (r) => [r[0], n, r[2] + 1000],
      },
      { op: 'delete', where: (r) => own(r) && mod(r[0], 13) === n % 13 },
      { op: n % 3 === 0 ? 'rollbackTo' : 'release' },
      { op: 'delete', where: (r) => own(r) && mod(r[0], 29) === n % 29 },
    ],
    end: n % 10 === 7 ? 'rollback' : 'commit',
  };
}

/** Applies committed transaction n to a model (key → row); the savepoint part only when it was released. */
export function applyCommitted(model, n) {
  let saved = null;
  let cur = model;
  for (const step of plan(n).steps) {
    switch (step.op) {
      case 'insert':
        cur.set(step.row[0], step.row);
        break;
      case 'update': {
        const hits = [...cur.values()].filter(step.where);
        for (const r of hits) cur.delete(r[0]);
        for (const r of hits) {
          const next = step.set(r);
          cur.set(next[0], next);
        }
        break;
      }
      case 'delete':
        for (const r of [...cur.values()].filter(step.where)) cur.delete(r[0]);
        break;
      case 'savepoint':
        saved = cur;
        cur = new Map(cur);
        break;
      case 'rollbackTo':
        cur = saved;
        break;
      case 'release':
        for (const k of [...saved.keys()]) if (!cur.has(k)) saved.delete(k);
        for (const [k, r] of cur) saved.set(k, r);
        cur = saved;
        break;
    }
  }
}
