/**
 * A sequence's relation file: one 8 KiB page laid out as PostgreSQL 15's
 * sequence page (commands/sequence.c, fill_seq_with_data), and the
 * sequence's parameters as pg_sequence holds them.
 *
 * ```
 * block 0 of base/<db>/<relfilenode>
 * +-----------------------------------------------------------------+
 * | PageHeaderData (24)  pd_lower 28  pd_upper 8192-4-48  pd_special |
 * | ItemIdData (4) -> the one tuple, LP_NORMAL                       |
 * |                      ... hole ...                                |
 * | HeapTupleHeader (23 + 1 pad) t_xmin 2 (FrozenTransactionId),     |
 * |   t_infomask XMIN_COMMITTED|XMIN_INVALID|XMAX_INVALID, natts 3   |
 * | last_value int8 | log_cnt int8 | is_called bool                  |
 * | special space: sequence_magic 0x1717 (uint32)                    |
 * +-----------------------------------------------------------------+
 * ```
 *
 * | offset in tuple | size | field                                         |
 * | --------------- | ---- | --------------------------------------------- |
 * | 0               | 4    | t_xmin = FrozenTransactionId (2)              |
 * | 4               | 4    | t_xmax = 0                                    |
 * | 8               | 4    | t_cid = 0                                     |
 * | 12              | 6    | t_ctid = (0,1)                                |
 * | 18              | 2    | t_infomask2 = 3 (natts)                       |
 * | 20              | 2    | t_infomask = 0x0B00                           |
 * | 22              | 1    | t_hoff = 24                                   |
 * | 24              | 8    | last_value                                    |
 * | 32              | 8    | log_cnt                                       |
 * | 40              | 1    | is_called                                     |
 *
 * The tuple is changed in place (never MVCC-versioned): sequence changes
 * are not transactional. Every change that must survive a crash is
 * WAL-logged as a full-page image of the page in the state to restore
 * (the storage resource manager's FPI record; PostgreSQL's XLOG_SEQ_LOG
 * carries the tuple and its redo rebuilds the same page).
 */
import { Page } from '@pg/page';
import {
  type BufferPool,
  ForkNumber,
  logNewPages,
  type RelFileLocator,
  type XLogInserter,
} from '@pg/storage';
import type { ViewDef } from './pg15-data.js';

/** sequence_magic in the page's special space. */
export const SEQ_MAGIC = 0x1717;
/** The special space's size (sequence_magic). */
export const SEQ_SPECIAL_SIZE = 4;
/** t_hoff: the 23-byte header padded to 8. */
const T_HOFF = 24;
/** The tuple's length: header + int8 + int8 + bool. */
export const SEQ_TUPLE_LEN = T_HOFF + 8 + 8 + 1;
/** FrozenTransactionId. */
const FROZEN_XID = 2;
/** HEAP_XMIN_COMMITTED | HEAP_XMIN_INVALID (frozen) | HEAP_XMAX_INVALID. */
const SEQ_INFOMASK = 0x0100 | 0x0200 | 0x0800;
const OFF_LAST_VALUE = T_HOFF;
const OFF_LOG_CNT = T_HOFF + 8;
const OFF_IS_CALLED = T_HOFF + 16;

/** FormData_pg_sequence_data: the page's one tuple. */
export interface SequenceData {
  readonly lastValue: bigint;
  readonly logCnt: bigint;
  readonly isCalled: boolean;
}

/** pg_sequence's row. */
export interface SequenceParams {
  /** seqtypid: int2 (21), int4 (23) or int8 (20). */
  readonly typeOid: number;
  readonly start: bigint;
  readonly increment: bigint;
  readonly max: bigint;
  readonly min: bigint;
  readonly cache: bigint;
  readonly cycle: boolean;
}

function encodeTuple(data: SequenceData): Uint8Array {
  const t = new Uint8Array(SEQ_TUPLE_LEN);
  const dv = new DataView(t.buffer);
  dv.setUint32(0, FROZEN_XID, true);
  dv.setUint16(12, 0, true); // ctid block hi
  dv.setUint16(14, 0, true); // ctid block lo
  dv.setUint16(16, 1, true); // ctid offset
  dv.setUint16(18, 3, true);
  dv.setUint16(20, SEQ_INFOMASK, true);
  t[22] = T_HOFF;
  dv.setBigInt64(OFF_LAST_VALUE, data.lastValue, true);
  dv.setBigInt64(OFF_LOG_CNT, data.logCnt, true);
  t[OFF_IS_CALLED] = data.isCalled ? 1 : 0;
  return t;
}

