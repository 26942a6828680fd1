/**
 * `pg-ts dump` and `pg-ts restore`: a database as SQL text in pg_dump's
 * plain format (schemas, sequences, tables with column types, defaults and
 * NOT NULL, data as COPY ... FROM stdin blocks ending in `\.`, setval,
 * then primary keys, unique and check constraints, indexes, foreign keys
 * and views), which real psql 15 loads; restore runs such a file through
 * a connection, COPY blocks as COPY FROM STDIN.
 */
import { readFileSync } from 'node:fs';
import { quoteIdent } from '@pg/types';
import type { Io } from './cli.js';
import type { Conn } from './conn.js';
import { progressSteps } from './progress.js';
import { complete, formatError } from './shell.js';

/** quote_ident, as PostgreSQL's quote_identifier (re-exported for the dump's tests). */
export { quoteIdent };

const lit = (s: string) => `'${s.replace(/'/g, "''")}'`;

interface Table {
  oid: string;
  schema: string;
  name: string;
  qualified: string;
}

async function rows(conn: Conn, sql: string): Promise<(string | null)[][]> {
  const results = await conn.query(sql);
  return results[results.length - 1]?.rows ?? [];
}

const USER_SCHEMAS = `n.nspname NOT IN ('pg_catalog', 'information_schema', 'pg_toast') AND n.nspname NOT LIKE 'pg_temp%' AND n.nspname NOT LIKE 'pg_toast_temp%'`;

/** The whole database as SQL text. */
export async function dumpDatabase(conn: Conn, database: string): Promise<string> {
  const out: string[] = [];
  const emit = (s: string) => out.push(s);
  emit('--\n-- PostgreSQL database dump (pg-ts)\n--\n\n');
  emit(
    "SET statement_timeout = 0;\nSET lock_timeout = 0;\nSET client_encoding = 'UTF8';\nSET standard_conforming_strings = on;\n\n",
  );
  void database;

  for (const [schema] of await rows(
    conn,
    `SELECT n.nspname FROM pg_namespace n WHERE ${USER_SCHEMAS} AND n.nspname <> 'public' ORDER BY n.nspname`,
  )) {
    emit(`CREATE SCHEMA ${quoteIdent(schema ?? '')};\n\n`);
  }

  const tables: Table[] = (
    await rows(
      conn,
      `SELECT c.oid::int8::text, n.nspname, c.relname FROM pg_class c JOIN pg_namespace n ON n.oid = c.relnamespace WHERE c.relkind IN ('r', 'p') AND ${USER_SCHEMAS} ORDER BY n.nspname, c.relname`,
    )
  ).map(([oid, schema, name]) => ({
    oid: oid ?? '',
    schema: schema ?? '',
    name: name ?? '',
    qualified: `${quoteIdent(schema ?? '')}.${quoteIdent(name ?? '')}`,
  }));

  // sequences: owned ones (serial) are created before their table; identity ones come with it
  const sequences = await rows(
    conn,
    `SELECT c.oid::int8::text, n.nspname, c.relname, s.seqtypid::regtype::text, s.seqstart::text, s.seqincrement::text, s.seqmin::text, s.seqmax::text, s.seqcache::text, s.seqcycle::text,
            (SELECT d.deptype::text FROM pg_depend d WHERE d.classid = 'pg_class'::regclass AND d.objid = c.oid AND d.deptype IN ('a', 'i') LIMIT 1),
            (SELECT d.refobjid::int8::text || ':' || d.refobjsubid::text FROM pg_depend d WHERE d.classid = 'pg_class'::regclass AND d.objid = c.oid AND d.deptype IN ('a', 'i') LIMIT 1)
       FROM pg_class c JOIN pg_namespace n ON n.oid = c.relnamespace JOIN pg_sequence s ON s.seqrelid = c.oid
      WHERE c.relkind = 'S' AND ${USER_SCHEMAS} ORDER BY n.nspname, c.relname`,
  );
  const setvals: string[] = [];
  const ownedBy: string[] = [];
  for (const [
    oid,
    schema,
    name,
    type,
    startV,
    inc,
    min,
    max,
    cache,
    cycle,
    deptype,
    owner,
  ] of sequences) {
    const q = `${quoteIdent(schema ?? '')}.${quoteIdent(name ?? '')}`;
    const [state] = await rows(conn, `SELECT last_value::text, is_called::text FROM ${q}`);
    if (state !== undefined) {
      setvals.push(`SELECT pg_catalog.setval(${lit(q)}, ${state[0]}, ${state[1] === 'true'});\n`);
    }
    if (deptype === 'i') continue;
    const defaultMin = inc !== null && Number(inc) > 0 ? '1' : undefined;
    emit(
      `CREATE SEQUENCE ${q}\n    AS ${type}\n    START WITH ${startV}\n    INCREMENT BY ${inc}\n` +
        `    ${min === defaultMin ? 'NO MINVALUE' : `MINVALUE ${min}`}\n` +
        `    MAXVALUE ${max}\n    CACHE ${cache}${cycle === 'true' ? '\n    CYCLE' : ''};\n\n`,
    );
    if (deptype === 'a' && owner !== null && owner !== undefined) {
      const [relOid, attnum] = owner.split(':');
      const t = tables.find((x) => x.oid === relOid);
      const [col] = await rows(
        conn,
        `SELECT attname FROM pg_attribute WHERE attrelid = ${Number(relOid)} AND attnum = ${Number(attnum)}`,
      );
      if (t !== undefined && col?.[0] != null) {
        ownedBy.push(`ALTER SEQUENCE ${q} OWNED BY ${t.qualified}.${quoteIdent(col[0])};\n\n`);
      }
    }
    void oid;
  }

  const constraints: string[] = [];
  const foreignKeys: string[] = [];
  const indexes: string[] = [];
  const columnsOf = new Map<string, string[]>();
  for (const t of tables) {
    const cols = await rows(
      conn,
      `SELECT a.attname, format_type(a.atttypid, a.atttypmod), a.attnotnull::text, pg_get_expr(d.adbin, d.adrelid), a.attidentity::text
         FROM pg_attribute a LEFT JOIN pg_attrdef d ON d.adrelid = a.attrelid AND d.adnum = a.attnum
        WHERE a.attrelid = ${t.oid} AND a.attnum > 0 AND NOT a.attisdropped ORDER BY a.attnum`,
    );
    columnsOf.set(
      t.oid,
      cols.map((c) => quoteIdent(c[0] ?? '')),
    );
    const defs = cols.map(([name, type, notnull, def, identity]) => {
      let s = `    ${quoteIdent(name ?? '')} ${type}`;
      if (identity === 'a' || identity === 'd') {
        s += ` GENERATED ${identity === 'a' ? 'ALWAYS' : 'BY DEFAULT'} AS IDENTITY`;
      } else if (def !== null && def !== undefined) s += ` DEFAULT ${def}`;
      if (notnull === 'true') s += ' NOT NULL';
      return s;
    });
    emit(`CREATE TABLE ${t.qualified} (\n${defs.join(',\n')}\n);\n\n`);
    const cons = await rows(
      conn,
      `SELECT conname, contype::text, pg_get_constraintdef(oid) FROM pg_constraint WHERE conrelid = ${t.oid} ORDER BY contype, conname`,
    );
    const constraintNames = new Set<string>();
    for (const [name, type, def] of cons) {
      constraintNames.add(name ?? '');
      const line = `ALTER TABLE ONLY ${t.qualified}\n    ADD CONSTRAINT ${quoteIdent(name ?? '')} ${def};\n\n`;
      if (type === 'f') foreignKeys.push(line);
      else if (type === 'p' || type === 'u' || type === 'c' || type === 'x') constraints.push(line);
    }
    for (const [name, def] of await rows(
      conn,
      `SELECT c.relname, pg_get_indexdef(i.indexrelid) FROM pg_index i JOIN pg_class c ON c.oid = i.indexrelid WHERE i.indrelid = ${t.oid} ORDER BY c.relname`,
    )) {
      if (!constraintNames.has(name ?? '')) indexes.push(`${def};\n\n`);
    }
  }
  for (const o of ownedBy) emit(o);

  for (const t of tables) {
    const cols = columnsOf.get(t.oid) ?? [];
    const list = cols.join(', ');
    emit(`--\n-- Data for Name: ${t.name}; Type: TABLE DATA; Schema: ${t.schema}\n--\n\n`);
    emit(`COPY ${t.qualified} (${list}) FROM stdin;\n`);
    emit(await conn.copyOut(`COPY ${t.qualified} (${list}) TO STDOUT`));
    emit('\\.\n\n\n');
  }
  for (const s of setvals) emit(s);
  if (setvals.length > 0) emit('\n\n');
  for (const c of constraints) emit(c);
  for (const i of indexes) emit(i);
  for (const f of foreignKeys) emit(f);
  for (const [schema, name, def] of await rows(
    conn,
    `SELECT schemaname, viewname, definition FROM pg_views WHERE schemaname NOT IN ('pg_catalog', 'information_schema') ORDER BY schemaname, viewname`,
  )) {
    emit(
      `CREATE VIEW ${quoteIdent(schema ?? '')}.${quoteIdent(name ?? '')} AS\n${(def ?? '').trimEnd().replace(/;$/, '')};\n\n`,
    );
  }
  emit('--\n-- PostgreSQL database dump complete\n--\n\n');
  return out.join('');
}

