/**
 * Our bootstrap catalogs against a real PostgreSQL 15's (tools/pg-reference):
 * every catalog's columns (names, types, order, NOT NULL) as pg_attribute
 * lists them; the built-in OIDs of catalogs, indexes, namespaces, access
 * methods, databases, roles and tablespaces; pg_index of the catalog
 * indexes; every pg_type row of the registry's types, a sample of pg_proc
 * rows, every pg_operator row we have. And our catalog heap pages handed
 * to pageinspect's heap_page_items / heap_page_item_attrs: frozen headers,
 * and every attribute decoded by PostgreSQL's own tuple descriptor of that
 * catalog with the bytes PostgreSQL itself stores.
 */
import { PG15_CATALOGS, PGDUMP_CATALOGS, PSQL_CATALOGS, SYSTEM_VIEWS } from '@pg/catalog';
import { catalogHarness } from '@pg/catalog/testing';
import { type ReferencePostgres, startReferencePostgres } from '@pg/pg-reference';
import { ForkNumber } from '@pg/storage';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';

let pg: ReferencePostgres;
const h = catalogHarness();
const s = h.session();

beforeAll(async () => {
  pg = await startReferencePostgres({ extensions: ['pageinspect'] });
}, 120_000);

afterAll(async () => {
  await pg?.stop();
});

/** Our rows of a catalog, as objects by column name. */
function ours(name: string): Record<string, unknown>[] {
  return s.run((c) => {
    const desc = c.lookupRelation('pg_catalog', name);
    if (!desc) throw new Error(`no ${name}`);
    const o = c.openTable(desc.oid);
    const snap = h.procArray.getSnapshotData(s.id, 0);
    return [...o.heap.scan(snap, { log: h.transam, isCurrentTransactionId: () => false })].map(
      (r) => Object.fromEntries(desc.columns.map((col, i) => [col.name, r.values[i]])),
    );
  });
}

// pg_dump's catalogs (issue 10, H9), but pg_subscription: it lacks subskiplsn (no pg_lsn type)
const SUBSCRIPTION = PGDUMP_CATALOGS.find((c) => c.name === 'pg_subscription')!;
const NOT_COMPARED = new Set([SUBSCRIPTION.oid, ...SUBSCRIPTION.indexes.map((i) => i.oid)]);
// pg_seclabel / pg_shseclabel: their index's provider column has collation "C" there, the default here
const COLLATION_NOT_COMPARED = new Set([3593, 3597]);
const CATALOG_OIDS = [
  ...PG15_CATALOGS,
  ...PSQL_CATALOGS,
  ...PGDUMP_CATALOGS.filter((c) => c !== SUBSCRIPTION),
].map((c) => c.oid);
/** pg_publication_rel.prattrs: int2[] here, int2vector in PostgreSQL (psql-catalogs.ts). */
const PRATTRS = [6106, 'prattrs'] as const;

