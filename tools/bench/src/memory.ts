/**
 * Peak memory of each embedded engine on the same work, each in a child
 * process of its own (peers in one process would share one peak): the
 * child loads the COUNT(*) table (1M rows; 100k with --quick), runs the
 * filtered COUNT(*), 1,000 point SELECTs and 1,000 UPDATEs by key, and
 * reports its peak resident set size (getrusage's ru_maxrss) and what a
 * bare child with nothing loaded peaks at.
 */
import { spawn } from 'node:child_process';
import { fileURLToPath } from 'node:url';
import { load, PEERS } from './engine-workloads.js';
import { bar, formatRatio } from './render.js';

/** The argument that turns main.js into a memory child. */
export const MEMORY_CHILD = '--memory-child';
const BARE = '(node alone)';

export interface MemoryResult {
  readonly name: string;
  /** peak RSS in bytes */
  readonly peakBytes: number;
}

/** In the child: do the work on one peer (or nothing, for BARE), then print the peak. */
export async function memoryChild(name: string, rows: number): Promise<number> {
  if (name !== BARE) {
    const peer = PEERS.find((p) => p.name === name);
    if (peer === undefined) throw new Error(`no peer named ${name}`);
    const db = await peer.open();
    await load(db, rows);
    await db.run('SELECT count(*) FROM t WHERE k < 500');
    for (let i = 0; i < 1000; i++)
      await db.run('SELECT v FROM t WHERE id = $1', [(i * 7919) % rows]);
    for (let i = 0; i < 1000; i++) {
      await db.run('UPDATE t SET v = v + 1 WHERE id = $1', [(i * 7919) % rows]);
    }
    await db.close();
  }
  process.stdout.write(`${JSON.stringify({ peakBytes: process.resourceUsage().maxRSS * 1024 })}\n`);
  return 0;
}

function runChild(name: string, rows: number): Promise<MemoryResult> {
  const main = fileURLToPath(new URL('./main.js', import.meta.url));
  return new Promise((resolve, reject) => {
    const child = spawn(process.execPath, [main, MEMORY_CHILD, name, String(rows)], {
      stdio: ['ignore', 'pipe', 'pipe'],
    });
    let out = '';
    let err = '';
    child.stdout.on('data', (d: Buffer) => {
      out += d.toString();
    });
    child.stderr.on('data', (d: Buffer) => {
      err += d.toString();
    });
    child.on('error', reject);
    child.on('close', (code) => {
      const line = out.trim().split('\n').at(-1) ?? '';
      if (code !== 0 || !line.startsWith('{')) {
        reject(new Error(`memory child for ${name} exited with ${code}: ${err.trim()}`));
        return;
      }
      resolve({ name, peakBytes: (JSON.parse(line) as { peakBytes: number }).peakBytes });
    });
  });
}

/** Every peer's peak, then a bare child's, one child at a time (so they do not compete). */
export async function measureMemory(
  rows: number,
  onStep: (name: string) => void,
  names: readonly string[] = PEERS.map((p) => p.name),
): Promise<MemoryResult[]> {
  const out: MemoryResult[] = [];
  for (const name of [...names, BARE]) {
    onStep(name);
    out.push(await runChild(name, rows));
  }
  return out;
}

/** A bar per engine, and each engine's peak against @pg/engine's. */
export function renderMemory(results: readonly MemoryResult[], rows: number, width = 36): string {
  const top = Math.max(...results.map((r) => r.peakBytes));
  const subject = results[0];
  const nameWidth = Math.max(...results.map((r) => r.name.length));
  const lines = [
    `peak memory (RSS) after loading ${rows} rows, COUNT(*), 1000 SELECTs, 1000 UPDATEs (each in its own process):`,
  ];
  for (const r of results) {
    const mb = `${(r.peakBytes / 2 ** 20).toFixed(0)} MB`.padStart(8);
    const ratio =
      subject === undefined || r === subject || r.name === BARE
        ? ''
        : `  ${subject.name} uses ${formatRatio(subject.peakBytes / r.peakBytes)} of this`;
    lines.push(`  ${r.name.padEnd(nameWidth)}  ${bar(r.peakBytes / top, width)} ${mb}${ratio}`);
  }
  return lines.join('\n');
}
