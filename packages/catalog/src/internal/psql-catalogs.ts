/**
 * PostgreSQL 15 catalogs that psql's meta-commands (and other clients) read
 * but that this engine has no objects for yet: inheritance, policies,
 * publications, triggers, rules, extended statistics, role memberships,
 * collations, languages, casts, ... They are real catalogs like the ones in
 * pg15-data.ts, with PostgreSQL 15's OIDs, columns and indexes (read from
 * a real one with the query in scripts/gen-pg15-data.test.ts), created
 * empty at initdb except pg_collation (default, C, POSIX, ucs_basic; no
 * ICU collations) and pg_language (internal, c, sql; no plpgsql).
 *
 * Differences: pg_publication_rel.prattrs is int2[], not int2vector (psql
 * casts it to int2[], a cast the engine does not have); pg_subscription
 * is missing (no pg_lsn type), and so are pg_aggregate (its index on a
 * regproc column) and pg_seclabel / pg_shseclabel (their index on a text
 * column with collation "C").
 */
import type { CatalogDef } from './pg15-data.js';

/* biome-ignore-all format: generated from a real PostgreSQL 15 */
export const PSQL_CATALOGS: readonly CatalogDef[] = [
  {
    name: 'pg_default_acl',
    oid: 826,
    shared: false,
    rowtype: 10088,
    columns: [
      ['oid', 26, true],
      ['defaclrole', 26, true],
      ['defaclnamespace', 26, true],
      ['defaclobjtype', 18, true],
      ['defaclacl', 1034, true],
    ],
    indexes: [
      {
        name: 'pg_default_acl_role_nsp_obj_index',
        oid: 827,
        unique: true,
        keys: ['defaclrole', 'defaclnamespace', 'defaclobjtype'],
      },
      { name: 'pg_default_acl_oid_index', oid: 828, unique: true, keys: ['oid'] },
    ],
  },
  {
    name: 'pg_auth_members',
    oid: 1261,
    shared: true,
    rowtype: 2843,
    columns: [
      ['roleid', 26, true],
      ['member', 26, true],
      ['grantor', 26, true],
      ['admin_option', 16, true],
    ],
    indexes: [
      {
        name: 'pg_auth_members_role_member_index',
        oid: 2694,
        unique: true,
        keys: ['roleid', 'member'],
      },
      {
        name: 'pg_auth_members_member_role_index',
        oid: 2695,
        unique: true,
        keys: ['member', 'roleid'],
      },
    ],
  },
  {
    name: 'pg_foreign_server',
    oid: 1417,
    shared: false,
    rowtype: 10078,
    columns: [
      ['oid', 26, true],
      ['srvname', 19, true],
      ['srvowner', 26, true],
      ['srvfdw', 26, true],
      ['srvtype', 25, false],
      ['srvversion', 25, false],
      ['srvacl', 1034, false],
      ['srvoptions', 1009, false],
    ],
    indexes: [
      { name: 'pg_foreign_server_oid_index', oid: 113, unique: true, keys: ['oid'] },
      { name: 'pg_foreign_server_name_index', oid: 549, unique: true, keys: ['srvname'] },
    ],
  },
  {
    name: 'pg_user_mapping',
    oid: 1418,
    shared: false,
    rowtype: 10080,
    columns: [
      ['oid', 26, true],
      ['umuser', 26, true],
      ['umserver', 26, true],
      ['umoptions', 1009, false],
    ],
    indexes: [
      { name: 'pg_user_mapping_oid_index', oid: 174, unique: true, keys: ['oid'] },
      {
        name: 'pg_user_mapping_user_server_index',
        oid: 175,
        unique: true,
        keys: ['umuser', 'umserver'],
      },
    ],
  },
  {
    name: 'pg_foreign_data_wrapper',
    oid: 2328,
    shared: false,
    rowtype: 10076,
    columns: [
      ['oid', 26, true],
      ['fdwname', 19, true],
      ['fdwowner', 26, true],
      ['fdwhandler', 26, true],
      ['fdwvalidator', 26, true],
      ['fdwacl', 1034, false],
      ['fdwoptions', 1009, false],
    ],
    indexes: [
      { name: 'pg_foreign_data_wrapper_oid_index', oid: 112, unique: true, keys: ['oid'] },
      { name: 'pg_foreign_data_wrapper_name_index', oid: 548, unique: true, keys: ['fdwname'] },
    ],
  },
  {
    name: 'pg_shdescription',
    oid: 2396,
    shared: true,
    rowtype: 10062,
    columns: [
      ['objoid', 26, true],
      ['classoid', 26, true],
      ['description', 25, true],
    ],
    indexes: [
      { name: 'pg_shdescription_o_c_index', oid: 2397, unique: true, keys: ['objoid', 'classoid'] },
    ],
  },
  {
    name: 'pg_amop',
    oid: 2602,
    shared: false,
    rowtype: 10017,
    columns: [
      ['oid', 26, true],
      ['amopfamily', 26, true],
      ['amoplefttype', 26, true],
      ['amoprighttype', 26, true],
      ['amopstrategy', 21, true],
      ['amoppurpose', 18, true],
      ['amopopr', 26, true],
      ['amopmethod', 26, true],
      ['amopsortfamily', 26, true],
    ],
    indexes: [
      {
        name: 'pg_amop_fam_strat_index',
        oid: 2653,
        unique: true,
        keys: ['amopfamily', 'amoplefttype', 'amoprighttype', 'amopstrategy'],
      },
      {
        name: 'pg_amop_opr_fam_index',
        oid: 2654,
        unique: true,
        keys: ['amopopr', 'amoppurpose', 'amopfamily'],
      },
      { name: 'pg_amop_oid_index', oid: 2756, unique: true, keys: ['oid'] },
    ],
  },
  {
    name: 'pg_cast',
    oid: 2605,
    shared: false,
    rowtype: 10043,
    columns: [
      ['oid', 26, true],
      ['castsource', 26, true],
      ['casttarget', 26, true],
      ['castfunc', 26, true],
      ['castcontext', 18, true],
      ['castmethod', 18, true],
    ],
    indexes: [
      { name: 'pg_cast_oid_index', oid: 2660, unique: true, keys: ['oid'] },
      {
        name: 'pg_cast_source_target_index',
        oid: 2661,
        unique: true,
        keys: ['castsource', 'casttarget'],
      },
    ],
  },
  {
    name: 'pg_conversion',
    oid: 2607,
    shared: false,
    rowtype: 10049,
    columns: [
      ['oid', 26, true],
      ['conname', 19, true],
      ['connamespace', 26, true],
      ['conowner', 26, true],
      ['conforencoding', 23, true],
      ['contoencoding', 23, true],
      ['conproc', 24, true],
      ['condefault', 16, true],
    ],
    indexes: [
      {
        name: 'pg_conversion_default_index',
        oid: 2668,
        unique: true,
        keys: ['connamespace', 'conforencoding', 'contoencoding', 'oid'],
      },
      {
        name: 'pg_conversion_name_nsp_index',
        oid: 2669,
        unique: true,
        keys: ['conname', 'connamespace'],
      },
      { name: 'pg_conversion_oid_index', oid: 2670, unique: true, keys: ['oid'] },
    ],
  },
  {
    name: 'pg_inherits',
    oid: 2611,
    shared: false,
    rowtype: 10005,
    columns: [
      ['inhrelid', 26, true],
      ['inhparent', 26, true],
      ['inhseqno', 23, true],
      ['inhdetachpending', 16, true],
    ],
    indexes: [
      { name: 'pg_inherits_parent_index', oid: 2187, unique: false, keys: ['inhparent'] },
      {
        name: 'pg_inherits_relid_seqno_index',
        oid: 2680,
        unique: true,
        keys: ['inhrelid', 'inhseqno'],
      },
    ],
  },
  {
    name: 'pg_language',
    oid: 2612,
    shared: false,
    rowtype: 10021,
    columns: [
      ['oid', 26, true],
      ['lanname', 19, true],
      ['lanowner', 26, true],
      ['lanispl', 16, true],
      ['lanpltrusted', 16, true],
      ['lanplcallfoid', 26, true],
      ['laninline', 26, true],
      ['lanvalidator', 26, true],
      ['lanacl', 1034, false],
    ],
    indexes: [
      { name: 'pg_language_name_index', oid: 2681, unique: true, keys: ['lanname'] },
      { name: 'pg_language_oid_index', oid: 2682, unique: true, keys: ['oid'] },
    ],
  },
  {
    name: 'pg_opclass',
    oid: 2616,
    shared: false,
    rowtype: 10013,
    columns: [
      ['oid', 26, true],
      ['opcmethod', 26, true],
      ['opcname', 19, true],
      ['opcnamespace', 26, true],
      ['opcowner', 26, true],
      ['opcfamily', 26, true],
      ['opcintype', 26, true],
      ['opcdefault', 16, true],
      ['opckeytype', 26, true],
    ],
    indexes: [
      {
        name: 'pg_opclass_am_name_nsp_index',
        oid: 2686,
        unique: true,
        keys: ['opcmethod', 'opcname', 'opcnamespace'],
      },
      { name: 'pg_opclass_oid_index', oid: 2687, unique: true, keys: ['oid'] },
    ],
  },
  {
    name: 'pg_rewrite',
    oid: 2618,
    shared: false,
    rowtype: 10035,
    columns: [
      ['oid', 26, true],
      ['rulename', 19, true],
      ['ev_class', 26, true],
      ['ev_type', 18, true],
      ['ev_enabled', 18, true],
      ['is_instead', 16, true],
      ['ev_qual', 194, true],
      ['ev_action', 194, true],
    ],
    indexes: [
      { name: 'pg_rewrite_oid_index', oid: 2692, unique: true, keys: ['oid'] },
      {
        name: 'pg_rewrite_rel_rulename_index',
        oid: 2693,
        unique: true,
        keys: ['ev_class', 'rulename'],
      },
    ],
  },
  {
    name: 'pg_trigger',
    oid: 2620,
    shared: false,
    rowtype: 10037,
    columns: [
      ['oid', 26, true],
      ['tgrelid', 26, true],
      ['tgparentid', 26, true],
      ['tgname', 19, true],
      ['tgfoid', 26, true],
      ['tgtype', 21, true],
      ['tgenabled', 18, true],
      ['tgisinternal', 16, true],
      ['tgconstrrelid', 26, true],
      ['tgconstrindid', 26, true],
      ['tgconstraint', 26, true],
      ['tgdeferrable', 16, true],
      ['tginitdeferred', 16, true],
      ['tgnargs', 21, true],
      ['tgattr', 22, true],
      ['tgargs', 17, true],
      ['tgqual', 194, false],
      ['tgoldtable', 19, false],
      ['tgnewtable', 19, false],
    ],
    indexes: [
      { name: 'pg_trigger_tgconstraint_index', oid: 2699, unique: false, keys: ['tgconstraint'] },
      {
        name: 'pg_trigger_tgrelid_tgname_index',
        oid: 2701,
        unique: true,
        keys: ['tgrelid', 'tgname'],
      },
      { name: 'pg_trigger_oid_index', oid: 2702, unique: true, keys: ['oid'] },
    ],
  },
  {
    name: 'pg_db_role_setting',
    oid: 2964,
    shared: true,
    rowtype: 10054,
    columns: [
      ['setdatabase', 26, true],
      ['setrole', 26, true],
      ['setconfig', 1009, false],
    ],
    indexes: [
      {
        name: 'pg_db_role_setting_databaseid_rol_index',
        oid: 2965,
        unique: true,
        keys: ['setdatabase', 'setrole'],
      },
    ],
  },
  {
    name: 'pg_extension',
    oid: 3079,
    shared: false,
    rowtype: 10074,
    columns: [
      ['oid', 26, true],
      ['extname', 19, true],
      ['extowner', 26, true],
      ['extnamespace', 26, true],
      ['extrelocatable', 16, true],
      ['extversion', 25, true],
      ['extconfig', 1028, false],
      ['extcondition', 1009, false],
    ],
    indexes: [
      { name: 'pg_extension_oid_index', oid: 3080, unique: true, keys: ['oid'] },
      { name: 'pg_extension_name_index', oid: 3081, unique: true, keys: ['extname'] },
    ],
  },
  {
    name: 'pg_foreign_table',
    oid: 3118,
    shared: false,
    rowtype: 10082,
    columns: [
      ['ftrelid', 26, true],
      ['ftserver', 26, true],
      ['ftoptions', 1009, false],
    ],
    indexes: [{ name: 'pg_foreign_table_relid_index', oid: 3119, unique: true, keys: ['ftrelid'] }],
  },
  {
    name: 'pg_policy',
    oid: 3256,
    shared: false,
    rowtype: 10084,
    columns: [
      ['oid', 26, true],
      ['polname', 19, true],
      ['polrelid', 26, true],
      ['polcmd', 18, true],
      ['polpermissive', 16, true],
      ['polroles', 1028, true],
      ['polqual', 194, false],
      ['polwithcheck', 194, false],
    ],
    indexes: [
      { name: 'pg_policy_oid_index', oid: 3257, unique: true, keys: ['oid'] },
      {
        name: 'pg_policy_polrelid_polname_index',
        oid: 3258,
        unique: true,
        keys: ['polrelid', 'polname'],
      },
    ],
  },
  {
    name: 'pg_partitioned_table',
    oid: 3350,
    shared: false,
    rowtype: 10099,
    columns: [
      ['partrelid', 26, true],
      ['partstrat', 18, true],
      ['partnatts', 21, true],
      ['partdefid', 26, true],
      ['partattrs', 22, true],
      ['partclass', 30, true],
      ['partcollation', 30, true],
      ['partexprs', 194, false],
    ],
    indexes: [
      {
        name: 'pg_partitioned_table_partrelid_index',
        oid: 3351,
        unique: true,
        keys: ['partrelid'],
      },
    ],
  },
  {
    name: 'pg_statistic_ext',
    oid: 3381,
    shared: false,
    rowtype: 10031,
    columns: [
      ['oid', 26, true],
      ['stxrelid', 26, true],
      ['stxname', 19, true],
      ['stxnamespace', 26, true],
      ['stxowner', 26, true],
      ['stxstattarget', 23, true],
      ['stxkeys', 22, true],
      ['stxkind', 1002, true],
      ['stxexprs', 194, false],
    ],
    indexes: [
      { name: 'pg_statistic_ext_relid_index', oid: 3379, unique: false, keys: ['stxrelid'] },
      { name: 'pg_statistic_ext_oid_index', oid: 3380, unique: true, keys: ['oid'] },
      {
        name: 'pg_statistic_ext_name_index',
        oid: 3997,
        unique: true,
        keys: ['stxname', 'stxnamespace'],
      },
    ],
  },
  {
    name: 'pg_init_privs',
    oid: 3394,
    shared: false,
    rowtype: 10090,
    columns: [
      ['objoid', 26, true],
      ['classoid', 26, true],
      ['objsubid', 23, true],
      ['privtype', 18, true],
      ['initprivs', 1034, true],
    ],
    indexes: [
      {
        name: 'pg_init_privs_o_c_o_index',
        oid: 3395,
        unique: true,
        keys: ['objoid', 'classoid', 'objsubid'],
      },
    ],
  },
  {
    name: 'pg_collation',
    oid: 3456,
    shared: false,
    rowtype: 10095,
    columns: [
      ['oid', 26, true],
      ['collname', 19, true],
      ['collnamespace', 26, true],
      ['collowner', 26, true],
      ['collprovider', 18, true],
      ['collisdeterministic', 16, true],
      ['collencoding', 23, true],
      ['collcollate', 25, false],
      ['collctype', 25, false],
      ['colliculocale', 25, false],
      ['collversion', 25, false],
    ],
    indexes: [
      { name: 'pg_collation_oid_index', oid: 3085, unique: true, keys: ['oid'] },
      {
        name: 'pg_collation_name_enc_nsp_index',
        oid: 3164,
        unique: true,
        keys: ['collname', 'collencoding', 'collnamespace'],
      },
    ],
  },
  {
    name: 'pg_event_trigger',
    oid: 3466,
    shared: false,
    rowtype: 10039,
    columns: [
      ['oid', 26, true],
      ['evtname', 19, true],
      ['evtevent', 19, true],
      ['evtowner', 26, true],
      ['evtfoid', 26, true],
      ['evtenabled', 18, true],
      ['evttags', 1009, false],
    ],
    indexes: [
      { name: 'pg_event_trigger_evtname_index', oid: 3467, unique: true, keys: ['evtname'] },
      { name: 'pg_event_trigger_oid_index', oid: 3468, unique: true, keys: ['oid'] },
    ],
  },
  {
    name: 'pg_enum',
    oid: 3501,
    shared: false,
    rowtype: 10045,
    columns: [
      ['oid', 26, true],
      ['enumtypid', 26, true],
      ['enumsortorder', 700, true],
      ['enumlabel', 19, true],
    ],
    indexes: [
      { name: 'pg_enum_oid_index', oid: 3502, unique: true, keys: ['oid'] },
      {
        name: 'pg_enum_typid_label_index',
        oid: 3503,
        unique: true,
        keys: ['enumtypid', 'enumlabel'],
      },
      {
        name: 'pg_enum_typid_sortorder_index',
        oid: 3534,
        unique: true,
        keys: ['enumtypid', 'enumsortorder'],
      },
    ],
  },
  {
    name: 'pg_range',
    oid: 3541,
    shared: false,
    rowtype: 10101,
    columns: [
      ['rngtypid', 26, true],
      ['rngsubtype', 26, true],
      ['rngmultitypid', 26, true],
      ['rngcollation', 26, true],
      ['rngsubopc', 26, true],
      ['rngcanonical', 24, true],
      ['rngsubdiff', 24, true],
    ],
    indexes: [
      { name: 'pg_range_rngmultitypid_index', oid: 2228, unique: true, keys: ['rngmultitypid'] },
      { name: 'pg_range_rngtypid_index', oid: 3542, unique: true, keys: ['rngtypid'] },
    ],
  },
  {
    name: 'pg_transform',
    oid: 3576,
    shared: false,
    rowtype: 10103,
    columns: [
      ['oid', 26, true],
      ['trftype', 26, true],
      ['trflang', 26, true],
      ['trffromsql', 24, true],
      ['trftosql', 24, true],
    ],
    indexes: [
      { name: 'pg_transform_oid_index', oid: 3574, unique: true, keys: ['oid'] },
      {
        name: 'pg_transform_type_lang_index',
        oid: 3575,
        unique: true,
        keys: ['trftype', 'trflang'],
      },
    ],
  },
  {
    name: 'pg_publication',
    oid: 6104,
    shared: false,
    rowtype: 10107,
    columns: [
      ['oid', 26, true],
      ['pubname', 19, true],
      ['pubowner', 26, true],
      ['puballtables', 16, true],
      ['pubinsert', 16, true],
      ['pubupdate', 16, true],
      ['pubdelete', 16, true],
      ['pubtruncate', 16, true],
      ['pubviaroot', 16, true],
    ],
    indexes: [
      { name: 'pg_publication_oid_index', oid: 6110, unique: true, keys: ['oid'] },
      { name: 'pg_publication_pubname_index', oid: 6111, unique: true, keys: ['pubname'] },
    ],
  },
  {
    name: 'pg_publication_rel',
    oid: 6106,
    shared: false,
    rowtype: 10111,
    columns: [
      ['oid', 26, true],
      ['prpubid', 26, true],
      ['prrelid', 26, true],
      ['prqual', 194, false],
      ['prattrs', 1005, false],
    ],
    indexes: [
      { name: 'pg_publication_rel_oid_index', oid: 6112, unique: true, keys: ['oid'] },
      {
        name: 'pg_publication_rel_prrelid_prpubid_index',
        oid: 6113,
        unique: true,
        keys: ['prrelid', 'prpubid'],
      },
      { name: 'pg_publication_rel_prpubid_index', oid: 6116, unique: false, keys: ['prpubid'] },
    ],
  },
  {
    name: 'pg_publication_namespace',
    oid: 6237,
    shared: false,
    rowtype: 10109,
    columns: [
      ['oid', 26, true],
      ['pnpubid', 26, true],
      ['pnnspid', 26, true],
    ],
    indexes: [
      { name: 'pg_publication_namespace_oid_index', oid: 6238, unique: true, keys: ['oid'] },
      {
        name: 'pg_publication_namespace_pnnspid_pnpubid_index',
        oid: 6239,
        unique: true,
        keys: ['pnnspid', 'pnpubid'],
      },
    ],
  },
];