/** fill_seq_with_data's page: header, special magic, one tuple. */
export function buildSequencePage(bytes: Uint8Array, data: SequenceData): void {
  bytes.fill(0);
  const page = Page.init(bytes, SEQ_SPECIAL_SIZE);
  new DataView(bytes.buffer, bytes.byteOffset + page.special, 4).setUint32(0, SEQ_MAGIC, true);
  const off = page.addItem(encodeTuple(data));
  if (off !== 1) throw new Error('sequence page: the tuple did not go to offset 1');
}

/** The tuple of a sequence page (read_seq_tuple); XX000 when the page is not one. */
function tupleView(bytes: Uint8Array): DataView {
  const page = Page.wrap(bytes);
  const magic = new DataView(bytes.buffer, bytes.byteOffset + page.special, 4).getUint32(0, true);
  if (magic !== SEQ_MAGIC) {
    throw new Error(`bad magic number in sequence: ${magic.toString(16)}`);
  }
  const item = page.mustItem(1);
  return new DataView(item.buffer, item.byteOffset, item.byteLength);
}

export function readSequencePage(bytes: Uint8Array): SequenceData {
  const dv = tupleView(bytes);
  return {
    lastValue: dv.getBigInt64(OFF_LAST_VALUE, true),
    logCnt: dv.getBigInt64(OFF_LOG_CNT, true),
    isCalled: dv.getUint8(OFF_IS_CALLED) !== 0,
  };
}

/** Overwrites the tuple's values in place (the caller holds the exclusive content lock). */
export function writeSequencePage(bytes: Uint8Array, data: SequenceData): void {
  const dv = tupleView(bytes);
  dv.setBigInt64(OFF_LAST_VALUE, data.lastValue, true);
  dv.setBigInt64(OFF_LOG_CNT, data.logCnt, true);
  dv.setUint8(OFF_IS_CALLED, data.isCalled ? 1 : 0);
}

/**
 * Creates block 0 of a new sequence file (the fork exists) with `data`,
 * logged as a full-page image when `inserter` is given (a permanent sequence).
 */
export function initSequenceFile(
  pool: BufferPool,
  inserter: XLogInserter | undefined,
  rel: RelFileLocator,
  data: SequenceData,
): void {
  const buf = pool.extend(rel, ForkNumber.main);
  pool.lock(buf, 'exclusive');
  try {
    buildSequencePage(pool.bytes(buf), data);
    if (inserter) logNewPages(inserter, [buf]);
    else pool.markDirty(buf);
  } finally {
    pool.unlockRelease(buf);
  }
}

/** The sequence tuple's values now (a shared-locked read of block 0). */
export function readSequence(pool: BufferPool, rel: RelFileLocator): SequenceData {
  const buf = pool.readBuffer(rel, ForkNumber.main, 0);
  pool.lock(buf, 'share');
  try {
    return readSequencePage(pool.bytes(buf));
  } finally {
    pool.unlockRelease(buf);
  }
}

/** A sequence relation's columns (pg_attribute): all NOT NULL. */
export const SEQUENCE_COLUMNS: readonly (readonly [string, number])[] = [
  ['last_value', 20],
  ['log_cnt', 20],
  ['is_called', 16],
];

/** pg_sequence's row, by column name. */
export function sequenceCatalogRow(relid: number, p: SequenceParams): Record<string, unknown> {
  return {
    seqrelid: relid,
    seqtypid: p.typeOid,
    seqstart: p.start,
    seqincrement: p.increment,
    seqmax: p.max,
    seqmin: p.min,
    seqcache: p.cache,
    seqcycle: p.cycle,
  };
}

/** `SELECT * FROM seq`'s row: last_value, log_cnt, is_called. */
export function sequenceRow(pool: BufferPool, rel: RelFileLocator): unknown[] {
  const d = readSequence(pool, rel);
  return [d.lastValue, d.logCnt, d.isCalled];
}

