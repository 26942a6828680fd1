/**
 * What the planner is told: settings (PostgreSQL's GUCs of the same names),
 * relation sizes and statistics, through a narrow context the engine
 * implements over its catalog.
 */
import type { RelationDesc } from '@pg/catalog';
import type { Registry } from '@pg/types';

/** The planner's GUCs (postgresql.conf names in camelCase). */
export interface PlannerSettings {
  seqPageCost: number;
  randomPageCost: number;
  cpuTupleCost: number;
  cpuIndexTupleCost: number;
  cpuOperatorCost: number;
  /** effective_cache_size in pages. */
  effectiveCacheSize: number;
  /** work_mem in kB. */
  workMem: number;
  geqoThreshold: number;
  joinCollapseLimit: number;
  fromCollapseLimit: number;
  enableSeqscan: boolean;
  enableIndexscan: boolean;
  enableIndexonlyscan: boolean;
  enableBitmapscan: boolean;
  enableNestloop: boolean;
  enableHashjoin: boolean;
  enableMergejoin: boolean;
  enableHashagg: boolean;
  enableSort: boolean;
  enableIncrementalSort: boolean;
  enableMaterial: boolean;
  enableMemoize: boolean;
}

/** PostgreSQL 15's defaults. */
export const defaultPlannerSettings: PlannerSettings = Object.freeze({
  seqPageCost: 1,
  randomPageCost: 4,
  cpuTupleCost: 0.01,
  cpuIndexTupleCost: 0.005,
  cpuOperatorCost: 0.0025,
  effectiveCacheSize: 524288,
  workMem: 4096,
  geqoThreshold: 12,
  joinCollapseLimit: 8,
  fromCollapseLimit: 8,
  enableSeqscan: true,
  enableIndexscan: true,
  enableIndexonlyscan: true,
  enableBitmapscan: true,
  enableNestloop: true,
  enableHashjoin: true,
  enableMergejoin: true,
  enableHashagg: true,
  enableSort: true,
  enableIncrementalSort: true,
  enableMaterial: true,
  enableMemoize: true,
});

/** One pg_statistic row, reduced. */
export interface ColumnStats {
  nullFrac: number;
  avgWidth: number;
  /** PostgreSQL's convention: positive = a count, negative = minus a fraction of the rows. */
  nDistinct: number;
  mcvValues?: readonly unknown[];
  mcvFreqs?: readonly number[];
  histogram?: readonly unknown[];
  correlation?: number;
}

/** What the planner reads about the database. */
export interface PlannerContext {
  readonly registry: Registry;
  /** The relation cache's descriptor: columns, indexes. */
  relation(oid: number): RelationDesc;
  /** pages = the main fork's current size in blocks; tuples = pg_class.reltuples (-1: never vacuumed/analyzed); allVisible = relallvisible */
  size(oid: number): { pages: number; tuples: number; allVisible: number };
  /** pg_statistic (absent → PostgreSQL's default selectivities). */
  columnStats?(oid: number, attnum: number): ColumnStats | undefined;
  readonly settings: PlannerSettings;
}
