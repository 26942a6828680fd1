/**
 * LISTEN / UNLISTEN / NOTIFY and pg_notify() through the embedded Session
 * API: transactional delivery (after commit, dropped on rollback,
 * duplicates folded, savepoints), delivery only between transactions,
 * pg_listening_channels(), PostgreSQL's errors — and a model test:
 * random interleavings of listen / unlisten / notify / commit / rollback
 * over three sessions, against a reference model of PostgreSQL's shared
 * queue (one global list of committed entries, a read position per
 * registered session, filtered by the channels listened on when read).
 */
import { Database, type Session } from '@pg/engine';
import { failure } from '@pg/engine/testing';
import fc from 'fast-check';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';

interface Received {
  readonly processId: number;
  readonly channel: string;
  readonly payload: string;
}

let db: Database;

beforeAll(async () => {
  db = await Database.open();
});

afterAll(async () => {
  await db.close();
});

/** Lets setImmediate callbacks (delivery to idle sessions) run. */
const tick = () => new Promise<void>((r) => setImmediate(r));

async function connect(): Promise<{ s: Session; got: Received[] }> {
  const s = await db.connect();
  const got: Received[] = [];
  s.onNotification((n) => got.push({ ...n }));
  return { s, got };
}

async function channels(s: Session): Promise<string[]> {
  const r = await s.query<{ c: string }>('SELECT pg_listening_channels() AS c');
  return r.rows.map((x) => x.c);
}

