/**
 * Test-only helpers: the heap tuple invariant checker (T1..T9), for this
 * package's property tests and for packages that write heap tuples.
 */

export { FakeTransactions, HeapModel } from './internal/heapam-model.js';
export { checkHeapTuple, type TupleViolation } from './internal/tuple-check.js';
