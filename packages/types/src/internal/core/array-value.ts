/**
 * The JavaScript value of every array type: PostgreSQL's ArrayType without
 * the bytes. Elements are stored flat in row-major order; null is SQL NULL.
 * An empty array has no dimensions (dims = [], lbounds = [], elements = []).
 *
 *   '{{1,2,3},{4,5,6}}'  ->  { dims: [2, 3], lbounds: [1, 1], elements: [1, 2, 3, 4, 5, 6] }
 *   '[0:1]={a,NULL}'     ->  { dims: [2], lbounds: [0], elements: ['a', null] }
 */
export interface PgArray<T = unknown> {
  /** Length of each dimension (ARR_DIMS), outermost first. */
  readonly dims: readonly number[];
  /** Lower bound of each dimension (ARR_LBOUND), 1 unless given. */
  readonly lbounds: readonly number[];
  /** The elements in row-major order; their count is the product of dims. */
  readonly elements: readonly (T | null)[];
}

/** A one-dimensional array with lower bound 1 (or the empty array). */
export function pgArray<T>(elements: readonly (T | null)[]): PgArray<T> {
  return elements.length === 0
    ? { dims: [], lbounds: [], elements: [] }
    : { dims: [elements.length], lbounds: [1], elements };
}
