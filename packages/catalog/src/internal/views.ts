/**
 * The system views a user or a tool first asks for, computed from the
 * catalogs instead of being stored queries (we have no rewriter here):
 * pg_catalog.pg_tables, pg_indexes, pg_views, pg_roles, pg_user,
 * pg_settings and information_schema.tables, columns, schemata. Their
 * pg_class / pg_attribute / pg_type rows are real (written at bootstrap,
 * with PostgreSQL 15's OIDs and columns); only their rows are computed,
 * each time the executor asks (OpenRelation.rows()), with the statement's
 * catalog snapshot.
 *
 * Differences: information_schema's domains (sql_identifier,
 * character_data, yes_or_no, cardinal_number) are their base types (name,
 * varchar, varchar, int4); no privilege filtering (every session sees
 * everything, as a superuser does); pg_views.definition is NULL for these
 * computed views.
 */
import { builtins, quoteIdent } from '@pg/types';
import { PG_STAT_ACTIVITY_VIEW } from './activity-view.js';
import { indexDefParts } from './index-am.js'; // issue 12
import { PG15_VIEWS, type ViewDef } from './pg15-data.js';
import { PG_SECLABELS_VIEW } from './pgdump-catalogs.js';
import { INFORMATION_SCHEMA_SEQUENCES_VIEW, PG_SEQUENCES_VIEW } from './sequence.js';
import { computeStatView, STAT_VIEW_NAMES, STAT_VIEWS, type StatViewSource } from './stat-views.js'; // issue 11 (pgstat)
import { PG_STATS_VIEW } from './statistics.js';
import {
  decodeViewAction,
  INFORMATION_SCHEMA_VIEWS_VIEW,
  PG_MATVIEWS_VIEW,
  updatableViewColumns,
  viewCatalogRows,
  viewInsertable,
} from './view-def.js';

/** One pg_settings row, by column name (name, setting, unit, category, ...); missing columns are NULL. */
export type SettingRow = Readonly<Record<string, unknown>>;

/** What the computations read: every visible row of a catalog, by column name. */
export interface ViewSource {
  scan(catalog: string): Record<string, unknown>[];
  readonly currentDatabase: string;
  settings(): Iterable<SettingRow>;
  /** pg_stats' rows (ANALYZE's column statistics), by column name. */
  statistics?(): Record<string, unknown>[];
  /** pg_sequences' or information_schema.sequences' rows (sequence.ts). */
  sequences?(view: string): Record<string, unknown>[];
  /** pg_stat_activity's rows (the engine's sessions), by column name (activity-view.ts). */
  activity?(): Record<string, unknown>[];
  /** issue 11: the cumulative statistics the pg_stat_* views read (stat-views.ts). */
  readonly pgstat?: StatViewSource | undefined;
}

/** The system views computed from the catalogs: PostgreSQL 15's, and pg_stats. */
export const SYSTEM_VIEWS: readonly ViewDef[] = [
  ...PG15_VIEWS,
  PG_STATS_VIEW,
  PG_SEQUENCES_VIEW,
  INFORMATION_SCHEMA_SEQUENCES_VIEW,
  PG_STAT_ACTIVITY_VIEW,
  PG_SECLABELS_VIEW, // issue 10 (H9): pg_dump reads it
  ...STAT_VIEWS, // issue 11 (pgstat)
  PG_MATVIEWS_VIEW, // issue 9 (D)
  INFORMATION_SCHEMA_VIEWS_VIEW, // issue 9 (D)
];

export const COMPUTED_VIEWS: ReadonlyMap<number, ViewDef> = new Map(
  SYSTEM_VIEWS.map((v) => [v.oid, v]),
);

/** issue 9 (G): pg_get_viewdef(oid) of every view with a _RETURN rule (view-def.ts). */
function viewDefinitions(src: ViewSource): Map<number, string> {
  const out = new Map<number, string>();
  for (const r of src.scan('pg_rewrite')) {
    if (r.rulename !== '_RETURN') continue;
    const a = decodeViewAction(String(r.ev_action));
    if (a !== undefined) out.set(r.ev_class as number, `${a.display};`);
  }
  return out;
}

/** quote_ident (PostgreSQL's quote_identifier), re-exported for the catalog's users. */
export { quoteIdent };

