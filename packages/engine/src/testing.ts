/** Helpers for tests of code built on @pg/engine. */
import type { EngineError } from './internal/result.js';

/** The EngineError `p` rejects with; throws when it resolves. */
export async function failure(p: Promise<unknown>): Promise<EngineError> {
  try {
    await p;
  } catch (err) {
    return err as EngineError;
  }
  throw new Error('expected an error');
}

// issue 11: crash tests of VACUUM FULL / CLUSTER / REINDEX stop at each step of the rewrite
export { setRewriteStepHook } from './internal/rewrite-command.js';
