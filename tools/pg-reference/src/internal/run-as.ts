import { execFileSync } from 'node:child_process';
import { chown, readdir, stat } from 'node:fs/promises';
import { dirname, join } from 'node:path';

/** The OS identity initdb and postgres run as; `undefined` means the current user. */
export interface RunAs {
  readonly name: string;
  readonly uid: number;
  readonly gid: number;
}

const SERVER_OS_USER = 'postgres';

function idOf(flag: '-u' | '-g', user: string): number {
  const out = execFileSync('id', [flag, user], {
    encoding: 'utf8',
    stdio: ['ignore', 'pipe', 'pipe'],
    timeout: 10_000,
  }).trim();
  const n = Number(out);
  if (!/^\d+$/.test(out) || !Number.isSafeInteger(n)) {
    throw new Error(`\`id ${flag} ${user}\` printed ${JSON.stringify(out)}`);
  }
  return n;
}

/**
 * PostgreSQL refuses to run as root. When this process is root, the server runs as the
 * unprivileged OS user `postgres`; otherwise as the current user (`undefined`).
 */
export function resolveRunAs(): RunAs | undefined {
  if (typeof process.getuid !== 'function' || process.getuid() !== 0) return undefined;
  let uid: number;
  let gid: number;
  try {
    uid = idOf('-u', SERVER_OS_USER);
    gid = idOf('-g', SERVER_OS_USER);
  } catch (err) {
    const detail = err instanceof Error ? err.message.split('\n')[0] : String(err);
    throw new Error(
      `@pg/pg-reference: running as root, but no OS user "${SERVER_OS_USER}" exists (${detail}). ` +
        'PostgreSQL refuses to run as root, so the reference server runs as that unprivileged ' +
        `user: create it (e.g. \`useradd --system ${SERVER_OS_USER}\`) or run the tests as a ` +
        'non-root user.',
    );
  }
  if (uid === 0) {
    throw new Error(
      `@pg/pg-reference: OS user "${SERVER_OS_USER}" has uid 0; PostgreSQL refuses to run as root.`,
    );
  }
  return { name: SERVER_OS_USER, uid, gid };
}

/** chown -R */
export async function chownRecursive(path: string, uid: number, gid: number): Promise<void> {
  await chown(path, uid, gid);
  const st = await stat(path);
  if (!st.isDirectory()) return;
  for (const entry of await readdir(path, { withFileTypes: true })) {
    const child = join(path, entry.name);
    if (entry.isDirectory()) await chownRecursive(child, uid, gid);
    else await chown(child, uid, gid);
  }
}

/**
 * Throws a clear Error if `runAs` cannot reach `dir` (every ancestor needs search permission for
 * that user), instead of letting initdb fail with a less obvious message.
 */
export async function assertReachable(dir: string, runAs: RunAs): Promise<void> {
  let current = dirname(dir);
  for (;;) {
    const st = await stat(current);
    const searchable =
      (st.mode & 0o001) !== 0 ||
      (st.uid === runAs.uid && (st.mode & 0o100) !== 0) ||
      (st.gid === runAs.gid && (st.mode & 0o010) !== 0);
    if (!searchable) {
      throw new Error(
        `@pg/pg-reference: OS user "${runAs.name}" cannot enter ${current} (mode ${(
          st.mode & 0o777
        ).toString(8)}), so it cannot use the data directory ${dir}. Point TMPDIR at a directory ` +
          `that user can reach (e.g. /tmp).`,
      );
    }
    const parent = dirname(current);
    if (parent === current) return;
    current = parent;
  }
}