function indexes<K, V>(rows: V[], key: (r: V) => K): Map<K, V> {
  return new Map(rows.map((r) => [key(r), r]));
}

/** The rows of view `def`, in its column order. */
export function computeView(def: ViewDef, src: ViewSource): unknown[][] {
  const objects = computeObjects(def, src);
  return objects.map((o) => def.columns.map(([name]) => o[name] ?? null));
}

function computeObjects(def: ViewDef, src: ViewSource): Record<string, unknown>[] {
  const nsp = () => indexes(src.scan('pg_namespace'), (r) => r.oid as number);
  const roles = () => indexes(src.scan('pg_authid'), (r) => r.oid as number);
  const spaces = () => indexes(src.scan('pg_tablespace'), (r) => r.oid as number);
  const owner = (m: Map<number, Record<string, unknown>>, oid: unknown) =>
    m.get(oid as number)?.rolname ?? null;
  const spc = (m: Map<number, Record<string, unknown>>, oid: unknown) =>
    oid === 0 ? null : (m.get(oid as number)?.spcname ?? null);
  // issue 11 (pgstat): pg_stat_*_tables, pg_stat_database, ... (stat-views.ts)
  if (STAT_VIEW_NAMES.has(def.name)) return computeStatView(def.name, src, src.pgstat);
  switch (def.name) {
    case 'pg_tables': {
      const n = nsp();
      const r = roles();
      const s = spaces();
      return src
        .scan('pg_class')
        .filter((c) => c.relkind === 'r' || c.relkind === 'p')
        .map((c) => ({
          schemaname: n.get(c.relnamespace as number)?.nspname,
          tablename: c.relname,
          tableowner: owner(r, c.relowner),
          tablespace: spc(s, c.reltablespace),
          hasindexes: c.relhasindex,
          hasrules: c.relhasrules,
          hastriggers: c.relhastriggers,
          rowsecurity: c.relrowsecurity,
        }));
    }
    case 'pg_indexes': {
      const n = nsp();
      const s = spaces();
      const cls = indexes(src.scan('pg_class'), (r) => r.oid as number);
      const atts = src.scan('pg_attribute');
      const attName = (rel: number, attnum: number) =>
        atts.find((a) => a.attrelid === rel && a.attnum === attnum)?.attname as string;
      return src.scan('pg_index').flatMap((ix) => {
        const t = cls.get(ix.indrelid as number);
        const i = cls.get(ix.indexrelid as number);
        if (!t || !i || !['r', 'm', 'p'].includes(t.relkind as string)) return [];
        const schema = n.get(t.relnamespace as number)?.nspname as string;
        return [
          {
            schemaname: schema,
            tablename: t.relname,
            indexname: i.relname,
            tablespace: spc(s, i.reltablespace),
            indexdef: indexDef(
              ix,
              i.relname as string,
              schema,
              t.relname as string,
              (n2) => attName(t.oid as number, n2),
              // issue 12 (index AMs): relam, opclasses and reloptions
              indexDefParts(
                i.relam as number,
                ix.indclass as number[],
                (i.reloptions as { elements: (string | null)[] } | null)?.elements,
              ),
              (k) => atts.find((a) => a.attrelid === i.oid && a.attnum === k)?.atttypid as number,
            ),
          },
        ];
      });
    }
    case 'pg_views': {
      const n = nsp();
      const r = roles();
      const defs = viewDefinitions(src); // issue 9 (G)
      return src
        .scan('pg_class')
        .filter((c) => c.relkind === 'v')
        .map((c) => ({
          schemaname: n.get(c.relnamespace as number)?.nspname,
          viewname: c.relname,
          viewowner: owner(r, c.relowner),
          definition: defs.get(c.oid as number) ?? null,
        }));
    }
    case 'pg_matviews': // issue 9 (D)
    case 'views':
      return viewCatalogRows(def.name, src);
    case 'pg_roles':
      return src.scan('pg_authid').map((a) => ({ ...a, rolpassword: '********', rolconfig: null }));
    case 'pg_user':
      return src
        .scan('pg_authid')
        .filter((a) => a.rolcanlogin)
        .map((a) => ({
          usename: a.rolname,
          usesysid: a.oid,
          usecreatedb: a.rolcreatedb,
          usesuper: a.rolsuper,
          userepl: a.rolreplication,
          usebypassrls: a.rolbypassrls,
          passwd: '********',
          valuntil: a.rolvaliduntil,
          useconfig: null,
        }));
    case 'pg_stats':
      return src.statistics?.() ?? [];
    case 'pg_sequences':
    case 'sequences':
      return src.sequences?.(def.name) ?? [];
    case 'pg_settings':
      return [...src.settings()].map((s) => ({ ...s }));
    case 'pg_stat_activity': {
      // usesysid: the role's OID in pg_authid (the engine knows roles by name)
      const oids = new Map(src.scan('pg_authid').map((a) => [a.rolname, a.oid]));
      return (src.activity?.() ?? []).map((r) => ({ ...r, usesysid: oids.get(r.usename) ?? null }));
    }
    case 'schemata': {
      const r = roles();
      return src.scan('pg_namespace').map((s) => ({
        catalog_name: src.currentDatabase,
        schema_name: s.nspname,
        schema_owner: owner(r, s.nspowner),
      }));
    }
    case 'tables': {
      const n = nsp();
      const insertable = viewInsertable(src); // issue 9 (D): updatable views
      return src
        .scan('pg_class')
        .filter((c) => ['r', 'v', 'f', 'p'].includes(c.relkind as string))
        .map((c) => ({
          table_catalog: src.currentDatabase,
          table_schema: n.get(c.relnamespace as number)?.nspname,
          table_name: c.relname,
          table_type:
            c.relpersistence === 't'
              ? 'LOCAL TEMPORARY'
              : c.relkind === 'v'
                ? 'VIEW'
                : c.relkind === 'f'
                  ? 'FOREIGN'
                  : 'BASE TABLE',
          is_insertable_into:
            c.relkind === 'r' || c.relkind === 'p' || insertable.has(c.oid as number)
              ? 'YES'
              : 'NO',
          is_typed: 'NO',
        }));
    }
    case 'columns': {
      const n = nsp();
      const cls = indexes(
        src.scan('pg_class').filter((c) => ['r', 'v', 'f', 'p'].includes(c.relkind as string)),
        (r) => r.oid as number,
      );
      const defaults = new Map(
        src.scan('pg_attrdef').map((d) => [`${d.adrelid}:${d.adnum}`, d.adbin]),
      );
      const viewColumns = updatableViewColumns(src); // issue 9 (D)
      return src
        .scan('pg_attribute')
        .filter((a) => (a.attnum as number) > 0 && !a.attisdropped && cls.has(a.attrelid as number))
        .sort(
          (x, y) =>
            (x.attrelid as number) - (y.attrelid as number) ||
            (x.attnum as number) - (y.attnum as number),
        )
        .map((a) => {
          const c = cls.get(a.attrelid as number) as Record<string, unknown>;
          return {
            table_catalog: src.currentDatabase,
            table_schema: n.get(c.relnamespace as number)?.nspname,
            table_name: c.relname,
            column_name: a.attname,
            ordinal_position: a.attnum,
            column_default:
              a.attgenerated === 's' ? null : (defaults.get(`${a.attrelid}:${a.attnum}`) ?? null), // issue 9 (H)
            is_nullable: a.attnotnull ? 'NO' : 'YES',
            ...typeFacts(a.atttypid as number, a.atttypmod as number),
            udt_catalog: src.currentDatabase,
            udt_schema: 'pg_catalog',
            udt_name: builtins.type(a.atttypid as number)?.name ?? null,
            dtd_identifier: String(a.attnum),
            is_self_referencing: 'NO',
            is_identity: 'NO',
            identity_cycle: 'NO',
            is_generated: a.attgenerated === 's' ? 'ALWAYS' : 'NEVER', // issue 9 (H)
            generation_expression:
              a.attgenerated === 's' ? (defaults.get(`${a.attrelid}:${a.attnum}`) ?? null) : null,
            is_updatable:
              c.relkind !== 'v' || viewColumns.has(`${a.attrelid}:${a.attnum}`) ? 'YES' : 'NO',
          };
        });
    }
    default:
      return [];
  }
}

