/**
 * The `pg-ts` command line. Each subcommand writes to the given output
 * streams, so tests run it in-process; main.ts binds it to the process.
 *
 * Exit codes: 0 ok, 1 error, 2 usage error (commander's), 3 `status` when
 * no server runs (pg_ctl's), 4 `status` on a missing data directory.
 */
import { writeFileSync } from 'node:fs';
import { Command, CommanderError, InvalidArgumentError, Option } from 'commander';
import { benchInit, benchRun, vacuumdb } from './bench.js';
import { type Conn, type ConnTarget, openConn, openConns } from './conn.js';
import { controldata, waldump } from './controldata.js';
import { runDemo } from './demo.js';
import { dumpDatabase, restoreDump } from './dump.js';
import { inspectBtree, inspectPage, inspectTuples } from './inspect.js';
import { initdb, restart, type StopMode, start, status, stop } from './pgctl.js';
import { runShell } from './shell.js';
import { runSql } from './sql.js';

export interface Io {
  readonly out: (text: string) => unknown;
  readonly err: (text: string) => unknown;
  /** stderr is a terminal: draw progress bars (on `stream`) instead of step lines. */
  readonly tty?: boolean;
  readonly stream?: NodeJS.WritableStream;
}

/** Ends a command with an exit code and text for stderr (pg_ctl's and psql's wording). */
export class CliExit extends Error {
  readonly exitCode: number;
  constructor(exitCode: number, text = '') {
    super(text);
    this.exitCode = exitCode;
  }
}

function int(name: string, min = 0) {
  return (value: string) => {
    const n = Number(value);
    if (!Number.isInteger(n) || n < min) {
      throw new InvalidArgumentError(`invalid value "${value}" for ${name}`);
    }
    return n;
  };
}

/** -h/-p/-U/-d/-D: where a tool connects. */
interface TargetOptions {
  host?: string;
  port?: number;
  username?: string;
  dbname?: string;
  pgdata?: string;
}

function targetCommand(parent: Command, name: string): Command {
  return parent
    .command(name)
    .helpOption('--help', 'display help for command')
    .option('-h, --host <host>', 'server host or socket directory (over the wire)')
    .option('-p, --port <port>', 'server port (over the wire)', int('port', 1))
    .option('-U, --username <user>', 'user name (default postgres)')
    .option('-d, --dbname <db>', 'database name (default postgres)')
    .option('-D, --pgdata <dir>', 'the data directory, run embedded (no server)');
}

function target(o: TargetOptions, io: Io): ConnTarget {
  if (o.pgdata === undefined && o.host === undefined && o.port === undefined) {
    throw new CliExit(2, 'pg-ts: error: give -D DIR (embedded) or -h HOST / -p PORT (a server)\n');
  }
  return {
    ...(o.pgdata === undefined ? {} : { dataDir: o.pgdata }),
    ...(o.host === undefined ? {} : { host: o.host }),
    ...(o.port === undefined ? {} : { port: o.port }),
    ...(o.username === undefined ? {} : { user: o.username }),
    ...(o.dbname === undefined ? {} : { database: o.dbname }),
    onProgress: (step: string) => io.err(`${step}\n`),
  };
}

async function withConn<T>(t: ConnTarget, f: (c: Conn) => Promise<T>): Promise<T> {
  const conn = await openConn(t);
  try {
    return await f(conn);
  } finally {
    await conn.close();
  }
}

const MODES = ['smart', 'fast', 'immediate'];

