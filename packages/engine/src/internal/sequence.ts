/**
 * Sequence generators (PostgreSQL 15's commands/sequence.c): the
 * parameters CREATE/ALTER SEQUENCE accept (init_params), and one session's
 * nextval / currval / setval / lastval over the sequence's page.
 *
 * The page (@pg/catalog's sequence.ts) holds last_value, log_cnt and
 * is_called and is changed in place, never rolled back. Durability follows
 * PostgreSQL's prefetch: when nextval must log (log_cnt is used up, the
 * sequence was never called, or the page has not been logged since the
 * last checkpoint's redo point), it logs the page as it would be
 * SEQ_LOG_VALS (32) fetches later — last_value 32 values ahead, log_cnt
 * 0 — then keeps the true state in the buffer with log_cnt = 32 minus what
 * it used. After a crash recovery restores the logged state, so nextval
 * continues past every value handed out (skipping at most 32). The
 * transaction gets an xid when it logs, so its commit flushes the record.
 *
 * Invariants (checked by sequence.test.ts):
 *  S1. For a positive increment, the values one session gets from nextval
 *      strictly increase until the sequence cycles or is reset.
 *  S2. A value handed out by a committed nextval is never handed out again,
 *      whatever rolls back or crashes (without setval/RESTART/CYCLE).
 *  S3. The logged page's last_value is at or past every value handed out
 *      (log_cnt counts what is left of the logged range).
 */
import {
  type Catalog,
  readSequencePage,
  type SequenceData,
  type SequenceParams,
  writeSequencePage,
} from '@pg/catalog';
import { type BufferPool, ForkNumber, logNewPages, type XLogInserter } from '@pg/storage';
import { SqlError } from '@pg/types';
import { EngineError } from './result.js';

/** SEQ_LOG_VALS: how many values one WAL record covers ahead. */
export const SEQ_LOG_VALS = 32n;

const INT_LIMITS: Readonly<Record<number, readonly [bigint, bigint, string]>> = {
  21: [-32768n, 32767n, 'smallint'],
  23: [-2147483648n, 2147483647n, 'integer'],
  20: [-9223372036854775808n, 9223372036854775807n, 'bigint'],
};

/** A DefElem's node, as libpg-query gives it. */
// biome-ignore lint/suspicious/noExplicitAny: parse-tree nodes are untyped JSON
type PNode = any;

/** What init_params changed besides pg_sequence: the page's new state, when it changes. */
export interface InitParamsResult {
  readonly params: SequenceParams;
  /** The page's new tuple (log_cnt 0), when an option touched it. */
  readonly data: SequenceData | undefined;
  /** OWNED BY's names (['none'] for NONE), when given. */
  readonly ownedBy: readonly string[] | undefined;
}

function conflicting(location: number | undefined): EngineError {
  return new EngineError('42601', 'conflicting or redundant options', {
    position: location === undefined ? undefined : location + 1,
  });
}

/** defGetInt64. */
function int64Of(d: PNode): bigint {
  const a = d.arg;
  if (a?.Integer !== undefined) return BigInt(a.Integer.ival ?? 0);
  if (a?.Float !== undefined) {
    const text = String(a.Float.fval);
    if (!/^[-+]?\d+$/.test(text)) {
      throw new SqlError('22P02', `invalid input syntax for type bigint: "${text}"`);
    }
    const v = BigInt(text);
    if (v > INT_LIMITS[20]![1] || v < INT_LIMITS[20]![0]) {
      throw new SqlError('22003', `value "${text}" is out of range for type bigint`);
    }
    return v;
  }
  throw new SqlError('42601', `${String(d.defname)} requires a numeric value`);
}

/** The type named by AS (int2/int4/int8 and their spellings). */
function typeOidOf(typeName: PNode): number | undefined {
  const names: string[] = (typeName?.names ?? []).map((n: PNode) => String(n.String?.sval ?? ''));
  const last = names.at(-1)?.toLowerCase();
  switch (last) {
    case 'int2':
    case 'smallint':
      return 21;
    case 'int4':
    case 'integer':
    case 'int':
      return 23;
    case 'int8':
    case 'bigint':
      return 20;
    default:
      return undefined;
  }
}

/**
 * init_params: CREATE (`old` undefined) or ALTER SEQUENCE's options over
 * the current parameters and page; PostgreSQL's checks and messages.
 * `defaultTypeOid` is the type without AS at CREATE (int8; a serial or
 * identity column's type).
 */
