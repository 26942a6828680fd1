import { parseServerArgs } from './cli.js';
import { logLine } from './log.js';
import { StartupError, startServer } from './run.js';

const io = {
  out: (text: string) => process.stdout.write(text),
  err: (text: string) => process.stderr.write(text),
};
const args = parseServerArgs(process.argv.slice(2), io);
if (typeof args === 'number') {
  process.exitCode = args;
} else {
  try {
    const server = await startServer(args, io);
    const stopOn = (signal: NodeJS.Signals, mode: 'smart' | 'fast' | 'immediate') => {
      process.on(signal, () => {
        server.stop(mode).then(
          () => process.exit(0),
          (e: unknown) => {
            io.err(logLine('FATAL', e instanceof Error ? e.message : String(e)));
            process.exit(1);
          },
        );
      });
    };
    stopOn('SIGTERM', 'smart');
    stopOn('SIGINT', 'fast');
    stopOn('SIGQUIT', 'immediate');
  } catch (e) {
    const message = e instanceof Error ? e.message : String(e);
    const hint = (e as { hint?: unknown }).hint;
    io.err(logLine('FATAL', message));
    if (typeof hint === 'string') io.err(logLine('HINT', hint));
    if (!(e instanceof StartupError)) io.err(logLine('LOG', 'database system is shut down'));
    process.exit(1);
  }
}
