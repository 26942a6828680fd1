// issue 9 (ALTER TABLE): ALTER COLUMN TYPE, SET SCHEMA, SET LOGGED/UNLOGGED
export {
  alterColumnType,
  alterIndexColumnType,
  clearMissing,
  setRelationNamespace,
  setRelationPersistence,
} from './internal/alter-column.js';
export {
  type BootstrapOptions,
  bootstrapCatalog,
  bootstrapDatabase,
  bootstrapShared,
} from './internal/bootstrap.js';
export {
  Catalog,
  type CatalogOptions,
  type CatalogView,
  type ColumnDef,
  type CreateIndexOptions,
  type CreateSequenceOptions,
  type CreateTableOptions,
  type DropOptions,
  needsToastTable,
  type OpenComputed,
  type OpenRelation,
  type OpenTable,
  type ToastColumnShape,
} from './internal/catalog.js';
export {
  CatalogCluster,
  type CatalogClusterOptions,
  type InvalidationMessage,
} from './internal/cluster.js';
export {
  type AddConstraintOptions,
  type ConstraintInfo,
  constraintDefinition,
  type FkAction,
  type FkMatch,
} from './internal/constraint-def.js';
export * from './internal/consts.js';
export type {
  ColumnDesc,
  IndexDesc,
  IndexExpression,
  RelationDesc,
  RelKind,
  RelPersistence,
} from './internal/desc.js';
export type { CatalogNotice } from './internal/errors.js';
// issue 12 (index AMs)
export {
  type FamilyOperator,
  familyOperators,
  familyStrategies,
  INDEX_AM_OIDS,
  INDEX_AM_OPCLASSES,
  type IndexAmName,
  indexDefParts,
  type OpclassDef,
  opclassByOid,
} from './internal/index-am.js';
export {
  catalogRmgr,
  OidCounter,
  RM_CATALOG_ID,
  VAR_OID_PREFETCH,
  XLOG_CATALOG_NEXTOID,
} from './internal/oid.js';
export {
  type CatalogDef,
  type CatalogIndexDef,
  PG15_CATALOGS,
  PG15_VIEWS,
  type ViewDef,
} from './internal/pg15-data.js';
export { PGDUMP_CATALOGS } from './internal/pgdump-catalogs.js'; // issue 10 (H9)
export { PSQL_CATALOGS } from './internal/psql-catalogs.js';
export {
  type BuildHorizon,
  type BuildIndexOptions,
  clusteredIndex,
  clusteredTables,
  type EntryFunction,
  markClustered,
  type RewriteOptions,
  type RewriteStats,
  reindexIndex,
  reindexRelation,
  rewriteTable,
} from './internal/rewrite.js'; // issue 11: VACUUM FULL, CLUSTER, REINDEX
export {
  buildSequencePage,
  initSequenceFile,
  readSequence,
  readSequencePage,
  SEQ_MAGIC,
  type SequenceData,
  type SequenceParams,
  writeSequencePage,
} from './internal/sequence.js';
export type {
  DatabaseStatCounters,
  RelationStatCounters,
  StatViewSource,
  VacuumProgressRow,
} from './internal/stat-views.js'; // issue 11 (pgstat)
export {
  columnStatistics,
  forgetStatistics,
  PG_STATS_VIEW,
  pgStatsRows,
  type RelationSizeStatistics,
  relationSizeStatistics,
  type StoredColumnStatistics,
  setStatisticsTarget,
  statisticsTargets,
  storeColumnStatistics,
  updateRelationSizeStatistics,
} from './internal/statistics.js';
export type { CatalogIndex, CatalogTable } from './internal/table.js'; // freeze (issue 11): VACUUM of the catalogs
export type { CatalogTxn } from './internal/txn.js';
export { type MvccParts, mvccCatalogTxn } from './internal/txn-mvcc.js';
// issue 9 (G): views
export { decodeViewAction, type ViewAction, type ViewReference } from './internal/view-def.js';
export { quoteIdent, type SettingRow, SYSTEM_VIEWS } from './internal/views.js';
