/**
 * LISTEN / UNLISTEN / NOTIFY (async.c), on one event loop.
 *
 * A transaction's NOTIFYs and LISTEN/UNLISTEN actions are kept per
 * (sub)transaction level: ROLLBACK TO drops a level's, RELEASE merges it
 * into its parent's (duplicate notifications folded, as AtSubCommit_Notify
 * does). At commit, in PostgreSQL's order:
 *   1. a LISTEN among the actions registers the session as a listener
 *      (Exec_ListenPreCommit: it reads the queue from here on, so it sees
 *      its own transaction's notifications but none committed before);
 *   2. the notifications go to the queue: every registered session of the
 *      same database gets them, in commit order;
 *   3. the actions apply to the listening channels in order; a session
 *      left listening on nothing unregisters (its unread entries go).
 * A rollback drops everything. A session reads its entries only between
 * transactions (idle, or just after its transaction ended, committed or
 * not), keeping those on channels it listens on at that moment, as
 * asyncQueueReadAllNotifications does.
 */
import { EngineError } from './result.js';

/** A notification as a listening session receives it (NotificationResponse). */
export interface Notification {
  /** The notifying session's process id. */
  readonly processId: number;
  readonly channel: string;
  readonly payload: string;
}

/** NOTIFY_PAYLOAD_MAX_LENGTH: a payload must be shorter than this many bytes. */
export const NOTIFY_PAYLOAD_MAX_LENGTH = 8000;
/** NAMEDATALEN: a channel name must be shorter than this many bytes. */
const NAMEDATALEN = 64;

type Action =
  | { readonly kind: 'listen'; readonly channel: string }
  | { readonly kind: 'unlisten'; readonly channel: string }
  | { readonly kind: 'unlisten all' };

/** One (sub)transaction level's pending work. */
interface Level {
  actions: Action[];
  notifies: { channel: string; payload: string }[];
}

const byteLength = (s: string) => Buffer.byteLength(s, 'utf8');

/** Async_Notify's checks: 22023 for an empty or too long channel name or a too long payload. */
export function checkNotification(channel: string | null, payload: string | null): void {
  if (channel === null || channel === '') {
    throw new EngineError('22023', 'channel name cannot be empty');
  }
  if (byteLength(channel) >= NAMEDATALEN) {
    throw new EngineError('22023', 'channel name too long');
  }
  if (payload !== null && byteLength(payload) >= NOTIFY_PAYLOAD_MAX_LENGTH) {
    throw new EngineError('22023', 'payload string too long');
  }
}

/** The instance's notification queue: who is registered, and publication at commit. */
export class NotifyHub {
  readonly #members = new Map<number, SessionNotify>();

  join(member: SessionNotify): void {
    this.#members.set(member.processId, member);
  }

  leave(member: SessionNotify): void {
    this.#members.delete(member.processId);
  }

  /** A committed transaction's notifications, to every registered session of `dbOid`. */
  publish(dbOid: number, list: readonly Notification[]): void {
    if (list.length === 0) return;
    for (const m of this.#members.values()) {
      if (m.dbOid === dbOid && m.registered) m.enqueue(list);
    }
  }
}

/**
 * One session's side: its listening channels, its transaction's pending
 * work, its unread queue entries and the delivery to its listeners.
 */
export class SessionNotify {
  readonly #hub: NotifyHub;
  readonly processId: number;
  readonly dbOid: number;
  /** Whether the session can take notifications now (not running a statement, not in a transaction). */
  readonly #idle: () => boolean;
  /** listenChannels: committed LISTENs, in the order they were first made. */
  #channels: string[] = [];
  #registered = false;
  #levels: Level[] = [];
  #inbox: Notification[] = [];
  readonly #listeners: ((n: Notification) => void)[] = [];
  #scheduled = false;

  constructor(hub: NotifyHub, processId: number, dbOid: number, idle: () => boolean) {
    this.#hub = hub;
    this.processId = processId;
    this.dbOid = dbOid;
    this.#idle = idle;
    hub.join(this);
  }

