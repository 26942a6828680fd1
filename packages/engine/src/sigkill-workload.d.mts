/** Types of sigkill-workload.mjs (the engine's SIGKILL crash test's workload). */
export interface Row {
  readonly id: number;
  readonly name: string | null;
  readonly v: number;
}
/** A row as the child prints it: [id, digest(name), v]. */
export type PrintedRow = readonly [number, string | null, number];
export type Step =
  | {
      readonly sql: string;
      readonly params: readonly unknown[];
      readonly apply: (model: Map<number, Row>) => void;
    }
  | { readonly op: 'savepoint' | 'rollbackTo' | 'release'; readonly sql: string };
export const SESSIONS: number;
export const SLOTS: number;
export function idOf(n: number, j: number): number;
export function digest(name: string | null): string | null;
export function plan(
  n: number,
  seed: number,
): {
  readonly session: number;
  readonly steps: readonly Step[];
  readonly end: 'commit' | 'rollback';
};
export function applyCommitted(model: Map<number, Row>, n: number, seed: number): void;
