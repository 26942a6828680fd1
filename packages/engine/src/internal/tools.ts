/**
 * Offline views of a data directory for the command line's tools
 * (pg_controldata, pg_waldump): pg_control's fields, and the WAL's
 * records with each resource manager's description. They read files
 * only; a running instance on the same directory is not disturbed.
 */
import { existsSync, readdirSync } from 'node:fs';
import { join } from 'node:path';
import { btreeRmgr } from '@pg/btree';
import { catalogRmgr } from '@pg/catalog';
import { heapRmgr } from '@pg/heap';
import { multixactRmgr, xactRmgr } from '@pg/mvcc';
import { storageRmgr } from '@pg/storage';
import {
  createRmgrRegistry,
  DEFAULT_SEGMENT_SIZE,
  FileWalStorage,
  formatLsn,
  type Lsn,
  PG_CONTROL_VERSION,
  parseLsn,
  parseSegmentFileName,
  readControlFile,
  segmentStartLsn,
  WalReader,
  type WalRecord,
} from '@pg/wal';

/** pg_control's contents, as pg_controldata shows them. */
export interface ControlData {
  readonly systemIdentifier: bigint;
  readonly pgControlVersion: number;
  readonly catalogVersion: number;
  /** PostgreSQL's wording: 'shut down', 'in production', 'in crash recovery', ... */
  readonly state: string;
  /** Seconds since the epoch of pg_control's last update. */
  readonly time: number;
  /** The latest checkpoint's location and its contents. */
  readonly checkPoint: string;
  readonly redo: string;
  readonly redoWalFile: string;
  readonly timeline: number;
  /** Next full transaction id as epoch:xid. */
  readonly nextXid: string;
  readonly nextOid: number;
  readonly minRecoveryPoint: string;
  readonly walSegmentSize: number;
  readonly walPageSize: number;
  readonly blockSize: number;
  readonly dataChecksumVersion: number;
}

const STATES = [
  'starting up',
  'shut down',
  'shut down in recovery',
  'shutting down',
  'in crash recovery',
  'in archive recovery',
  'in production',
];

function walFileName(lsn: Lsn, timeline: number, segmentSize: number): string {
  const seg = lsn / BigInt(segmentSize);
  const perId = 0x100000000n / BigInt(segmentSize);
  const hex = (n: bigint | number) => n.toString(16).toUpperCase().padStart(8, '0');
  return `${hex(timeline)}${hex(seg / perId)}${hex(seg % perId)}`;
}

/** Reads and checks (CRC, version) DIR/global/pg_control. */
export function readControlData(dataDir: string): ControlData {
  const c = readControlFile(join(dataDir, 'global', 'pg_control'));
  const xid = c.checkPointCopy.nextXid;
  return {
    systemIdentifier: c.systemIdentifier,
    pgControlVersion: PG_CONTROL_VERSION,
    catalogVersion: c.catalogVersion,
    state: STATES[c.state] ?? `unrecognized status code ${c.state}`,
    time: Number(c.time),
    checkPoint: formatLsn(c.checkPoint),
    redo: formatLsn(c.checkPointCopy.redo),
    redoWalFile: walFileName(c.checkPointCopy.redo, c.checkPointCopy.timeline, c.walSegmentSize),
    timeline: c.checkPointCopy.timeline,
    nextXid: `${xid >> 32n}:${xid & 0xffffffffn}`,
    nextOid: c.checkPointCopy.nextOid,
    minRecoveryPoint: formatLsn(c.minRecoveryPoint),
    walSegmentSize: c.walSegmentSize,
    walPageSize: c.walPageSize,
    blockSize: c.blockSize,
    dataChecksumVersion: c.dataChecksumVersion,
  };
}