describe('bootstrap catalogs compared with PostgreSQL 15', () => {
  it('every catalog has PostgreSQL 15 columns: names, types, order, NOT NULL', async () => {
    const theirs = await pg
      .query<{
        attrelid: number;
        attname: string;
        atttypid: number;
        attnum: number;
        attlen: number;
        attalign: string;
        attnotnull: boolean;
        attstorage: string;
        attbyval: boolean;
        attcollation: number;
      }>(
        `SELECT attrelid::int, attname::text, atttypid::int, attnum::int, attlen::int, attalign::text, attnotnull, attstorage::text, attbyval, attcollation::int
         FROM pg_attribute WHERE attrelid = ANY($1::oid[]) ORDER BY attrelid, attnum`,
        [CATALOG_OIDS],
      )
      .then((rows) => rows.filter((r) => !(r.attrelid === PRATTRS[0] && r.attname === PRATTRS[1])));
    const mine = ours('pg_attribute')
      .filter((r) => CATALOG_OIDS.includes(r.attrelid as number))
      // the one column psql-catalogs.ts types differently (int2[], not int2vector)
      .filter((r) => !(r.attrelid === PRATTRS[0] && r.attname === PRATTRS[1]))
      .map((r) => ({
        attrelid: r.attrelid,
        attname: r.attname,
        atttypid: r.atttypid,
        attnum: r.attnum,
        attlen: r.attlen,
        attalign: r.attalign,
        attnotnull: r.attnotnull,
        attstorage: r.attstorage,
        attbyval: r.attbyval,
        attcollation: r.attcollation,
      }))
      .sort(
        (a, b) =>
          (a.attrelid as number) - (b.attrelid as number) ||
          (a.attnum as number) - (b.attnum as number),
      );
    expect(mine).toEqual(theirs);
  });

  it('catalogs and their indexes have PostgreSQL 15 OIDs, names and kinds', async () => {
    const theirs = await pg.query(
      `SELECT c.oid::int, relname::text, relkind::text, relnamespace::int, relisshared, relnatts::int, relam::int, reltype::int
         FROM pg_class c WHERE c.oid = ANY($1::oid[]) OR c.oid IN (SELECT indexrelid FROM pg_index WHERE indrelid = ANY($1::oid[]))
        ORDER BY c.oid`,
      [[...CATALOG_OIDS, ...SYSTEM_VIEWS.map((v) => v.oid)]],
    );
    const mine = ours('pg_class')
      .filter((r) => !NOT_COMPARED.has(r.oid as number))
      .map((r) => ({
        oid: r.oid,
        relname: r.relname,
        relkind: r.relkind,
        relnamespace: r.relnamespace,
        relisshared: r.relisshared,
        relnatts: r.relnatts,
        relam: r.relam,
        reltype: r.reltype,
      }))
      .sort((a, b) => (a.oid as number) - (b.oid as number));
    expect(mine).toEqual(theirs);
    const idx = await pg.query(
      `SELECT indexrelid::int, indrelid::int, indnatts::int, indisunique, indkey::int2[]::int[] AS indkey, indclass::oid[]::int[] AS indclass, indcollation::oid[]::int[] AS indcollation
         FROM pg_index WHERE indrelid = ANY($1::oid[]) ORDER BY indexrelid`,
      [CATALOG_OIDS],
    );
    const myIdx = ours('pg_index')
      .filter((r) => !NOT_COMPARED.has(r.indexrelid as number))
      .map((r) => ({
        indexrelid: r.indexrelid,
        indrelid: r.indrelid,
        indnatts: r.indnatts,
        indisunique: r.indisunique,
        indkey: r.indkey,
        indclass: r.indclass,
        indcollation: r.indcollation,
      }))
      .sort((a, b) => (a.indexrelid as number) - (b.indexrelid as number));
    const noColl = (rows: Record<string, unknown>[]) =>
      rows.map((r) =>
        COLLATION_NOT_COMPARED.has(r.indexrelid as number) ? { ...r, indcollation: null } : r,
      );
    expect(noColl(myIdx)).toEqual(noColl(idx));
  });

  it('namespaces, access methods, databases, roles and tablespaces are PostgreSQL 15 built-ins', async () => {
    const pick = (rows: Record<string, unknown>[], cols: string[]) =>
      rows
        .map((r) => Object.fromEntries(cols.map((c) => [c, r[c]])))
        .sort((a, b) => (a.oid as number) - (b.oid as number));
    expect(pick(ours('pg_namespace'), ['oid', 'nspname', 'nspowner'])).toEqual(
      await pg.query(
        'SELECT oid::int, nspname::text, nspowner::int FROM pg_namespace ORDER BY oid',
      ),
    );
    expect(pick(ours('pg_am'), ['oid', 'amname', 'amhandler', 'amtype'])).toEqual(
      await pg.query(
        'SELECT oid::int, amname::text, amhandler::oid::int, amtype::text FROM pg_am ORDER BY oid',
      ),
    );
    expect(
      pick(ours('pg_database'), [
        'oid',
        'datname',
        'datistemplate',
        'datallowconn',
        'dattablespace',
        'datdba',
      ]),
    ).toEqual(
      await pg.query(
        'SELECT oid::int, datname::text, datistemplate, datallowconn, dattablespace::int, datdba::int FROM pg_database ORDER BY oid',
      ),
    );
    expect(
      pick(ours('pg_authid'), ['oid', 'rolname', 'rolsuper', 'rolinherit', 'rolcanlogin']),
    ).toEqual(
      await pg.query(
        `SELECT oid::int, rolname::text, rolsuper, rolinherit, rolcanlogin FROM pg_authid WHERE oid < 16384 ORDER BY oid`,
      ),
    );
    expect(pick(ours('pg_tablespace'), ['oid', 'spcname', 'spcowner'])).toEqual(
      await pg.query(
        'SELECT oid::int, spcname::text, spcowner::int FROM pg_tablespace ORDER BY oid',
      ),
    );
  });

  it("pg_type rows of the registry's types, a sample of pg_proc and every pg_operator row match", async () => {
    const types = ours('pg_type').filter((r) => (r.typrelid as number) === 0);
    const typeCols = [
      'oid',
      'typname',
      'typnamespace',
      'typlen',
      'typbyval',
      'typtype',
      'typcategory',
      'typispreferred',
      'typdelim',
      'typsubscript',
      'typelem',
      'typarray',
      'typinput',
      'typoutput',
      'typreceive',
      'typsend',
      'typalign',
      'typstorage',
      'typcollation',
    ];
    const theirTypes = await pg.query(
      `SELECT oid::int, typname::text, typnamespace::int, typlen::int, typbyval, typtype::text, typcategory::text, typispreferred, typdelim::text,
              typsubscript::oid::int, typelem::int, typarray::int, typinput::oid::int, typoutput::oid::int, typreceive::oid::int, typsend::oid::int,
              typalign::text, typstorage::text, typcollation::int
         FROM pg_type WHERE oid = ANY($1::oid[]) ORDER BY oid`,
      [types.map((t) => t.oid)],
    );
    expect(
      types
        .map((r) => Object.fromEntries(typeCols.map((c) => [c, r[c]])))
        .sort((a, b) => (a.oid as number) - (b.oid as number)),
    ).toEqual(theirTypes);

    const procs = ours('pg_proc');
    const sample = procs.filter((_, i) => i % 7 === 0);
    const theirProcs = await pg.query(
      `SELECT oid::int, proname::text, pronargs::int, prorettype::int, string_to_array(proargtypes::text, ' ')::int[] AS proargtypes, proisstrict, provolatile::text, proretset, prokind::text
         FROM pg_proc WHERE oid = ANY($1::oid[]) ORDER BY oid`,
      [sample.map((p) => p.oid)],
    );
    const cols = [
      'oid',
      'proname',
      'pronargs',
      'prorettype',
      'proargtypes',
      'proisstrict',
      'provolatile',
      'proretset',
      'prokind',
    ];
    const mine = sample
      .map((r) =>
        Object.fromEntries(
          cols.map((c) => [
            c,
            c === 'proargtypes' ? ((r[c] as number[]).length ? r[c] : null) : r[c],
          ]),
        ),
      )
      .sort((a, b) => (a.oid as number) - (b.oid as number));
    expect(mine).toEqual(
      theirProcs.map((p) => ({
        ...p,
        proargtypes: (p.proargtypes as number[] | null)?.length ? p.proargtypes : null,
      })),
    );

    const ops = ours('pg_operator');
    const theirOps = await pg.query(
      `SELECT oid::int, oprname::text, oprkind::text, oprleft::int, oprright::int, oprresult::int, oprcode::oid::int, oprcom::int, oprnegate::int
         FROM pg_operator WHERE oid = ANY($1::oid[]) ORDER BY oid`,
      [ops.map((o) => o.oid)],
    );
    const opCols = [
      'oid',
      'oprname',
      'oprkind',
      'oprleft',
      'oprright',
      'oprresult',
      'oprcode',
      'oprcom',
      'oprnegate',
    ];
    expect(
      ops
        .map((r) => Object.fromEntries(opCols.map((c) => [c, r[c]])))
        .sort((a, b) => (a.oid as number) - (b.oid as number)),
    ).toEqual(theirOps);
  });
});

