/**
 * pg_stat_activity over the sessions, pg_backend_pid(), cancel
 * (Database.cancelBackend with the secret key, pg_cancel_backend),
 * terminate (pg_terminate_backend, FATAL 57P01 through onTerminate) and
 * the idle timeouts (25P03, 57P05).
 */
import { Database, type EngineError, type Session } from '@pg/engine';
import { failure } from '@pg/engine/testing';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';

let db: Database;

beforeAll(async () => {
  db = await Database.open();
});

afterAll(async () => {
  await db.close();
});

const sleep = (ms: number) => new Promise<void>((r) => setTimeout(r, ms));

type Row = Record<string, unknown>;

async function activity(viewer: Session, pid: number): Promise<Row | undefined> {
  const r = await viewer.query(`SELECT * FROM pg_stat_activity WHERE pid = ${pid}`);
  return r.rows[0];
}

/** A query that runs for a long time and yields to the event loop as it produces rows. */
const LONG = 'SELECT g FROM generate_series(1, 50000000) g';

describe('pg_stat_activity', () => {
  it("has PostgreSQL 15's columns and types", async () => {
    const s = await db.connect();
    const r = await s.query('SELECT * FROM pg_stat_activity LIMIT 0');
    expect(r.fields.map((f) => `${f.name}:${f.dataTypeID}`)).toEqual([
      'datid:26',
      'datname:19',
      'pid:23',
      'leader_pid:23',
      'usesysid:26',
      'usename:19',
      'application_name:25',
      'client_addr:25', // inet in PostgreSQL
      'client_hostname:25',
      'client_port:23',
      'backend_start:1184',
      'xact_start:1184',
      'query_start:1184',
      'state_change:1184',
      'wait_event_type:25',
      'wait_event:25',
      'state:25',
      'backend_xid:25', // xid in PostgreSQL
      'backend_xmin:25', // xid in PostgreSQL
      'query_id:20',
      'query:25',
      'backend_type:25',
    ]);
    await s.close();
  });

  it('shows each session: its state, query, transaction and client', async () => {
    const a = await db.connect({ options: { application_name: 'app-a' } });
    const b = await db.connect();
    b.setClientInfo({ clientAddr: '127.0.0.1', clientPort: 54321, applicationName: 'app-b' });
    const self = await a.query(
      'SELECT pid, state, query, pg_backend_pid() AS me FROM pg_stat_activity WHERE pid = pg_backend_pid()',
    );
    expect(self.rows).toEqual([
      {
        pid: a.processId,
        state: 'active',
        query:
          'SELECT pid, state, query, pg_backend_pid() AS me FROM pg_stat_activity WHERE pid = pg_backend_pid()',
        me: a.processId,
      },
    ]);
    let row = await activity(a, b.processId);
    expect(row).toMatchObject({
      datname: 'postgres',
      usename: 'postgres',
      usesysid: 10,
      application_name: 'app-b',
      client_addr: '127.0.0.1',
      client_port: 54321,
      state: 'idle',
      query: '',
      xact_start: null,
      wait_event_type: 'Client',
      wait_event: 'ClientRead',
      backend_type: 'client backend',
    });
    expect((await activity(b, a.processId))?.application_name).toBe('app-a');
    await b.query('CREATE TABLE act_t (x int)');
    await b.query('BEGIN');
    await b.query('INSERT INTO act_t VALUES (1)');
    row = await activity(a, b.processId);
    expect(row).toMatchObject({
      state: 'idle in transaction',
      query: 'INSERT INTO act_t VALUES (1)',
    });
    expect(row?.xact_start).not.toBeNull();
    expect(row?.backend_xid).toMatch(/^\d+$/);
    await failure(b.query('SELECT 1/0'));
    expect((await activity(a, b.processId))?.state).toBe('idle in transaction (aborted)');
    await b.query('ROLLBACK');
    row = await activity(a, b.processId);
    expect(row).toMatchObject({
      state: 'idle',
      query: 'ROLLBACK',
      xact_start: null,
      backend_xid: null,
    });
    const count = await a.query<{ n: bigint }>(
      "SELECT count(*) AS n FROM pg_stat_activity WHERE datname = 'postgres'",
    );
    expect(Number(count.rows[0]?.n)).toBe(db.sessionCount);
    await b.close();
    expect(await activity(a, b.processId)).toBeUndefined();
    await a.close();
  });
});

