/**
 * Progress for long work: a cli-progress bar on a terminal (Io.tty), one
 * line per step otherwise (tests, logs, pipes).
 */
import cliProgress from 'cli-progress';
import type { Io } from './cli.js';

export interface Progress {
  /** One step done, with what it was. */
  step(what: string): void;
  /** Sets the count (for counted work) and the total when known. */
  update(value: number, total?: number): void;
  done(): void;
}

function bar(io: Io, label: string, total: number): cliProgress.SingleBar {
  const b = new cliProgress.SingleBar(
    {
      format: `${label} [{bar}] {percentage}% | {value}/{total} {what}`,
      stream: io.stream ?? process.stderr,
      hideCursor: true,
      clearOnComplete: false,
    },
    cliProgress.Presets.shades_classic,
  );
  b.start(total, 0, { what: '' });
  return b;
}

/** Counted steps (initdb's, restore's statements, bench -i's rows). */
export function progressSteps(io: Io, label: string, total: number): Progress {
  if (io.tty !== true) {
    return {
      step: (what) => io.err(`${what}\n`),
      update: () => {},
      done: () => {},
    };
  }
  const b = bar(io, label, total);
  let n = 0;
  return {
    step(what) {
      n++;
      if (n > b.getTotal()) b.setTotal(n);
      b.update(n, { what });
    },
    update(value, t) {
      if (t !== undefined) b.setTotal(t);
      b.update(value);
    },
    done() {
      b.update(b.getTotal());
      b.stop();
    },
  };
}