describe('our catalog pages read by pageinspect', () => {
  const page = (oid: number, block: number) => {
    const bytes = new Uint8Array(8192);
    h.pool.flushAll();
    h.smgr.read(
      {
        spcOid: oid === 1262 || oid === 1260 || oid === 1213 ? 1664 : 1663,
        dbOid: oid === 1262 || oid === 1260 || oid === 1213 ? 0 : 5,
        relNumber: oid,
      },
      ForkNumber.main,
      block,
      bytes,
    );
    return Buffer.from(bytes);
  };

  for (const name of [
    'pg_namespace',
    'pg_am',
    'pg_class',
    'pg_attribute',
    'pg_type',
    'pg_proc',
    'pg_index',
    'pg_database',
    'pg_authid',
    'pg_operator',
  ]) {
    it(`${name}: frozen tuples, decoded by PostgreSQL's descriptor of ${name} as PostgreSQL stores them`, async () => {
      const def = PG15_CATALOGS.find((c) => c.name === name)!;
      const items = await pg.query<{
        lp: number;
        t_xmin: string;
        t_ctid: string;
        flags: string[];
        attrs: (Buffer | null)[];
      }>(
        `SELECT lp, t_xmin::text, t_ctid::text, f.raw_flags AS flags, t_attrs AS attrs
           FROM heap_page_item_attrs($1::bytea, $2::regclass) i
           LEFT JOIN LATERAL heap_tuple_infomask_flags(i.t_infomask, i.t_infomask2) f ON true ORDER BY lp`,
        [page(def.oid, 0), def.oid],
      );
      expect(items.length).toBeGreaterThan(0);
      for (const it of items) {
        expect(it.t_xmin).toBe('2');
        expect(it.t_ctid).toBe(`(0,${it.lp})`);
        expect(it.flags).toEqual(
          expect.arrayContaining(['HEAP_XMIN_COMMITTED', 'HEAP_XMIN_INVALID', 'HEAP_XMAX_INVALID']),
        );
        expect(it.attrs).toHaveLength(def.columns.length);
      }
      // the same rows in PostgreSQL's own catalog (matched by the first attribute, the OID or the first key): attributes byte for byte
      const theirs = await pg.query<{ attrs: (Buffer | null)[] }>(
        `SELECT t_attrs AS attrs FROM generate_series(0, pg_relation_size($1::regclass) / 8192 - 1) b,
                LATERAL heap_page_item_attrs(get_raw_page($1::regclass::text, b::int), $1::regclass) WHERE t_attrs IS NOT NULL`,
        [def.oid],
      );
      const key = (a: (Buffer | null)[]) => `${a[0]?.toString('hex')}:${a[1]?.toString('hex')}`;
      const byKey = new Map(theirs.map((t) => [key(t.attrs), t.attrs]));
      // columns whose values legitimately differ (ACLs, statistics, versions, our expression text)
      const skip = new Set([
        'relfilenode',
        'relacl',
        'nspacl',
        'datacl',
        'typacl',
        'proacl',
        'relpages',
        'reltuples',
        'relallvisible',
        'relfrozenxid',
        'relminmxid',
        'datfrozenxid',
        'datminmxid',
        'relhasindex',
        'relhastriggers',
        'relhassubclass',
        'relreplident',
        'attstattarget',
        'prolang',
        'prosrc',
        'procost',
        'prorows',
        'prosupport',
        'proparallel',
        'proargnames',
        'proargdefaults',
        'pronargdefaults',
        'proleakproof',
        'prosqlbody',
        'provariadic',
        'proallargtypes',
        'proargmodes',
        'proconfig',
        'rolpassword',
        'datcollate',
        'datctype',
        'oprrest',
        'oprjoin',
        'oprcanmerge',
        'oprcanhash',
        'typanalyze',
        'typmodin',
        'typmodout',
        'relispopulated',
        'reltoastrelid',
        'relpersistence',
        'relrewrite',
        'attcompression',
        'attislocal',
      ]);
      let compared = 0;
      for (const it of items) {
        const t = byKey.get(key(it.attrs));
        if (!t) continue;
        compared++;
        def.columns.forEach(([col], i) => {
          if (skip.has(col)) return;
          expect(it.attrs[i]?.toString('hex') ?? null, `${name}.${col}`).toBe(
            t[i]?.toString('hex') ?? null,
          );
        });
      }
      expect(compared).toBeGreaterThan(0);
    }, 60_000);
  }
});

