import { type ChildProcess, spawn } from 'node:child_process';
import { rmSync } from 'node:fs';
import { Socket } from 'node:net';

/**
 * Runs detached (own session, so terminal signals to our process group do not reach it) with a
 * pipe from this process on stdin. A line `disarm` means the server was stopped properly. EOF
 * means this process is gone however it died — including SIGKILL, which vitest sends to a worker
 * that does not exit 500 ms after SIGTERM, and where no 'exit' handler runs — so: immediate
 * shutdown (SIGQUIT), SIGKILL if still there after ~5 s (a zombie counts as gone: the reaper may
 * be slow), remove the temp directory.
 */
const WATCHDOG_SCRIPT = `alive() {
  kill -0 "$1" 2>/dev/null || return 1
  case "$(cat "/proc/$1/stat" 2>/dev/null)" in *") Z "*) return 1 ;; esac
}
read -r line
[ "$line" = disarm ] && exit 0
kill -QUIT "$1" 2>/dev/null
i=0
while [ "$i" -lt 50 ] && alive "$1"; do sleep 0.1; i=$((i + 1)); done
kill -KILL "$1" 2>/dev/null
rm -rf -- "$2"
`;

interface Guarded {
  readonly tempDir: string;
  readonly watchdog: ChildProcess | undefined;
}

/** Postmasters started by this module that have not been stopped yet, by pid. */
const running = new Map<number, Guarded>();
let exitHandlerInstalled = false;

/**
 * On 'exit' (normal end, process.exit()), SIGKILL every postmaster still registered (its backends
 * notice the postmaster's death and exit on their own) and best-effort remove its temp directory.
 */
function onExit(): void {
  for (const [pid, { tempDir }] of running) {
    try {
      process.kill(pid, 'SIGKILL');
    } catch {
      // already gone
    }
    try {
      rmSync(tempDir, { recursive: true, force: true });
    } catch {
      // best effort
    }
  }
  running.clear();
}

function startWatchdog(pid: number, tempDir: string): ChildProcess | undefined {
  try {
    const watchdog = spawn(
      '/bin/sh',
      ['-c', WATCHDOG_SCRIPT, 'pg-reference-watchdog', `${pid}`, tempDir],
      {
        detached: true,
        stdio: ['pipe', 'ignore', 'ignore'],
      },
    );
    watchdog.on('error', () => {}); // e.g. no /bin/sh: the 'exit' handler still applies
    const { stdin } = watchdog;
    stdin?.on('error', () => {}); // EPIPE if the watchdog is gone already
    if (stdin instanceof Socket) stdin.unref();
    watchdog.unref();
    return watchdog;
  } catch {
    return undefined;
  }
}

/** Makes sure the postmaster `pid` does not outlive this process. */
export function guardPostmaster(pid: number, tempDir: string): void {
  if (!exitHandlerInstalled) {
    process.on('exit', onExit);
    exitHandlerInstalled = true;
  }
  running.set(pid, { tempDir, watchdog: startWatchdog(pid, tempDir) });
}

/** The postmaster `pid` has exited and its temp directory is handled: forget it. */
export function releasePostmaster(pid: number): void {
  const guarded = running.get(pid);
  running.delete(pid);
  guarded?.watchdog?.stdin?.end('disarm\n');
}
