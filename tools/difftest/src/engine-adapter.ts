/**
 * The Engine adapter over @pg/engine's embedded Session API:
 *
 *   const db = await Database.open();            // in memory
 *   const session = await db.connect();
 *   const r = await session.query(sql);           // { rows, fields: { name, dataTypeID }[], command, rowCount }
 *   // or throws an error with code, message, detail?, hint?, position?
 *
 * @pg/engine is imported dynamically, so this package builds and its own
 * tests run whatever state the engine is in; when the engine cannot be
 * loaded or opened, every case fails with that reason.
 *
 * Values come back as JavaScript values and are printed with @pg/types'
 * text output functions (`builtins.mustType(oid).output(value, ctx)`), in a
 * context with the same settings the expected files were made with.
 */
import type { Engine, EngineFactory, Notice, Result } from './internal/engine.js';
import { SESSION_SETTINGS } from './internal/settings.js';

/** The part of @pg/engine this adapter relies on. */
interface EngineModule {
  Database: { open(options?: Record<string, unknown>): Promise<EngineDatabase> };
}
interface EngineDatabase {
  connect(options?: Record<string, unknown>): Promise<EngineSession> | EngineSession;
  close(): Promise<void>;
}
interface EngineField {
  name: string;
  dataTypeID: number;
}
interface EngineResult {
  rows: unknown[];
  fields: EngineField[];
  command: string;
  rowCount: number | null;
  /** Notices raised while the statement ran, if the engine reports them here. */
  notices?: EngineNotice[];
}
interface EngineNotice {
  severity?: string;
  message: string;
  detail?: string;
  hint?: string;
  position?: number | string;
}
interface EngineSession {
  query(
    sql: string,
    params?: unknown[],
    options?: {
      rowMode?: 'array' | 'object';
      copyIn?: string;
      copyOut?: (chunk: string) => void;
    },
  ): Promise<EngineResult>;
  close?(): Promise<void> | void;
  end?(): Promise<void> | void;
  /** Notices outside results, if the engine reports them as events. */
  on?(event: 'notice', listener: (n: EngineNotice) => void): unknown;
}

interface TypesModule {
  builtins: { mustType(oid: number): { output(value: never, ctx: unknown): string } };
  defaultContext(overrides?: Record<string, unknown>): unknown;
}

function toNotice(n: EngineNotice): Notice {
  const out: { -readonly [K in keyof Notice]: Notice[K] } = {
    severity: n.severity ?? 'NOTICE',
    message: n.message,
  };
  if (n.detail !== undefined) out.detail = n.detail;
  if (n.hint !== undefined) out.hint = n.hint;
  if (n.position !== undefined) out.position = Number(n.position);
  return out;
}

/** Settings the type output functions need, matching SESSION_SETTINGS. */
const TYPE_CONTEXT = {
  timeZone: SESSION_SETTINGS.TimeZone,
  dateStyle: SESSION_SETTINGS.DateStyle,
  intervalStyle: SESSION_SETTINGS.IntervalStyle,
  extraFloatDigits: Number(SESSION_SETTINGS.extra_float_digits),
  byteaOutput: SESSION_SETTINGS.bytea_output,
};

/**
 * A factory opening a new in-memory @pg/engine database per case, connected
 * with SESSION_SETTINGS as startup parameters (`connect({ options })`), so
 * they are the session's defaults as PGOPTIONS makes them for psql.
 */
export function pgEngineAdapterFactory(specifier = '@pg/engine'): EngineFactory {
  return async () => {
    const mod = (await import(specifier)) as Partial<EngineModule>;
    if (typeof mod.Database?.open !== 'function') {
      throw new Error(`${specifier} does not export Database.open() yet`);
    }
    const types = (await import('@pg/types')) as unknown as TypesModule;
    const db = await mod.Database.open();
    let session: EngineSession;
    try {
      // The settings as startup parameters, so they are the session's defaults (RESET returns to them).
      session = await db.connect({ options: SESSION_SETTINGS });
    } catch (e) {
      await db.close();
      throw e;
    }
    let pending: Notice[] = [];
    session.on?.('notice', (n) => pending.push(toNotice(n)));
    const close = async (): Promise<void> => {
      try {
        await (session.close ?? session.end)?.call(session);
      } finally {
        await db.close();
      }
    };
    const ctx = types.defaultContext(TYPE_CONTEXT);
    const text = (oid: number, value: unknown): string | null =>
      value === null || value === undefined
        ? null
        : // int2vector / oidvector: catalog-only types (JavaScript arrays), printed space-separated as the server does
          (oid === 22 || oid === 30) && Array.isArray(value)
          ? value.join(' ')
          : types.builtins.mustType(oid).output(value as never, ctx);

    const engine: Engine = {
      async exec(sql, io) {
        pending = [];
        let copyOut: string | undefined;
        try {
          const r = await session.query(sql, [], {
            rowMode: 'array',
            ...(io?.copyIn === undefined ? {} : { copyIn: io.copyIn }),
            copyOut: (chunk: string) => {
              copyOut = (copyOut ?? '') + chunk;
            },
          });
          const notices = [...pending, ...(r.notices ?? []).map(toNotice)];
          pending = [];
          if (r.command === '' || r.command === undefined) return []; // empty query
          const command = r.command; // the full tag, e.g. 'INSERT 0 1'
          // No columns and no rows: a command (a SELECT of zero columns and zero rows looks the same).
          if (r.fields.length === 0 && r.rows.length === 0) {
            if (copyOut !== undefined) return [{ kind: 'command', command, notices, copyOut }];
            return [{ kind: 'command', command, notices }];
          }
          const rows = r.rows.map((row) => {
            const values = Array.isArray(row)
              ? row
              : r.fields.map((f) => (row as Record<string, unknown>)[f.name]);
            return r.fields.map((f, j) => text(f.dataTypeID, values[j]));
          });
          return [
            {
              kind: 'rows',
              fields: r.fields.map((f) => ({ name: f.name, typeOid: f.dataTypeID })),
              rows,
              command,
              notices,
            },
          ];
        } catch (e) {
          const err = e as Record<string, unknown>;
          if (typeof err?.code !== 'string' || typeof err.message !== 'string') throw e;
          const result: {
            -readonly [K in keyof Extract<Result, { kind: 'error' }>]: Extract<
              Result,
              { kind: 'error' }
            >[K];
          } = {
            kind: 'error',
            severity: typeof err.severity === 'string' ? err.severity : 'ERROR',
            sqlstate: err.code,
            message: err.message,
            notices: pending,
          };
          pending = [];
          if (typeof err.detail === 'string') result.detail = err.detail;
          if (typeof err.hint === 'string') result.hint = err.hint;
          if (err.position !== undefined && err.position !== null)
            result.position = Number(err.position);
          if (typeof err.context === 'string') result.context = err.context;
          else if (typeof err.where === 'string') result.context = err.where;
          return [result];
        }
      },
      close,
    };
    return engine;
  };
}