describe('system views compared with PostgreSQL 15', () => {
  const vs = h.session();
  let oid = 0;
  beforeAll(async () => {
    await pg.query(
      `CREATE TABLE vt (id int PRIMARY KEY, name text NOT NULL DEFAULT 'x', v varchar(10), n numeric(10,2), ts timestamptz, "Mixed" int)`,
    );
    await pg.query('CREATE INDEX ON vt (v DESC, n NULLS FIRST)');
    await pg.query('CREATE UNIQUE INDEX vt_u ON vt (ts DESC NULLS LAST)');
    oid = vs.run((c) =>
      c.createTable({
        namespace: 'public',
        name: 'vt',
        columns: [
          { name: 'id', typeOid: 23, typmod: -1, notNull: false },
          { name: 'name', typeOid: 25, typmod: -1, notNull: true, defaultExpr: "'x'::text" },
          { name: 'v', typeOid: 1043, typmod: 14, notNull: false },
          { name: 'n', typeOid: 1700, typmod: ((10 << 16) | 2) + 4, notNull: false },
          { name: 'ts', typeOid: 1184, typmod: -1, notNull: false },
          { name: 'Mixed', typeOid: 23, typmod: -1, notNull: false },
        ],
      }),
    ) as number;
    vs.run((c) => c.createIndex({ table: oid, columns: [1], primary: true }));
    vs.run((c) =>
      c.createIndex({
        table: oid,
        columns: [3, 4],
        descending: [true, false],
        nullsFirst: [true, true],
      }),
    );
    vs.run((c) =>
      c.createIndex({
        table: oid,
        name: 'vt_u',
        columns: [5],
        unique: true,
        descending: [true],
        nullsFirst: [false],
      }),
    );
    await vs.commit();
  });

  const view = (schema: string | undefined, name: string): Record<string, unknown>[] =>
    vs.run((c) => {
      const d = c.lookupRelation(schema, name);
      if (!d?.computed) throw new Error(`${name} is not computed`);
      const o = c.open(d.oid);
      return [...(o.rows?.() ?? [])].map((r) =>
        Object.fromEntries(d.columns.map((col, i) => [col.name, r[i]])),
      );
    });
  const pick = (rows: Record<string, unknown>[], cols: string[]) =>
    rows.map((r) => Object.fromEntries(cols.map((k) => [k, r[k] ?? null])));
  const sortBy = (k: string) => (a: Record<string, unknown>, b: Record<string, unknown>) =>
    String(a[k]).localeCompare(String(b[k]));

  it('the views have PostgreSQL 15 columns (domains as their base types)', async () => {
    const theirs = await pg.query<{ relname: string; cols: string[] }>(
      `SELECT c.relname::text, array_agg(a.attname::text || ':' || (CASE WHEN t.typtype = 'd' THEN t.typbasetype ELSE a.atttypid END)::int ORDER BY a.attnum) AS cols
         FROM pg_class c JOIN pg_attribute a ON a.attrelid = c.oid AND a.attnum > 0 JOIN pg_type t ON t.oid = a.atttypid
        WHERE (c.relnamespace = 11 AND c.relname IN ('pg_tables','pg_indexes','pg_views','pg_roles','pg_user','pg_settings'))
           OR (c.relnamespace = 'information_schema'::regnamespace AND c.relname IN ('tables','columns','schemata'))
        GROUP BY c.relname ORDER BY c.relname`,
    );
    for (const t of theirs) {
      const schema = ['tables', 'columns', 'schemata'].includes(t.relname)
        ? 'information_schema'
        : 'pg_catalog';
      const d = vs.run((c) => c.lookupRelation(schema, t.relname));
      expect(
        d?.columns.map((col) => `${col.name}:${col.typeOid}`),
        t.relname,
      ).toEqual(t.cols);
    }
  });

  it('pg_tables, pg_indexes (indexdef), pg_roles, pg_user', async () => {
    const tcols = [
      'schemaname',
      'tablename',
      'tableowner',
      'tablespace',
      'hasindexes',
      'hasrules',
      'hastriggers',
      'rowsecurity',
    ];
    expect(
      pick(
        view(undefined, 'pg_tables').filter((r) => r.schemaname === 'public'),
        tcols,
      ),
    ).toEqual(
      await pg.query(`SELECT ${tcols.join(', ')} FROM pg_tables WHERE schemaname = 'public'`),
    );
    // every catalog is there too
    expect(view(undefined, 'pg_tables').filter((r) => r.schemaname === 'pg_catalog').length).toBe(
      PG15_CATALOGS.length + PSQL_CATALOGS.length + PGDUMP_CATALOGS.length,
    );
    const icols = ['schemaname', 'tablename', 'indexname', 'tablespace', 'indexdef'];
    expect(
      pick(
        view(undefined, 'pg_indexes').filter((r) => r.schemaname === 'public'),
        icols,
      ).sort(sortBy('indexname')),
    ).toEqual(
      await pg.query(
        `SELECT ${icols.join(', ')} FROM pg_indexes WHERE schemaname = 'public' ORDER BY indexname COLLATE "C"`,
      ),
    );
    const rcols = [
      'rolname',
      'rolsuper',
      'rolinherit',
      'rolcreaterole',
      'rolcreatedb',
      'rolcanlogin',
      'rolreplication',
      'rolconnlimit',
      'rolpassword',
      'rolbypassrls',
      'oid',
    ];
    expect(pick(view(undefined, 'pg_roles'), rcols).sort(sortBy('oid'))).toEqual(
      (
        await pg.query(
          `SELECT ${rcols.filter((k) => k !== 'oid').join(', ')}, oid::int AS oid FROM pg_roles`,
        )
      ).sort(sortBy('oid')),
    );
    const ucols = [
      'usename',
      'usesysid',
      'usecreatedb',
      'usesuper',
      'userepl',
      'usebypassrls',
      'passwd',
    ];
    expect(pick(view(undefined, 'pg_user'), ucols)).toEqual(
      (await pg.query(`SELECT ${ucols.join(', ')} FROM pg_user`)).map((r) => ({
        ...r,
        usesysid: Number(r.usesysid),
      })),
    );
  });

  it('information_schema.tables, columns and schemata', async () => {
    const tcols = [
      'table_catalog',
      'table_schema',
      'table_name',
      'table_type',
      'is_insertable_into',
      'is_typed',
      'commit_action',
    ];
    expect(
      pick(
        view('information_schema', 'tables').filter((r) => r.table_schema === 'public'),
        tcols,
      ),
    ).toEqual(
      await pg.query(
        `SELECT ${tcols.map((k) => `${k}::text`).join(', ')} FROM information_schema.tables WHERE table_schema = 'public'`,
      ),
    );
    const ccols = [
      'table_name',
      'column_name',
      'ordinal_position',
      'column_default',
      'is_nullable',
      'data_type',
      'character_maximum_length',
      'character_octet_length',
      'numeric_precision',
      'numeric_precision_radix',
      'numeric_scale',
      'datetime_precision',
      'udt_name',
      'dtd_identifier',
      'is_identity',
      'is_generated',
      'is_updatable',
    ];
    expect(
      pick(
        view('information_schema', 'columns').filter((r) => r.table_name === 'vt'),
        ccols,
      ),
    ).toEqual(
      await pg.query(
        `SELECT ${ccols.map((k) => (['ordinal_position', 'character_maximum_length', 'character_octet_length', 'numeric_precision', 'numeric_precision_radix', 'numeric_scale', 'datetime_precision'].includes(k) ? `${k}::int` : `${k}::text`)).join(', ')}
           FROM information_schema.columns WHERE table_name = 'vt' ORDER BY ordinal_position`,
      ),
    );
    const scols = ['catalog_name', 'schema_name', 'schema_owner'];
    expect(pick(view('information_schema', 'schemata'), scols).sort(sortBy('schema_name'))).toEqual(
      (
        await pg.query(
          `SELECT ${scols.map((k) => `${k}::text`).join(', ')} FROM information_schema.schemata`,
        )
      ).sort(sortBy('schema_name')),
    );
  });
});
