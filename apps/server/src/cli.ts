/**
 * The server's command line (postgres's options): -D DIR, -p PORT,
 * -c name=value (repeatable), -k SOCKETDIRS, -h LISTEN; PGDATA and
 * PGPORT from the environment as postgres reads them.
 */
import { Command, CommanderError, InvalidArgumentError } from 'commander';
import type { ServerArgs } from './run.js';

function setting(value: string, previous: [string, string][] = []): [string, string][] {
  const eq = value.indexOf('=');
  if (eq <= 0) throw new InvalidArgumentError(`-c ${value} requires a value`);
  return [...previous, [value.slice(0, eq).replace(/-/g, '_'), value.slice(eq + 1)]];
}

function port(value: string): number {
  const n = Number(value);
  if (!Number.isInteger(n) || n < 0 || n > 65535) {
    throw new InvalidArgumentError(`invalid port number: "${value}"`);
  }
  return n;
}

/**
 * Parses the arguments; resolves to the server's arguments, or to an exit
 * code when there is nothing to run (--help, --version, a usage error: 2).
 */
export function parseServerArgs(
  argv: readonly string[],
  io: { out: (t: string) => unknown; err: (t: string) => unknown },
  env: NodeJS.ProcessEnv = process.env,
): ServerArgs | number {
  let parsed: ServerArgs | undefined;
  const program = new Command()
    .name('pg-ts-server')
    .description(
      'Runs the pg-ts server (PostgreSQL 15 wire protocol) on a data directory in the foreground, ' +
        'creating the directory on first run. SIGTERM: smart shutdown, SIGINT: fast, SIGQUIT: immediate.',
    )
    .helpOption('--help', 'show this help, then exit')
    .version('0.0.0', '-V, --version', 'output version information, then exit')
    .exitOverride()
    .configureOutput({ writeOut: io.out, writeErr: io.err })
    .option('-D, --pgdata <dir>', 'the data directory (default $PGDATA)')
    .option(
      '-p, --port <port>',
      'port number to listen on (default 5432, 0 picks a free one)',
      port,
    )
    .option('-c <name=value>', 'set a run-time parameter (repeatable)', setting)
    .option('-k <dirs>', 'Unix socket directories, comma-separated (default /tmp; "" for none)')
    .option(
      '-h <hosts>',
      'listen_addresses: host names or IPs, comma-separated (default localhost; "*" all)',
    )
    .action(
      (opts: {
        pgdata?: string;
        port?: number;
        c?: [string, string][];
        k?: string;
        h?: string;
      }) => {
        const dataDir = opts.pgdata ?? env.PGDATA;
        if (dataDir === undefined || dataDir === '') {
          program.error(
            'pg-ts-server does not know where to find the server configuration file.\n' +
              'You must specify the -D invocation option or set the PGDATA environment variable.',
            { exitCode: 2, code: 'pg-ts.nodata' },
          );
        }
        const envPort = env.PGPORT === undefined ? undefined : Number(env.PGPORT);
        const p = opts.port ?? (Number.isInteger(envPort) ? envPort : undefined);
        parsed = {
          dataDir: dataDir as string,
          ...(p === undefined ? {} : { port: p }),
          ...(opts.k === undefined ? {} : { socketDirectories: opts.k }),
          ...(opts.h === undefined ? {} : { listenAddresses: opts.h }),
          settings: opts.c ?? [],
        };
      },
    );
  try {
    program.parse([...argv], { from: 'user' });
  } catch (e) {
    if (e instanceof CommanderError) return e.exitCode === 1 ? 2 : e.exitCode;
    throw e;
  }
  return parsed ?? 0;
}
