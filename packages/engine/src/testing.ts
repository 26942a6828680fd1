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