/** Runs the CLI on `argv` (without node and script) and returns the exit code. */
export async function run(
  argv: readonly string[],
  io: Io,
  input: NodeJS.ReadableStream = process.stdin,
): Promise<number> {
  let exitCode = 0;
  const program = new Command()
    .name('pg-ts')
    .description('A PostgreSQL 15-compatible engine in TypeScript: its tools as subcommands')
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

  program
    .command('initdb')
    .description('create a data directory (initdb)')
    .argument('<dir>', 'the new data directory')
    .option('-U, --username <user>', 'the bootstrap superuser (default postgres)')
    .action(async (dir: string, o: { username?: string }) => {
      await initdb(io, dir, o.username);
    });

  const waitOptions = (c: Command) =>
    c
      .option('-W, --no-wait', 'do not wait for the operation to finish')
      .option('-w, --wait', 'wait for the operation to finish (default)')
      .option('-t, --timeout <secs>', 'seconds to wait (default 60)', int('timeout', 1), 60);

  waitOptions(
    program
      .command('start')
      .description('start the server in the background (pg_ctl start)')
      .requiredOption('-D, --pgdata <dir>', 'the data directory (created on first start)')
      .option('-l, --log <file>', "append the server's log to FILE")
      .option('-p, --port <port>', 'the port to listen on')
      .option(
        '-o, --options <opts>',
        'options for the server binary, e.g. "-c log_checkpoints=off -k /tmp"',
      ),
  ).action(
    async (o: {
      pgdata: string;
      log?: string;
      port?: string;
      options?: string;
      wait: boolean;
      timeout: number;
    }) => {
      await start(io, o.pgdata, {
        ...(o.log === undefined ? {} : { log: o.log }),
        ...(o.port === undefined ? {} : { port: o.port }),
        ...(o.options === undefined ? {} : { options: o.options }),
        wait: o.wait,
        timeout: o.timeout,
      });
    },
  );

  const modeOption = () =>
    new Option('-m, --mode <mode>', 'smart, fast or immediate').choices(MODES).default('fast');

  waitOptions(
    program
      .command('stop')
      .description('stop the server (pg_ctl stop)')
      .requiredOption('-D, --pgdata <dir>', 'the data directory')
      .addOption(modeOption()),
  ).action(async (o: { pgdata: string; mode: StopMode; wait: boolean; timeout: number }) => {
    await stop(io, o.pgdata, o.mode, o.wait, o.timeout);
  });

  waitOptions(
    program
      .command('restart')
      .description('stop the server if it runs, then start it (pg_ctl restart)')
      .requiredOption('-D, --pgdata <dir>', 'the data directory')
      .addOption(modeOption())
      .option('-l, --log <file>', "append the server's log to FILE")
      .option('-p, --port <port>', 'the port to listen on')
      .option('-o, --options <opts>', 'options for the server binary'),
  ).action(
    async (o: {
      pgdata: string;
      mode: StopMode;
      log?: string;
      port?: string;
      options?: string;
      wait: boolean;
      timeout: number;
    }) => {
      await restart(io, o.pgdata, o.mode, {
        ...(o.log === undefined ? {} : { log: o.log }),
        ...(o.port === undefined ? {} : { port: o.port }),
        ...(o.options === undefined ? {} : { options: o.options }),
        wait: o.wait,
        timeout: o.timeout,
      });
    },
  );

  program
    .command('status')
    .description('whether a server runs on the data directory (exit 0 yes, 3 no, 4 no directory)')
    .requiredOption('-D, --pgdata <dir>', 'the data directory')
    .action((o: { pgdata: string }) => {
      exitCode = status(io, o.pgdata);
    });

  targetCommand(program, 'sql')
    .description('an SQL shell: embedded on -D DIR, or over the wire with -h/-p (psql-like output)')
    .option('-c, --command <sql>', 'run one command string and exit')
    .option('-f, --file <file>', 'run the commands of FILE and exit')
    .option('--stop-on-error', 'stop at the first error (exit code 3), like ON_ERROR_STOP')
    .action(
      async (o: TargetOptions & { command?: string; file?: string; stopOnError?: boolean }) => {
        exitCode = await withConn(target(o, io), (c) =>
          runSql(
            io,
            c,
            {
              ...(o.command === undefined ? {} : { command: o.command }),
              ...(o.file === undefined ? {} : { file: o.file }),
              stopOnError: o.stopOnError === true,
            },
            input,
          ),
        );
      },
    );

  program
    .command('controldata')
    .description("show pg_control's contents (pg_controldata)")
    .argument('<dir>', 'the data directory')
    .action((dir: string) => controldata(io, dir));

  program
    .command('waldump')
    .description('one line per WAL record with its description (pg_waldump)')
    .argument('<dir>', 'the data directory')
    .option(
      '-s, --start <lsn>',
      'the LSN to start at, e.g. 0/1000028 (default: the oldest segment)',
    )
    .option('-n, --limit <n>', 'stop after N records', int('limit'))
    .action((dir: string, o: { start?: string; limit?: number }) => {
      waldump(io, dir, {
        ...(o.start === undefined ? {} : { start: o.start }),
        ...(o.limit === undefined ? {} : { limit: o.limit }),
      });
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
  inspect
    .command('tuples')
    .description('heap tuple headers of a block: xmin, xmax, cid, ctid, infomask flags decoded')
    .argument('<file>', 'a heap relation file')
    .option('-b, --block <n>', 'block number within the file', '0')
    .action(async (file: string, opts: { block: string }) => {
      await inspectTuples(io, file, Number(opts.block));
    });

  inspect
    .command('btree')
    .description("a B-tree index file's meta page and every page's level, items and siblings")
    .argument('<file>', 'a B-tree index relation file')
    .action(async (file: string) => {
      await inspectBtree(io, file);
    });

  targetCommand(program, 'dump')
    .description("a database as SQL text (pg_dump's plain format) that psql can load")
    .option('-f, --file <file>', 'write to FILE instead of standard output')
    .action(async (o: TargetOptions & { file?: string }) => {
      const text = await withConn(target(o, io), (c) => dumpDatabase(c, o.dbname ?? 'postgres'));
      if (o.file === undefined) io.out(text);
      else writeFileSync(o.file, text);
    });

  targetCommand(program, 'restore')
    .description('run a dump (SQL text with COPY ... FROM stdin blocks) into a database')
    .requiredOption('-f, --file <file>', 'the dump to run')
    .action(async (o: TargetOptions & { file: string }) => {
      const errors = await withConn(target(o, io), (c) => restoreDump(io, c, o.file));
      if (errors > 0) {
        io.err(`pg-ts restore: warning: errors ignored on restore: ${errors}\n`);
        exitCode = 1;
      }
    });

  targetCommand(program, 'vacuumdb')
    .description('VACUUM a database or tables (vacuumdb)')
    .option('-z, --analyze', 'also ANALYZE')
    .option('-f, --full', 'VACUUM FULL')
    .option('-t, --table <table...>', 'only these tables')
    .action(async (o: TargetOptions & { analyze?: boolean; full?: boolean; table?: string[] }) => {
      await withConn(target(o, io), (c) =>
        vacuumdb(io, c, o.dbname ?? 'postgres', {
          analyze: o.analyze === true,
          full: o.full === true,
          tables: o.table ?? [],
        }),
      );
    });

  targetCommand(program, 'bench')
    .description(
      "a pgbench-like run: -i creates pgbench's tables; otherwise TPC-B-like (or -S select-only)",
    )
    .option('-i, --initialize', "create and fill pgbench's tables")
    .option('-s, --scale <n>', 'scale factor for -i (100 000 accounts each)', int('scale', 1), 1)
    .option('-c, --client <n>', 'concurrent clients', int('clients', 1), 1)
    .option('-T, --time <secs>', 'seconds to run', int('time', 1), 10)
    .option('-S, --select-only', 'the select-only script')
    .action(
      async (
        o: TargetOptions & {
          initialize?: boolean;
          scale: number;
          client: number;
          time: number;
          selectOnly?: boolean;
        },
      ) => {
        const t = target(o, io);
        if (o.initialize === true) {
          await withConn(t, (c) => benchInit(io, c, o.scale));
          return;
        }
        const conns = await openConns(t, o.client);
        try {
          await benchRun(io, conns, {
            clients: o.client,
            seconds: o.time,
            selectOnly: o.selectOnly === true,
          });
        } finally {
          for (const c of conns) await c.close();
        }
      },
    );

  try {
    await program.parseAsync([...argv], { from: 'user' });
    return exitCode;
  } catch (e) {
    if (e instanceof CommanderError) return e.exitCode === 1 ? 2 : e.exitCode;
    if (e instanceof CliExit) {
      if (e.message !== '') io.err(e.message);
      return e.exitCode;
    }
    const message = e instanceof Error ? e.message : String(e);
    const code = (e as { code?: unknown }).code;
    const sqlstate = typeof code === 'string' && /^[0-9A-Z]{5}$/.test(code);
    io.err(`pg-ts: error: ${message}${sqlstate ? ` (SQLSTATE ${code})` : ''}\n`);
    return 1;
  }
}