describe('cancel', () => {
  it('cancels a long query from another session (CancelRequest and pg_cancel_backend)', async () => {
    const s = await db.connect();
    const other = await db.connect();
    setTimeout(() => db.cancelBackend(s.processId, s.secretKey), 30);
    const e1 = await failure(s.query(LONG));
    expect([e1.code, e1.message]).toEqual(['57014', 'canceling statement due to user request']);
    let seen: Row | undefined;
    setTimeout(() => {
      void activity(other, s.processId).then((r) => {
        seen = r;
        return other.query(`SELECT pg_cancel_backend(${s.processId}) AS ok`);
      });
    }, 30);
    const e2 = await failure(s.query(LONG));
    expect(e2.code).toBe('57014');
    expect(seen).toMatchObject({ state: 'active', wait_event_type: null });
    // the session goes on
    expect((await s.query('SELECT 1 AS one')).rows).toEqual([{ one: 1 }]);
    await s.close();
    await other.close();
  });

  it('cancels COPY FROM STDIN between chunks and COPY TO STDOUT between writes', async () => {
    const s = await db.connect();
    await s.query('CREATE TABLE copy_cancel (x int)');
    async function* endless(): AsyncGenerator<string> {
      for (let k = 0; ; k++) {
        yield `${k}\n${k + 1}\n`;
        await new Promise<void>((r) => setImmediate(r));
      }
    }
    setTimeout(() => db.cancelBackend(s.processId, s.secretKey), 30);
    const e1 = await failure(s.copyFrom('COPY copy_cancel FROM STDIN', endless()));
    expect([e1.code, e1.message]).toEqual(['57014', 'canceling statement due to user request']);
    expect((await s.query('SELECT count(*) AS n FROM copy_cancel')).rows).toEqual([{ n: 0n }]);
    await s.query('INSERT INTO copy_cancel SELECT g FROM generate_series(1, 30000) g');
    let chunks = 0;
    const e2 = await failure(
      s.copyTo('COPY copy_cancel TO STDOUT', async () => {
        if (++chunks === 2) db.cancelBackend(s.processId, s.secretKey);
        await new Promise<void>((r) => setImmediate(r));
      }),
    );
    expect(e2.code).toBe('57014');
    await s.close();
  });

  it('checks interrupts in a scan that returns nothing (statement_timeout)', async () => {
    const s = await db.connect();
    await s.query('SET statement_timeout = 5');
    const e = await failure(s.query('SELECT g FROM generate_series(1, 20000000) g WHERE g < 0'));
    expect([e.code, e.message]).toEqual(['57014', 'canceling statement due to statement timeout']);
    await s.close();
  });

  it('ignores a wrong key and a cancel when idle', async () => {
    const s = await db.connect();
    db.cancelBackend(s.processId, (s.secretKey + 1) | 0);
    db.cancelBackend(s.processId, s.secretKey); // idle: nothing
    setTimeout(() => db.cancelBackend(s.processId, (s.secretKey ^ 1) | 0), 20);
    const r = await s.query('SELECT count(*) AS n FROM generate_series(1, 30000) g');
    expect(r.rows).toEqual([{ n: 30000n }]);
    await s.close();
  });

  it('interrupts a lock wait', async () => {
    const a = await db.connect();
    const b = await db.connect();
    await a.query('CREATE TABLE lockw (id int primary key, v int)');
    await a.query('INSERT INTO lockw VALUES (1, 0)');
    await a.query('BEGIN');
    await a.query('UPDATE lockw SET v = 1 WHERE id = 1');
    let seen: Row | undefined;
    setTimeout(() => {
      void activity(a, b.processId).then((r) => {
        seen = r;
        db.cancelBackend(b.processId, b.secretKey);
      });
    }, 30);
    const e = await failure(b.query('UPDATE lockw SET v = 2 WHERE id = 1'));
    expect(e.code).toBe('57014');
    expect(seen).toMatchObject({
      state: 'active',
      wait_event_type: 'Lock',
      wait_event: 'transactionid',
    });
    await a.query('COMMIT');
    expect((await b.query('SELECT v FROM lockw')).rows).toEqual([{ v: 1 }]);
    await a.close();
    await b.close();
  });

  it('reports a pid that is no backend', async () => {
    const s = await db.connect();
    const r = await s.query(
      'SELECT pg_cancel_backend(999999) AS c, pg_terminate_backend(999998) AS t',
    );
    expect(r.rows).toEqual([{ c: false, t: false }]);
    expect(r.notices.map((n) => `${n.severity} ${n.message}`)).toEqual([
      'WARNING PID 999999 is not a PostgreSQL backend process',
      'WARNING PID 999998 is not a PostgreSQL backend process',
    ]);
    const e = await failure(s.query('SELECT pg_terminate_backend(pg_backend_pid(), -1)'));
    expect([e.code, e.message]).toEqual(['22023', '"timeout" must not be negative']);
    await s.close();
  });
});

