/**
 * `pg-ts controldata DIR` and `pg-ts waldump DIR`: pg_controldata's labels
 * for what our pg_control holds, and one line per WAL record in
 * pg_waldump's layout with each resource manager's description (read
 * through @pg/engine's readControlData / readWalRecords).
 */
import { readControlData, readWalRecords } from '@pg/engine';
import { CliExit, type Io } from './cli.js';

const DAYS = ['Sun', 'Mon', 'Tue', 'Wed', 'Thu', 'Fri', 'Sat'];
const MONTHS = ['Jan', 'Feb', 'Mar', 'Apr', 'May', 'Jun', 'Jul', 'Aug', 'Sep', 'Oct', 'Nov', 'Dec'];

/** strftime's %c in the C locale, UTC: `Sat Nov 21 19:40:00 2026`. */
function cTime(seconds: number): string {
  const d = new Date(seconds * 1000);
  const p2 = (n: number) => String(n).padStart(2, '0');
  return `${DAYS[d.getUTCDay()]} ${MONTHS[d.getUTCMonth()]} ${String(d.getUTCDate()).padStart(2)} ${p2(d.getUTCHours())}:${p2(d.getUTCMinutes())}:${p2(d.getUTCSeconds())} ${d.getUTCFullYear()}`;
}

export function controldata(io: Io, dir: string): void {
  let c: ReturnType<typeof readControlData>;
  try {
    c = readControlData(dir);
  } catch (e) {
    throw new CliExit(
      1,
      `pg-ts controldata: error: could not read "${dir}/global/pg_control": ${(e as Error).message}\n`,
    );
  }
  const rows: [string, string | number | bigint][] = [
    ['pg_control version number:', c.pgControlVersion],
    ['Catalog version number:', c.catalogVersion],
    ['Database system identifier:', c.systemIdentifier],
    ['Database cluster state:', c.state],
    ['pg_control last modified:', cTime(c.time)],
    ['Latest checkpoint location:', c.checkPoint],
    ["Latest checkpoint's REDO location:", c.redo],
    ["Latest checkpoint's REDO WAL file:", c.redoWalFile],
    ["Latest checkpoint's TimeLineID:", c.timeline],
    ["Latest checkpoint's NextXID:", c.nextXid],
    ["Latest checkpoint's NextOID:", c.nextOid],
    ['Minimum recovery ending location:', c.minRecoveryPoint],
    ['Database block size:', c.blockSize],
    ['WAL block size:', c.walPageSize],
    ['Bytes per WAL segment:', c.walSegmentSize],
    ['Data page checksum version:', c.dataChecksumVersion],
  ];
  for (const [label, value] of rows) io.out(`${label.padEnd(38)}${value}\n`);
}

const FORKS = ['main', 'fsm', 'vm', 'init'];

/** pg_waldump's %X/%08X. */
function lsn8(text: string): string {
  const [hi, lo] = text.split('/');
  return `${hi}/${(lo ?? '').padStart(8, '0')}`;
}

export function waldump(io: Io, dir: string, options: { start?: string; limit?: number }): void {
  let n = 0;
  const it = readWalRecords(dir, options.start === undefined ? {} : { start: options.start });
  for (;;) {
    if (options.limit !== undefined && n >= options.limit) return;
    const step = it.next();
    if (step.done === true) {
      const { end, problem } = step.value;
      if (problem !== null) {
        io.err(`pg-ts waldump: error: error in WAL record at ${lsn8(end)}: ${problem}\n`);
      }
      if (n === 0 && problem !== null) throw new CliExit(1);
      return;
    }
    const r = step.value;
    n++;
    const blocks = r.blocks
      .map(
        (b, k) =>
          `, blkref #${k}: rel ${b.spcOid}/${b.dbOid}/${b.relNumber}${b.fork === 0 ? '' : ` fork ${FORKS[b.fork] ?? b.fork}`} blk ${b.block}${b.fullPageImage ? ' FPW' : ''}`,
      )
      .join('');
    io.out(
      `rmgr: ${r.rmgr.padEnd(11)} len (rec/tot): ${String(r.recordLength).padStart(6)}/${String(r.totalLength).padStart(6)}, tx: ${String(r.xid).padStart(10)}, lsn: ${lsn8(r.lsn)}, prev ${lsn8(r.prev)}, desc: ${r.description}${blocks}\n`,
    );
  }
}
