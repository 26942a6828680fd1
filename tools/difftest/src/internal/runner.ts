/**
 * The suite runner: finds the cases, runs each through a fresh engine,
 * compares with the expected file, and sums up against expected-failures.txt.
 */
import { existsSync, readdirSync, readFileSync } from 'node:fs';
import { join, relative } from 'node:path';
import { createTwoFilesPatch } from 'diff';
import type { EngineFactory } from './engine.js';
import { runScript } from './run-script.js';

/** A case: cases/<group>/<name>.sql, its expected output beside it as <name>.out. */
export interface Case {
  /** '<group>/<name>' */
  readonly name: string;
  readonly sqlPath: string;
  readonly outPath: string;
}

/** Every case under `casesDir`, sorted by name. */
export function listCases(casesDir: string): Case[] {
  const cases: Case[] = [];
  const walk = (dir: string): void => {
    for (const entry of readdirSync(dir, { withFileTypes: true })) {
      const full = join(dir, entry.name);
      if (entry.isDirectory()) walk(full);
      else if (entry.name.endsWith('.sql')) {
        const name = relative(casesDir, full).slice(0, -'.sql'.length).split('\\').join('/');
        cases.push({ name, sqlPath: full, outPath: `${full.slice(0, -'.sql'.length)}.out` });
      }
    }
  };
  walk(casesDir);
  return cases.sort((a, b) => (a.name < b.name ? -1 : a.name > b.name ? 1 : 0));
}

/**
 * expected-failures.txt: one case per line, `<group>/<name> <reason>`;
 * blank lines and lines starting with '#' are ignored. Every entry needs a reason.
 */
export function parseExpectedFailures(text: string): Map<string, string> {
  const map = new Map<string, string>();
  text.split('\n').forEach((raw, i) => {
    const line = raw.trim();
    if (line === '' || line.startsWith('#')) return;
    const m = /^(\S+)\s+(.+)$/.exec(line);
    if (!m) throw new Error(`expected-failures.txt:${i + 1}: '${line}' has no reason`);
    if (map.has(m[1]!)) throw new Error(`expected-failures.txt:${i + 1}: ${m[1]} listed twice`);
    map.set(m[1]!, m[2]!);
  });
  return map;
}

export type CaseOutcome =
  | { readonly kind: 'passed' }
  | { readonly kind: 'failed'; readonly report: string }
  | { readonly kind: 'expected-failure'; readonly reason: string }
  | { readonly kind: 'unexpected-pass'; readonly reason: string };

export interface SuiteResult {
  readonly outcomes: ReadonlyMap<string, CaseOutcome>;
  readonly passed: number;
  readonly failed: number;
  readonly expectedFailures: number;
  readonly unexpectedPasses: number;
  /** Names in expected-failures.txt that match no case. */
  readonly unknownEntries: readonly string[];
  /** True when the suite should be considered green. */
  readonly ok: boolean;
}

export interface RunOptions {
  readonly casesDir: string;
  readonly expectedFailures: ReadonlyMap<string, string>;
  readonly engine: EngineFactory;
  /** Only cases whose name contains one of these (all when empty). */
  readonly filter?: readonly string[];
  /** Per-case time limit in ms (default 20 s). */
  readonly timeoutMs?: number;
  /** Called as each case finishes. */
  readonly onCase?: (name: string, outcome: CaseOutcome) => void;
}

/** Runs one case; resolves with the actual output or an explanation of why there is none. */
export async function runCase(
  c: Case,
  engine: EngineFactory,
  timeoutMs = 20_000,
): Promise<{ ok: true; output: string } | { ok: false; error: string }> {
  let timer: NodeJS.Timeout | undefined;
  const timeout = new Promise<never>((_, reject) => {
    timer = setTimeout(() => reject(new Error(`timed out after ${timeoutMs} ms`)), timeoutMs);
  });
  try {
    return await Promise.race([
      (async () => {
        const e = await engine();
        try {
          return { ok: true as const, output: await runScript(readFileSync(c.sqlPath, 'utf8'), e) };
        } finally {
          await e.close();
        }
      })(),
      timeout,
    ]);
  } catch (err) {
    // A load failure (it has a code) says all in its message; anything else keeps its stack.
    const coded = err instanceof Error && 'code' in err;
    const text =
      err instanceof Error
        ? coded
          ? `${err.name}: ${err.message}`
          : (err.stack ?? err.message)
        : String(err);
    return { ok: false, error: text };
  } finally {
    clearTimeout(timer);
  }
}

/** A readable unified diff of expected vs actual output for one case. */
export function diffReport(c: Case, expected: string, actual: string): string {
  return createTwoFilesPatch(
    relative(process.cwd(), c.outPath),
    `${c.name} (actual)`,
    expected,
    actual,
    undefined,
    undefined,
    { context: 3 },
  );
}

export async function runSuite(options: RunOptions): Promise<SuiteResult> {
  const all = listCases(options.casesDir);
  const names = new Set(all.map((c) => c.name));
  const filter = options.filter ?? [];
  const cases =
    filter.length === 0 ? all : all.filter((c) => filter.some((f) => c.name.includes(f)));
  const outcomes = new Map<string, CaseOutcome>();
  for (const c of cases) {
    const reason = options.expectedFailures.get(c.name);
    let failure: string | undefined;
    if (!existsSync(c.outPath)) {
      failure = `${c.name}: no expected output ${c.outPath} (run: pnpm --filter @pg/difftest regen)\n`;
    } else {
      const expected = readFileSync(c.outPath, 'utf8');
      const actual = await runCase(c, options.engine, options.timeoutMs);
      if (!actual.ok) failure = `${c.name}: could not run: ${actual.error}\n`;
      else if (actual.output !== expected) failure = diffReport(c, expected, actual.output);
    }
    const outcome: CaseOutcome =
      failure === undefined
        ? reason === undefined
          ? { kind: 'passed' }
          : { kind: 'unexpected-pass', reason }
        : reason === undefined
          ? { kind: 'failed', report: failure }
          : { kind: 'expected-failure', reason };
    outcomes.set(c.name, outcome);
    options.onCase?.(c.name, outcome);
  }
  let passed = 0;
  let failed = 0;
  let expectedFailures = 0;
  let unexpectedPasses = 0;
  for (const o of outcomes.values()) {
    if (o.kind === 'passed') passed++;
    else if (o.kind === 'failed') failed++;
    else if (o.kind === 'expected-failure') expectedFailures++;
    else unexpectedPasses++;
  }
  const unknownEntries = [...options.expectedFailures.keys()].filter((n) => !names.has(n));
  return {
    outcomes,
    passed,
    failed,
    expectedFailures,
    unexpectedPasses,
    unknownEntries,
    ok: failed === 0 && unexpectedPasses === 0 && unknownEntries.length === 0,
  };
}

/** The closing lines: the summary, then what must change in expected-failures.txt. */
export function summarize(r: SuiteResult): string {
  let out = `difftest: ${r.passed} passed, ${r.failed} failed, ${r.expectedFailures} expected failures (listed in expected-failures.txt)\n`;
  const fixed = [...r.outcomes].filter(([, o]) => o.kind === 'unexpected-pass').map(([n]) => n);
  if (fixed.length > 0) {
    out += `difftest: ${fixed.length} expected failures now pass; remove them from expected-failures.txt:\n`;
    for (const n of fixed) out += `  ${n}\n`;
  }
  if (r.unknownEntries.length > 0) {
    out += `difftest: expected-failures.txt names cases that do not exist:\n`;
    for (const n of r.unknownEntries) out += `  ${n}\n`;
  }
  return out;
}