describe('terminate', () => {
  it('ends an idle session: FATAL 57P01 through onTerminate, its transaction rolled back', async () => {
    const a = await db.connect();
    const b = await db.connect();
    const ended: EngineError[] = [];
    b.onTerminate((e) => ended.push(e));
    await a.query('CREATE TABLE term_t (x int)');
    await b.query('BEGIN');
    await b.query('INSERT INTO term_t VALUES (1)');
    const r = await a.query(`SELECT pg_terminate_backend(${b.processId}) AS ok`);
    expect(r.rows).toEqual([{ ok: true }]);
    await sleep(10);
    expect(ended.map((e) => [e.severity, e.code, e.message])).toEqual([
      ['FATAL', '57P01', 'terminating connection due to administrator command'],
    ]);
    expect((await failure(b.query('SELECT 1'))).code).toBe('08003');
    expect((await a.query('SELECT count(*) AS n FROM term_t')).rows).toEqual([{ n: 0n }]);
    expect(await activity(a, b.processId)).toBeUndefined();
    await a.close();
  });

  it('ends a session terminated while idle that starts a request before the event loop turns', async () => {
    const a = await db.connect();
    const b = await db.connect();
    const ended: EngineError[] = [];
    b.onTerminate((e) => ended.push(e));
    const signal = a.query(`SELECT pg_terminate_backend(${b.processId})`);
    await signal;
    const e = await failure(b.query('SELECT 1'));
    expect([e.severity, e.code]).toEqual(['FATAL', '57P01']);
    expect(ended).toEqual([e]);
    expect((await failure(b.query('SELECT 1'))).code).toBe('08003');
    await a.close();
  });

  it('ends a running session at its next interrupt check', async () => {
    const a = await db.connect();
    const b = await db.connect();
    const ended: EngineError[] = [];
    b.onTerminate((e) => ended.push(e));
    setTimeout(() => void a.query(`SELECT pg_terminate_backend(${b.processId})`), 30);
    const e = await failure(b.query(LONG));
    expect([e.severity, e.code]).toEqual(['FATAL', '57P01']);
    expect(ended).toEqual([e]);
    expect(db.sessionCount).toBeGreaterThan(0);
    expect((await failure(b.query('SELECT 1'))).code).toBe('08003');
    await a.close();
  });

  it('ends the session that terminates itself', async () => {
    const s = await db.connect();
    const ended: EngineError[] = [];
    s.onTerminate((e) => ended.push(e));
    const e = await failure(s.query('SELECT pg_terminate_backend(pg_backend_pid())'));
    expect([e.severity, e.code]).toEqual(['FATAL', '57P01']);
    expect(ended).toHaveLength(1);
  });
});

describe('shutdown', () => {
  it("db.close('fast') ends every session with FATAL 57P01 through onTerminate", async () => {
    const other = await Database.open();
    const s = await other.connect();
    const ended: EngineError[] = [];
    s.onTerminate((e) => ended.push(e));
    await s.query('BEGIN');
    await other.close('fast');
    expect(ended.map((e) => [e.severity, e.code])).toEqual([['FATAL', '57P01']]);
  });
});

describe('idle timeouts', () => {
  it('idle_in_transaction_session_timeout: FATAL 25P03', async () => {
    const s = await db.connect();
    const ended: EngineError[] = [];
    s.onTerminate((e) => ended.push(e));
    await s.query('SET idle_in_transaction_session_timeout = 40');
    await s.query('SELECT 1'); // idle outside a transaction: no timeout
    await sleep(80);
    expect(ended).toEqual([]);
    await s.query('BEGIN');
    await sleep(20);
    await s.query('SELECT 1'); // activity restarts the clock
    await sleep(120);
    expect(ended.map((e) => [e.severity, e.code, e.message])).toEqual([
      ['FATAL', '25P03', 'terminating connection due to idle-in-transaction timeout'],
    ]);
    expect((await failure(s.query('SELECT 1'))).code).toBe('08003');
  });

  it('idle_session_timeout: FATAL 57P05', async () => {
    const s = await db.connect({ options: { idle_session_timeout: '40' } });
    const ended: EngineError[] = [];
    s.onTerminate((e) => ended.push(e));
    await sleep(120);
    expect(ended.map((e) => [e.severity, e.code, e.message])).toEqual([
      ['FATAL', '57P05', 'terminating connection due to idle-session timeout'],
    ]);
  });
});
