/**
 * Progress on stderr: on a terminal one line that keeps being rewritten
 * ("[3/7] read 40-byte items · raw copy, round 2/7"), elsewhere (CI, a pipe)
 * one plain line per step and nothing else, so logs stay short.
 */

export interface ProgressStream {
  readonly isTTY?: boolean;
  readonly columns?: number;
  write(text: string): unknown;
}

export class Progress {
  readonly #out: ProgressStream;
  readonly #tty: boolean;
  #step = '';
  #shown = false;

  constructor(out: ProgressStream = process.stderr, tty = out.isTTY === true) {
    this.#out = out;
    this.#tty = tty;
  }

  /** A new step: printed in both modes. */
  step(index: number, total: number, title: string): void {
    this.#step = `[${index}/${total}] ${title}`;
    if (this.#tty) this.#rewrite(`${this.#step} ...`);
    else this.#out.write(`${this.#step} ...\n`);
  }

  /** Where the current step is: only on a terminal. */
  detail(text: string): void {
    if (this.#tty) this.#rewrite(`${this.#step} · ${text}`);
  }

  /** The end: clear the line on a terminal, say so elsewhere. */
  done(text: string): void {
    if (this.#tty) {
      if (this.#shown) this.#out.write('\r\x1b[2K');
      this.#shown = false;
    } else {
      this.#out.write(`${text}\n`);
    }
  }

  #rewrite(line: string): void {
    // A pseudo-terminal without a size reports 0 columns.
    const columns = this.#out.columns || 80;
    const fitted = line.length >= columns ? `${line.slice(0, Math.max(0, columns - 2))}…` : line;
    this.#out.write(`\r\x1b[2K${fitted}`);
    this.#shown = true;
  }
}
