/**
 * Autovacuum (issue 11): the launcher and its worker, as autovacuum.c.
 *
 * The launcher is a timer on the event loop (unref'd). Every
 * autovacuum_naptime / (number of databases) it visits the next database
 * of pg_database in turn (do_start_worker's round robin, reduced to one
 * worker at a time). The worker connects an internal session to that
 * database (as an autovacuum worker may even to template0), reads
 * pg_class's plain tables and materialized views with their reltuples,
 * relfrozenxid age and reloptions, and decides per table with
 * relation_needs_vacanalyze (`needsVacAnalyze` below):
 *
 *   vacthresh    = autovacuum_vacuum_threshold + autovacuum_vacuum_scale_factor × reltuples
 *   vacinsthresh = autovacuum_vacuum_insert_threshold + autovacuum_vacuum_insert_scale_factor × reltuples
 *   anlthresh    = autovacuum_analyze_threshold + autovacuum_analyze_scale_factor × reltuples
 *   dovacuum  = force_wraparound || n_dead_tup > vacthresh || (vacinsthresh >= 0 && n_ins_since_vacuum > vacinsthresh)
 *   doanalyze = n_mod_since_analyze > anlthresh
 *
 * (reltuples -1, "never vacuumed", counts as 0; per-table
 * autovacuum_* storage parameters replace the GUCs; with autovacuum = off
 * or autovacuum_enabled = false only the anti-wraparound vacuum is done:
 * age(relfrozenxid) > autovacuum_freeze_max_age). A database whose
 * age(datfrozenxid) exceeds autovacuum_freeze_max_age gets a
 * database-wide VACUUM, which also vacuums its catalogs and advances
 * datfrozenxid (Database.wraparoundVacuum's path).
 *
 * The worker runs `VACUUM (SKIP_LOCKED[, ANALYZE]) table` / `ANALYZE table`
 * statements in its own session, so each runs in its own transaction and
 * a table whose lock is not free at once is skipped by VACUUM
 * (ConditionalLockRelation; the engine's ANALYZE has no SKIP_LOCKED yet, so
 * an analyze-only visit waits for ShareUpdateExclusiveLock, which only DDL,
 * VACUUM and ANALYZE hold). A statement that fails (the table dropped
 * meanwhile) is logged and the worker goes on with the next table.
 * vacuum-command.ts and analyze-command.ts recognise the worker's session
 * (`autovacuumWorker`) and report to the statistics as autovacuum
 * (last_autovacuum, autovacuum_count, last_autoanalyze, autoanalyze_count).
 *
 * Cost-based delay: the buffer pool's hits, misses and dirtied pages are
 * charged vacuum_cost_page_hit / _miss / _dirty; when the balance reaches
 * autovacuum_vacuum_cost_limit (-1: vacuum_cost_limit) the worker sleeps
 * autovacuum_vacuum_cost_delay (-1: vacuum_cost_delay) × balance / limit,
 * at most 4 × the delay (vacuum_delay_point);
 * as PostgreSQL 15 the delay is taken between pages: a worker's VACUUM
 * runs @pg/vacuum's lazyVacuumAsync with vacuum-command.ts's
 * vacuumDelayPoint, which charges and sleeps between pages (and yields to
 * the event loop every few pages), so foreground sessions run during a
 * vacuum of a large table. An ANALYZE statement is charged as a whole,
 * after it ran (difference from PostgreSQL 15).
 *
 * CREATE DATABASE / DROP DATABASE (CountOtherDBBackends) tell the workers
 * connected to the database concerned to end (`terminateAutovacuumWorkers`):
 * the worker's vacuum stops at its next delay point with 57P01
 * "terminating autovacuum process due to administrator command" (logged
 * as FATAL), and the worker disconnects; the statement waits for that up
 * to 5 s before failing with 55006, as PostgreSQL does.
 *
 * Log lines (when log_autovacuum_min_duration allows: 0 every run, -1
 * never) go to DatabaseOptions.onLog: `automatic vacuum of table
 * "db.schema.table": index scans: N` ... and `automatic analyze of table
 * ...`, PostgreSQL's first line followed by the statement's VERBOSE report.
 *
 * In-memory clusters start with autovacuum = off (IN_MEMORY_SETTINGS in
 * database.ts: tests must not see surprise vacuums); data directories with
 * PostgreSQL's default, on. The launcher runs in both: with autovacuum =
 * off it only forces anti-wraparound vacuums. Database.close() stops it
 * first: a running worker finishes its current statement and disconnects.
 */
