import { run } from './cli.js';

// `pg-ts waldump DIR | head`: a closed pipe ends the output quietly, as for PostgreSQL's tools
process.stdout.on('error', (e: NodeJS.ErrnoException) => {
  if (e.code === 'EPIPE') process.exit(0);
  throw e;
});

const code = await run(process.argv.slice(2), {
  out: (text) => process.stdout.write(text),
  err: (text) => process.stderr.write(text),
  tty: process.stderr.isTTY === true,
  stream: process.stderr,
});
process.exitCode = code;
