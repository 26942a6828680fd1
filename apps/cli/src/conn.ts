/**
 * One connection for the tools that run SQL (sql, dump, restore, vacuumdb,
 * bench): the embedded engine on a data directory (-D DIR), or a server
 * over the wire with node-postgres (-h HOST -p PORT). Results come back
 * with every value as PostgreSQL's text output, so both print the same.
 */
import { existsSync } from 'node:fs';
import { join } from 'node:path';
import { Database, type Session } from '@pg/engine';
import { builtins, defaultContext } from '@pg/types';
import pg from 'pg';
import { CliExit } from './cli.js';

export interface TextField {
  readonly name: string;
  readonly dataTypeID: number;
}

export interface TextResult {
  readonly command: string;
  readonly rowCount: number | null;
  readonly fields: readonly TextField[];
  readonly rows: (string | null)[][];
}

export interface Conn {
  /** Runs one or more statements (parameters only with one); every statement's result. */
  query(sql: string, params?: readonly unknown[]): Promise<TextResult[]>;
  /** COPY ... TO STDOUT: the text it sends. */
  copyOut(sql: string): Promise<string>;
  /** COPY ... FROM STDIN with `data`; the number of rows copied. */
  copyIn(sql: string, data: string): Promise<number | null>;
  /** Notices (WARNING, NOTICE...) as they come. */
  onNotice(listener: (severity: string, message: string) => void): void;
  close(): Promise<void>;
}

export interface ConnTarget {
  /** -D: the data directory (embedded). */
  readonly dataDir?: string;
  readonly host?: string;
  readonly port?: number;
  readonly user?: string;
  readonly database?: string;
  /** initdb progress when -D names a new directory. */
  readonly onProgress?: (step: string) => void;
}

/** Opens -D DIR embedded, or connects over the wire (host/port, PGHOST/PGPORT defaults). */
export async function openConn(target: ConnTarget): Promise<Conn> {
  if (target.dataDir !== undefined && target.host === undefined && target.port === undefined) {
    const fresh = !existsSync(join(target.dataDir, 'PG_VERSION'));
    const db = await Database.open({
      dataDir: target.dataDir,
      // initdb's steps when the directory is new; nothing on a plain open
      ...(target.onProgress === undefined || !fresh ? {} : { onProgress: target.onProgress }),
    });
    try {
      const session = await db.connect({
        ...(target.user === undefined ? {} : { user: target.user }),
        ...(target.database === undefined ? {} : { database: target.database }),
      });
      return embedded(session, () => db.close());
    } catch (e) {
      await db.close();
      throw e;
    }
  }
  return wire(target);
}

/**
 * `n` connections (bench's clients): sessions of one embedded instance, or
 * n clients over the wire.
 */
export async function openConns(target: ConnTarget, n: number): Promise<Conn[]> {
  if (target.dataDir !== undefined && target.host === undefined && target.port === undefined) {
    const db = await Database.open({ dataDir: target.dataDir });
    const conns: Conn[] = [];
    let open = n;
    for (let k = 0; k < n; k++) {
      const session = await db.connect({
        ...(target.user === undefined ? {} : { user: target.user }),
        ...(target.database === undefined ? {} : { database: target.database }),
      });
      conns.push(
        embedded(session, async () => {
          if (--open === 0) await db.close();
        }),
      );
    }
    return conns;
  }
  return Promise.all(Array.from({ length: n }, () => wire(target)));
}

function embedded(session: Session, closeDb: () => Promise<void>): Conn {
  const notices: ((severity: string, message: string) => void)[] = [];
  const text = (rows: unknown[][], fields: readonly TextField[]) => {
    const ctx = defaultContext({ timeZone: session.setting('TimeZone') });
    return rows.map((row) =>
      row.map((v, i) =>
        v === null || v === undefined
          ? null
          : builtins.mustType(fields[i]?.dataTypeID ?? 25).output(v, ctx),
      ),
    );
  };
  return {
    async query(sql, params = []) {
      const results =
        params.length === 0
          ? await session.execute<unknown[]>(sql, [], { rowMode: 'array' })
          : [await session.query<unknown[]>(sql, params, { rowMode: 'array' })];
      return results.map((r) => {
        for (const n of r.notices) for (const l of notices) l(n.severity, n.message);
        return {
          command: r.command,
          rowCount: r.rowCount,
          fields: r.fields,
          rows: text(r.rows, r.fields),
        };
      });
    },
    async copyOut(sql) {
      return (await session.copyTo(sql)).data;
    },
    async copyIn(sql, data) {
      return (await session.copyFrom(sql, data)).rowCount;
    },
    onNotice(listener) {
      notices.push(listener);
    },
    async close() {
      session.close();
      await closeDb();
    },
  };
}

/** Every type's value as the text the server sent. */
const textTypes = { getTypeParser: () => (value: string) => value };

/**
 * A node-postgres Submittable for COPY: sends `data` on CopyInResponse,
 * collects CopyData on CopyOutResponse (what pg-copy-streams does, without it).
 */
