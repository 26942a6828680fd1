/**
 * The names of a tuple's infomask bits, as pageinspect's
 * heap_tuple_infomask_flags(t_infomask, t_infomask2) lists them: every set
 * bit by its own name (raw_flags, in bit order, t_infomask then
 * t_infomask2), and the multi-bit combinations that are fully set
 * (combined_flags: HEAP_XMAX_SHR_LOCK, HEAP_XMIN_FROZEN, HEAP_MOVED).
 */
import { HEAP_MOVED, HEAP_NATTS_MASK, HEAP_XMAX_SHR_LOCK, HEAP_XMIN_FROZEN } from './tuple.js';

const INFOMASK_NAMES = [
  'HEAP_HASNULL',
  'HEAP_HASVARWIDTH',
  'HEAP_HASEXTERNAL',
  'HEAP_HASOID_OLD',
  'HEAP_XMAX_KEYSHR_LOCK',
  'HEAP_COMBOCID',
  'HEAP_XMAX_EXCL_LOCK',
  'HEAP_XMAX_LOCK_ONLY',
  'HEAP_XMIN_COMMITTED',
  'HEAP_XMIN_INVALID',
  'HEAP_XMAX_COMMITTED',
  'HEAP_XMAX_INVALID',
  'HEAP_XMAX_IS_MULTI',
  'HEAP_UPDATED',
  'HEAP_MOVED_OFF',
  'HEAP_MOVED_IN',
] as const;

const INFOMASK2_NAMES: ReadonlyArray<readonly [number, string]> = [
  [0x2000, 'HEAP_KEYS_UPDATED'],
  [0x4000, 'HEAP_HOT_UPDATED'],
  [0x8000, 'HEAP_ONLY_TUPLE'],
];

/** heap_tuple_infomask_flags: raw and combined flag names. */
export function infomaskFlagNames(
  infomask: number,
  infomask2: number,
): { raw: string[]; combined: string[] } {
  const raw: string[] = [];
  INFOMASK_NAMES.forEach((name, bit) => {
    if ((infomask & (1 << bit)) !== 0) raw.push(name);
  });
  for (const [bit, name] of INFOMASK2_NAMES) {
    if ((infomask2 & ~HEAP_NATTS_MASK & bit) !== 0) raw.push(name);
  }
  const combined: string[] = [];
  if ((infomask & HEAP_XMAX_SHR_LOCK) === HEAP_XMAX_SHR_LOCK) combined.push('HEAP_XMAX_SHR_LOCK');
  if ((infomask & HEAP_XMIN_FROZEN) === HEAP_XMIN_FROZEN) combined.push('HEAP_XMIN_FROZEN');
  if ((infomask & HEAP_MOVED) === HEAP_MOVED) combined.push('HEAP_MOVED');
  return { raw, combined };
}
