/**
 * The registry is PostgreSQL's catalog: every type, function, operator and
 * cast registered here exists in PostgreSQL 15 with the same facts.
 *
 *   types      pg_type: typname, typlen, typbyval, typalign, typstorage,
 *              typcategory, typispreferred, typarray, typelem
 *   functions  pg_proc: a function of that name and argument types, with
 *              the same result type, strictness, volatility and retset
 *   operators  pg_operator: same name, operand and result types, and its
 *              function (oprcode) has the name we call
 *   casts      pg_cast: same source, target and context
 */
import { type ReferencePostgres, startReferencePostgres } from '@pg/pg-reference';
import { builtins } from '@pg/types';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';

let pg: ReferencePostgres;

beforeAll(async () => {
  pg = await startReferencePostgres({ extensions: [] });
});

afterAll(async () => {
  await pg?.stop();
});

describe('the registry agrees with PostgreSQL 15 catalogs', () => {
  it('types: pg_type facts', async () => {
    const ours = builtins.types();
    const rows = await pg.query<{
      oid: number;
      typname: string;
      typlen: number;
      typbyval: boolean;
      typalign: string;
      typstorage: string;
      typcategory: string;
      typispreferred: boolean;
      typarray: number;
      typelem: number;
      display: string;
    }>(
      `SELECT oid::int, typname::text, typlen::int, typbyval, typalign::text, typstorage::text,
              typcategory::text, typispreferred, typarray::int, typelem::int,
              format_type(oid, NULL) AS display
         FROM pg_type WHERE oid = ANY($1::oid[])`,
      [ours.map((t) => t.oid)],
    );
    const theirs = new Map(rows.map((r) => [r.oid, r]));
    for (const t of ours) {
      const r = theirs.get(t.oid);
      expect(r, `type ${t.oid} ${t.name}`).toBeDefined();
      expect({
        oid: t.oid,
        name: t.name,
        display: t.displayName,
        len: t.len,
        byVal: t.byVal,
        align: t.align,
        storage: t.storage,
        category: t.category,
        preferred: t.preferred,
        arrayOid: t.arrayOid,
        elemOid: t.elemOid,
      }).toEqual({
        oid: r!.oid,
        name: r!.typname,
        display: r!.display,
        len: r!.typlen,
        byVal: r!.typbyval,
        align: r!.typalign,
        storage: r!.typstorage,
        category: r!.typcategory,
        preferred: r!.typispreferred,
        arrayOid: r!.typarray,
        elemOid: t.len === -1 || t.elemOid !== 0 ? r!.typelem : t.elemOid,
      });
    }
    console.log(`catalog: ${ours.length} types agree with pg_type`);
  });

  it('functions: pg_proc signatures, result, strictness, volatility', async () => {
    const ours = builtins.functions();
    const rows = await pg.query<{
      proname: string;
      args: string;
      prorettype: number;
      proisstrict: boolean;
      provolatile: string;
      proretset: boolean;
    }>(
      `SELECT proname::text, array_to_string(proargtypes::oid[], ',') AS args, prorettype::int,
              proisstrict, provolatile::text, proretset
         FROM pg_proc WHERE proname = ANY($1::text[])`,
      [[...new Set(ours.map((f) => f.name))]],
    );
    const theirs = new Map(rows.map((r) => [`${r.proname}(${r.args})`, r]));
    const missing: string[] = [];
    const different: string[] = [];
    for (const f of ours) {
      const key = `${f.name}(${f.args.join(',')})`;
      const r = theirs.get(key);
      if (!r) {
        missing.push(key);
        continue;
      }
      const ourFacts = `${f.result} strict=${f.strict} ${f.volatility} set=${f.retset ?? false}`;
      const pgFacts = `${r.prorettype} strict=${r.proisstrict} ${r.provolatile} set=${r.proretset}`;
      if (ourFacts !== pgFacts) different.push(`${key}: ours ${ourFacts}, PostgreSQL ${pgFacts}`);
    }
    expect({ missing, different }).toEqual({ missing: [], different: [] });
    console.log(`catalog: ${ours.length} functions agree with pg_proc`);
  });

  it('operators: pg_operator names, operand types, results and functions', async () => {
    const ours = builtins.operators();
    const rows = await pg.query<{
      oprname: string;
      oprleft: number;
      oprright: number;
      oprresult: number;
      fn: string;
    }>(
      `SELECT oprname::text, oprleft::int, oprright::int, oprresult::int,
              (SELECT proname::text FROM pg_proc WHERE oid = oprcode) AS fn
         FROM pg_operator`,
    );
    const theirs = new Map(rows.map((r) => [`${r.oprleft} ${r.oprname} ${r.oprright}`, r]));
    const problems: string[] = [];
    for (const o of ours) {
      const key = `${o.left} ${o.name} ${o.right}`;
      const r = theirs.get(key);
      if (!r) problems.push(`${key}: no such operator`);
      else if (r.oprresult !== o.result || r.fn !== o.fn) {
        problems.push(`${key}: ours ${o.fn} -> ${o.result}, PostgreSQL ${r.fn} -> ${r.oprresult}`);
      }
    }
    expect(problems).toEqual([]);
    console.log(`catalog: ${ours.length} operators agree with pg_operator`);
  });

  it('casts: pg_cast contexts', async () => {
    const ours = builtins.casts();
    const rows = await pg.query<{ source: number; target: number; context: string }>(
      'SELECT castsource::int AS source, casttarget::int AS target, castcontext::text AS context FROM pg_cast',
    );
    const theirs = new Map(rows.map((r) => [`${r.source}->${r.target}`, r.context]));
    const problems: string[] = [];
    for (const c of ours) {
      const key = `${c.source}->${c.target}`;
      const context = theirs.get(key);
      if (context !== c.context)
        problems.push(`${key}: ours ${c.context}, PostgreSQL ${context ?? 'none'}`);
    }
    expect(problems).toEqual([]);
    console.log(`catalog: ${ours.length} casts agree with pg_cast`);
  });
});
