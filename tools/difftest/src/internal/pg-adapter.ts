/**
 * An Engine over node-postgres talking to a real PostgreSQL 15: used to
 * prove the printer (a case run through this adapter and the printer must
 * reproduce psql's expected file byte for byte).
 */
import type { ReferencePostgres } from '@pg/pg-reference';
import pg from 'pg';
import { from as copyFrom, to as copyTo } from 'pg-copy-streams';
import type { Engine, EngineFactory, ExecIo, Notice, Result } from './engine.js';
import { createDatabaseSql, SESSION_SETTINGS, startupOptions } from './settings.js';

/** The fields of pg's NoticeMessage this adapter reads. */
interface NoticeMessage {
  severity?: string | undefined;
  message?: string | undefined;
  detail?: string | undefined;
  hint?: string | undefined;
  position?: string | undefined;
}

const textParsers = { getTypeParser: () => (value: string) => value };

function optionalNumber(v: string | undefined): number | undefined {
  return v === undefined ? undefined : Number(v);
}

function toNotice(m: NoticeMessage): Notice {
  const n: { -readonly [K in keyof Notice]: Notice[K] } = {
    severity: m.severity ?? 'NOTICE',
    message: m.message ?? '',
  };
  if (m.detail !== undefined) n.detail = m.detail;
  if (m.hint !== undefined) n.hint = m.hint;
  const pos = optionalNumber(m.position);
  if (pos !== undefined) n.position = pos;
  return n;
}

type ErrorResult = Extract<Result, { kind: 'error' }>;

/** A DatabaseError as the error result psql would print; anything else is rethrown. */
function toError(e: unknown, notices: readonly Notice[]): ErrorResult {
  if (!(e instanceof pg.DatabaseError)) throw e;
  const err: { -readonly [K in keyof ErrorResult]: ErrorResult[K] } = {
    kind: 'error',
    severity: e.severity ?? 'ERROR',
    sqlstate: e.code ?? 'XX000',
    message: e.message,
    notices,
  };
  if (e.detail !== undefined) err.detail = e.detail;
  if (e.hint !== undefined) err.hint = e.hint;
  const pos = optionalNumber(e.position);
  if (pos !== undefined) err.position = pos;
  if (e.where !== undefined) err.context = e.where;
  return err;
}

/** COPY ... TO STDOUT (psql prints the data it receives). */
const COPY_TO_STDOUT = /^\s*copy\b[\s\S]*\bto\s+stdout\b/i;

/**
 * COPY through the protocol's copy sub-protocol, as psql runs it: FROM STDIN
 * sends the script's data lines, TO STDOUT collects what the server sends.
 */
async function runCopy(client: pg.Client, sql: string, io: ExecIo | undefined): Promise<Result> {
  if (io?.copyIn !== undefined) {
    const stream = client.query(copyFrom(sql));
    await new Promise<void>((resolve, reject) => {
      stream.on('error', reject);
      stream.on('finish', resolve);
      stream.end(io.copyIn);
    });
    return { kind: 'command', command: `COPY ${stream.rowCount}`, notices: [] };
  }
  const stream = client.query(copyTo(sql));
  let copyOut = '';
  await new Promise<void>((resolve, reject) => {
    stream.on('error', reject);
    stream.on('data', (chunk: Buffer) => {
      copyOut += chunk.toString('utf8');
    });
    stream.on('end', resolve);
  });
  return { kind: 'command', command: `COPY ${stream.rowCount}`, notices: [], copyOut };
}

/** Opens a fresh database per case on `server` and runs statements there. */
export function pgEngineFactory(server: ReferencePostgres): EngineFactory {
  let counter = 0;
  return async () => {
    const name = `difftest_${process.pid}_${++counter}`;
    await server.query(createDatabaseSql(name));
    const client = new pg.Client({
      host: server.host,
      port: server.port,
      user: server.user,
      database: name,
      options: startupOptions(),
      application_name: SESSION_SETTINGS.application_name,
    });
    await client.connect();
    let notices: Notice[] = [];
    let sawRowDescription = false;
    client.on('notice', (m) => notices.push(toNotice(m)));
    // A zero-column row description looks like none in pg's Result: watch the message itself.
    (client.connection as unknown as NodeJS.EventEmitter).on('rowDescription', () => {
      sawRowDescription = true;
    });
    const engine: Engine = {
      async exec(sql, io) {
        notices = [];
        sawRowDescription = false;
        try {
          if (io?.copyIn !== undefined || COPY_TO_STDOUT.test(sql)) {
            const res = await runCopy(client, sql, io);
            return [{ ...res, notices }];
          }
          const res = (await client.query({ text: sql, rowMode: 'array', types: textParsers })) as
            | pg.QueryResult<unknown[]>
            | pg.QueryResult<unknown[]>[];
          const list = Array.isArray(res) ? res : [res];
          const out: Result[] = [];
          for (const r of list) {
            if (r.command === null) continue; // empty query
            const command = r.rowCount === null ? r.command : `${r.command} ${r.rowCount}`;
            if (r.fields.length > 0 || sawRowDescription) {
              out.push({
                kind: 'rows',
                fields: r.fields.map((f) => ({ name: f.name, typeOid: f.dataTypeID })),
                rows: r.rows.map((row) => row.map((v) => (v === null ? null : String(v)))),
                command,
                notices,
              });
            } else {
              out.push({ kind: 'command', command, notices });
            }
            notices = [];
          }
          return out;
        } catch (e) {
          return [toError(e, notices)];
        }
      },
      async close() {
        await client.end();
        await server.query(`DROP DATABASE "${name}"`);
      },
    };
    return engine;
  };
}