import { EngineError } from './result.js';
import type { Session } from './session.js';
import { isReloption, reloptionValue } from './table-reloptions.js';

/** The settings relation_needs_vacanalyze reads, after per-table storage parameters. */
export interface VacAnalyzeParams {
  readonly enabled: boolean;
  readonly vacThreshold: number;
  readonly vacScaleFactor: number;
  readonly insThreshold: number;
  readonly insScaleFactor: number;
  readonly anlThreshold: number;
  readonly anlScaleFactor: number;
  readonly freezeMaxAge: number;
}

/** What the statistics collector counted for the table (pgstat.ts's autovacuumCounts). */
export interface VacAnalyzeCounts {
  readonly nDeadTup: number;
  readonly nInsSinceVacuum: number;
  readonly nModSinceAnalyze: number;
}

export interface VacAnalyzeDecision {
  readonly doVacuum: boolean;
  readonly doAnalyze: boolean;
  readonly wraparound: boolean;
  readonly vacThresh: number;
  readonly insThresh: number;
  readonly anlThresh: number;
}

/**
 * relation_needs_vacanalyze. `autovacuumOn` is the autovacuum GUC;
 * `counts` undefined means no statistics yet (only the wraparound test
 * applies); `isToast`: TOAST tables are never analyzed.
 */
export function needsVacAnalyze(
  p: VacAnalyzeParams,
  autovacuumOn: boolean,
  reltuples: number,
  xidAge: number,
  counts: VacAnalyzeCounts | undefined,
  isToast = false,
): VacAnalyzeDecision {
  const tuples = Math.max(reltuples, 0);
  const vacThresh = p.vacThreshold + p.vacScaleFactor * tuples;
  const insThresh = p.insThreshold + p.insScaleFactor * tuples;
  const anlThresh = p.anlThreshold + p.anlScaleFactor * tuples;
  const wraparound = xidAge > p.freezeMaxAge;
  const base = { vacThresh, insThresh, anlThresh, wraparound };
  if (!(autovacuumOn && p.enabled) || counts === undefined)
    return { ...base, doVacuum: wraparound, doAnalyze: false };
  const doVacuum =
    wraparound ||
    counts.nDeadTup > vacThresh ||
    (p.insThreshold >= 0 && counts.nInsSinceVacuum > insThresh);
  const doAnalyze = !isToast && counts.nModSinceAnalyze > anlThresh;
  return { ...base, doVacuum, doAnalyze };
}

/** pg_class.reloptions: a text[] as a list, or as the engine's array value ({ elements }). */
export type ReloptionsValue =
  | readonly (string | null)[]
  | { readonly elements: readonly (string | null)[] }
  | null
  | undefined;

/**
 * The autovacuum storage parameters of `name=value` reloptions
 * (pg_class.reloptions; `toast.` ones apply to the TOAST table and are
 * left out here). Values are validated as parseRelOptions does: 22023
 * `invalid value for boolean option "x": y`, `invalid value for integer
 * option ...`, `value y out of bounds for option "x"` with its DETAIL.
 * Options other than autovacuum_* are ignored (another module owns them).
 */
export function autovacuumReloptions(
  reloptions: ReloptionsValue,
): Partial<Record<string, number | boolean>> {
  const out: Partial<Record<string, number | boolean>> = {};
  const list: readonly (string | null)[] =
    reloptions == null ? [] : 'elements' in reloptions ? reloptions.elements : reloptions;
  for (const opt of list) {
    if (opt === null) continue;
    const eq = opt.indexOf('=');
    const name = eq < 0 ? opt : opt.slice(0, eq);
    const text = eq < 0 ? 'true' : opt.slice(eq + 1);
    if (!name.startsWith('autovacuum_') || !isReloption(name)) continue;
    out[name] = reloptionValue(name, text);
  }
  return out;
}

/** A worker: the database it is connected to, and why it must end (when told to). */
interface WorkerState {
  readonly database: string;
  interrupt: EngineError | undefined;
}

/** The workers by session pid, per cluster (keyed by its statistics hub). */
const WORKERS = new WeakMap<object, Map<number, WorkerState>>();

