import type { Engine } from './engine.js';
import { defaultPrintSettings, printResult } from './print.js';
import { splitScript } from './script.js';

/**
 * Runs a script through an engine and returns what `psql -X -a -q` would
 * print for it (stdout and stderr merged, as pg_regress captures them).
 * Throws ScriptError for a script using psql features this runner lacks.
 */
export async function runScript(text: string, engine: Engine): Promise<string> {
  const steps = splitScript(text);
  const settings = defaultPrintSettings();
  let out = '';
  for (const step of steps) {
    switch (step.kind) {
      case 'echo':
        out += `${step.line}\n`;
        break;
      case 'meta':
        if (step.command.kind === 'set-verbosity') settings.verbosity = step.command.value;
        else settings.nullDisplay = step.command.value;
        break;
      case 'sql': {
        const results =
          step.copyIn === undefined
            ? await engine.exec(step.sql)
            : await engine.exec(step.sql, { copyIn: step.copyIn });
        for (const r of results) out += printResult(r, step.sql, settings);
        break;
      }
    }
  }
  return out;
}
