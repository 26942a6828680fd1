import { execFileSync } from 'node:child_process';
import { existsSync } from 'node:fs';
import { join } from 'node:path';

const DEFAULT_BIN_DIR = '/usr/lib/postgresql/15/bin';
const REQUIRED_MAJOR = 15;

/** Runs `<binDir>/postgres --version`; returns its output, or a description of the failure. */
function probe(binDir: string): { ok: true; version: string } | { ok: false; reason: string } {
  const exe = join(binDir, 'postgres');
  if (!existsSync(exe)) return { ok: false, reason: `${exe} does not exist` };
  let out: string;
  try {
    out = execFileSync(exe, ['--version'], {
      encoding: 'utf8',
      stdio: ['ignore', 'pipe', 'pipe'],
      timeout: 10_000,
    }).trim();
  } catch (err) {
    return { ok: false, reason: `\`${exe} --version\` failed: ${errorMessage(err)}` };
  }
  const m = /\(PostgreSQL\)\s+(\d+)/.exec(out);
  if (m === null)
    return { ok: false, reason: `\`${exe} --version\` printed ${JSON.stringify(out)}` };
  if (Number(m[1]) !== REQUIRED_MAJOR) {
    return {
      ok: false,
      reason: `\`${exe} --version\` reports major version ${m[1]} (${JSON.stringify(out)}), not ${REQUIRED_MAJOR}`,
    };
  }
  return { ok: true, version: out };
}

function pgConfigBinDir(): string | undefined {
  try {
    const out = execFileSync('pg_config', ['--bindir'], {
      encoding: 'utf8',
      stdio: ['ignore', 'pipe', 'ignore'],
      timeout: 10_000,
    }).trim();
    return out === '' ? undefined : out;
  } catch {
    return undefined;
  }
}

export function errorMessage(err: unknown): string {
  return err instanceof Error ? err.message : String(err);
}

/**
 * Where PostgreSQL 15's binaries are: $PG_BINDIR, else `pg_config --bindir`, else
 * /usr/lib/postgresql/15/bin. Throws a clear Error if `postgres --version` there does not report
 * major version 15.
 *
 * An explicit $PG_BINDIR is the only candidate tried. Otherwise, when `pg_config --bindir` points
 * at another major version (several versions installed side by side), the default directory is
 * tried next.
 */
export function findPostgresBinDir(): string {
  const fromEnv = process.env.PG_BINDIR;
  const candidates: { dir: string; source: string }[] = [];
  if (fromEnv !== undefined && fromEnv !== '') {
    candidates.push({ dir: fromEnv, source: '$PG_BINDIR' });
  } else {
    const fromPgConfig = pgConfigBinDir();
    if (fromPgConfig !== undefined) {
      candidates.push({ dir: fromPgConfig, source: '`pg_config --bindir`' });
    }
    if (fromPgConfig !== DEFAULT_BIN_DIR) {
      candidates.push({ dir: DEFAULT_BIN_DIR, source: 'the default' });
    }
  }
  const failures: string[] = [];
  for (const { dir, source } of candidates) {
    const result = probe(dir);
    if (result.ok) return dir;
    failures.push(`${dir} (from ${source}): ${result.reason}`);
  }
  throw new Error(
    `@pg/pg-reference: no PostgreSQL ${REQUIRED_MAJOR} server binaries found. Tried:\n  ${failures.join(
      '\n  ',
    )}\nInstall PostgreSQL ${REQUIRED_MAJOR} (e.g. Debian's postgresql-${REQUIRED_MAJOR}) or set PG_BINDIR to its bin directory.`,
  );
}