/** Whether the session `pid` of the cluster owning `hub` is an autovacuum worker. */
export function autovacuumWorker(hub: object | undefined, pid: number | undefined): boolean {
  if (hub === undefined || pid === undefined) return false;
  return WORKERS.get(hub)?.has(pid) === true;
}

// autovacuum vs CREATE/DROP DATABASE (issue 11)
/**
 * The error the worker `pid` must stop with (57P01), once something told
 * it to end; its vacuum checks at each delay point (vacuum-command.ts).
 */
export function autovacuumInterrupt(
  hub: object | undefined,
  pid: number | undefined,
): EngineError | undefined {
  if (hub === undefined || pid === undefined) return undefined;
  return WORKERS.get(hub)?.get(pid)?.interrupt;
}

/**
 * CountOtherDBBackends' autovacuum part (PostgreSQL sends the workers in
 * the database SIGTERM): every worker connected to `database` is told to
 * end -- its vacuum stops at its next delay point, between two pages, and
 * the worker disconnects after its current statement. Returns how many
 * workers are still connected there (the caller waits, up to 5 s, for 0).
 */
export function terminateAutovacuumWorkers(hub: object, database: string): number {
  let n = 0;
  for (const w of WORKERS.get(hub)?.values() ?? []) {
    if (w.database !== database) continue;
    w.interrupt ??= new EngineError(
      '57P01',
      'terminating autovacuum process due to administrator command',
    );
    n++;
  }
  return n;
}

/** What the launcher needs from its Database. */
export interface AutovacuumHost {
  /** A cluster-level setting (postgresql.conf and Database.open's settings). */
  setting(name: string): unknown;
  /** pg_database as committed: each database's name, datallowconn and age(datfrozenxid). */
  databases(): { name: string; allowConn: boolean; age: number }[];
  /** A worker session on `database` (connects even where datallowconn is false). */
  connectWorker(database: string): Promise<Session>;
  /** The cluster's statistics hub (the registry's key). */
  readonly hub: object;
  /** Buffer pool counters (cost-based delay). */
  usage(): { readonly hits: number; readonly reads: number; readonly writes: number };
  /** The server log (LOG lines). */
  log(severity: string, message: string): void;
}

interface TableRow {
  oid: number;
  nspname: string;
  relname: string;
  relkind: string;
  reltuples: number;
  xid_age: number;
  reloptions: ReloptionsValue;
}

function quoteIdent(s: string): string {
  return /^[a-z_][a-z0-9_$]*$/.test(s) ? s : `"${s.replace(/"/g, '""')}"`;
}

function num(v: unknown, fallback: number): number {
  if (typeof v === 'number') return v;
  const n = Number(v);
  return Number.isFinite(n) ? n : fallback;
}

const sleep = (ms: number) => new Promise<void>((r) => setTimeout(r, ms));

/** AutoVacLauncherMain, on the event loop. */
export class AutovacuumLauncher {
  readonly #host: AutovacuumHost;
  #timer: NodeJS.Timeout | undefined;
  /** The visits under way (the timer's, and runOnce's callers'). */
  readonly #running = new Set<Promise<unknown>>();
  #stopped = false;
  #next = 0;
  #costBalance = 0;
  /** The workers running now (stop() tells them to end). */
  readonly #workers = new Set<WorkerState>();

  constructor(host: AutovacuumHost) {
    this.#host = host;
  }

  /** Schedules the first visit after autovacuum_naptime / number of databases. */
  start(): void {
    this.#schedule(1);
  }

