/**
 * Model-based: random interleavings of three sessions (BEGIN at READ
 * COMMITTED or REPEATABLE READ, reads, inserts, updates and deletes by
 * key, savepoints, rollback to savepoint, commit, abort, and the passing
 * of deadlock_timeout) on the session layer, run on the event loop — a
 * blocked session's statement stays pending until its blocker ends — and
 * checked step by step against a reference model written from
 * PostgreSQL's rules:
 *
 * - a read sees the state committed at the statement's start (READ
 *   COMMITTED) or at the transaction's first statement (REPEATABLE READ),
 *   plus the session's own changes not rolled back;
 * - a change to a row another open transaction changed waits for it;
 *   then, if the row version the statement saw was changed by a
 *   transaction that committed, REPEATABLE READ fails with 40001 (update
 *   or delete, as that version's fate was) and READ COMMITTED changes the
 *   newest version (skipping it if it was deleted);
 * - a deadlock_timeout passing makes the earliest waiter in a waits-for
 *   cycle fail with 40P01 (each wait checks once);
 * - the committed state is the commits applied one after another, in
 *   commit order.
 */
import { MvccError } from '@pg/mvcc';
import fc from 'fast-check';
import { describe, expect, it } from 'vitest';
import { DEADLOCK_TIMEOUT_MS, sessionSetup, settle, track } from './internal/session-harness.js';

const RUNS = Number(process.env.PG_PROPERTY_RUNS ?? 200);
const SESSIONS = [1, 2, 3] as const;

type Op =
  | { kind: 'begin'; s: number; rr: boolean }
  | { kind: 'read'; s: number }
  | { kind: 'insert'; s: number }
  | { kind: 'update'; s: number; key: number; d: number }
  | { kind: 'delete'; s: number; key: number }
  | { kind: 'savepoint'; s: number }
  | { kind: 'rollbackTo'; s: number }
  | { kind: 'commit'; s: number }
  | { kind: 'abort'; s: number }
  | { kind: 'tick' };

const sArb = fc.constantFrom(...SESSIONS);
const keyArb = fc.oneof(
  { weight: 4, arbitrary: fc.integer({ min: 1, max: 3 }) },
  { weight: 1, arbitrary: fc.integer({ min: 10, max: 12 }) },
);
const opArb: fc.Arbitrary<Op> = fc.oneof(
  {
    weight: 5,
    arbitrary: fc.record({ kind: fc.constant('begin' as const), s: sArb, rr: fc.boolean() }),
  },
  { weight: 2, arbitrary: fc.record({ kind: fc.constant('read' as const), s: sArb }) },
  { weight: 1, arbitrary: fc.record({ kind: fc.constant('insert' as const), s: sArb }) },
  {
    weight: 6,
    arbitrary: fc.record({
      kind: fc.constant('update' as const),
      s: sArb,
      key: keyArb,
      d: fc.integer({ min: 1, max: 9 }),
    }),
  },
  {
    weight: 2,
    arbitrary: fc.record({ kind: fc.constant('delete' as const), s: sArb, key: keyArb }),
  },
  { weight: 1, arbitrary: fc.record({ kind: fc.constant('savepoint' as const), s: sArb }) },
  { weight: 1, arbitrary: fc.record({ kind: fc.constant('rollbackTo' as const), s: sArb }) },
  { weight: 2, arbitrary: fc.record({ kind: fc.constant('commit' as const), s: sArb }) },
  { weight: 1, arbitrary: fc.record({ kind: fc.constant('abort' as const), s: sArb }) },
  { weight: 1, arbitrary: fc.constant({ kind: 'tick' as const }) },
);

// ---------------------------------------------------------------- the model

interface Version {
  readonly value: number;
  readonly ver: number;
}
type Rows = Map<number, Version>;
interface Level {
  readonly savepoint: boolean;
  /** key -> the new value (null: deleted) and how the committed version was first changed (its fate) */
  readonly changes: Map<
    number,
    { readonly value: number | null; readonly first: 'update' | 'delete' }
  >;
}
interface Stmt {
  readonly kind: 'update' | 'delete';
  readonly key: number;
  readonly d: number;
  /** The version the heap is at (the snapshot's, or the newest after following the chain). */
  target: number;
  waitingOn?: number;
  waitSeq: number;
  checked: boolean;
}
interface MSession {
  readonly rr: boolean;
  snap?: Rows;
  levels: Level[];
  failed: boolean;
  stmt?: Stmt;
  /** the statement's outcome, once known: a count or an error */
  outcome?: number | string;
}