describe('LISTEN / NOTIFY', () => {
  it('reports command tags and delivers after commit to every listener, the sender included', async () => {
    const a = await connect();
    const b = await connect();
    expect((await a.s.query('LISTEN ch')).command).toBe('LISTEN');
    await b.s.query('LISTEN ch');
    expect((await b.s.query("NOTIFY ch, 'hello'")).command).toBe('NOTIFY');
    // the sender's own notification arrives before its query resolves
    expect(b.got).toEqual([{ processId: b.s.processId, channel: 'ch', payload: 'hello' }]);
    await tick();
    expect(a.got).toEqual([{ processId: b.s.processId, channel: 'ch', payload: 'hello' }]);
    expect((await a.s.query('UNLISTEN ch')).command).toBe('UNLISTEN');
    await b.s.query("SELECT pg_notify('ch', 'again')");
    await tick();
    expect(a.got).toHaveLength(1);
    expect(b.got).toHaveLength(2);
    await a.s.close();
    await b.s.close();
  });

  it('queues in the transaction: dropped on rollback, folded duplicates, sent at commit', async () => {
    const a = await connect();
    const b = await connect();
    await a.s.query('LISTEN x');
    await b.s.query('BEGIN');
    await b.s.query("NOTIFY x, 'one'");
    await b.s.query("NOTIFY x, 'one'");
    await b.s.query("SELECT pg_notify('x', 'two')");
    await b.s.query('NOTIFY x');
    await tick();
    expect(a.got).toEqual([]);
    await b.s.query('COMMIT');
    await tick();
    expect(a.got.map((n) => n.payload)).toEqual(['one', 'two', '']);
    await b.s.query('BEGIN');
    await b.s.query("NOTIFY x, 'lost'");
    await b.s.query('ROLLBACK');
    await tick();
    expect(a.got).toHaveLength(3);
    await a.s.close();
    await b.s.close();
  });

  it('keeps savepoints: ROLLBACK TO drops, RELEASE merges', async () => {
    const a = await connect();
    const b = await connect();
    await a.s.query('LISTEN sp');
    await b.s.query('BEGIN');
    await b.s.query("NOTIFY sp, 'kept'");
    await b.s.query('SAVEPOINT s1');
    await b.s.query("NOTIFY sp, 'dropped'");
    await b.s.query('ROLLBACK TO s1');
    await b.s.query("NOTIFY sp, 'inner'");
    await b.s.query("NOTIFY sp, 'kept'");
    await b.s.query('RELEASE s1');
    await b.s.query('COMMIT');
    await tick();
    expect(a.got.map((n) => n.payload)).toEqual(['kept', 'inner']);
    await a.s.close();
    await b.s.close();
  });

  it('delivers to a session in a transaction block only when its block ends', async () => {
    const a = await connect();
    const b = await connect();
    await a.s.query('LISTEN blk');
    await a.s.query('BEGIN');
    await b.s.query("NOTIFY blk, 'p'");
    await tick();
    expect(a.got).toEqual([]);
    await a.s.query('SELECT 1');
    expect(a.got).toEqual([]);
    await a.s.query('ROLLBACK');
    expect(a.got.map((n) => n.payload)).toEqual(['p']);
    await a.s.close();
    await b.s.close();
  });

  it('LISTEN inside a transaction takes effect at commit; pg_listening_channels shows committed ones', async () => {
    const a = await connect();
    const b = await connect();
    await a.s.query('BEGIN');
    await a.s.query('LISTEN later');
    expect(await channels(a.s)).toEqual([]);
    await b.s.query("NOTIFY later, 'before'");
    await a.s.query('COMMIT');
    expect(await channels(a.s)).toEqual(['later']);
    await b.s.query("NOTIFY later, 'after'");
    await tick();
    expect(a.got.map((n) => n.payload)).toEqual(['after']);
    await a.s.query('LISTEN b2');
    await a.s.query('LISTEN "Mixed Case"');
    expect(await channels(a.s)).toEqual(['later', 'b2', 'Mixed Case']);
    await a.s.query('BEGIN');
    await a.s.query('LISTEN gone');
    await a.s.query('ROLLBACK');
    expect(await channels(a.s)).toEqual(['later', 'b2', 'Mixed Case']);
    await a.s.query('UNLISTEN *');
    expect(await channels(a.s)).toEqual([]);
    await a.s.close();
    await b.s.close();
  });

  it('registers a new listener before its own transaction publishes (Exec_ListenPreCommit)', async () => {
    const a = await connect();
    await a.s.query('BEGIN');
    await a.s.query('LISTEN own');
    await a.s.query("NOTIFY own, 'mine'");
    await a.s.query('COMMIT');
    expect(a.got).toEqual([{ processId: a.s.processId, channel: 'own', payload: 'mine' }]);
    await a.s.close();
  });

  // the three cases below were checked against PostgreSQL 15 with node-postgres
  it('a registered listener that LISTENs in a block gets what was sent on that channel before it committed', async () => {
    const a = await connect();
    const b = await connect();
    await b.s.query('LISTEN x');
    await b.s.query('BEGIN');
    await b.s.query('LISTEN y');
    await a.s.query("NOTIFY y, 'before-commit'");
    await tick();
    await b.s.query('COMMIT');
    expect(b.got.map((n) => `${n.channel}:${n.payload}`)).toEqual(['y:before-commit']);
    b.got.length = 0;
    await b.s.query('BEGIN');
    await b.s.query('UNLISTEN x');
    await a.s.query("NOTIFY x, 'during-unlisten'");
    await tick();
    await b.s.query('COMMIT');
    await tick();
    expect(b.got).toEqual([]);
    await b.s.query('LISTEN z');
    await a.s.query(
      "BEGIN; NOTIFY z, '1'; SAVEPOINT s; NOTIFY z, '2'; NOTIFY z, '1'; RELEASE s; NOTIFY z, '3'; COMMIT",
    );
    await tick();
    expect(b.got.map((n) => n.payload)).toEqual(['1', '2', '3']);
    await a.s.close();
    await b.s.close();
  });

  it('does not cross databases', async () => {
    const admin = await db.connect();
    await admin.query('CREATE DATABASE other_notify');
    const a = await connect();
    const o = await db.connect({ database: 'other_notify' });
    const got: Received[] = [];
    o.onNotification((n) => got.push(n));
    await o.query('LISTEN c');
    await a.s.query("NOTIFY c, 'x'");
    await tick();
    expect(got).toEqual([]);
    await o.close();
    await a.s.close();
    await admin.close();
  });

  it("raises PostgreSQL's errors", async () => {
    const { s } = await connect();
    const e1 = await failure(s.query("SELECT pg_notify('', 'x')"));
    expect([e1.code, e1.message]).toEqual(['22023', 'channel name cannot be empty']);
    const e2 = await failure(s.query("SELECT pg_notify(NULL, 'x')"));
    expect(e2.message).toBe('channel name cannot be empty');
    const e3 = await failure(s.query(`SELECT pg_notify('${'a'.repeat(64)}', 'x')`));
    expect([e3.code, e3.message]).toEqual(['22023', 'channel name too long']);
    const e4 = await failure(s.query(`SELECT pg_notify('a', repeat('x', 8000))`));
    expect([e4.code, e4.message]).toEqual(['22023', 'payload string too long']);
    const ok = await s.query(`SELECT pg_notify('a', repeat('x', 7999)) AS r`);
    expect(ok.rows).toEqual([{ r: '' }]);
    // bytes, not characters: 2700 three-byte characters are 8100 bytes
    const e5 = await failure(s.query(`SELECT pg_notify('a', repeat('€', 2700))`));
    expect(e5.message).toBe('payload string too long');
    await s.close();
  });
});

