import { mkdtemp, readdir, rm } from 'node:fs/promises';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { Readable } from 'node:stream';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { run } from './cli.js';

async function cli(argv: string[]) {
  const out: string[] = [];
  const err: string[] = [];
  const code = await run(
    argv,
    { out: (t) => out.push(t), err: (t) => err.push(t) },
    Readable.from(['']),
  );
  return { code, out: out.join(''), err: err.join('') };
}

let dir: string;

beforeAll(async () => {
  dir = await mkdtemp(join(tmpdir(), 'pg-cli-bench-'));
});

afterAll(async () => {
  await rm(dir, { recursive: true, force: true });
});

describe('bench (embedded)', () => {
  it('-i creates the tables; a short run prints tps and keeps the balances consistent', async () => {
    const b = join(dir, 'bench');
    const init = await cli(['bench', '-D', b, '-i', '-s', '1']);
    expect(init.code).toBe(0);
    expect(init.err).toContain('100000 of 100000 tuples (100%) done');
    const r = await cli(['bench', '-D', b, '-c', '2', '-T', '1']);
    expect(r.code).toBe(0);
    expect(r.out).toContain('transaction type: <builtin: TPC-B (sort of)>');
    expect(r.out).toMatch(/latency percentiles: p50 = [\d.]+ ms, p90 = [\d.]+ ms, p99 = [\d.]+ ms/);
    expect(r.out).toMatch(/tps = [\d.]+ \(without initial connection time\)/);
    const s = await cli(['bench', '-D', b, '-c', '1', '-T', '1', '-S']);
    expect(s.out).toContain('<builtin: select only>');
    const check = await cli([
      'sql',
      '-D',
      b,
      '-c',
      'SELECT (SELECT sum(abalance) FROM pgbench_accounts) = (SELECT coalesce(sum(delta), 0) FROM pgbench_history) AS a, ' +
        '(SELECT sum(tbalance) FROM pgbench_tellers) = (SELECT coalesce(sum(delta), 0) FROM pgbench_history) AS t, ' +
        '(SELECT sum(bbalance) FROM pgbench_branches) = (SELECT coalesce(sum(delta), 0) FROM pgbench_history) AS b',
    ]);
    expect(check.out).toContain(' t | t | t\n');
    expect(await readdir(b)).toContain('PG_VERSION');
  }, 120_000);
});
