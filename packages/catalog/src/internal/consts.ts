/** PostgreSQL 15's built-in OIDs that the catalog refers to by name. */
export const PG_CATALOG_NAMESPACE = 11;
export const PG_TOAST_NAMESPACE = 99;
export const PG_PUBLIC_NAMESPACE = 2200;
/** information_schema's OID in a PostgreSQL 15.20 initdb (it is made by SQL, so not fixed in PostgreSQL). */
export const INFORMATION_SCHEMA_NAMESPACE = 13207;
export const BOOTSTRAP_SUPERUSERID = 10;
export const ROLE_PG_DATABASE_OWNER = 6171;
export const DEFAULTTABLESPACE_OID = 1663;
export const GLOBALTABLESPACE_OID = 1664;
export const TEMPLATE1_OID = 1;
export const TEMPLATE0_OID = 4;
export const POSTGRES_OID = 5;
export const HEAP_TABLE_AM_OID = 2;
export const BTREE_AM_OID = 403;
export const FIRST_NORMAL_OBJECT_ID = 16384;
export const DEFAULT_COLLATION_OID = 100;
export const C_COLLATION_OID = 950;

/** Catalog OIDs, used as pg_depend.classid and the like. */
export const RelationRelationId = 1259;
/** pg_rewrite (issue 9, G: views' _RETURN rules). */
export const RewriteRelationId = 2618;
export const AttributeRelationId = 1249;
export const TypeRelationId = 1247;
export const ProcedureRelationId = 1255;
export const NamespaceRelationId = 2615;
export const IndexRelationId = 2610;
export const ConstraintRelationId = 2606;
export const AttrDefaultRelationId = 2604;
export const DependRelationId = 2608;
export const DescriptionRelationId = 2609;
export const OperatorRelationId = 2617;
export const AccessMethodRelationId = 2601;
export const SequenceRelationId = 2224;
export const DatabaseRelationId = 1262;
export const AuthIdRelationId = 1260;
export const TableSpaceRelationId = 1213;

/** Default B-tree operator classes by input type (pg_opclass, opcmethod 403, opcdefault), from PostgreSQL 15. */
export const BTREE_DEFAULT_OPCLASS: ReadonlyMap<number, number> = new Map(
  '2277:10000,1560:10002,16:10003,1042:10004,17:10006,18:10007,1082:3122,700:10012,701:3123,869:10015,21:1979,23:1978,20:3124,1186:10022,829:10024,774:10026,19:10028,1700:3125,26:1981,30:10032,2249:10034,25:3126,1083:10038,1184:3127,1266:10041,1562:10043,1114:3128,790:10047,27:10050,5069:10053,2950:10065,3220:10067,3500:10069,3614:10071,3615:10074,3831:10076,4537:10080,3802:10088'
    .split(',')
    .map((p) => p.split(':').map(Number) as [number, number]),
);

/** The system columns every table has (attnum -1..-6), as heap_create_with_catalog adds them. */
export const SYSTEM_COLUMNS: readonly {
  readonly name: string;
  readonly attnum: number;
  readonly typeOid: number;
  readonly len: number;
  readonly byVal: boolean;
  readonly align: string;
}[] = [
  { name: 'ctid', attnum: -1, typeOid: 27, len: 6, byVal: false, align: 's' },
  { name: 'xmin', attnum: -2, typeOid: 28, len: 4, byVal: true, align: 'i' },
  { name: 'cmin', attnum: -3, typeOid: 29, len: 4, byVal: true, align: 'i' },
  { name: 'xmax', attnum: -4, typeOid: 28, len: 4, byVal: true, align: 'i' },
  { name: 'cmax', attnum: -5, typeOid: 29, len: 4, byVal: true, align: 'i' },
  { name: 'tableoid', attnum: -6, typeOid: 26, len: 4, byVal: true, align: 'i' },
];

/** Predefined roles of PostgreSQL 15 (pg_authid), beside the bootstrap superuser. */
export const PREDEFINED_ROLES: readonly (readonly [number, string])[] = [
  [3373, 'pg_monitor'],
  [3374, 'pg_read_all_settings'],
  [3375, 'pg_read_all_stats'],
  [3377, 'pg_stat_scan_tables'],
  [4200, 'pg_signal_backend'],
  [4544, 'pg_checkpoint'],
  [4569, 'pg_read_server_files'],
  [4570, 'pg_write_server_files'],
  [4571, 'pg_execute_server_program'],
  [6171, 'pg_database_owner'],
  [6181, 'pg_read_all_data'],
  [6182, 'pg_write_all_data'],
];

/** Access methods (pg_am): [oid, amname, amhandler, amtype]. */
export const ACCESS_METHODS: readonly (readonly [number, string, number, string])[] = [
  [2, 'heap', 3, 't'],
  [403, 'btree', 330, 'i'],
  [405, 'hash', 331, 'i'],
  [783, 'gist', 332, 'i'],
  [2742, 'gin', 333, 'i'],
  [4000, 'spgist', 334, 'i'],
  [3580, 'brin', 335, 'i'],
];

/** The catalog indexes PostgreSQL 15 declares as primary keys (DECLARE_UNIQUE_INDEX_PKEY): indisprimary. */
export const CATALOG_PKEY_INDEXES: ReadonlySet<number> = new Set(
  '112,113,174,828,2337,2397,2650,2652,2657,2659,2660,2662,2667,2670,2672,2675,2677,2679,2680,2682,2683,2685,2687,2688,2690,2692,2694,2696,2697,2702,2703,2755,2756,2757,2831,2833,2835,2837,2839,2841,2847,2965,2967,2996,3080,3085,3119,3257,3351,3380,3395,3431,3433,3440,3468,3502,3542,3574,3593,3597,3599,3605,3607,3609,3712,3767,4061,4144,4146,4148,4150,4152,4154,4156,4158,4160,4164,4166,4168,4170,4172,4174,4176,4178,4182,4184,4186,5002,6001,6110,6112,6114,6117,6176,6229,6238,6245,6247'
    .split(',')
    .map(Number),
);
