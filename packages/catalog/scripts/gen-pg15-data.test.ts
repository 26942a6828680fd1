/**
 * Regenerates src/internal/pg15-data.ts from a real PostgreSQL 15 (not part
 * of the test suite: vitest only collects src/**). Steps:
 *
 * 1. initdb a throwaway cluster and start it (any port; here 54329, socket in /tmp/pgcat).
 * 2. Dump, with psql -At:
 *    - /tmp/pgcat/cats.json:  the query below (catalog columns and indexes);
 *    - /tmp/pgcat/procs.json: SELECT json_agg(json_build_array(oid::int, proname, string_to_array(proargtypes::text,' ')::int[],
 *        prokind, prosrc, proparallel, procost, prorows, prolang::int, pronargdefaults)) FROM pg_proc WHERE pronamespace=11
 *    - /tmp/pgcat/ops.json:   SELECT json_agg(json_build_array(oid::int, oprname, oprkind, oprcanmerge, oprcanhash, oprleft::int,
 *        oprright::int, oprresult::int, oprcom::int, oprnegate::int, oprcode::oid::int, oprrest::oid::int, oprjoin::oid::int)) FROM pg_operator
 *    - /tmp/pgcat/types.json: SELECT json_agg(json_build_array(oid::int, typname, typlen, typbyval, typtype, typcategory,
 *        typispreferred, typdelim, typsubscript::oid::int, typelem::int, typarray::int, typinput::oid::int, typoutput::oid::int,
 *        typreceive::oid::int, typsend::oid::int, typmodin::oid::int, typmodout::oid::int, typanalyze::oid::int, typalign,
 *        typstorage, typcollation::int)) FROM pg_type WHERE typnamespace=11 AND typrelid=0
 * 3. Copy this file into src/, run it with vitest, delete the copy, run biome.
 *
 * cats.json's query:
 *
 *   with cats as (select c.oid, c.relname, c.relisshared, c.relkind from pg_class c where relname in ('pg_class','pg_attribute','pg_type','pg_proc','pg_namespace','pg_index','pg_constraint','pg_attrdef','pg_depend','pg_description','pg_operator','pg_am','pg_sequence','pg_database','pg_authid','pg_tablespace'))
 *   select json_agg(json_build_object(
 *    'name', c.relname, 'oid', c.oid::int, 'shared', c.relisshared, 'rowtype', (select reltype::int from pg_class where oid=c.oid),
 *    'columns', (select json_agg(json_build_array(a.attname, a.atttypid::int, a.attnotnull) order by a.attnum) from pg_attribute a where a.attrelid=c.oid and a.attnum>0),
 *    'indexes', (select json_agg(json_build_object('name', ic.relname, 'oid', ic.oid::int, 'unique', i.indisunique, 'keys', (select json_agg(a.attname order by k.ord) from unnest(i.indkey::int2[]) with ordinality k(n,ord) join pg_attribute a on a.attrelid=c.oid and a.attnum=k.n)) order by ic.oid) from pg_index i join pg_class ic on ic.oid=i.indexrelid where i.indrelid=c.oid)
 *   ) order by c.oid) from cats c;
 */
// biome-ignore-all lint/suspicious/noExplicitAny: a generator over JSON dumps
import { readFileSync, writeFileSync } from 'node:fs';
import { builtins } from '@pg/types';
import { test } from 'vitest';

test('gen', () => {
  const cats = JSON.parse(readFileSync('/tmp/pgcat/cats.json', 'utf8'));
  const procs: any[] = JSON.parse(readFileSync('/tmp/pgcat/procs.json', 'utf8'));
  const ops: any[] = JSON.parse(readFileSync('/tmp/pgcat/ops.json', 'utf8'));
  const types: any[] = JSON.parse(readFileSync('/tmp/pgcat/types.json', 'utf8'));
  const pkey = new Map(procs.map((p) => [`${p[1]}(${(p[2] ?? []).join(',')})`, p]));
  const fnRows: any[] = [];
  let miss = 0;
  const missing: string[] = [];
  for (const f of builtins.functions()) {
    const k = `${f.name}(${f.args.join(',')})`;
    const p = pkey.get(k);
    if (!p) {
      miss++;
      missing.push(k);
      continue;
    }
    fnRows.push([k, p[0], p[3], p[4], p[5], p[6], p[7]]);
  }
  const okey = new Map(ops.map((o) => [`${o[1]}(${o[5]},${o[6]})`, o]));
  const opRows: any[] = [];
  let omiss = 0;
  for (const o of builtins.operators()) {
    const p = okey.get(`${o.name}(${o.left},${o.right})`);
    if (!p) {
      omiss++;
      continue;
    }
    opRows.push(p);
  }
  const want = new Set([
    ...builtins.types().map((t) => t.oid),
    22,
    24,
    28,
    30,
    194,
    1034,
    1033,
    2277,
    1006,
    1008,
    1011,
    1013,
    201,
    2276,
    2283,
    2776,
    705,
    2249,
  ]);
  const typeRows = types.filter((t) => want.has(t[0]));
  console.log(
    'fn miss',
    miss,
    missing.slice(0, 30).join(' '),
    'op miss',
    omiss,
    'types',
    typeRows.length,
  );
  const out = `/**
 * Generated from a real PostgreSQL 15.20 (initdb, then the catalogs read with
 * json_agg): the columns and indexes of the catalogs this package builds,
 * and for the @pg/types registry's types, functions and operators the
 * pg_type / pg_proc / pg_operator values that the registry does not carry
 * (OIDs, support functions). Regenerate with scripts/gen-pg15-data.md.
 */
/* biome-ignore-all format: generated */

/** [attname, atttypid, attnotnull] */
export type CatalogColumnDef = readonly [string, number, boolean];
export interface CatalogIndexDef { readonly name: string; readonly oid: number; readonly unique: boolean; readonly keys: readonly string[] }
export interface CatalogDef { readonly name: string; readonly oid: number; readonly shared: boolean; readonly rowtype: number; readonly columns: readonly CatalogColumnDef[]; readonly indexes: readonly CatalogIndexDef[] }

export const PG15_CATALOGS: readonly CatalogDef[] = ${JSON.stringify(cats)};

/** "name(argoid,...)" → [oid, prokind, prosrc, proparallel, procost, prorows] */
export const PG15_PROCS: Readonly<Record<string, readonly [number, string, string, string, number, number]>> = {
${fnRows.map((r) => `  ${JSON.stringify(r[0])}: ${JSON.stringify(r.slice(1))},`).join('\n')}
};

/** [oid, oprname, oprkind, oprcanmerge, oprcanhash, oprleft, oprright, oprresult, oprcom, oprnegate, oprcode, oprrest, oprjoin] */
export const PG15_OPERATORS: readonly (readonly [number, string, string, boolean, boolean, number, number, number, number, number, number, number, number])[] = [
${opRows.map((r) => `  ${JSON.stringify(r)},`).join('\n')}
];

/** [oid, typname, typlen, typbyval, typtype, typcategory, typispreferred, typdelim, typsubscript, typelem, typarray, typinput, typoutput, typreceive, typsend, typmodin, typmodout, typanalyze, typalign, typstorage, typcollation] */
export const PG15_TYPES: readonly (readonly [number, string, number, boolean, string, string, boolean, string, number, number, number, number, number, number, number, number, number, number, string, string, number])[] = [
${typeRows.map((r) => `  ${JSON.stringify(r)},`).join('\n')}
];
`;
  writeFileSync('/work/main/packages/catalog/src/internal/pg15-data.ts', out);
});