/** One WAL record as pg_waldump shows it. */
export interface WalDumpRecord {
  readonly lsn: string;
  readonly prev: string;
  readonly rmgr: string;
  readonly info: number;
  readonly xid: number;
  /** xl_tot_len less the full-page images (pg_waldump's rec), and xl_tot_len. */
  readonly recordLength: number;
  readonly totalLength: number;
  /** The resource manager's describe(). */
  readonly description: string;
  readonly blocks: readonly {
    readonly spcOid: number;
    readonly dbOid: number;
    readonly relNumber: number;
    readonly fork: number;
    readonly block: number;
    readonly fullPageImage: boolean;
  }[];
}

type Describer = { readonly id: number; readonly name: string; describe(r: WalRecord): string };

function describers(): Map<number, Describer> {
  const registry = createRmgrRegistry();
  const list: Describer[] = [
    ...registry.list(),
    storageRmgr,
    heapRmgr,
    btreeRmgr,
    catalogRmgr(),
    // their describe() reads only the record: redo targets are never used here
    xactRmgr(undefined as never),
    multixactRmgr(undefined as never),
  ];
  return new Map(list.map((r) => [r.id, r]));
}

/**
 * The records of DIR/pg_wal from `start` (an LSN like 0/1000028; default:
 * the beginning of the oldest segment, or the last checkpoint's redo point
 * when that segment starts inside a record) to the end of valid WAL.
 * `end` tells where reading stopped and why.
 */
export function* readWalRecords(
  dataDir: string,
  options: { readonly start?: string } = {},
): Generator<WalDumpRecord, { end: string; problem: string | null }> {
  const control = readControlFile(join(dataDir, 'global', 'pg_control'));
  const segmentSize = control.walSegmentSize || DEFAULT_SEGMENT_SIZE;
  const timeline = control.checkPointCopy.timeline;
  const walDir = join(dataDir, 'pg_wal');
  const rmgrs = describers();
  const starts: Lsn[] = [];
  if (options.start !== undefined) starts.push(parseLsn(options.start));
  else {
    const segments = existsSync(walDir)
      ? readdirSync(walDir)
          .filter((n) => /^[0-9A-F]{24}$/.test(n))
          .sort()
      : [];
    const first = segments[0];
    if (first !== undefined) {
      starts.push(segmentStartLsn(parseSegmentFileName(first, segmentSize).segno, segmentSize));
    }
    starts.push(control.checkPointCopy.redo);
  }
  let endResult = { end: formatLsn(starts[0] ?? 0n), problem: null as string | null };
  for (const [k, start] of starts.entries()) {
    const reader = new WalReader({
      storage: new FileWalStorage(walDir),
      startLsn: start,
      segmentSize,
      timeline,
    });
    let count = 0;
    for (const { lsn, record } of reader.records()) {
      count++;
      const fpi = record.blocks.reduce((n, b) => n + (b.image?.length ?? 0), 0);
      const rmgr = rmgrs.get(record.rmid);
      let description: string;
      try {
        description = rmgr?.describe(record) ?? `UNKNOWN info 0x${record.info.toString(16)}`;
      } catch (e) {
        description = `(undecodable: ${e instanceof Error ? e.message : String(e)})`;
      }
      yield {
        lsn: formatLsn(lsn),
        prev: formatLsn(record.prev),
        rmgr: rmgr?.name ?? String(record.rmid),
        info: record.info,
        xid: record.xid,
        recordLength: record.totalLength - fpi,
        totalLength: record.totalLength,
        description,
        blocks: record.blocks.map((b) => ({
          spcOid: b.rel.spcOid,
          dbOid: b.rel.dbOid,
          relNumber: b.rel.relNumber,
          fork: b.fork,
          block: b.blockNumber,
          fullPageImage: b.image !== undefined,
        })),
      };
    }
    const end = reader.next();
    if (end.kind === 'end') {
      endResult = {
        end: formatLsn(end.lsn),
        problem: end.problem === null ? null : JSON.stringify(end.problem, bigintJson),
      };
    }
    // the oldest segment began inside a record: read from the redo point instead
    if (count > 0 || k === starts.length - 1 || end.kind !== 'end' || end.problem === null) break;
  }
  return endResult;
}

function bigintJson(_key: string, value: unknown): unknown {
  return typeof value === 'bigint' ? formatLsn(value) : value;
}