/** Their rows at initdb (by name): none for every one but pg_collation and pg_language. */
export function psqlCatalogRows(name: string): Record<string, unknown>[] {
  const coll = (
    oid: number,
    collname: string,
    collprovider: string,
    collencoding: number,
    locale: string | null,
  ) => ({
    oid,
    collname,
    collnamespace: 11,
    collowner: 10,
    collprovider,
    collisdeterministic: true,
    collencoding,
    collcollate: locale,
    collctype: locale,
    colliculocale: null,
    collversion: null,
  });
  const lang = (
    oid: number,
    lanname: string,
    lanispl: boolean,
    trusted: boolean,
    validator: number,
  ) => ({
    oid,
    lanname,
    lanowner: 10,
    lanispl,
    lanpltrusted: trusted,
    lanplcallfoid: 0,
    laninline: 0,
    lanvalidator: validator,
    lanacl: null,
  });
  switch (name) {
    case 'pg_collation':
      return [
        coll(100, 'default', 'd', -1, null),
        coll(950, 'C', 'c', -1, 'C'),
        coll(951, 'POSIX', 'c', -1, 'POSIX'),
        coll(12340, 'ucs_basic', 'c', 6, 'C'),
      ];
    case 'pg_language':
      return [
        lang(12, 'internal', false, false, 2246),
        lang(13, 'c', false, false, 2247),
        lang(14, 'sql', false, true, 2248),
      ];
    // ranges: pg_range of the six built-in range types (PostgreSQL 15's rows)
    case 'pg_range':
      return (
        [
          [3904, 23, 4451, 0, 1978, 3914, 3922],
          [3906, 1700, 4532, 0, 3125, 0, 3924],
          [3908, 1114, 4533, 0, 3128, 0, 3929],
          [3910, 1184, 4534, 0, 3127, 0, 3930],
          [3912, 1082, 4535, 0, 3122, 3915, 3925],
          [3926, 20, 4536, 0, 3124, 3928, 3923],
        ] as const
      ).map(
        ([
          rngtypid,
          rngsubtype,
          rngmultitypid,
          rngcollation,
          rngsubopc,
          rngcanonical,
          rngsubdiff,
        ]) => ({
          rngtypid,
          rngsubtype,
          rngmultitypid,
          rngcollation,
          rngsubopc,
          rngcanonical,
          rngsubdiff,
        }),
      );
    default:
      return [];
  }
}
