/**
 * The `pg-ts` command line. Each subcommand writes to the given output
 * streams, so tests run it in-process; main.ts binds it to the process.
 */
import { Command, CommanderError } from 'commander';
import { runDemo } from './demo.js';
import { inspectPage } from './inspect.js';
import { runShell } from './shell.js';

export interface Io {
  readonly out: (text: string) => unknown;
  readonly err: (text: string) => unknown;
}

/** Runs the CLI on `argv` (without node and script) and returns the exit code. */
export async function run(
  argv: readonly string[],
  io: Io,
  input: NodeJS.ReadableStream = process.stdin,
): Promise<number> {
  const program = new Command()
    .name('pg-ts')
    .description('A PostgreSQL 15-compatible engine in TypeScript: tools')
    .exitOverride()
    .configureOutput({ writeOut: io.out, writeErr: io.err });

  program
    .command('demo')
    .description('build a PostgreSQL heap page step by step and draw it')
    .action(() => runDemo(io));

  program
    .command('shell')
    .description('run SQL on a data directory (initdb on first use, crash recovery after a crash)')
    .argument('[dir]', 'the data directory', './data')
    .action(async (dir: string) => {
      await runShell(io, dir, input);
    });

  const inspect = program.command('inspect').description('look inside data files');
  inspect
    .command('page')
    .description("decode and draw one 8 KiB page of a relation file (ours or real PostgreSQL's)")
    .argument('<file>', 'a relation segment file, e.g. $PGDATA/base/5/16384')
    .option('-b, --block <n>', 'block number within the file', '0')
    .option('-c, --checksums', 'verify pd_checksum (the cluster has data checksums on)', false)
    .option('-s, --summary', 'one line per block for the whole file instead of one picture', false)
    .action(async (file: string, opts: { block: string; checksums: boolean; summary: boolean }) => {
      await inspectPage(io, file, {
        block: Number(opts.block),
        checksums: opts.checksums,
        summary: opts.summary,
      });
    });

  try {
    await program.parseAsync([...argv], { from: 'user' });
    return 0;
  } catch (e) {
    if (e instanceof CommanderError) return e.exitCode;
    const message = e instanceof Error ? e.message : String(e);
    const code = (e as { code?: unknown }).code;
    io.err(`pg-ts: error: ${message}${typeof code === 'string' ? ` (SQLSTATE ${code})` : ''}\n`);
    return 1;
  }
}