export function initParams(
  options: readonly PNode[],
  old: { readonly params: SequenceParams; readonly data: SequenceData } | undefined,
  defaultTypeOid: number | undefined,
): InitParamsResult {
  const isInit = old === undefined;
  const seen = new Map<string, PNode>();
  for (const o of options) {
    const d = o.DefElem;
    const name = String(d.defname);
    const key = name === 'owned_by' ? 'owned_by' : name;
    if (
      ![
        'as',
        'increment',
        'maxvalue',
        'minvalue',
        'start',
        'restart',
        'cache',
        'cycle',
        'owned_by',
        'sequence_name',
      ].includes(name)
    ) {
      throw new SqlError('42601', `option "${name}" not recognized`);
    }
    if (seen.has(key)) throw conflicting(d.location);
    seen.set(key, d);
  }
  let typeOid = old?.params.typeOid ?? defaultTypeOid ?? 20;
  let increment = old?.params.increment ?? 1n;
  let cycle = old?.params.cycle ?? false;
  let max = old?.params.max ?? 0n;
  let min = old?.params.min ?? 0n;
  let start = old?.params.start ?? 0n;
  let cache = old?.params.cache ?? 1n;
  let lastValue = old?.data.lastValue ?? 0n;
  let isCalled = old?.data.isCalled ?? false;
  let touched = isInit;
  let resetMax = false;
  let resetMin = false;
  const asType = seen.get('as');
  if (asType !== undefined) {
    const oid = typeOidOf(asType.arg?.TypeName);
    if (oid === undefined) {
      throw new SqlError('22023', 'sequence type must be smallint, integer, or bigint');
    }
    if (!isInit) {
      const [lo, hi] = INT_LIMITS[typeOid] as readonly [bigint, bigint, string];
      if (max === hi) resetMax = true;
      if (min === lo) resetMin = true;
    }
    typeOid = oid;
    touched = true;
  }
  const [typeMin, typeMax, typeText] = INT_LIMITS[typeOid] as readonly [bigint, bigint, string];
  const inc = seen.get('increment');
  if (inc !== undefined) {
    increment = int64Of(inc);
    if (increment === 0n) throw new SqlError('22023', 'INCREMENT must not be zero');
    touched = true;
  }
  const cyc = seen.get('cycle');
  if (cyc !== undefined) {
    cycle = cyc.arg?.Boolean?.boolval === true;
    touched = true;
  }
  const maxOpt = seen.get('maxvalue');
  if (maxOpt?.arg !== undefined) {
    max = int64Of(maxOpt);
    touched = true;
  } else if (isInit || maxOpt !== undefined || resetMax) {
    max = increment > 0n || resetMax ? typeMax : -1n;
    touched = true;
  }
  if (max < typeMin || max > typeMax) {
    throw new SqlError(
      '22023',
      `MAXVALUE (${max}) is out of range for sequence data type ${typeText}`,
    );
  }
  const minOpt = seen.get('minvalue');
  if (minOpt?.arg !== undefined) {
    min = int64Of(minOpt);
    touched = true;
  } else if (isInit || minOpt !== undefined || resetMin) {
    min = increment < 0n || resetMin ? typeMin : 1n;
    touched = true;
  }
  if (min < typeMin || min > typeMax) {
    throw new SqlError(
      '22023',
      `MINVALUE (${min}) is out of range for sequence data type ${typeText}`,
    );
  }
  if (min >= max) {
    throw new SqlError('22023', `MINVALUE (${min}) must be less than MAXVALUE (${max})`);
  }
  const startOpt = seen.get('start');
  if (startOpt !== undefined) start = int64Of(startOpt);
  else if (isInit) start = increment > 0n ? min : max;
  if (start < min) {
    throw new SqlError('22023', `START value (${start}) cannot be less than MINVALUE (${min})`);
  }
  if (start > max) {
    throw new SqlError('22023', `START value (${start}) cannot be greater than MAXVALUE (${max})`);
  }
  const restart = seen.get('restart');
  if (restart !== undefined) {
    lastValue = restart.arg !== undefined ? int64Of(restart) : start;
    isCalled = false;
    touched = true;
  } else if (isInit) {
    lastValue = start;
    isCalled = false;
  }
  if (lastValue < min) {
    throw new SqlError(
      '22023',
      `RESTART value (${lastValue}) cannot be less than MINVALUE (${min})`,
    );
  }
  if (lastValue > max) {
    throw new SqlError(
      '22023',
      `RESTART value (${lastValue}) cannot be greater than MAXVALUE (${max})`,
    );
  }
  const cacheOpt = seen.get('cache');
  if (cacheOpt !== undefined) {
    cache = int64Of(cacheOpt);
    if (cache <= 0n) throw new SqlError('22023', `CACHE (${cache}) must be greater than zero`);
    touched = true;
  }
  const owned = seen.get('owned_by');
  return {
    params: { typeOid, start, increment, max, min, cache, cycle },
    data: touched ? { lastValue, logCnt: 0n, isCalled } : undefined,
    ownedBy:
      owned === undefined
        ? undefined
        : (owned.arg?.List?.items ?? []).map((n: PNode) => String(n.String?.sval ?? '')),
  };
}

