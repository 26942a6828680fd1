import { mkdirSync, mkdtempSync, rmSync, writeFileSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import {
  type Engine,
  type EngineFactory,
  parseExpectedFailures,
  type Result,
  runScript,
  runSuite,
  summarize,
} from '@pg/difftest';
import { afterEach, beforeEach, describe, expect, it } from 'vitest';

/** A toy engine: `SELECT <int>;` returns that number; anything else is a syntax error at 1. */
const toyEngine: EngineFactory = async () => {
  const engine: Engine = {
    async exec(sql: string): Promise<Result[]> {
      const m = /^SELECT (\d+);$/.exec(sql);
      if (m) {
        return [
          {
            kind: 'rows',
            fields: [{ name: '?column?', typeOid: 23 }],
            rows: [[m[1]!]],
            command: 'SELECT 1',
            notices: [],
          },
        ];
      }
      return [
        {
          kind: 'error',
          severity: 'ERROR',
          sqlstate: '42601',
          message: 'syntax error at or near "x"',
          position: 1,
          notices: [],
        },
      ];
    },
    async close() {},
  };
  return engine;
};

const ONE = 'SELECT 1;\n ?column? \n----------\n        1\n(1 row)\n\n';

let dir: string;
beforeEach(() => {
  dir = mkdtempSync(join(tmpdir(), 'difftest-'));
  mkdirSync(join(dir, 'g'));
});
afterEach(() => rmSync(dir, { recursive: true, force: true }));

function addCase(name: string, sql: string, out: string | undefined): void {
  writeFileSync(join(dir, 'g', `${name}.sql`), sql);
  if (out !== undefined) writeFileSync(join(dir, 'g', `${name}.out`), out);
}

describe('runSuite', () => {
  it('counts passes, failures and expected failures, and reports fixed ones', async () => {
    addCase('pass', 'SELECT 1;\n', ONE);
    addCase('fail', 'SELECT 1;\n', ONE.replace('1\n(1', '2\n(1'));
    addCase('known', 'x;\n', ONE);
    addCase('fixed', 'SELECT 1;\n', ONE);
    addCase('no_out', 'SELECT 1;\n', undefined);
    addCase('bad_meta', '\\d t\n', ONE);
    const expectedFailures = parseExpectedFailures(
      '# comment\n\ng/known  parser not built\ng/fixed  was broken\n',
    );
    const r = await runSuite({ casesDir: dir, expectedFailures, engine: toyEngine });
    expect([...r.outcomes].map(([n, o]) => [n, o.kind])).toEqual([
      ['g/bad_meta', 'failed'],
      ['g/fail', 'failed'],
      ['g/fixed', 'unexpected-pass'],
      ['g/known', 'expected-failure'],
      ['g/no_out', 'failed'],
      ['g/pass', 'passed'],
    ]);
    expect(r.ok).toBe(false);
    const fail = r.outcomes.get('g/fail');
    expect(fail?.kind === 'failed' && fail.report).toContain('-        2\n+        1\n');
    const meta = r.outcomes.get('g/bad_meta');
    expect(meta?.kind === 'failed' && meta.report).toContain('unsupported psql command: \\d t');
    const summary = summarize(r);
    expect(summary).toContain(
      'difftest: 1 passed, 3 failed, 1 expected failures (listed in expected-failures.txt)\n',
    );
    expect(summary).toContain('remove them from expected-failures.txt:\n  g/fixed\n');
  });

  it('is green when every failure is listed, and flags list entries naming no case', async () => {
    addCase('pass', 'SELECT 1;\n', ONE);
    addCase('known', 'x;\n', ONE);
    const ok = await runSuite({
      casesDir: dir,
      expectedFailures: parseExpectedFailures('g/known reason\n'),
      engine: toyEngine,
    });
    expect(ok.ok).toBe(true);
    const stale = await runSuite({
      casesDir: dir,
      expectedFailures: parseExpectedFailures('g/known reason\ng/gone reason\n'),
      engine: toyEngine,
    });
    expect(stale.ok).toBe(false);
    expect(summarize(stale)).toContain('names cases that do not exist:\n  g/gone\n');
  });

  it('fails a case whose engine cannot start, with the reason', async () => {
    addCase('pass', 'SELECT 1;\n', ONE);
    const r = await runSuite({
      casesDir: dir,
      expectedFailures: new Map(),
      engine: async () => {
        throw new Error('engine not built');
      },
    });
    const o = r.outcomes.get('g/pass');
    expect(o?.kind === 'failed' && o.report).toContain('could not run: Error: engine not built');
  });

  it('requires a reason for every expected failure', () => {
    expect(() => parseExpectedFailures('g/x\n')).toThrow(/has no reason/);
    expect(() => parseExpectedFailures('g/x a\ng/x b\n')).toThrow(/listed twice/);
  });
});

describe('runScript', () => {
  it('prints errors with the cursor under the reported character', async () => {
    const out = await runScript('x;\n', await toyEngine());
    expect(out).toBe('x;\nERROR:  syntax error at or near "x"\nLINE 1: x;\n        ^\n');
  });
});
