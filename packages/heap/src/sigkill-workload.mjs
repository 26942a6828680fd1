// The workload of the heap's SIGKILL crash test, shared by the child that
// runs it and the test that replays it: transaction n is run by session
// n % SESSIONS and touches only that session's rows (key ≡ session mod
// SESSIONS), so transactions of different sessions commute and one
// session's run one after another: replaying the committed transactions
// in the order of n gives the committed state.
//
// A row is [k, tag, v, doc] (three int4 columns, k the only indexed one,
// and a bytea): tag is the last transaction that wrote it; doc is a
// deterministic value of docOf(n, j): null, a few bytes, several kB of
// incompressible bytes (stored out of line raw) or about 10 kB of
// compressible text (compressed, then out of line), so transactions write
// toasted values. The HOT update and the key move keep doc (the pointer is
// kept, TS5); the savepoint's update changes it. Transaction n inserts rows, updates
// v (HOT: no indexed column changes), moves some rows to the negative key
// s - 4k, still the session's (not HOT),
// and, after a savepoint, inserts, updates and deletes more; that part is
// rolled back (ROLLBACK TO) when n % 3 === 0 and released otherwise; then
// it deletes some rows and commits, or rolls back when n % 10 === 7.

import { createHash } from 'node:crypto';

export const SESSIONS = 4;

/** The doc written by step j of transaction n. */
export function docOf(n, j) {
  const kind = (n * 4 + j) % 7;
  if (kind === 0) return null;
  if (kind <= 3) return Uint8Array.from([n & 0xff, j, kind]);
  let s = (n * 131 + j * 17 + 1) | 1;
  const rand = () => {
    s ^= s << 13;
    s ^= s >>> 17;
    s ^= s << 5;
    return s >>> 0;
  };
  if (kind <= 5) {
    const out = new Uint8Array(2100 + (rand() % 3000)); // incompressible, out of line
    for (let i = 0; i < out.length; i++) out[i] = rand() & 0xff;
    return out;
  }
  const words = ['heap', 'toast', 'chunk', 'pointer', 'tuple', 'page', 'xmin', 'xmax'];
  let text = '';
  while (text.length < 8000 + (n % 7) * 500) {
    const r = rand();
    text += `${words[r % 8]}${(r >>> 3) % 100} `;
  }
  return new TextEncoder().encode(text); // compressible, compressed then out of line
}

/** How a doc is compared: its length and SHA-256, so rows print short (byte for byte in effect). */
export function digest(doc) {
  if (doc === null) return null;
  return `${doc.length}:${createHash('sha256').update(doc).digest('hex')}`;
}

const mod = (a, m) => ((a % m) + m) % m;

/** The statements of transaction n, and how it ends. */
export function plan(n) {
  const s = n % SESSIONS;
  const own = (r) => mod(r[0], SESSIONS) === s;
  return {
    session: s,
    steps: [
      { op: 'insert', row: [n * 16 + s, n, n, docOf(n, 0)] },
      { op: 'insert', row: [n * 16 + 4 + s, n, 0, docOf(n, 1)] },
      {
        op: 'update',
        where: (r) => own(r) && mod(r[0], 7) === n % 7,
        set: (r) => [r[0], n, r[2] + 1, r[3]],
      },
      {
        op: 'update',
        where: (r) => own(r) && r[0] > 0 && mod(r[0], 11) === n % 11,
        set: (r) => [s - 4 * r[0], n, r[2], r[3]],
      },
      { op: 'savepoint' },
      { op: 'insert', row: [n * 16 + 8 + s, n, -n, docOf(n, 2)] },
      {
        op: 'update',
        where: (r) => own(r) && mod(r[0], 5) === n % 5,
        set: (r) => [r[0], n, r[2] + 1000, docOf(n, 3)],
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