/** The services a session's sequence functions need. */
export interface SequenceHost {
  readonly catalog: Catalog;
  readonly pool: BufferPool;
  /** The WAL inserter (undefined for an in-memory instance without WAL). */
  readonly inserter: XLogInserter | undefined;
  /** GetTopTransactionId: gives the transaction an xid, so its commit flushes the WAL. */
  assignXid(): void;
  /** PreventCommandIfReadOnly for nextval() / setval(). */
  checkWritable(what: string): void;
}

/** SeqTableData: one sequence's state in this session. */
interface Elm {
  relfilenode: number;
  /** The value last returned by nextval (currval's). */
  last: bigint;
  /** The last value already reserved in this session's cache. */
  cached: bigint;
  increment: bigint;
  lastValid: boolean;
}

/** One session's sequences (SeqTable and last_used_seq). */
export class SessionSequences {
  readonly #elms = new Map<number, Elm>();
  #lastUsed: number | undefined;

  /** init_sequence: the session's entry; a new relfilenode (a reset) drops cached values. */
  #elm(host: SequenceHost, relid: number): { elm: Elm; name: string; params: SequenceParams } {
    const desc = host.catalog.mustRelation(relid);
    if (desc.kind !== 'S') throw new SqlError('42809', `"${desc.name}" is not a sequence`);
    const params = host.catalog.sequenceParams(relid);
    if (params === undefined) {
      throw new SqlError('XX000', `cache lookup failed for sequence ${relid}`);
    }
    let elm = this.#elms.get(relid);
    if (elm === undefined) {
      elm = {
        relfilenode: desc.relfilenode,
        last: 0n,
        cached: 0n,
        increment: 0n,
        lastValid: false,
      };
      this.#elms.set(relid, elm);
    } else if (elm.relfilenode !== desc.relfilenode) {
      elm.relfilenode = desc.relfilenode;
      elm.cached = elm.last;
    }
    return { elm, name: desc.name, params };
  }

  /** Runs `f` on the sequence's page under its exclusive content lock. */
  #withPage<T>(host: SequenceHost, relid: number, f: (bytes: Uint8Array, buffer: number) => T): T {
    const rel = host.catalog.sequenceLocator(relid);
    const buf = host.pool.readBuffer(rel, ForkNumber.main, 0);
    host.pool.lock(buf, 'exclusive');
    try {
      return f(host.pool.bytes(buf), buf);
    } finally {
      host.pool.unlockRelease(buf);
    }
  }

  /** Whether the sequence's changes are WAL-logged (RelationNeedsWAL). */
  #logged(host: SequenceHost, relid: number): XLogInserter | undefined {
    return host.catalog.mustRelation(relid).persistence === 'p' ? host.inserter : undefined;
  }

  /** nextval_internal. */
  nextval(host: SequenceHost, relid: number): bigint {
    const { elm, name, params } = this.#elm(host, relid);
    if (host.catalog.mustRelation(relid).persistence !== 't') host.checkWritable('nextval()');
    if (elm.last !== elm.cached) {
      // a value this session cached (CACHE > 1)
      elm.last += elm.increment;
      elm.lastValid = true;
      this.#lastUsed = relid;
      return elm.last;
    }
    const { increment: incby, max: maxv, min: minv, cache, cycle } = params;
    const inserter = this.#logged(host, relid);
    return this.#withPage(host, relid, (bytes, buf) => {
      const seq = readSequencePage(bytes);
      elm.increment = incby;
      let last = seq.lastValue;
      let next = seq.lastValue;
      let result = seq.lastValue;
      let fetch = cache;
      let log = seq.logCnt;
      let rescnt = 0n;
      let logit = false;
      if (!seq.isCalled) {
        rescnt++; // return last_value itself
        fetch--;
      }
      if (log < fetch || !seq.isCalled) {
        fetch = log = fetch + SEQ_LOG_VALS;
        logit = true;
      } else if (inserter !== undefined && host.pool.page(buf).lsn <= inserter.redoRecPtr) {
        // first change since the last checkpoint: log it, as a torn page would lose it
        fetch = log = fetch + SEQ_LOG_VALS;
        logit = true;
      }
      while (fetch > 0n) {
        if (incby > 0n) {
          if ((maxv >= 0n && next > maxv - incby) || (maxv < 0n && next + incby > maxv)) {
            if (rescnt > 0n) break; // stop fetching; the values so far do
            if (!cycle) {
              throw new SqlError(
                '2200H',
                `nextval: reached maximum value of sequence "${name}" (${maxv})`,
              );
            }
            next = minv;
          } else next += incby;
        } else if ((minv < 0n && next < minv - incby) || (minv >= 0n && next + incby < minv)) {
          if (rescnt > 0n) break;
          if (!cycle) {
            throw new SqlError(
              '2200H',
              `nextval: reached minimum value of sequence "${name}" (${minv})`,
            );
          }
          next = maxv;
        } else next += incby;
        fetch--;
        if (rescnt < cache) {
          log--;
          rescnt++;
          last = next;
          if (rescnt === 1n) result = next;
        }
      }
      log -= fetch; // the numbers not fetched
      elm.last = result;
      elm.cached = last;
      elm.lastValid = true;
      this.#lastUsed = relid;
      if (!logit && inserter !== undefined && host.pool.page(buf).lsn > inserter.wal.flushedLsn) {
        // The record covering this value is not flushed yet (a rolled-back
        // transaction logged it, and an abort does not flush): this
        // transaction's commit must flush it, or a crash would hand the
        // value out again.
        host.assignXid();
      }
      if (logit && inserter !== undefined) {
        host.assignXid();
        // log the state as it will be after `log` more fetches (S3)
        writeSequencePage(bytes, { lastValue: next, logCnt: 0n, isCalled: true });
        logNewPages(inserter, [buf]);
      }
      writeSequencePage(bytes, { lastValue: last, logCnt: log, isCalled: true });
      host.pool.markDirty(buf);
      return result;
    });
  }

  /** currval. */
  currval(host: SequenceHost, relid: number): bigint {
    const { elm, name } = this.#elm(host, relid);
    if (!elm.lastValid) {
      throw new SqlError(
        '55000',
        `currval of sequence "${name}" is not yet defined in this session`,
      );
    }
    return elm.last;
  }

  /** lastval: the value of the sequence nextval last used, while it exists. */
  lastval(host: SequenceHost): bigint {
    const relid = this.#lastUsed;
    const undef = () => new SqlError('55000', 'lastval is not yet defined in this session');
    if (relid === undefined) throw undef();
    const desc = host.catalog.relation(relid);
    if (desc === undefined) throw undef();
    const elm = this.#elms.get(relid);
    if (elm === undefined || !elm.lastValid) throw undef();
    return elm.last;
  }

  /** do_setval. */
  setval(host: SequenceHost, relid: number, next: bigint, isCalled: boolean): bigint {
    const { elm, name, params } = this.#elm(host, relid);
    if (host.catalog.mustRelation(relid).persistence !== 't') host.checkWritable('setval()');
    if (next < params.min || next > params.max) {
      throw new SqlError(
        '22003',
        `setval: value ${next} is out of bounds for sequence "${name}" (${params.min}..${params.max})`,
      );
    }
    if (isCalled) {
      elm.last = next;
      elm.lastValid = true;
    }
    elm.cached = elm.last; // forget cached values
    const inserter = this.#logged(host, relid);
    this.#withPage(host, relid, (bytes, buf) => {
      writeSequencePage(bytes, { lastValue: next, logCnt: 0n, isCalled });
      if (inserter !== undefined) {
        host.assignXid();
        logNewPages(inserter, [buf]);
      } else host.pool.markDirty(buf);
    });
    return next;
  }

  /**
   * ALTER SEQUENCE's new page state (RESTART, or an option that resets
   * log_cnt), logged; this session's cached values are dropped (currval
   * keeps its value).
   */
  reset(host: SequenceHost, relid: number, data: SequenceData): void {
    const elm = this.#elms.get(relid);
    if (elm !== undefined) elm.cached = elm.last;
    const inserter = this.#logged(host, relid);
    this.#withPage(host, relid, (bytes, buf) => {
      writeSequencePage(bytes, data);
      if (inserter !== undefined) logNewPages(inserter, [buf]);
      else host.pool.markDirty(buf);
    });
  }

  /** The page's tuple now. */
  read(host: SequenceHost, relid: number): SequenceData {
    return this.#withPage(host, relid, (bytes) => readSequencePage(bytes));
  }

  /** DISCARD SEQUENCES / a dropped sequence: forget its state. */
  forget(relid?: number): void {
    if (relid === undefined) {
      this.#elms.clear();
      this.#lastUsed = undefined;
    } else this.#elms.delete(relid);
  }
}