// ---------------------------------------------------------------- the model test

type Op =
  | { readonly kind: 'begin'; readonly s: number }
  | { readonly kind: 'commit'; readonly s: number }
  | { readonly kind: 'rollback'; readonly s: number }
  | { readonly kind: 'listen'; readonly s: number; readonly ch: string }
  | { readonly kind: 'unlisten'; readonly s: number; readonly ch: string | undefined }
  | { readonly kind: 'notify'; readonly s: number; readonly ch: string; readonly payload: string };

const CHANNELS = ['a', 'b'];
const session = fc.nat(2);
/** Weighted so that sessions listen, notify and leave blocks often enough to receive plenty. */
const opArb: fc.Arbitrary<Op> = fc.oneof(
  { weight: 2, arbitrary: fc.record({ kind: fc.constant('begin' as const), s: session }) },
  { weight: 2, arbitrary: fc.record({ kind: fc.constant('commit' as const), s: session }) },
  { weight: 1, arbitrary: fc.record({ kind: fc.constant('rollback' as const), s: session }) },
  {
    weight: 3,
    arbitrary: fc.record({
      kind: fc.constant('listen' as const),
      s: session,
      ch: fc.constantFrom(...CHANNELS),
    }),
  },
  {
    weight: 1,
    arbitrary: fc.record({
      kind: fc.constant('unlisten' as const),
      s: session,
      ch: fc.option(fc.constantFrom(...CHANNELS), { nil: undefined }),
    }),
  },
  {
    weight: 5,
    arbitrary: fc.record({
      kind: fc.constant('notify' as const),
      s: session,
      ch: fc.constantFrom(...CHANNELS),
      payload: fc.constantFrom('', 'p', 'q'),
    }),
  },
);

/**
 * PostgreSQL's behaviour as a reference: one global queue of committed
 * entries; a registered session has a read position, set to the queue's
 * end when a transaction with a LISTEN commits (before that transaction's
 * own entries are added); reading happens between transactions and keeps
 * the entries on the channels listened on then.
 */
class Model {
  readonly queue: { pid: number; channel: string; payload: string }[] = [];
  readonly sessions = [0, 1, 2].map(() => ({
    inBlock: false,
    channels: [] as string[],
    pos: undefined as number | undefined,
    actions: [] as { kind: 'listen' | 'unlisten' | 'all'; ch?: string }[],
    pending: [] as { channel: string; payload: string }[],
    got: [] as { pid: number; channel: string; payload: string }[],
  }));

