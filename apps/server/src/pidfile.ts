/**
 * postmaster.pid in PostgreSQL's format (miscadmin.h's LOCK_FILE_LINE_*),
 * which pg_ctl and our `pg-ts start/stop/status` read:
 *
 *   1 pid
 *   2 data directory
 *   3 start time (seconds since the epoch)
 *   4 port
 *   5 first Unix socket directory (empty if none)
 *   6 first listen address ('*', a host name, or empty)
 *   7 shared memory key and id ("%9lu %9lu"; we have no System V segment: key only)
 *   8 status: "starting", "stopping", "ready   " or "standby " (8 characters)
 */
import { writeFileSync } from 'node:fs';

export type PostmasterStatus = 'starting' | 'stopping' | 'ready' | 'standby';

export interface PostmasterPid {
  readonly pid: number;
  readonly dataDir: string;
  readonly startTime: number;
  readonly port: number;
  readonly socketDir: string;
  readonly listenAddress: string;
  readonly status: PostmasterStatus;
}

export function formatPostmasterPid(p: PostmasterPid): string {
  const key = String(p.port * 1000 + 1).padStart(9);
  return [
    String(p.pid),
    p.dataDir,
    String(p.startTime),
    String(p.port),
    p.socketDir,
    p.listenAddress,
    `${key} ${'0'.padStart(9)}`,
    p.status.padEnd(8),
    '',
  ].join('\n');
}

/** Parses the lines that are there (a file being written may be short). */
export function parsePostmasterPid(text: string): Partial<PostmasterPid> & { pid?: number } {
  const lines = text.split('\n');
  const num = (s: string | undefined) => {
    const n = Number.parseInt(s ?? '', 10);
    return Number.isInteger(n) ? n : undefined;
  };
  const out: {
    pid?: number;
    dataDir?: string;
    startTime?: number;
    port?: number;
    socketDir?: string;
    listenAddress?: string;
    status?: PostmasterStatus;
  } = {};
  const pid = num(lines[0]);
  if (pid !== undefined) out.pid = pid;
  if (lines[1] !== undefined) out.dataDir = lines[1];
  const start = num(lines[2]);
  if (start !== undefined) out.startTime = start;
  const port = num(lines[3]);
  if (port !== undefined) out.port = port;
  if (lines[4] !== undefined) out.socketDir = lines[4];
  if (lines[5] !== undefined) out.listenAddress = lines[5];
  const status = lines[7]?.trim();
  if (
    status === 'starting' ||
    status === 'stopping' ||
    status === 'ready' ||
    status === 'standby'
  ) {
    out.status = status;
  }
  return out;
}

export function writePostmasterPid(path: string, p: PostmasterPid): void {
  writeFileSync(path, formatPostmasterPid(p), { mode: 0o600 });
}