/** One piece of a dump: a statement, or a COPY statement with its data. */
export type DumpItem = { sql: string; copyData?: string };

/** Splits SQL text into statements, taking each `COPY ... FROM stdin;`'s data up to `\.`. */
export function splitDump(text: string): DumpItem[] {
  const items: DumpItem[] = [];
  const lines = text.split('\n');
  let buffer = '';
  for (let i = 0; i < lines.length; i++) {
    const line = lines[i] ?? '';
    if (buffer === '' && (line.trim() === '' || line.trimStart().startsWith('--'))) continue;
    buffer += `${line}\n`;
    if (!complete(buffer)) continue;
    const sql = buffer.trim();
    buffer = '';
    if (/^COPY\b[\s\S]*\bFROM\s+stdin\b/i.test(sql)) {
      const data: string[] = [];
      for (i++; i < lines.length && lines[i] !== '\\.'; i++) data.push(`${lines[i]}\n`);
      items.push({ sql, copyData: data.join('') });
    } else items.push({ sql });
  }
  if (buffer.trim() !== '') items.push({ sql: buffer.trim() });
  return items;
}

/** Runs a dump; resolves to the number of statements that failed (each is reported). */
export async function restoreDump(io: Io, conn: Conn, file: string): Promise<number> {
  const items = splitDump(readFileSync(file, 'utf8'));
  const progress = progressSteps(io, 'restore', items.length);
  let errors = 0;
  let n = 0;
  for (const item of items) {
    n++;
    try {
      if (item.copyData !== undefined) await conn.copyIn(item.sql, item.copyData);
      else await conn.query(item.sql);
    } catch (e) {
      const err = e as { code?: unknown; message: string };
      if (typeof err.code !== 'string') throw e;
      errors++;
      io.err(formatError(err as never));
    }
    if (io.tty === true) progress.update(n);
  }
  progress.done();
  return errors;
}
