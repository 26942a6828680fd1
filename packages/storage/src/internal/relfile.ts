import type { RelFileNode } from '@pg/wal';

/** A relation's files on disk: tablespace, database and relation file number (RelFileLocator). */
export type RelFileLocator = RelFileNode;

/** PostgreSQL's fork numbers. */
export const ForkNumber = {
  main: 0,
  fsm: 1,
  vm: 2,
  init: 3,
} as const;
export type ForkNumber = (typeof ForkNumber)[keyof typeof ForkNumber];

/** The file-name suffix of each fork (forkNames[] in common/relpath.c). */
export const FORK_NAMES: readonly string[] = ['main', 'fsm', 'vm', 'init'];

/** The default tablespace, pg_default: files under base/. */
export const DEFAULTTABLESPACE_OID = 1663;
/** The shared tablespace, pg_global: files under global/. */
export const GLOBALTABLESPACE_OID = 1664;
/** TABLESPACE_VERSION_DIRECTORY of PostgreSQL 15. */
export const TABLESPACE_VERSION_DIRECTORY = 'PG_15_202209061';

/** Block size. */
export const BLCKSZ = 8192;
/** Blocks per 1 GiB segment file (RELSEG_SIZE). */
export const RELSEG_SIZE = 131072;
/** The largest block number plus one (InvalidBlockNumber is 0xFFFFFFFF). */
export const MAX_BLOCK_NUMBER = 0xfffffffe;

export function isForkNumber(n: number): n is ForkNumber {
  return n === 0 || n === 1 || n === 2 || n === 3;
}

/**
 * The path of a fork's first segment relative to the data directory, as
 * PostgreSQL's relpath() prints it: base/5/16384, base/5/16384_fsm,
 * global/1262, pg_tblspc/16385/PG_15_202209061/5/16386_vm.
 */
export function relpath(rel: RelFileLocator, fork: ForkNumber = ForkNumber.main): string {
  const suffix = fork === ForkNumber.main ? '' : `_${FORK_NAMES[fork]}`;
  if (rel.spcOid === GLOBALTABLESPACE_OID) return `global/${rel.relNumber}${suffix}`;
  if (rel.spcOid === DEFAULTTABLESPACE_OID) return `base/${rel.dbOid}/${rel.relNumber}${suffix}`;
  return `pg_tblspc/${rel.spcOid}/${TABLESPACE_VERSION_DIRECTORY}/${rel.dbOid}/${rel.relNumber}${suffix}`;
}

/** The path of segment `segno` of a fork: the first has no suffix, then .1, .2, ... */
export function segmentPath(rel: RelFileLocator, fork: ForkNumber, segno: number): string {
  const base = relpath(rel, fork);
  return segno === 0 ? base : `${base}.${segno}`;
}

/** A stable string key for a relation (spc/db/rel). */
export function relKey(rel: RelFileLocator): string {
  return `${rel.spcOid}/${rel.dbOid}/${rel.relNumber}`;
}
