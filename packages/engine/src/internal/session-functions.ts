/**
 * The SQL functions of the running sessions: pg_backend_pid(),
 * pg_notify(channel, payload), pg_listening_channels(),
 * pg_cancel_backend(pid) and pg_terminate_backend(pid [, timeout]).
 * They are registered once with @pg/sql's session functions; a call finds
 * the session it runs in from the TypeContext the executor hands it (each
 * context a session makes is recorded here).
 *
 * Differences: pg_notify returns text ('') where PostgreSQL's returns
 * void (@pg/types has no void type; clients print both as an empty
 * value); pg_terminate_backend does not wait for its timeout (the target
 * ends when its statement reaches an interrupt check, on the event loop).
 * None of them is in pg_proc.
 */
import { addSessionFunction } from '@pg/sql';
import { type TypeContext, TypeOid } from '@pg/types';
import { EngineError } from './result.js';

/** What the functions ask of the session they run in. */
export interface SessionFunctionHost {
  readonly processId: number;
  notify(channel: string | null, payload: string | null): void;
  listeningChannels(): readonly string[];
  /** pg_cancel_backend / pg_terminate_backend with PostgreSQL's checks; false (and a WARNING) for no such backend. */
  signal(pid: number, what: 'cancel' | 'terminate'): boolean;
}

const hosts = new WeakMap<TypeContext, SessionFunctionHost>();

/** Records that calls evaluated with `ctx` run in `host`'s session. */
export function bindSessionContext<T extends TypeContext>(ctx: T, host: SessionFunctionHost): T {
  hosts.set(ctx, host);
  return ctx;
}

function host(ctx: TypeContext): SessionFunctionHost {
  const h = hosts.get(ctx);
  if (h === undefined) {
    throw new EngineError('0A000', 'this function runs only in a session');
  }
  return h;
}

const { text, int4, int8, bool } = TypeOid;

let registered = false;

/** Registers the functions (once per process). */
export function registerSessionFunctions(): void {
  if (registered) return;
  registered = true;
  addSessionFunction({
    name: 'pg_backend_pid',
    args: [],
    result: int4,
    volatility: 's',
    strict: true,
    impl: (_args: readonly unknown[], ctx: TypeContext) => host(ctx).processId,
  });
  addSessionFunction({
    name: 'pg_notify',
    args: [text, text],
    result: text,
    volatility: 'v',
    strict: false,
    impl: ([channel, payload]: readonly unknown[], ctx: TypeContext) => {
      host(ctx).notify(channel as string | null, payload as string | null);
      return '';
    },
  });
  addSessionFunction({
    name: 'pg_listening_channels',
    args: [],
    result: text,
    volatility: 's',
    strict: true,
    retset: true,
    impl: (_args: readonly unknown[], ctx: TypeContext) => [...host(ctx).listeningChannels()],
  });
  addSessionFunction({
    name: 'pg_cancel_backend',
    args: [int4],
    result: bool,
    volatility: 'v',
    strict: true,
    impl: ([pid]: readonly unknown[], ctx: TypeContext) =>
      host(ctx).signal(pid as number, 'cancel'),
  });
  const terminate = ([pid, timeout]: readonly unknown[], ctx: TypeContext) => {
    if (timeout !== undefined && BigInt(timeout as bigint) < 0n) {
      throw new EngineError('22023', '"timeout" must not be negative');
    }
    return host(ctx).signal(pid as number, 'terminate');
  };
  addSessionFunction({
    name: 'pg_terminate_backend',
    args: [int4],
    result: bool,
    volatility: 'v',
    strict: true,
    impl: terminate,
  });
  addSessionFunction({
    name: 'pg_terminate_backend',
    args: [int4, int8],
    result: bool,
    volatility: 'v',
    strict: true,
    impl: terminate,
  });
}