/** data_type and the precision columns of information_schema.columns. */
function typeFacts(typeOid: number, typmod: number): Record<string, unknown> {
  const t = builtins.type(typeOid);
  const data_type = t === undefined ? 'USER-DEFINED' : t.category === 'A' ? 'ARRAY' : t.displayName;
  const out: Record<string, unknown> = { data_type };
  const ints: Record<number, number> = { 21: 16, 23: 32, 20: 64 };
  const floats: Record<number, number> = { 700: 24, 701: 53 };
  if (ints[typeOid] !== undefined)
    Object.assign(out, {
      numeric_precision: ints[typeOid],
      numeric_precision_radix: 2,
      numeric_scale: 0,
    });
  else if (floats[typeOid] !== undefined)
    Object.assign(out, { numeric_precision: floats[typeOid], numeric_precision_radix: 2 });
  else if (typeOid === 1700) {
    out.numeric_precision_radix = 10;
    if (typmod >= 4)
      Object.assign(out, {
        numeric_precision: ((typmod - 4) >> 16) & 0xffff,
        numeric_scale: (typmod - 4) & 0xffff,
      });
  } else if (typeOid === 1043 || typeOid === 1042) {
    if (typmod >= 4)
      Object.assign(out, {
        character_maximum_length: typmod - 4,
        character_octet_length: (typmod - 4) * 4,
      });
    else out.character_octet_length = 1073741824;
  } else if (typeOid === 25) out.character_octet_length = 1073741824;
  else if (typeOid === 1082) out.datetime_precision = 0;
  else if ([1083, 1266, 1114, 1184, 1186].includes(typeOid))
    out.datetime_precision = typmod >= 0 ? typmod : 6;
  return out;
}

