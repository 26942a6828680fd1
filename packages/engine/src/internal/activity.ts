/**
 * The sessions as the instance sees them (the proc array and
 * backend_status.c, on one event loop): each one's state for
 * pg_stat_activity, its cancel key, and the interrupts other sessions,
 * CancelRequests and timeouts raise in it — cancel (57014 at the running
 * statement's next interrupt check; nothing when idle), terminate (FATAL
 * 57P01), and idle_in_transaction_session_timeout (FATAL 25P03) /
 * idle_session_timeout (FATAL 57P05).
 *
 * One event loop: a cancel or a termination reaches a running statement
 * when the statement lets the loop run (the executor yields every 1000
 * result rows, COPY between chunks, a lock wait is itself a wait) and is
 * acted on at its next interrupt check; a lock wait is interrupted at once.
 */
import { randomInt } from 'node:crypto';
import { currentTimestamp } from '@pg/types';
import { EngineError } from './result.js';

/** Client details for pg_stat_activity (set by the server after startup). */
export interface ClientInfo {
  readonly clientAddr?: string;
  readonly clientPort?: number;
  readonly clientHostname?: string;
  readonly applicationName?: string;
  readonly backendType?: string;
}

/** What the activity record reads from its session when a row is asked for. */
export interface BackendHost {
  /** ReadyForQuery's status: I, T (in a block), E (failed block). */
  transactionStatus(): 'I' | 'T' | 'E';
  applicationName(): string;
  /** The top-level xid, 0 when none is assigned. */
  xid(): number;
  /** The lock the session waits for now: PostgreSQL's wait_event for it ('relation', 'transactionid', ...). */
  waitingFor(): string | undefined;
  /** Interrupts a lock wait with `err` (LockManager.cancelWait). */
  cancelWait(err: EngineError): void;
  /** Ends the session (rolls back) and tells its onTerminate listeners. */
  terminate(err: EngineError): void;
  /** A setting's value in ms (idle_in_transaction_session_timeout, idle_session_timeout). */
  timeoutMs(name: string): number;
}

export type BackendState =
  | 'active'
  | 'idle'
  | 'idle in transaction'
  | 'idle in transaction (aborted)';

const CANCEL_MESSAGE = 'canceling statement due to user request';

function terminateError(code: string, message: string): EngineError {
  return new EngineError(code, message, { severity: 'FATAL' });
}

/** The administrator's termination (pg_terminate_backend, a fast shutdown). */
export function adminTermination(): EngineError {
  return terminateError('57P01', 'terminating connection due to administrator command');
}

/** One session's entry. */
export class BackendActivity {
  readonly processId: number;
  /** BackendKeyData's secret key (a random 32-bit integer). */
  readonly secretKey: number;
  readonly dbOid: number;
  readonly database: string;
  readonly user: string;
  readonly superuser: boolean;
  readonly #host: BackendHost;
  readonly backendStart = currentTimestamp();
  #client: ClientInfo = {};
  #state: BackendState = 'idle';
  #query = '';
  #queryStart: bigint | null = null;
  #xactStart: bigint | null = null;
  #stateChange: bigint = currentTimestamp();
  #cancelPending = false;
  #terminatePending: EngineError | undefined;
  #timer: NodeJS.Timeout | undefined;
  #ended = false;

  constructor(
    options: {
      readonly processId: number;
      readonly dbOid: number;
      readonly database: string;
      readonly user: string;
      readonly superuser: boolean;
    },
    host: BackendHost,
  ) {
    this.processId = options.processId;
    this.dbOid = options.dbOid;
    this.database = options.database;
    this.user = options.user;
    this.superuser = options.superuser;
    this.secretKey = randomInt(0, 2 ** 31) | (randomInt(0, 2) === 1 ? 0x80000000 : 0);
    this.#host = host;
  }

  setClientInfo(info: ClientInfo): void {
    this.#client = { ...this.#client, ...info };
  }

  get client(): ClientInfo {
    return this.#client;
  }

  get state(): BackendState {
    return this.#state;
  }

