/**
 * PostgreSQL 15 catalogs that pg_dump reads but that this engine has no
 * objects for: operator families and their support functions, text-search parsers, templates,
 * dictionaries and configurations, subscriptions, security labels
 * (pg_seclabel, pg_shseclabel: pg_dump -Fc reads the database's) and large
 * objects.
 * Same shape as psql-catalogs.ts (PostgreSQL 15's OIDs, columns and
 * indexes, read from a real one), all created empty at initdb, so pg_dump
 * finds nothing of these kinds to dump.
 *
 * Also the view pg_seclabels (computed by views.ts; always empty, as
 * pg_seclabel and pg_shseclabel are missing here).
 *
 * Differences: pg_subscription has no subskiplsn column (no pg_lsn type);
 * the provider column of the seclabel indexes has the default collation,
 * not "C".
 */
import type { CatalogDef, ViewDef } from './pg15-data.js';

/* biome-ignore-all format: generated from a real PostgreSQL 15 */
export const PGDUMP_CATALOGS: readonly CatalogDef[] = [
  {
    name: 'pg_opfamily',
    oid: 2753,
    shared: false,
    rowtype: 10011,
    columns: [
      ['oid', 26, true],
      ['opfmethod', 26, true],
      ['opfname', 19, true],
      ['opfnamespace', 26, true],
      ['opfowner', 26, true],
    ],
    indexes: [
      {
        name: 'pg_opfamily_am_name_nsp_index',
        oid: 2754,
        unique: true,
        keys: ['opfmethod', 'opfname', 'opfnamespace'],
      },
      { name: 'pg_opfamily_oid_index', oid: 2755, unique: true, keys: ['oid'] },
    ],
  },
  {
    name: 'pg_amproc',
    oid: 2603,
    shared: false,
    rowtype: 10019,
    columns: [
      ['oid', 26, true],
      ['amprocfamily', 26, true],
      ['amproclefttype', 26, true],
      ['amprocrighttype', 26, true],
      ['amprocnum', 21, true],
      ['amproc', 24, true],
    ],
    indexes: [
      {
        name: 'pg_amproc_fam_proc_index',
        oid: 2655,
        unique: true,
        keys: ['amprocfamily', 'amproclefttype', 'amprocrighttype', 'amprocnum'],
      },
      { name: 'pg_amproc_oid_index', oid: 2757, unique: true, keys: ['oid'] },
    ],
  },
  {
    name: 'pg_ts_parser',
    oid: 3601,
    shared: false,
    rowtype: 10070,
    columns: [
      ['oid', 26, true],
      ['prsname', 19, true],
      ['prsnamespace', 26, true],
      ['prsstart', 24, true],
      ['prstoken', 24, true],
      ['prsend', 24, true],
      ['prsheadline', 24, true],
      ['prslextype', 24, true],
    ],
    indexes: [
      {
        name: 'pg_ts_parser_prsname_index',
        oid: 3606,
        unique: true,
        keys: ['prsname', 'prsnamespace'],
      },
      { name: 'pg_ts_parser_oid_index', oid: 3607, unique: true, keys: ['oid'] },
    ],
  },
  {
    name: 'pg_ts_template',
    oid: 3764,
    shared: false,
    rowtype: 10072,
    columns: [
      ['oid', 26, true],
      ['tmplname', 19, true],
      ['tmplnamespace', 26, true],
      ['tmplinit', 24, true],
      ['tmpllexize', 24, true],
    ],
    indexes: [
      {
        name: 'pg_ts_template_tmplname_index',
        oid: 3766,
        unique: true,
        keys: ['tmplname', 'tmplnamespace'],
      },
      { name: 'pg_ts_template_oid_index', oid: 3767, unique: true, keys: ['oid'] },
    ],
  },
  {
    name: 'pg_ts_dict',
    oid: 3600,
    shared: false,
    rowtype: 10068,
    columns: [
      ['oid', 26, true],
      ['dictname', 19, true],
      ['dictnamespace', 26, true],
      ['dictowner', 26, true],
      ['dicttemplate', 26, true],
      ['dictinitoption', 25, false],
    ],
    indexes: [
      {
        name: 'pg_ts_dict_dictname_index',
        oid: 3604,
        unique: true,
        keys: ['dictname', 'dictnamespace'],
      },
      { name: 'pg_ts_dict_oid_index', oid: 3605, unique: true, keys: ['oid'] },
    ],
  },
  {
    name: 'pg_ts_config',
    oid: 3602,
    shared: false,
    rowtype: 10064,
    columns: [
      ['oid', 26, true],
      ['cfgname', 19, true],
      ['cfgnamespace', 26, true],
      ['cfgowner', 26, true],
      ['cfgparser', 26, true],
    ],
    indexes: [
      {
        name: 'pg_ts_config_cfgname_index',
        oid: 3608,
        unique: true,
        keys: ['cfgname', 'cfgnamespace'],
      },
      { name: 'pg_ts_config_oid_index', oid: 3712, unique: true, keys: ['oid'] },
    ],
  },
  {
    name: 'pg_subscription',
    oid: 6100,
    shared: true,
    rowtype: 6101,
    columns: [
      ['oid', 26, true],
      ['subdbid', 26, true],
      ['subname', 19, true],
      ['subowner', 26, true],
      ['subenabled', 16, true],
      ['subbinary', 16, true],
      ['substream', 16, true],
      ['subtwophasestate', 18, true],
      ['subdisableonerr', 16, true],
      ['subconninfo', 25, true],
      ['subslotname', 19, false],
      ['subsynccommit', 25, true],
      ['subpublications', 1009, true],
    ],
    indexes: [
      {
        name: 'pg_subscription_subname_index',
        oid: 6115,
        unique: true,
        keys: ['subdbid', 'subname'],
      },
      { name: 'pg_subscription_oid_index', oid: 6114, unique: true, keys: ['oid'] },
    ],
  },
  {
    name: 'pg_seclabel',
    oid: 3596,
    shared: false,
    rowtype: 10092,
    columns: [
      ['objoid', 26, true],
      ['classoid', 26, true],
      ['objsubid', 23, true],
      ['provider', 25, true],
      ['label', 25, true],
    ],
    indexes: [
      {
        name: 'pg_seclabel_object_index',
        oid: 3597,
        unique: true,
        keys: ['objoid', 'classoid', 'objsubid', 'provider'],
      },
    ],
  },
  {
    name: 'pg_shseclabel',
    oid: 3592,
    shared: true,
    rowtype: 4066,
    columns: [
      ['objoid', 26, true],
      ['classoid', 26, true],
      ['provider', 25, true],
      ['label', 25, true],
    ],
    indexes: [
      {
        name: 'pg_shseclabel_object_index',
        oid: 3593,
        unique: true,
        keys: ['objoid', 'classoid', 'provider'],
      },
    ],
  },
  {
    name: 'pg_largeobject_metadata',
    oid: 2995,
    shared: false,
    rowtype: 10023,
    columns: [
      ['oid', 26, true],
      ['lomowner', 26, true],
      ['lomacl', 1034, false],
    ],
    indexes: [
      { name: 'pg_largeobject_metadata_oid_index', oid: 2996, unique: true, keys: ['oid'] },
    ],
  },
  {
    name: 'pg_largeobject',
    oid: 2613,
    shared: false,
    rowtype: 10025,
    columns: [
      ['loid', 26, true],
      ['pageno', 23, true],
      ['data', 17, true],
    ],
    indexes: [
      { name: 'pg_largeobject_loid_pn_index', oid: 2683, unique: true, keys: ['loid', 'pageno'] },
    ],
  },
];

/** pg_seclabels: PostgreSQL 15's columns and OIDs; no rows (views.ts computes nothing for it). */
export const PG_SECLABELS_VIEW: ViewDef = {
  name: 'pg_seclabels',
  nsp: 11,
  oid: 12099,
  rowtype: 12101,
  columns: [
    ['objoid', 26, -1],
    ['classoid', 26, -1],
    ['objsubid', 23, -1],
    ['objtype', 25, -1],
    ['objnamespace', 26, -1],
    ['objname', 25, -1],
    ['provider', 25, -1],
    ['label', 25, -1],
  ],
};