/** pg_get_indexdef as pg_indexes prints it. */
function indexDef(
  ix: Record<string, unknown>,
  indexName: string,
  schema: string,
  table: string,
  attName: (attnum: number) => string,
  am: ReturnType<typeof indexDefParts>,
  indexAttType: (attnum: number) => number,
): string {
  const keys = ix.indkey as number[];
  const nkeys = ix.indnkeyatts as number;
  const options = ix.indoption as number[];
  const exprs = ix.indexprs === null ? [] : (JSON.parse(ix.indexprs as string) as string[]);
  let e = 0;
  // pg_get_indexdef: a function call as is, any other expression in parentheses
  const column = (k: number) => {
    if (k !== 0) return quoteIdent(attName(k));
    const text = exprs[e++] ?? '';
    return /^[A-Za-z_][A-Za-z_0-9.]*\(.*\)$/s.test(text) && balanced(text) ? text : `(${text})`;
  };
  const cols = keys.slice(0, nkeys).map((k, i) => {
    const o = options[i] ?? 0;
    const desc = (o & 1) !== 0;
    const nullsFirst = (o & 2) !== 0;
    let s = column(k) + am.opclass(i, indexAttType(i + 1));
    if (desc) s += nullsFirst ? ' DESC' : ' DESC NULLS LAST';
    else if (nullsFirst) s += ' NULLS FIRST';
    return s;
  });
  const include = keys.slice(nkeys).map(column);
  return (
    `CREATE ${ix.indisunique ? 'UNIQUE ' : ''}INDEX ${quoteIdent(indexName)} ON ${quoteIdent(schema)}.${quoteIdent(table)} USING ${am.am} (${cols.join(', ')})` +
    (include.length ? ` INCLUDE (${include.join(', ')})` : '') +
    (ix.indnullsnotdistinct ? ' NULLS NOT DISTINCT' : '') +
    am.withClause +
    (ix.indpred === null || ix.indpred === undefined ? '' : ` WHERE ${ix.indpred as string}`)
  );
}

/** Whether the call's opening parenthesis closes at the text's end (`f(a)`, not `f(a) + g(b)`). */
function balanced(text: string): boolean {
  let depth = 0;
  let quote = false;
  const open = text.indexOf('(');
  for (let i = open; i < text.length; i++) {
    const c = text[i];
    if (c === "'") quote = !quote;
    if (quote) continue;
    if (c === '(') depth++;
    else if (c === ')') {
      depth--;
      if (depth === 0 && i !== text.length - 1) return false;
    }
  }
  return true;
}