class CopyQuery {
  readonly text: string;
  readonly #data: string | undefined;
  readonly #chunks: Buffer[] = [];
  #error: Error | undefined;
  #rowCount: number | null = null;
  readonly done: Promise<{ data: string; rowCount: number | null }>;
  #resolve!: (v: { data: string; rowCount: number | null }) => void;
  #reject!: (e: Error) => void;

  constructor(text: string, data?: string) {
    this.text = text;
    this.#data = data;
    this.done = new Promise((res, rej) => {
      this.#resolve = res;
      this.#reject = rej;
    });
  }

  submit(connection: { query(text: string): void }): void {
    connection.query(this.text);
  }

  handleCopyInResponse(connection: {
    sendCopyFromChunk(b: Buffer): void;
    endCopyFrom(): void;
    sendCopyFail(msg: string): void;
  }): void {
    if (this.#data === undefined) {
      connection.sendCopyFail('COPY FROM STDIN needs data');
      return;
    }
    const bytes = Buffer.from(this.#data, 'utf8');
    for (let off = 0; off < bytes.length; off += 65536) {
      connection.sendCopyFromChunk(bytes.subarray(off, off + 65536));
    }
    connection.endCopyFrom();
  }

  handleCopyData(msg: { chunk: Buffer }): void {
    this.#chunks.push(msg.chunk);
  }

  handleCommandComplete(msg: { text: string }): void {
    const n = Number(/ (\d+)$/.exec(msg.text)?.[1]);
    this.#rowCount = Number.isInteger(n) ? n : null;
  }

  handleError(err: Error): void {
    this.#error = err;
  }

  handleReadyForQuery(): void {
    if (this.#error !== undefined) this.#reject(this.#error);
    else
      this.#resolve({
        data: Buffer.concat(this.#chunks).toString('utf8'),
        rowCount: this.#rowCount,
      });
  }

  // messages a COPY never gets, but node-postgres may call
  handleRowDescription(): void {}
  handleDataRow(): void {}
  handlePortalSuspended(): void {}
  handleEmptyQuery(): void {}
}

async function wire(target: ConnTarget): Promise<Conn> {
  const client = new pg.Client({
    ...(target.host === undefined ? {} : { host: target.host }),
    ...(target.port === undefined ? {} : { port: target.port }),
    user: target.user ?? process.env.PGUSER ?? 'postgres',
    database: target.database ?? process.env.PGDATABASE ?? 'postgres',
  });
  try {
    await client.connect();
  } catch (e) {
    // psql's wording and exit code (2) for a connection that could not be made
    const where = (target.host ?? 'localhost').startsWith('/')
      ? `on socket "${target.host}/.s.PGSQL.${target.port ?? 5432}"`
      : `at "${target.host ?? 'localhost'}", port ${target.port ?? 5432}`;
    const err = e as NodeJS.ErrnoException;
    const why = err.code === 'ECONNREFUSED' ? 'Connection refused' : err.message;
    throw new CliExit(2, `pg-ts: error: connection to server ${where} failed: ${why}\n`);
  }
  const copy = async (sql: string, data?: string) => {
    const q = new CopyQuery(sql, data);
    void client.query(q as never);
    return q.done;
  };
  return {
    async query(sql, params = []) {
      // a pg.Query that keeps each CommandComplete's whole tag (pg keeps only its first word)
      const config = { text: sql, values: [...params], rowMode: 'array', types: textTypes };
      const q = new pg.Query(config as pg.QueryConfig);
      const tags: string[] = [];
      const hooked = q as unknown as {
        handleCommandComplete(msg: { text: string }, con: unknown): void;
      };
      const original = hooked.handleCommandComplete.bind(q);
      hooked.handleCommandComplete = (msg, con) => {
        tags.push(msg.text);
        original(msg, con);
      };
      const r = await new Promise<unknown>((res, rej) => {
        q.on('end', res);
        q.on('error', rej);
        void client.query(q);
      });
      const list = (Array.isArray(r) ? r : [r]) as pg.QueryResult<(string | null)[]>[];
      return list.map((x, i) => ({
        command: tags[i] ?? commandTag(x),
        rowCount: x.rowCount,
        fields: x.fields.map((f) => ({ name: f.name, dataTypeID: f.dataTypeID })),
        rows: x.rows,
      }));
    },
    async copyOut(sql) {
      return (await copy(sql)).data;
    },
    async copyIn(sql, data) {
      return (await copy(sql, data)).rowCount;
    },
    onNotice(listener) {
      client.on('notice', (n) => listener(n.severity ?? 'NOTICE', n.message ?? ''));
    },
    async close() {
      await client.end();
    },
  };
}

/** The CommandComplete tag node-postgres split into command and rowCount. */
function commandTag(r: pg.QueryResult): string {
  if (r.command === 'INSERT') return `INSERT 0 ${r.rowCount ?? 0}`;
  if (['SELECT', 'UPDATE', 'DELETE', 'COPY', 'FETCH', 'MOVE', 'MERGE'].includes(r.command)) {
    return `${r.command} ${r.rowCount ?? 0}`;
  }
  return r.command ?? '';
}
