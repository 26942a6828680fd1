/**
 * Functions of the running instance's sessions that the @pg/types registry
 * cannot hold (pg_notify, pg_listening_channels, pg_backend_pid,
 * pg_cancel_backend, pg_terminate_backend): the engine registers them
 * here once, and the analyzer resolves a call among them after the
 * registry, the settings, sequence and reg* functions. Their
 * implementations are ordinary FunctionDef impls: the engine finds the
 * session a call runs in from the TypeContext it is given.
 */
import type { FunctionDef } from '@pg/types';

const byName = new Map<string, FunctionDef[]>();

/** Registers `def` (once per name and argument list; a second registration is ignored). */
export function addSessionFunction(def: FunctionDef): void {
  const list = byName.get(def.name) ?? [];
  const same = list.some(
    (f) => f.args.length === def.args.length && f.args.every((a, k) => a === def.args[k]),
  );
  if (same) return;
  list.push(def);
  byName.set(def.name, list);
}

/** The registered session functions called `name` taking `nargs` arguments. */
export function sessionFunctions(name: string, nargs: number): readonly FunctionDef[] {
  return (byName.get(name) ?? []).filter((f) => f.args.length === nargs);
}
