/**
 * Model-based property tests of the storage managers. A model (per fork: an
 * array of blocks now, an array of blocks as of the last sync, the segments
 * written since; one log of unsynced writes in write order) runs the same
 * random operations as MemorySmgr and FileSmgr (segments of 4 blocks, so
 * extends past the end cross segment boundaries and leave holes; at most 3
 * open files, so descriptors are recycled): create (and create in redo),
 * extend at or past the end, extend below it, write and read in and past
 * the end, truncate (also growing), unlink of one fork or all, sync,
 * immedsync, nblocks, exists, close. Every result and every error (SQLSTATE
 * and text) must be the model's; after every step every fork reads back as
 * the model's, dirtyFiles() equals the model's dirty segments, and the
 * files on disk keep md.c's layout (checkForkFiles). At the end a fresh
 * FileSmgr on the same directory reads the same.
 *
 * The second property adds crashes of MemorySmgr with random surviving
 * sectors, and checks the result two ways: exactly, by replaying the
 * decisions the crash asked for over the model's log; and by the rule alone:
 * every sector of every block is its durable content or that sector of one
 * of the block's unsynced writes, a block without unsynced writes is exactly
 * its durable self, and the length is the durable length grown to cover the
 * blocks that kept a sector.
 *
 * PG_PROPERTY_RUNS scales the number of runs (default 300 -> 60 and 100 runs here).
 */