const counts = { mods: 0, waits: 0, followed: 0, s40001: 0, s40P01: 0, runs: 0 };

class Model {
  committed: Rows = new Map();
  /** What became of each committed version: replaced by an update, or deleted. */
  readonly fate = new Map<number, 'update' | 'delete'>();
  readonly s = new Map<number, MSession>();
  #ver = 0;
  #seq = 0;

  seed(keys: readonly [number, number][]): void {
    for (const [k, v] of keys) this.committed.set(k, { value: v, ver: ++this.#ver });
  }

  #base(m: MSession): Rows {
    if (!m.rr) return this.committed;
    m.snap ??= new Map(this.committed);
    return m.snap;
  }

  ownEntry(m: MSession, key: number) {
    for (let i = m.levels.length - 1; i >= 0; i--) {
      const e = m.levels[i]!.changes.get(key);
      if (e !== undefined) return e;
    }
    return undefined;
  }

  own(m: MSession, key: number): number | null | undefined {
    return this.ownEntry(m, key)?.value;
  }

  /** A statement's view: the snapshot's rows plus the session's own changes. */
  view(s: number): Map<number, number> {
    const m = this.s.get(s)!;
    const out = new Map<number, number>();
    for (const [k, v] of this.#base(m)) out.set(k, v.value);
    for (const l of m.levels)
      for (const [k, { value: v }] of l.changes) {
        if (v === null) out.delete(k);
        else out.set(k, v);
      }
    return out;
  }

  insert(s: number, key: number): void {
    const m = this.s.get(s)!;
    this.#base(m);
    m.levels.at(-1)!.changes.set(key, { value: 0, first: 'update' });
  }

  /** Starts UPDATE/DELETE WHERE key = k: settles at once or waits. */
  modify(s: number, kind: 'update' | 'delete', key: number, d: number): void {
    const m = this.s.get(s)!;
    const base = this.#base(m);
    delete m.outcome;
    const own = this.own(m, key);
    if (own !== undefined) {
      if (own === null) m.outcome = 0;
      else this.#apply(m, kind, key, own, d);
      return;
    }
    const v = base.get(key);
    if (v === undefined) {
      m.outcome = 0;
      return;
    }
    m.stmt = { kind, key, d, target: v.ver, waitSeq: 0, checked: false };
    this.#step(s);
  }

  #holder(s: number, key: number): number | undefined {
    for (const [t, m] of this.s) if (t !== s && this.own(m, key) !== undefined) return t;
    return undefined;
  }

  #apply(m: MSession, kind: 'update' | 'delete', key: number, value: number, d: number): void {
    const first = this.ownEntry(m, key)?.first ?? kind;
    m.levels.at(-1)!.changes.set(key, { value: kind === 'delete' ? null : value + d, first });
    m.outcome = 1;
  }