  /** A request (a Query message, an Execute) starts: `sql` is what pg_stat_activity shows ('' keeps the last). */
  begin(sql: string): void {
    const pending = this.#terminatePending;
    if (pending !== undefined) {
      // terminated while idle, before the event loop ended the session
      this.#forceEnd(pending);
      throw pending;
    }
    this.#clearTimer();
    const now = currentTimestamp();
    if (this.#host.transactionStatus() === 'I') this.#xactStart = now;
    this.#state = 'active';
    // an extended-query message without its text keeps the last one shown
    if (sql !== '') this.#query = sql;
    this.#queryStart = now;
    this.#stateChange = now;
    // a cancel that came while idle is forgotten (PostgreSQL ignores it when idle)
    this.#cancelPending = false;
  }

  /**
   * The statement ended. Throws the pending termination (the session is
   * ended by then); otherwise arms the idle timeouts.
   */
  end(): void {
    if (this.#ended) return;
    const status = this.#host.transactionStatus();
    this.#state =
      status === 'I'
        ? 'idle'
        : status === 'T'
          ? 'idle in transaction'
          : 'idle in transaction (aborted)';
    if (status === 'I') this.#xactStart = null;
    this.#stateChange = currentTimestamp();
    this.#cancelPending = false;
    const pending = this.#terminatePending;
    if (pending !== undefined) {
      this.#forceEnd(pending);
      throw pending;
    }
    this.#armTimer();
  }

  /** CHECK_FOR_INTERRUPTS: throws a pending termination or cancel. */
  checkInterrupts(): void {
    if (this.#terminatePending !== undefined) throw this.#terminatePending;
    if (this.#cancelPending) {
      this.#cancelPending = false;
      throw new EngineError('57014', CANCEL_MESSAGE);
    }
  }

  /** SIGINT: cancels the running statement; nothing when idle. */
  cancel(): void {
    if (this.#state !== 'active' || this.#ended) return;
    this.#cancelPending = true;
    if (this.#host.waitingFor() !== undefined) {
      this.#cancelPending = false;
      this.#host.cancelWait(new EngineError('57014', CANCEL_MESSAGE));
    }
  }

  /** SIGTERM: ends the session (now when idle, at its next interrupt check when running). */
  terminate(err: EngineError = adminTermination()): void {
    if (this.#ended || this.#terminatePending !== undefined) return;
    this.#terminatePending = err;
    if (this.#state === 'active') {
      if (this.#host.waitingFor() !== undefined) this.#host.cancelWait(err);
      return;
    }
    // idle: the session ends on the event loop, not inside the caller's statement
    setImmediate(() => {
      if (this.#state !== 'active') this.#forceEnd(err);
    });
  }

  #forceEnd(err: EngineError): void {
    if (this.#ended) return;
    this.#ended = true;
    this.#clearTimer();
    this.#host.terminate(err);
  }

  /** The session closed (disconnect or termination). */
  close(): void {
    this.#ended = true;
    this.#clearTimer();
  }

  #armTimer(): void {
    this.#clearTimer();
    const inTxn = this.#state !== 'idle';
    const name = inTxn ? 'idle_in_transaction_session_timeout' : 'idle_session_timeout';
    const ms = this.#host.timeoutMs(name);
    if (!(ms > 0)) return;
    this.#timer = setTimeout(() => {
      this.#timer = undefined;
      if (this.#state === 'active' || this.#ended) return;
      this.#forceEnd(
        inTxn
          ? terminateError('25P03', 'terminating connection due to idle-in-transaction timeout')
          : terminateError('57P05', 'terminating connection due to idle-session timeout'),
      );
    }, ms);
    this.#timer.unref();
  }

  /** Arms the idle timeout of a session that has not run anything yet. */
  started(): void {
    this.#armTimer();
  }

  #clearTimer(): void {
    if (this.#timer !== undefined) clearTimeout(this.#timer);
    this.#timer = undefined;
  }

  /** pg_stat_activity's row, by column name; `full` false hides it as PostgreSQL does from other roles. */
  row(full: boolean): Record<string, unknown> {
    const c = this.#client;
    const base = {
      datid: this.dbOid,
      datname: this.database,
      pid: this.processId,
      leader_pid: null,
      usename: this.user,
      application_name: this.#host.applicationName(),
      backend_start: this.backendStart,
      backend_type: c.backendType ?? 'client backend',
    };
    if (!full) return { ...base, query: '<insufficient privilege>' };
    const xid = this.#host.xid();
    const wait = this.#state === 'active' ? this.#host.waitingFor() : undefined;
    return {
      ...base,
      client_addr: c.clientAddr ?? null,
      client_hostname: c.clientHostname ?? null,
      client_port: c.clientPort ?? null,
      xact_start: this.#xactStart,
      query_start: this.#queryStart,
      state_change: this.#stateChange,
      wait_event_type: wait !== undefined ? 'Lock' : this.#state === 'active' ? null : 'Client',
      wait_event: wait ?? (this.#state === 'active' ? null : 'ClientRead'),
      state: this.#state,
      backend_xid: xid === 0 ? null : String(xid),
      backend_xmin: null,
      query_id: null,
      query: this.#query,
    };
  }
}

/** The instance's sessions by process id. */
export class ActivityHub {
  readonly #backends = new Map<number, BackendActivity>();

  add(b: BackendActivity): void {
    this.#backends.set(b.processId, b);
  }

  remove(b: BackendActivity): void {
    this.#backends.delete(b.processId);
  }

  get(processId: number): BackendActivity | undefined {
    return this.#backends.get(processId);
  }

  /** pg_stat_activity as `viewer` sees it (a superuser sees every row whole). */
  rows(viewer: { readonly user: string; readonly superuser: boolean }): Record<string, unknown>[] {
    return [...this.#backends.values()].map((b) =>
      b.row(viewer.superuser || viewer.user === b.user),
    );
  }

  /** CancelRequest: cancels if the key matches; silently nothing otherwise. */
  cancelRequest(processId: number, secretKey: number): void {
    const b = this.#backends.get(processId);
    if (b === undefined || (b.secretKey | 0) !== (secretKey | 0)) return;
    b.cancel();
  }

  /**
   * pg_signal_backend's checks for `caller` signalling `processId`: a
   * WARNING and false when it is no backend, 42501 without permission.
   */
  signal(
    caller: { readonly user: string; readonly superuser: boolean },
    processId: number,
    what: 'cancel' | 'terminate',
    warn: (message: string) => void,
  ): boolean {
    const b = this.#backends.get(processId);
    if (b === undefined) {
      warn(`PID ${processId} is not a PostgreSQL backend process`);
      return false;
    }
    if (b.superuser && !caller.superuser) {
      throw new EngineError(
        '42501',
        what === 'cancel'
          ? 'must be a superuser to cancel superuser query'
          : 'must be a superuser to terminate superuser process',
      );
    }
    if (!caller.superuser && caller.user !== b.user) {
      throw new EngineError(
        '42501',
        `must be a member of the role whose ${what === 'cancel' ? 'query is being canceled' : 'process is being terminated'} or member of pg_signal_backend`,
      );
    }
    if (what === 'cancel') b.cancel();
    else b.terminate();
    return true;
  }
}
