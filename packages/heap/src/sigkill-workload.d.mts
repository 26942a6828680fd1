/** Types of sigkill-workload.mjs (the heap's SIGKILL crash test's workload). */
export type Row = readonly [number, number, number, Uint8Array | null];
/** A row as the child prints it: the doc as its digest. */
export type PrintedRow = readonly [number, number, number, string | null];
export type Step =
  | { readonly op: 'insert'; readonly row: Row }
  | {
      readonly op: 'update';
      readonly where: (r: readonly unknown[]) => boolean;
      readonly set: (r: readonly unknown[]) => Row;
    }
  | { readonly op: 'delete'; readonly where: (r: readonly unknown[]) => boolean }
  | { readonly op: 'savepoint' | 'rollbackTo' | 'release' };
export const SESSIONS: number;
export function docOf(n: number, j: number): Uint8Array | null;
export function digest(doc: Uint8Array | null): string | null;
export function plan(n: number): {
  readonly session: number;
  readonly steps: readonly Step[];
  readonly end: 'commit' | 'rollback';
};
export function applyCommitted(model: Map<number, Row>, n: number): void;