  /** Whether the session reads the queue (amRegisteredListener). */
  get registered(): boolean {
    return this.#registered;
  }

  /** pg_listening_channels(): the committed channels. */
  channels(): readonly string[] {
    return [...this.#channels];
  }

  onNotification(listener: (n: Notification) => void): void {
    this.#listeners.push(listener);
  }

  #level(): Level {
    let top = this.#levels.at(-1);
    if (top === undefined) {
      top = { actions: [], notifies: [] };
      this.#levels.push(top);
    }
    return top;
  }

  listen(channel: string): void {
    this.#level().actions.push({ kind: 'listen', channel });
  }

  unlisten(channel: string | undefined): void {
    this.#level().actions.push(
      channel === undefined ? { kind: 'unlisten all' } : { kind: 'unlisten', channel },
    );
  }

  /** NOTIFY / pg_notify(): checked, then queued in the current level unless it is already there. */
  notify(channel: string | null, payload: string | null): void {
    checkNotification(channel, payload);
    const level = this.#level();
    const p = payload ?? '';
    if (level.notifies.some((n) => n.channel === channel && n.payload === p)) return;
    level.notifies.push({ channel: channel as string, payload: p });
  }

  /** SAVEPOINT (and the fresh level after ROLLBACK TO). */
  subBegin(): void {
    this.#level();
    this.#levels.push({ actions: [], notifies: [] });
  }

  /** RELEASE: the innermost level's work becomes its parent's, duplicates folded. */
  subCommit(): void {
    const child = this.#levels.pop();
    if (child === undefined) return;
    const parent = this.#level();
    parent.actions.push(...child.actions);
    for (const n of child.notifies) {
      if (!parent.notifies.some((p) => p.channel === n.channel && p.payload === n.payload)) {
        parent.notifies.push(n);
      }
    }
  }

  /** ROLLBACK TO: the innermost level's work is dropped. */
  subAbort(): void {
    this.#levels.pop();
  }

  /** The top-level transaction ended. */
  atEnd(committed: boolean): void {
    const levels = this.#levels;
    this.#levels = [];
    if (!committed) return;
    // the levels still open when the transaction commits are merged outwards
    const all: Level = { actions: [], notifies: [] };
    for (const l of levels) {
      all.actions.push(...l.actions);
      for (const n of l.notifies) {
        if (!all.notifies.some((p) => p.channel === n.channel && p.payload === n.payload)) {
          all.notifies.push(n);
        }
      }
    }
    if (all.actions.some((a) => a.kind === 'listen')) this.#registered = true;
    this.#hub.publish(
      this.dbOid,
      all.notifies.map((n) => ({ processId: this.processId, ...n })),
    );
    for (const a of all.actions) {
      if (a.kind === 'listen') {
        if (!this.#channels.includes(a.channel)) this.#channels.push(a.channel);
      } else if (a.kind === 'unlisten') {
        this.#channels = this.#channels.filter((c) => c !== a.channel);
      } else {
        this.#channels = [];
      }
    }
    if (this.#channels.length === 0 && this.#registered) {
      this.#registered = false;
      this.#inbox = [];
    }
  }

  /** Entries of the queue for this session (the hub's publication). */
  enqueue(list: readonly Notification[]): void {
    this.#inbox.push(...list);
    if (this.#scheduled) return;
    this.#scheduled = true;
    setImmediate(() => {
      this.#scheduled = false;
      this.deliver();
    });
  }

  /** Reads the unread entries if the session is between transactions: those on its channels go to its listeners. */
  deliver(): void {
    if (this.#inbox.length === 0 || !this.#idle()) return;
    const entries = this.#inbox;
    this.#inbox = [];
    for (const n of entries) {
      if (!this.#channels.includes(n.channel)) continue;
      for (const l of this.#listeners) {
        // a listener's failure (a closed socket) must not stop the event loop's other work
        try {
          l(n);
        } catch {}
      }
    }
  }

  /** The session ends. */
  close(): void {
    this.#hub.leave(this);
    this.#inbox = [];
    this.#registered = false;
  }
}