import { mkdtempSync, rmSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import {
  BLCKSZ,
  FileSmgr,
  ForkNumber,
  MemorySmgr,
  type RelFileLocator,
  relpath,
  type Smgr,
  StorageError,
  segmentPath,
} from '@pg/storage';
import { checkForkFiles } from '@pg/storage/testing';
import fc from 'fast-check';
import { afterAll, describe, expect, it } from 'vitest';

const PROPERTY_RUNS = Number(process.env.PG_PROPERTY_RUNS ?? 300);
const FILE_RUNS = Math.max(10, Math.round(PROPERTY_RUNS / 5));
const CRASH_RUNS = Math.max(10, Math.round(PROPERTY_RUNS / 3));
const S = 4;
const SECTOR = 512;
const SECTORS = BLCKSZ / SECTOR;
const ZERO = new Uint8Array(BLCKSZ);

const RELS: readonly RelFileLocator[] = [
  { spcOid: 1663, dbOid: 5, relNumber: 16384 },
  { spcOid: 1664, dbOid: 0, relNumber: 1262 },
  { spcOid: 16400, dbOid: 5, relNumber: 16401 },
];
const FORKS: readonly ForkNumber[] = [
  ForkNumber.main,
  ForkNumber.fsm,
  ForkNumber.vm,
  ForkNumber.init,
];

/** A page whose every byte depends on `seed`. */
function pageOf(seed: number): Uint8Array {
  const p = new Uint8Array(BLCKSZ);
  let x = seed | 1;
  for (let i = 0; i < BLCKSZ; i += 4) {
    x ^= x << 13;
    x ^= x >>> 17;
    x ^= x << 5;
    p[i] = x & 0xff;
    p[i + 1] = (x >>> 8) & 0xff;
    p[i + 2] = (x >>> 16) & 0xff;
    p[i + 3] = (x >>> 24) & 0xff;
  }
  return p;
}

/** A deterministic stream of booleans, true with probability `p`. */
function coin(seed: number, p: number): () => boolean {
  let x = seed | 1;
  return () => {
    x ^= x << 13;
    x ^= x >>> 17;
    x ^= x << 5;
    return (x >>> 0) / 0x100000000 < p;
  };
}

// ------------------------------------------------------------------ operations

interface Target {
  readonly rel: number;
  readonly fork: ForkNumber;
}

type Op =
  | { op: 'create'; t: Target; isRedo: boolean }
  | { op: 'extend'; t: Target; gap: number; seed: number }
  | { op: 'extendAt'; t: Target; block: number; seed: number }
  | { op: 'write'; t: Target; block: number; seed: number }
  | { op: 'read'; t: Target; block: number }
  | { op: 'truncate'; t: Target; n: number }
  | { op: 'unlink'; rel: number; fork: ForkNumber | undefined }
  | { op: 'immedsync'; t: Target }
  | { op: 'nblocks'; t: Target }
  | { op: 'exists'; t: Target }
  | { op: 'sync' }
  | { op: 'close' }
  | { op: 'crash'; seed: number; p: number };

const target: fc.Arbitrary<Target> = fc.record({
  rel: fc.oneof({ weight: 4, arbitrary: fc.constant(0) }, { weight: 1, arbitrary: fc.nat(2) }),
  fork: fc.oneof(
    { weight: 4, arbitrary: fc.constant(ForkNumber.main) },
    { weight: 2, arbitrary: fc.constant(ForkNumber.fsm) },
    { weight: 1, arbitrary: fc.constantFrom(ForkNumber.vm, ForkNumber.init) },
  ),
});
const block = fc.nat({ max: 14 });
const seed = fc.integer({ min: 1, max: 0x7fffffff });

function opArbitrary(withCrash: boolean): fc.Arbitrary<Op> {
  const ops: fc.WeightedArbitrary<Op>[] = [
    {
      weight: 3,
      arbitrary: fc.record({ op: fc.constant('create'), t: target, isRedo: fc.boolean() }),
    },
    {
      weight: 8,
      arbitrary: fc.record({
        op: fc.constant('extend'),
        t: target,
        gap: fc.oneof(
          { weight: 3, arbitrary: fc.constant(0) },
          { weight: 1, arbitrary: fc.nat(9) },
        ),
        seed,
      }),
    },
    { weight: 1, arbitrary: fc.record({ op: fc.constant('extendAt'), t: target, block, seed }) },
    { weight: 8, arbitrary: fc.record({ op: fc.constant('write'), t: target, block, seed }) },
    { weight: 4, arbitrary: fc.record({ op: fc.constant('read'), t: target, block }) },
    { weight: 2, arbitrary: fc.record({ op: fc.constant('truncate'), t: target, n: block }) },
    {
      weight: 1,
      arbitrary: fc.record({
        op: fc.constant('unlink'),
        rel: fc.nat(2),
        fork: fc.option(fc.constantFrom(...FORKS), { nil: undefined }),
      }),
    },
    { weight: 2, arbitrary: fc.record({ op: fc.constant('immedsync'), t: target }) },
    { weight: 1, arbitrary: fc.record({ op: fc.constant('nblocks'), t: target }) },
    { weight: 1, arbitrary: fc.record({ op: fc.constant('exists'), t: target }) },
    { weight: 3, arbitrary: fc.constant({ op: 'sync' as const }) },
    { weight: 1, arbitrary: fc.constant({ op: 'close' as const }) },
  ];
  if (withCrash) {
    ops.push({
      weight: 3,
      arbitrary: fc.record({
        op: fc.constant('crash'),
        seed,
        p: fc.constantFrom(0, 0.1, 0.5, 0.9, 1),
      }),
    });
  }
  return fc.oneof(...ops);
}

/** Every run starts with these forks, so that most calls find their fork. */
const SETUP: readonly Exclude<Op, { op: 'crash' }>[] = [
  { op: 'create', t: { rel: 0, fork: ForkNumber.main }, isRedo: false },
  { op: 'create', t: { rel: 0, fork: ForkNumber.fsm }, isRedo: false },
  { op: 'create', t: { rel: 1, fork: ForkNumber.main }, isRedo: false },
];

const ops = (withCrash: boolean) =>
  fc.array(opArbitrary(withCrash), { minLength: 1, maxLength: 40, size: 'max' });

// ------------------------------------------------------------------ the model

interface ModelFork {
  /** Blocks now; undefined is a hole (zeros). */
  blocks: (Uint8Array | undefined)[];
  /** Blocks as of the last sync or immedsync of the fork (or durable truncate). */
  durable: (Uint8Array | undefined)[];
  /** Segments written since the last sync or immedsync of the fork. */
  dirty: Set<number>;
}

interface LogEntry {
  readonly key: string;
  readonly path: string;
  readonly block: number;
  readonly page: Uint8Array;
}

type Outcome = { ok: unknown } | { code: string; message: string };

/** The rules of the Smgr interface, written out plainly. */
class Model {
  readonly forks = new Map<string, ModelFork>();
  log: LogEntry[] = [];

  static key(t: Target): string {
    return `${t.rel}/${t.fork}`;
  }

  private missing(t: Target): Outcome {
    return {
      code: '58P01',
      message: `could not open file "${relpath(RELS[t.rel]!, t.fork)}": No such file or directory`,
    };
  }

  nblocksOf(t: Target): number | undefined {
    return this.forks.get(Model.key(t))?.blocks.length;
  }

  /** Applies `o` and says what the storage manager must answer. Crash is done elsewhere. */
  apply(o: Exclude<Op, { op: 'crash' }>): Outcome {
    switch (o.op) {
      case 'create': {
        if (this.forks.has(Model.key(o.t))) {
          if (o.isRedo) return { ok: undefined };
          return {
            code: '58P02',
            message: `could not create file "${relpath(RELS[o.t.rel]!, o.t.fork)}": File exists`,
          };
        }
        this.forks.set(Model.key(o.t), { blocks: [], durable: [], dirty: new Set() });
        return { ok: undefined };
      }
      case 'extend':
      case 'extendAt': {
        const f = this.forks.get(Model.key(o.t));
        if (!f) return this.missing(o.t);
        const n = f.blocks.length;
        const b = o.op === 'extend' ? n + o.gap : o.block;
        if (b < n) {
          return {
            code: 'XX000',
            message: `could not extend file "${relpath(RELS[o.t.rel]!, o.t.fork)}" at block ${b}: it already has ${n} blocks`,
          };
        }
        // md.c pads every segment from the last one up to the target's.
        for (let s = Math.floor(n / S); s <= Math.floor(b / S); s++) f.dirty.add(s);
        while (f.blocks.length < b) f.blocks.push(undefined);
        this.put(o.t, f, b, pageOf(o.seed));
        return { ok: undefined };
      }
      case 'write': {
        const f = this.forks.get(Model.key(o.t));
        if (!f) return this.missing(o.t);
        if (o.block >= f.blocks.length) {
          return {
            code: 'XX001',
            message: `could not write block ${o.block} in file "${relpath(RELS[o.t.rel]!, o.t.fork)}": it's only ${f.blocks.length} blocks now`,
          };
        }
        f.dirty.add(Math.floor(o.block / S));
        this.put(o.t, f, o.block, pageOf(o.seed));
        return { ok: undefined };
      }
      case 'read': {
        const f = this.forks.get(Model.key(o.t));
        if (!f) return this.missing(o.t);
        if (o.block >= f.blocks.length) {
          const path = segmentPath(RELS[o.t.rel]!, o.t.fork, Math.floor(o.block / S));
          return {
            code: 'XX001',
            message: `could not read block ${o.block} in file "${path}": read only 0 of 8192 bytes`,
          };
        }
        return { ok: f.blocks[o.block] ?? ZERO };
      }
      case 'truncate': {
        const f = this.forks.get(Model.key(o.t));
        if (!f) return this.missing(o.t);
        if (o.n > f.blocks.length) {
          return {
            code: 'XX000',
            message: `could not truncate file "${relpath(RELS[o.t.rel]!, o.t.fork)}" to ${o.n} blocks: it's only ${f.blocks.length} blocks now`,
          };
        }
        f.blocks.length = o.n;
        if (f.durable.length > o.n) f.durable.length = o.n;
        const key = Model.key(o.t);
        this.log = this.log.filter((w) => w.key !== key || w.block < o.n);
        return { ok: undefined };
      }
      case 'unlink': {
        for (const fork of o.fork === undefined ? FORKS : [o.fork]) {
          const key = Model.key({ rel: o.rel, fork });
          this.forks.delete(key);
          this.log = this.log.filter((w) => w.key !== key);
        }
        return { ok: undefined };
      }
      case 'immedsync': {
        const key = Model.key(o.t);
        const f = this.forks.get(key);
        if (!f) return this.missing(o.t);
        f.durable = f.blocks.slice();
        f.dirty.clear();
        this.log = this.log.filter((w) => w.key !== key);
        return { ok: undefined };
      }
      case 'nblocks': {
        const f = this.forks.get(Model.key(o.t));
        return f ? { ok: f.blocks.length } : this.missing(o.t);
      }
      case 'exists':
        return { ok: this.forks.has(Model.key(o.t)) };
      case 'sync': {
        let files = 0;
        for (const f of this.forks.values()) {
          files += f.dirty.size;
          f.durable = f.blocks.slice();
          f.dirty.clear();
        }
        this.log = [];
        return { ok: files };
      }
      case 'close':
        return { ok: undefined };
    }
  }

  private put(t: Target, f: ModelFork, b: number, page: Uint8Array): void {
    f.blocks[b] = page;
    this.log.push({ key: Model.key(t), path: relpath(RELS[t.rel]!, t.fork), block: b, page });
  }

  /**
   * A power loss, given the decisions the storage manager asked for, in its
   * order: they must name the log's writes in write order, 16 sectors each.
   */
  crash(
    decisions: readonly { path: string; block: number; sector: number; kept: boolean }[],
  ): void {
    const after = new Map<string, (Uint8Array | undefined)[]>();
    for (const [key, f] of this.forks) after.set(key, f.durable.slice());
    let i = 0;
    for (const w of this.log) {
      const blocks = after.get(w.key)!;
      for (let s = 0; s < SECTORS; s++) {
        const d = decisions[i++];
        expect(d && { path: d.path, block: d.block, sector: d.sector }).toEqual({
          path: w.path,
          block: w.block,
          sector: s,
        });
        if (!d?.kept) continue;
        const page = (blocks[w.block] ?? ZERO).slice();
        page.set(w.page.subarray(s * SECTOR, (s + 1) * SECTOR), s * SECTOR);
        while (blocks.length < w.block) blocks.push(undefined);
        blocks[w.block] = page;
      }
    }
    expect(i).toBe(decisions.length);
    for (const [key, f] of this.forks) {
      f.blocks = after.get(key)!;
      f.durable = f.blocks.slice();
      f.dirty.clear();
    }
    this.log = [];
  }

  dirtyFiles(): string[] {
    const out: string[] = [];
    for (const [key, f] of this.forks) {
      const [rel, fork] = key.split('/').map(Number) as [number, ForkNumber];
      for (const s of f.dirty) out.push(segmentPath(RELS[rel]!, fork, s));
    }
    return out.sort();
  }
}

// ------------------------------------------------------------------ running

/** What the runs exercised, printed at the end so that a weak generator shows. */
const tally = {
  calls: 0,
  errors: new Map<string, number>(),
  holes: 0,
  segmentsCrossed: 0,
  crashes: 0,
  sectorsKept: 0,
};
afterAll(() => {
  const errors = [...tally.errors].map(([code, n]) => `${code} x${n}`).join(', ');
  console.log(
    `smgr model: ${tally.calls} calls (errors: ${errors}), ${tally.holes} extends leaving holes, ` +
      `${tally.segmentsCrossed} crossing into a new segment, ${tally.crashes} crashes keeping ` +
      `${tally.sectorsKept} sectors`,
  );
});

/** Applies `o` to the model, counting what it exercised; `n` is the target's length before. */
function applyCounted(model: Model, o: Exclude<Op, { op: 'crash' }>): Outcome {
  const n = 't' in o ? (model.nblocksOf(o.t) ?? 0) : 0;
  const want = model.apply(o);
  tally.calls++;
  if ('code' in want) tally.errors.set(want.code, (tally.errors.get(want.code) ?? 0) + 1);
  else if (o.op === 'extend' || o.op === 'extendAt') {
    const b = o.op === 'extend' ? n + o.gap : o.block;
    if (b > n) tally.holes++;
    if (Math.floor(b / S) > Math.floor(Math.max(0, n - 1) / S)) tally.segmentsCrossed++;
  }
  return want;
}

function run(smgr: Smgr, o: Exclude<Op, { op: 'crash' }>, model: Model): Outcome {
  try {
    switch (o.op) {
      case 'create':
        return { ok: smgr.create(RELS[o.t.rel]!, o.t.fork, o.isRedo) };
      case 'extend': {
        // The block comes from the model, so that a missing fork is asked for block `gap`.
        const b = (model.nblocksOf(o.t) ?? 0) + o.gap;
        return { ok: smgr.extend(RELS[o.t.rel]!, o.t.fork, b, pageOf(o.seed)) };
      }
      case 'extendAt':
        return { ok: smgr.extend(RELS[o.t.rel]!, o.t.fork, o.block, pageOf(o.seed)) };
      case 'write':
        return { ok: smgr.write(RELS[o.t.rel]!, o.t.fork, o.block, pageOf(o.seed)) };
      case 'read': {
        const into = new Uint8Array(BLCKSZ).fill(0xee);
        smgr.read(RELS[o.t.rel]!, o.t.fork, o.block, into);
        return { ok: into };
      }
      case 'truncate':
        return { ok: smgr.truncate(RELS[o.t.rel]!, o.t.fork, o.n) };
      case 'unlink':
        return { ok: smgr.unlink(RELS[o.rel]!, o.fork) };
      case 'immedsync':
        return { ok: smgr.immedsync(RELS[o.t.rel]!, o.t.fork) };
      case 'nblocks':
        return { ok: smgr.nblocks(RELS[o.t.rel]!, o.t.fork) };
      case 'exists':
        return { ok: smgr.exists(RELS[o.t.rel]!, o.t.fork) };
      case 'sync':
        return { ok: smgr.sync() };
      case 'close':
        return { ok: smgr.close() };
    }
  } catch (e) {
    if (!(e instanceof StorageError)) throw e;
    return { code: e.code, message: e.message };
  }
}

/** Every fork of the universe: exists, length and every block as the model has them. */
function compare(smgr: Smgr, model: Model, label: string): void {
  const into = new Uint8Array(BLCKSZ);
  for (let r = 0; r < RELS.length; r++) {
    for (const fork of FORKS) {
      const t = { rel: r, fork };
      const f = model.forks.get(Model.key(t));
      expect(smgr.exists(RELS[r]!, fork), `${label} exists ${Model.key(t)}`).toBe(f !== undefined);
      if (!f) continue;
      expect(smgr.nblocks(RELS[r]!, fork), `${label} nblocks ${Model.key(t)}`).toBe(
        f.blocks.length,
      );
      for (let b = 0; b < f.blocks.length; b++) {
        smgr.read(RELS[r]!, fork, b, into);
        if (!equalBytes(into, f.blocks[b] ?? ZERO)) {
          expect.fail(`${label}: block ${b} of ${relpath(RELS[r]!, fork)} differs from the model`);
        }
      }
    }
  }
}

function equalBytes(a: Uint8Array, b: Uint8Array): boolean {
  if (a.length !== b.length) return false;
  for (let i = 0; i < a.length; i++) if (a[i] !== b[i]) return false;
  return true;
}

function expectOutcome(got: Outcome, want: Outcome, label: string): void {
  if (
    'ok' in want &&
    want.ok instanceof Uint8Array &&
    'ok' in got &&
    got.ok instanceof Uint8Array
  ) {
    if (!equalBytes(got.ok, want.ok)) expect.fail(`${label}: read returned other bytes`);
    return;
  }
  expect(got, label).toEqual(want);
}

describe('storage managers against the model', () => {
  it('MemorySmgr and FileSmgr answer every call as the model does', () => {
    fc.assert(
      fc.property(ops(false), (ops) => {
        const dataDir = mkdtempSync(join(tmpdir(), 'pg-smgr-model-'));
        const file = new FileSmgr(dataDir, { segmentBlocks: S, maxOpenFiles: 3 });
        const mem = new MemorySmgr({ segmentBlocks: S });
        const model = new Model();
        for (const o of SETUP) {
          run(mem, o, model);
          run(file, o, model);
          model.apply(o);
        }
        try {
          ops.forEach((o, step) => {
            if (o.op === 'crash') return;
            const label = `step ${step} ${JSON.stringify(o)}`;
            const gotMem = run(mem, o, model);
            const gotFile = run(file, o, model);
            const want = applyCounted(model, o);
            expectOutcome(gotMem, want, `MemorySmgr ${label}`);
            expectOutcome(gotFile, want, `FileSmgr ${label}`);
            expect(mem.dirtyFiles(), label).toEqual(model.dirtyFiles());
            expect(file.dirtyFiles(), label).toEqual(model.dirtyFiles());
            compare(mem, model, `MemorySmgr ${label}`);
            compare(file, model, `FileSmgr ${label}`);
            for (const key of model.forks.keys()) {
              const [rel, fork] = key.split('/').map(Number) as [number, ForkNumber];
              expect(checkForkFiles(dataDir, RELS[rel]!, fork, S), label).toEqual([]);
            }
          });
          // Nothing depends on what the FileSmgr cached: a fresh one reads the same.
          file.close();
          const fresh = new FileSmgr(dataDir, { segmentBlocks: S });
          compare(fresh, model, 'fresh FileSmgr');
          fresh.close();
        } finally {
          file.close();
          rmSync(dataDir, { recursive: true, force: true });
        }
      }),
      { numRuns: FILE_RUNS },
    );
  });

  it('MemorySmgr crashes keep what was synced and at most sectors of the rest', () => {
    fc.assert(
      fc.property(ops(true), (ops) => {
        const mem = new MemorySmgr({ segmentBlocks: S });
        const model = new Model();
        for (const o of SETUP) {
          run(mem, o, model);
          model.apply(o);
        }
        const crash = (seedValue: number, p: number, label: string) => {
          const before = snapshot(model);
          const toss = coin(seedValue, p);
          const decisions: { path: string; block: number; sector: number; kept: boolean }[] = [];
          mem.crash({
            survives: (path, b, sector) => {
              const kept = toss();
              decisions.push({ path, block: b, sector, kept });
              return kept;
            },
          });
          model.crash(decisions);
          tally.crashes++;
          tally.sectorsKept += decisions.filter((d) => d.kept).length;
          compare(mem, model, label);
          checkCrashRule(mem, before, label);
          expect(mem.dirtyFiles()).toEqual([]);
          expect(mem.unsyncedWrites()).toBe(0);
        };
        ops.forEach((o, step) => {
          const label = `step ${step} ${JSON.stringify(o)}`;
          if (o.op === 'crash') {
            crash(o.seed, o.p, label);
            return;
          }
          const got = run(mem, o, model);
          expectOutcome(got, applyCounted(model, o), label);
          expect(mem.dirtyFiles(), label).toEqual(model.dirtyFiles());
          expect(mem.unsyncedWrites(), label).toBe(model.log.length);
          compare(mem, model, label);
        });
        // Once synced, a crash keeping every unsynced sector changes nothing.
        mem.sync();
        model.apply({ op: 'sync' });
        crash(1, 1, 'final crash after sync');
      }),
      { numRuns: CRASH_RUNS },
    );
  });
});

interface Snapshot {
  /** Per fork key: durable blocks and the unsynced writes of each block. */
  readonly forks: Map<
    string,
    { durable: (Uint8Array | undefined)[]; pending: Map<number, Uint8Array[]>; path: string }
  >;
}

function snapshot(model: Model): Snapshot {
  const forks: Snapshot['forks'] = new Map();
  for (const [key, f] of model.forks) {
    const [rel, fork] = key.split('/').map(Number) as [number, ForkNumber];
    forks.set(key, {
      durable: f.durable.slice(),
      pending: new Map(),
      path: relpath(RELS[rel]!, fork),
    });
  }
  for (const w of model.log) {
    const p = forks.get(w.key)!.pending;
    p.set(w.block, [...(p.get(w.block) ?? []), w.page]);
  }
  return { forks };
}

/**
 * The crash rule on its own, without replaying decisions: each sector is the
 * durable one or one of the unsynced writes' (S6); a block nobody wrote since
 * the last sync is exact; the length is the durable one, grown only to cover
 * blocks with unsynced writes.
 */
function checkCrashRule(mem: MemorySmgr, before: Snapshot, label: string): void {
  const into = new Uint8Array(BLCKSZ);
  for (const [key, f] of before.forks) {
    const [rel, fork] = key.split('/').map(Number) as [number, ForkNumber];
    const n = mem.nblocks(RELS[rel]!, fork);
    const written = [...f.pending.keys()];
    expect(n, `${label} length of ${f.path}`).toBeGreaterThanOrEqual(f.durable.length);
    if (n > f.durable.length) expect(written).toContain(n - 1);
    for (let b = 0; b < n; b++) {
      mem.read(RELS[rel]!, fork, b, into);
      const old = b < f.durable.length ? (f.durable[b] ?? ZERO) : ZERO;
      const pending = f.pending.get(b) ?? [];
      for (let s = 0; s < SECTORS; s++) {
        const got = into.subarray(s * SECTOR, (s + 1) * SECTOR);
        const candidates = [old, ...pending].map((p) => p.subarray(s * SECTOR, (s + 1) * SECTOR));
        if (!candidates.some((c) => equalBytes(c, got))) {
          expect.fail(
            `${label}: sector ${s} of block ${b} of ${f.path} is neither durable nor written`,
          );
        }
      }
    }
  }
}