  #schedule(databases: number): void {
    if (this.#stopped) return;
    const naptimeMs = num(this.#host.setting('autovacuum_naptime'), 60) * 1000;
    const delay = Math.max(100, Math.floor(naptimeMs / Math.max(1, databases)));
    this.#timer = setTimeout(() => {
      this.#timer = undefined;
      void this.#tick();
    }, delay);
    this.#timer.unref();
  }

  async #tick(): Promise<void> {
    let databases = 1;
    try {
      databases = await this.runOnce();
    } catch {
      // a worker that fails (the cluster shutting down, a dropped table) waits for the next round
    }
    this.#schedule(databases);
  }

  /**
   * One worker's visit to the next database of the round, or to `only`
   * (tests). Returns how many databases the cluster has.
   */
  runOnce(only?: string): Promise<number> {
    const visit = this.#visit(only);
    this.#running.add(visit);
    const done = () => this.#running.delete(visit);
    visit.then(done, done);
    return visit;
  }

  async #visit(only?: string): Promise<number> {
    const dbs = this.#host.databases();
    if (dbs.length === 0 || this.#stopped) return Math.max(1, dbs.length);
    // a database in danger of wraparound first (do_start_worker), else round robin
    const freezeMaxAge = num(this.#host.setting('autovacuum_freeze_max_age'), 200_000_000);
    const on = this.#host.setting('autovacuum') !== false;
    const danger = dbs.filter((d) => d.age > freezeMaxAge).sort((a, b) => b.age - a.age)[0];
    let target = only === undefined ? danger : dbs.find((d) => d.name === only);
    if (target === undefined && on && only === undefined) {
      const connectable = dbs.filter((d) => d.allowConn);
      target = connectable[this.#next++ % Math.max(1, connectable.length)];
    }
    if (target !== undefined) await this.#work(target.name, target.age > freezeMaxAge);
    return dbs.length;
  }

  /** do_autovacuum in `database`. */
  async #work(database: string, databaseWraparound: boolean): Promise<void> {
    if (this.#stopped) return;
    const session = await this.#host.connectWorker(database);
    const workers = WORKERS.get(this.#host.hub) ?? new Map<number, WorkerState>();
    WORKERS.set(this.#host.hub, workers);
    const state: WorkerState = { database, interrupt: undefined };
    workers.set(session.processId, state);
    this.#workers.add(state);
    try {
      if (databaseWraparound) {
        await this.#run(session, 'VACUUM', `database "${database}"`, true);
        return;
      }
      const on = this.#host.setting('autovacuum') !== false;
      const r = await session.query<TableRow>(
        `SELECT c.oid, n.nspname, c.relname, c.relkind, c.reltuples, age(c.relfrozenxid) AS xid_age, c.reloptions
           FROM pg_class c JOIN pg_namespace n ON n.oid = c.relnamespace
          WHERE c.relkind IN ('r', 'm') AND c.relpersistence <> 't'
            AND n.nspname NOT IN ('pg_catalog', 'information_schema', 'pg_toast')
          ORDER BY c.oid`,
      );
      const dbOid = Number(
        (
          await session.query<{ oid: number }>(
            'SELECT oid FROM pg_database WHERE datname = current_database()',
          )
        ).rows[0]?.oid,
      );
      const hub = this.#host.hub as {
        autovacuumCounts?: (db: number, rel: number) => VacAnalyzeCounts | undefined;
      };
      for (const t of r.rows) {
        if (this.#stopped || state.interrupt !== undefined) return;
        let opts: Partial<Record<string, number | boolean>>;
        try {
          opts = autovacuumReloptions(t.reloptions);
        } catch {
          opts = {};
        }
        const p = this.#params(opts);
        const d = needsVacAnalyze(
          p,
          on,
          Number(t.reltuples),
          Number(t.xid_age),
          hub.autovacuumCounts?.(dbOid, Number(t.oid)),
        );
        if (!d.doVacuum && !d.doAnalyze) continue;
        const name = `${quoteIdent(t.nspname)}.${quoteIdent(t.relname)}`;
        const qualified = `${database}.${t.nspname}.${t.relname}`;
        if (d.doVacuum)
          await this.#run(
            session,
            `VACUUM (SKIP_LOCKED${d.doAnalyze ? ', ANALYZE' : ''}) ${name}`,
            `table "${qualified}"`,
            d.wraparound,
          );
        else await this.#run(session, `ANALYZE ${name}`, `table "${qualified}"`, false);
      }
    } finally {
      this.#workers.delete(state);
      try {
        await session.close();
      } finally {
        workers.delete(session.processId); // counted by CREATE/DROP DATABASE until disconnected
      }
    }
  }

  /** The GUCs, replaced by the table's storage parameters (table_recheck_autovac). */
  #params(o: Partial<Record<string, number | boolean>>): VacAnalyzeParams {
    const g = (name: string, fallback: number) =>
      typeof o[name] === 'number' ? (o[name] as number) : num(this.#host.setting(name), fallback);
    return {
      enabled: o.autovacuum_enabled !== false,
      vacThreshold: g('autovacuum_vacuum_threshold', 50),
      vacScaleFactor: g('autovacuum_vacuum_scale_factor', 0.2),
      insThreshold: g('autovacuum_vacuum_insert_threshold', 1000),
      insScaleFactor: g('autovacuum_vacuum_insert_scale_factor', 0.2),
      anlThreshold: g('autovacuum_analyze_threshold', 50),
      anlScaleFactor: g('autovacuum_analyze_scale_factor', 0.1),
      freezeMaxAge: Math.min(
        g('autovacuum_freeze_max_age', 200_000_000),
        num(this.#host.setting('autovacuum_freeze_max_age'), 200_000_000),
      ),
    };
  }

  /** One statement of the worker, its log line and its cost-based delay. */
  async #run(session: Session, sql: string, what: string, wraparound: boolean): Promise<void> {
    const u0 = this.#host.usage();
    const start = Date.now();
    const isVacuum = sql.startsWith('VACUUM');
    const minDuration = num(this.#host.setting('log_autovacuum_min_duration'), -1);
    const verbose = minDuration >= 0 && isVacuum;
    const text = verbose ? sql.replace('VACUUM (', 'VACUUM (VERBOSE, ') : sql;
    let notices: readonly { message: string }[] = [];
    try {
      notices = (await session.query(text)).notices;
    } catch (err) {
      if (this.#stopped) throw err;
      const ended = (err as { code?: unknown }).code === '57P01'; // told to end
      this.#host.log(ended ? 'FATAL' : 'ERROR', err instanceof Error ? err.message : String(err));
      this.#host.log('CONTEXT', `automatic ${isVacuum ? 'vacuum' : 'analyze'} of ${what}`);
      if (ended) return;
    }
    const elapsed = Date.now() - start;
    if (minDuration >= 0 && elapsed >= minDuration) {
      const kind = isVacuum
        ? wraparound
          ? 'automatic aggressive vacuum to prevent wraparound of'
          : 'automatic vacuum of'
        : 'automatic analyze of';
      const report = notices.find((n) => n.message.includes('index scans:'))?.message;
      const body = report === undefined ? '' : report.slice(report.indexOf('index scans:'));
      this.#host.log('LOG', `${kind} ${what}${body === '' ? '' : `: ${body}`}`);
      // VACUUM (ANALYZE): PostgreSQL logs the analyze as well
      if (isVacuum && sql.includes('ANALYZE'))
        this.#host.log('LOG', `automatic analyze of ${what}`);
    }
    // a VACUUM charged its pages and slept between them (vacuum-command.ts's vacuumDelayPoint)
    if (!isVacuum) await this.#costDelay(u0);
  }

  /** vacuum_delay_point for an ANALYZE statement, as a whole. */
  async #costDelay(u0: { hits: number; reads: number; writes: number }): Promise<void> {
    const u1 = this.#host.usage();
    const hit = num(this.#host.setting('vacuum_cost_page_hit'), 1);
    const miss = num(this.#host.setting('vacuum_cost_page_miss'), 2);
    const dirty = num(this.#host.setting('vacuum_cost_page_dirty'), 20);
    this.#costBalance +=
      (u1.hits - u0.hits) * hit + (u1.reads - u0.reads) * miss + (u1.writes - u0.writes) * dirty;
    let limit = num(this.#host.setting('autovacuum_vacuum_cost_limit'), -1);
    if (limit <= 0) limit = num(this.#host.setting('vacuum_cost_limit'), 200);
    let delay = num(this.#host.setting('autovacuum_vacuum_cost_delay'), 2);
    if (delay < 0) delay = num(this.#host.setting('vacuum_cost_delay'), 0);
    if (delay <= 0 || this.#costBalance < limit) return;
    const ms = Math.min(delay * 4, (delay * this.#costBalance) / limit);
    this.#costBalance = 0;
    await sleep(ms);
  }

  /**
   * Stops the launcher: no new visit starts, a running worker stops after
   * its current statement (it checks between tables) and closes its
   * session; waited for (at most 5 s) before Database.close() goes on.
   */
  async stop(): Promise<void> {
    this.#stopped = true;
    // a running vacuum stops at its next delay point
    for (const w of this.#workers)
      w.interrupt ??= new EngineError(
        '57P01',
        'terminating autovacuum process due to administrator command',
      );
    if (this.#timer !== undefined) clearTimeout(this.#timer);
    this.#timer = undefined;
    const visits = [...this.#running].map((p) => p.catch(() => {}));
    await Promise.race([Promise.all(visits), sleep(5000)]);
  }
}