  /** One attempt of heap_update/heap_delete on the statement's target version. */
  #step(s: number): void {
    const m = this.s.get(s)!;
    const st = m.stmt!;
    for (;;) {
      const cur = this.committed.get(st.key);
      if (cur?.ver === st.target) {
        const t = this.#holder(s, st.key);
        if (t !== undefined) {
          if (st.waitingOn !== t) {
            st.waitingOn = t;
            st.waitSeq = ++this.#seq;
            st.checked = false;
          }
          return;
        }
        delete m.stmt;
        this.#apply(m, st.kind, st.key, cur.value, st.d);
        return;
      }
      const fate = this.fate.get(st.target)!;
      if (m.rr) {
        this.#error(s, `40001 could not serialize access due to concurrent ${fate}`);
        return;
      }
      if (fate === 'delete' || cur === undefined) {
        delete m.stmt;
        m.outcome = 0;
        return;
      }
      st.target = cur.ver; // EvalPlanQual: the newest version (the key still matches)
      counts.followed++;
      delete st.waitingOn;
    }
  }

  #error(s: number, message: string): void {
    const m = this.s.get(s)!;
    delete m.stmt;
    m.outcome = message;
    this.fail(s);
  }

  /** A failed statement: the innermost subtransaction (or the transaction) aborts. */
  fail(s: number): void {
    const m = this.s.get(s)!;
    m.failed = true;
    if (m.levels.length > 1) m.levels.at(-1)!.changes.clear();
    else for (const l of m.levels) l.changes.clear();
  }

  begin(s: number, rr: boolean): void {
    this.s.set(s, { rr, levels: [{ savepoint: false, changes: new Map() }], failed: false });
  }

  savepoint(s: number): void {
    this.s.get(s)!.levels.push({ savepoint: true, changes: new Map() });
  }

  rollbackTo(s: number): void {
    const m = this.s.get(s)!;
    const at = m.levels.findLastIndex((l) => l.savepoint);
    m.levels.length = at;
    m.levels.push({ savepoint: true, changes: new Map() });
    m.failed = false;
  }

  end(s: number, commit: boolean): void {
    const m = this.s.get(s)!;
    this.s.delete(s);
    if (!commit || m.failed) return;
    const merged = new Map<number, { value: number | null; first: 'update' | 'delete' }>();
    for (const l of m.levels) for (const [k, e] of l.changes) merged.set(k, e);
    for (const [k, { value: v, first }] of merged) {
      const old = this.committed.get(k);
      if (old !== undefined) this.fate.set(old.ver, first);
      if (v === null) this.committed.delete(k);
      else this.committed.set(k, { value: v, ver: ++this.#ver });
    }
  }

  /** Waiters whose blocker is gone go on, earliest first, until nothing changes. */
  wake(): void {
    for (let changed = true; changed; ) {
      changed = false;
      for (const s of this.#waiters()) {
        const st = this.s.get(s)!.stmt!;
        if (this.#holder(s, st.key) === st.waitingOn) continue;
        this.#step(s);
        changed = true;
        break;
      }
    }
  }

  #waiters(): number[] {
    return [...this.s]
      .filter(([, m]) => m.stmt?.waitingOn !== undefined)
      .sort(([, a], [, b]) => a.stmt!.waitSeq - b.stmt!.waitSeq)
      .map(([s]) => s);
  }

  /** deadlock_timeout passes: each waiter not checked yet checks once, earliest first. */
  tick(): void {
    const victims: number[] = [];
    for (const s of this.#waiters()) {
      const st = this.s.get(s)!.stmt!;
      if (st.checked) continue;
      st.checked = true;
      // a cycle through s in the waits-for graph
      const seen = new Set<number>();
      let t = st.waitingOn;
      while (t !== undefined && t !== s && !seen.has(t)) {
        seen.add(t);
        t = this.s.get(t)?.stmt?.waitingOn;
      }
      if (t === s) {
        victims.push(s);
        delete this.s.get(s)!.stmt!.waitingOn; // out of the graph at once
      }
    }
    for (const s of victims) this.#error(s, '40P01 deadlock detected');
    this.wake();
  }

  busy(s: number): boolean {
    return this.s.get(s)?.stmt !== undefined;
  }
}

// ------------------------------------------------------------ the property

function describeError(e: unknown): string {
  if (!(e instanceof MvccError)) throw e;
  return e.code === '40P01' ? '40P01 deadlock detected' : `${e.code} ${e.message}`;
}

async function run(ops: readonly Op[]): Promise<void> {
  const { table, clock } = sessionSetup();
  const model = new Model();
  const seed: [number, number][] = [
    [1, 100],
    [2, 200],
    [3, 300],
  ];
  table.begin(9, 'read committed');
  for (const r of seed) table.insert(9, r);
  await table.commit(9);
  model.seed(seed);
  let nextKey = 10;
  const pending = new Map<number, ReturnType<typeof track<number>>>();

  const sorted = (m: Map<number, number>) => [...m].sort((a, b) => a[0] - b[0]);
  const readAll = (s: number) =>
    table
      .read(s, () => true)
      .map((r) => [r.values[0] as number, r.values[1] as number] as [number, number])
      .sort((a, b) => a[0] - b[0]);

  /** After each step: settled statements agree with the model's outcomes. */
  const check = async () => {
    await settle();
    for (const s of SESSIONS) {
      const p = pending.get(s);
      const m = model.s.get(s);
      if (p === undefined) continue;
      if (p.state() === 'pending') {
        expect(model.busy(s), `session ${s} blocked`).toBe(true);
        continue;
      }
      expect(model.busy(s), `session ${s} went on`).toBe(false);
      pending.delete(s);
      const got = p.state() === 'done' ? p.value : describeError(p.error);
      expect(got, `session ${s}'s statement`).toBe(m?.outcome);
      if (typeof got === 'string') counts[got.startsWith('40001') ? 's40001' : 's40P01']++;
    }
  };

  const step = async (o: Op) => {
    if (o.kind === 'tick') {
      clock.advance(DEADLOCK_TIMEOUT_MS);
      model.tick();
      await check();
      return;
    }
    const s = o.s;
    const m = model.s.get(s);
    if (pending.has(s)) return; // busy: the session's next command waits for this one
    if (o.kind === 'begin') {
      if (m !== undefined) return;
      table.begin(s, o.rr ? 'repeatable read' : 'read committed');
      model.begin(s, o.rr);
      return;
    }
    if (m === undefined) return;
    if (m.failed && !['commit', 'abort', 'rollbackTo'].includes(o.kind)) return;
    switch (o.kind) {
      case 'read':
        expect(readAll(s)).toEqual(sorted(model.view(s)));
        return;
      case 'insert': {
        const key = nextKey++;
        table.insert(s, [key, 0]);
        model.insert(s, key);
        return;
      }
      case 'update':
      case 'delete': {
        const p = track(
          o.kind === 'update'
            ? table.update(
                s,
                (v) => v[0] === o.key,
                (v) => [v[0], (v[1] as number) + o.d],
              )
            : table.delete(s, (v) => v[0] === o.key),
        );
        pending.set(s, p);
        counts.mods++;
        model.modify(s, o.kind, o.key, o.kind === 'update' ? o.d : 0);
        if (model.busy(s)) counts.waits++;
        model.wake(); // a statement that failed released its locks
        await check();
        return;
      }
      case 'savepoint':
        table.savepoint(s, 'sp');
        model.savepoint(s);
        return;
      case 'rollbackTo':
        if (!m.levels.some((l) => l.savepoint)) return;
        table.rollbackTo(s, 'sp');
        model.rollbackTo(s);
        model.wake();
        await check();
        return;
      case 'commit':
      case 'abort': {
        if (o.kind === 'commit') {
          expect(await table.commit(s)).toBe(m.failed ? 'ROLLBACK' : 'COMMIT');
        } else table.rollback(s);
        model.end(s, o.kind === 'commit');
        model.wake();
        await check();
        return;
      }
    }
  };

  for (const o of ops) await step(o);
  // the end: commit whoever is free, let deadlock_timeout pass while some wait
  for (let rounds = 0; model.s.size > 0; rounds++) {
    expect(rounds).toBeLessThan(50);
    const free = [...model.s.keys()].filter((s) => !pending.has(s));
    if (free.length === 0) await step({ kind: 'tick' });
    for (const s of free) await step({ kind: 'commit', s });
  }
  // the committed state is the model's serial application of the commits
  table.begin(9, 'read committed');
  expect(readAll(9)).toEqual(
    [...model.committed].map(([k, v]) => [k, v.value]).sort((a, b) => a[0]! - b[0]!),
  );
  table.rollback(9);
  counts.runs++;
}

describe('concurrent sessions against a model of PostgreSQL’s isolation rules', () => {
  it('random interleavings of 3 sessions', async () => {
    await fc.assert(
      fc.asyncProperty(fc.array(opArb, { minLength: 20, maxLength: 60 }), (ops) => run(ops)),
      { numRuns: RUNS },
    );
    // the interesting cases happen, not just the trivial ones
    expect(counts.waits).toBeGreaterThan(RUNS / 4);
    expect(counts.s40001).toBeGreaterThan(0);
    expect(counts.followed).toBeGreaterThan(0);
    expect(counts.s40P01).toBeGreaterThan(0);
  });
});