/** pg_catalog.pg_sequences (PostgreSQL 15's OIDs and columns). */
export const PG_SEQUENCES_VIEW: ViewDef = {
  name: 'pg_sequences',
  nsp: 11,
  oid: 12048,
  rowtype: 12050,
  columns: [
    ['schemaname', 19, -1],
    ['sequencename', 19, -1],
    ['sequenceowner', 19, -1],
    ['data_type', 2206, -1],
    ['start_value', 20, -1],
    ['min_value', 20, -1],
    ['max_value', 20, -1],
    ['increment_by', 20, -1],
    ['cycle', 16, -1],
    ['cache_size', 20, -1],
    ['last_value', 20, -1],
  ],
};

/**
 * information_schema.sequences; its domains are their base types, as in
 * the other computed information_schema views (sql_identifier name,
 * character_data varchar, cardinal_number int4, yes_or_no varchar).
 */
export const INFORMATION_SCHEMA_SEQUENCES_VIEW: ViewDef = {
  name: 'sequences',
  nsp: 13207,
  oid: 13386,
  rowtype: 13388,
  columns: [
    ['sequence_catalog', 19, -1],
    ['sequence_schema', 19, -1],
    ['sequence_name', 19, -1],
    ['data_type', 1043, -1],
    ['numeric_precision', 23, -1],
    ['numeric_precision_radix', 23, -1],
    ['numeric_scale', 23, -1],
    ['start_value', 1043, -1],
    ['minimum_value', 1043, -1],
    ['maximum_value', 1043, -1],
    ['increment', 1043, -1],
    ['cycle_option', 1043, -1],
  ],
};

const TYPE_NAMES: Readonly<Record<number, readonly [string, number]>> = {
  21: ['smallint', 16],
  23: ['integer', 32],
  20: ['bigint', 64],
};

/**
 * The rows of pg_sequences or information_schema.sequences: one per
 * sequence (pg_class relkind S joined with pg_sequence), pg_sequences'
 * last_value read from the sequence's page (NULL until nextval or setval
 * has called it, as pg_sequence_last_value gives).
 */
export function sequenceViewRows(
  view: string,
  src: {
    scan(catalog: string): Record<string, unknown>[];
    readonly currentDatabase: string;
  },
  page: (relfilenode: number) => SequenceData | undefined,
): Record<string, unknown>[] {
  const nsp = new Map(src.scan('pg_namespace').map((r) => [r.oid as number, r.nspname]));
  const roles = new Map(src.scan('pg_authid').map((r) => [r.oid as number, r.rolname]));
  const params = new Map(src.scan('pg_sequence').map((r) => [r.seqrelid as number, r]));
  const out: Record<string, unknown>[] = [];
  for (const c of src.scan('pg_class')) {
    if (c.relkind !== 'S') continue;
    const p = params.get(c.oid as number);
    if (p === undefined) continue;
    const schema = nsp.get(c.relnamespace as number);
    if (view === 'pg_sequences') {
      const data = page(c.relfilenode as number);
      out.push({
        schemaname: schema,
        sequencename: c.relname,
        sequenceowner: roles.get(c.relowner as number) ?? null,
        data_type: p.seqtypid,
        start_value: p.seqstart,
        min_value: p.seqmin,
        max_value: p.seqmax,
        increment_by: p.seqincrement,
        cycle: p.seqcycle,
        cache_size: p.seqcache,
        last_value: data?.isCalled === true ? data.lastValue : null,
      });
    } else {
      const [typeName, precision] = TYPE_NAMES[p.seqtypid as number] ?? ['bigint', 64];
      out.push({
        sequence_catalog: src.currentDatabase,
        sequence_schema: schema,
        sequence_name: c.relname,
        data_type: typeName,
        numeric_precision: precision,
        numeric_precision_radix: 2,
        numeric_scale: 0,
        start_value: String(p.seqstart),
        minimum_value: String(p.seqmin),
        maximum_value: String(p.seqmax),
        increment: String(p.seqincrement),
        cycle_option: p.seqcycle === true ? 'YES' : 'NO',
      });
    }
  }
  return out;
}