  constructor(readonly pids: readonly number[]) {}

  apply(op: Op): void {
    const me = this.sessions[op.s]!;
    switch (op.kind) {
      case 'begin':
        me.inBlock = true; // a second BEGIN only warns
        break;
      case 'commit':
      case 'rollback':
        if (me.inBlock) this.#end(op.s, op.kind === 'commit');
        break;
      case 'listen':
        me.actions.push({ kind: 'listen', ch: op.ch });
        if (!me.inBlock) this.#end(op.s, true);
        break;
      case 'unlisten':
        me.actions.push(op.ch === undefined ? { kind: 'all' } : { kind: 'unlisten', ch: op.ch });
        if (!me.inBlock) this.#end(op.s, true);
        break;
      case 'notify':
        if (!me.pending.some((n) => n.channel === op.ch && n.payload === op.payload)) {
          me.pending.push({ channel: op.ch, payload: op.payload });
        }
        if (!me.inBlock) this.#end(op.s, true);
        break;
    }
    // every session between transactions reads what is there (the event loop runs between ops)
    for (let k = 0; k < 3; k++) if (!this.sessions[k]!.inBlock) this.#read(k);
  }

  #end(k: number, commit: boolean): void {
    const me = this.sessions[k]!;
    me.inBlock = false;
    if (commit) {
      if (me.actions.some((a) => a.kind === 'listen') && me.pos === undefined) {
        me.pos = this.queue.length;
      }
      for (const n of me.pending) this.queue.push({ pid: this.pids[k]!, ...n });
      for (const a of me.actions) {
        if (a.kind === 'listen' && !me.channels.includes(a.ch!)) me.channels.push(a.ch!);
        if (a.kind === 'unlisten') me.channels = me.channels.filter((c) => c !== a.ch);
        if (a.kind === 'all') me.channels = [];
      }
      if (me.channels.length === 0) me.pos = undefined;
    }
    me.actions = [];
    me.pending = [];
  }

  #read(k: number): void {
    const me = this.sessions[k]!;
    if (me.pos === undefined) return;
    for (; me.pos < this.queue.length; me.pos++) {
      const e = this.queue[me.pos]!;
      if (me.channels.includes(e.channel)) me.got.push(e);
    }
  }
}

function sqlOf(op: Op): string {
  switch (op.kind) {
    case 'begin':
      return 'BEGIN';
    case 'commit':
      return 'COMMIT';
    case 'rollback':
      return 'ROLLBACK';
    case 'listen':
      return `LISTEN ${op.ch}`;
    case 'unlisten':
      return `UNLISTEN ${op.ch ?? '*'}`;
    case 'notify':
      return op.payload === ''
        ? `NOTIFY ${op.ch}`
        : `SELECT pg_notify('${op.ch}', '${op.payload}')`;
  }
}

describe('the notification model', () => {
  it('matches random interleavings over three sessions', async () => {
    await fc.assert(
      fc.asyncProperty(fc.array(opArb, { minLength: 1, maxLength: 60 }), async (ops) => {
        const sessions = await Promise.all([connect(), connect(), connect()]);
        try {
          const model = new Model(sessions.map((x) => x.s.processId));
          for (const op of ops) {
            await sessions[op.s]!.s.query(sqlOf(op));
            await tick();
            model.apply(op);
            for (let k = 0; k < 3; k++) {
              const got = sessions[k]!.got.map((n) => ({
                pid: n.processId,
                channel: n.channel,
                payload: n.payload,
              }));
              expect(got).toEqual(model.sessions[k]!.got);
            }
          }
          for (let k = 0; k < 3; k++) {
            expect(await channels(sessions[k]!.s)).toEqual(model.sessions[k]!.channels);
          }
        } finally {
          for (const x of sessions) await x.s.close();
        }
      }),
      { numRuns: Number(process.env.PG_PROPERTY_RUNS ?? 60) },
    );
  });
});
