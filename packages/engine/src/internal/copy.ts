/**
 * COPY table [(columns)] FROM/TO a file or the caller, and COPY (query) TO
 * (src/backend/commands/copy.c, copyfrom.c, copyto.c): the statement's
 * checks (columns, options, paths), the input read as it streams (records
 * through copy-format.ts, values through the column types' input functions
 * with the column's typmod) with PostgreSQL's CONTEXT line on every error,
 * and the output written in chunks.
 */
import { closeSync, createReadStream, openSync, writeSync } from 'node:fs';
import { isAbsolute, resolve } from 'node:path';
import type { Tid } from '@pg/access';
import type { RelationDesc } from '@pg/catalog';
import { type Heap, type HeapWriter, heapMultiInsert } from '@pg/heap';
import { builtins, type TypeContext } from '@pg/types';
import { checkNotNull, FormedCopyLoader, formedTarget, withContext } from './copy-bulk.js';
import {
  CopyByteReader,
  CopyDataError,
  type CopyField,
  CopyFields,
  type CopyOptions,
  type CopyRecord,
  copyOptions,
  formatHeader,
  formatRow,
  limitPrintout,
  type OnCopyRecord,
  splitCsv,
  splitCsvBytes,
  splitText,
  splitTextBytes,
} from './copy-format.js';
import { EngineError, toEngineError } from './result.js';

/** COPY ... FROM STDIN's data: text or bytes (UTF-8), whole or as (async) chunks, read as they come. */
export type CopySource =
  | string
  | Uint8Array
  | AsyncIterable<string | Uint8Array>
  | Iterable<string | Uint8Array>;

/** COPY ... TO STDOUT's output: called with chunks of whole lines, in order (awaited). */
export type CopySink = (chunk: string) => void | Promise<void>;

// biome-ignore lint/suspicious/noExplicitAny: libpg-query's JSON nodes are untyped
type Node = any;

/** What COPY needs from the session. */
export interface CopyHost {
  /** The table a RangeVar names (42P01 when none). */
  table(rv: Node): RelationDesc;
  typeContext(): TypeContext;
  /** Runs a SELECT given as SQL text or a parse node, returning column names, types and rows. */
  select(
    query: string | Node,
  ): Promise<{ names: string[]; typeOids: number[]; rows: readonly (readonly unknown[])[] }>;
  /** The table's rows the statement's snapshot sees, read a page at a time (the table locked for reading). */
  scanTable(table: RelationDesc): Promise<Iterable<readonly unknown[]>>;
  /** A function inserting one row of the given columns (attnums) into the table, defaults for the rest. */
  inserter(table: RelationDesc, attnums: readonly number[]): (values: unknown[]) => Promise<void>;
  /**
   * The bulk path's target (the table locked for the insert, its heap and
   * the statement's writer), or undefined when rows must go through
   * INSERT's path (indexes to maintain).
   */
  bulkTarget(table: RelationDesc): Promise<BulkTarget | undefined>;
  /** The data directory (relative COPY FROM paths), if any. */
  readonly dataDir: string | undefined;
  readonly superuser: boolean;
  checkWritable(what: string): void;
  /** issue 10 (H6): CHECK_FOR_INTERRUPTS (cancel, terminate, statement_timeout), between chunks of data. */
  checkInterrupts?(): void;
  /** H7: whether the table's file was created (CREATE TABLE, TRUNCATE) in the current subtransaction — COPY FREEZE's condition. */
  newInSubtransaction?(table: RelationDesc): boolean;
}

export interface BulkTarget {
  readonly heap: Heap;
  /** The table's indexes (plain columns, not unique): an entry per row after each batch. */
  readonly indexes: readonly {
    readonly columns: readonly number[];
    insert(key: unknown[], tid: Tid): void;
  }[];
  /** The writer (xid, command id) the rows are inserted with. */
  writer(): HeapWriter;
  /** After the last batch: the command counter moves on, so later statements see the rows. */
  finish(): void;
  /** issue 11 (pgstat): `n` rows were written (n_tup_ins). */
  counted?(n: number): void;
}

/** Rows per heap multi-insert batch (bounded memory; PostgreSQL's MAX_BUFFERED_TUPLES). */
const BATCH_ROWS = 1000;

/** What the wire protocol's CopyInResponse / CopyOutResponse say (issue 10, @pg/server). */
export interface CopyStart {
  readonly direction: 'in' | 'out';
  readonly columns: number;
  readonly format: 'text' | 'csv';
}

export interface CopyIo {
  readonly copyIn?: CopySource | undefined;
  readonly copyOut?: CopySink | undefined;
  /** Called (and awaited) once a COPY FROM STDIN / TO STDOUT has checked its table and options, before data flows (issue 10: the server sends CopyIn/CopyOutResponse). */
  readonly onCopyStart?: ((start: CopyStart) => void | Promise<void>) | undefined;
}

/** Runs one COPY statement; returns the row count (the tag is `COPY n`). */
export async function runCopy(body: Node, host: CopyHost, io: CopyIo): Promise<number> {
  const isFrom = body.is_from === true;
  if (body.is_program === true) {
    throw new EngineError('0A000', 'COPY with PROGRAM is not supported yet');
  }
  if (body.filename !== undefined && !host.superuser) {
    throw new EngineError(
      '42501',
      isFrom
        ? 'must be superuser or have privileges of the pg_read_server_files role to COPY from a file'
        : 'must be superuser or have privileges of the pg_write_server_files role to COPY to a file',
      {
        hint: "Anyone can COPY to stdout or from stdin. psql's \\copy command also works for anyone.",
      },
    );
  }
  if (body.whereClause !== undefined) {
    throw new EngineError('0A000', 'COPY FROM ... WHERE is not supported yet');
  }
  const options = copyOptions(body.options ?? [], isFrom);
  if (isFrom) return copyFrom(body, host, io, options);
  return copyTo(body, host, io, options);
}

/** CopyGetAttnums: the listed columns (or all), 42703 / 42701 as PostgreSQL reports them. */
function columnsOf(table: RelationDesc, list: readonly Node[] | undefined) {
  const live = table.columns.filter((c) => !c.dropped);
  // issue 9 (H): generated columns are computed, never copied
  if (list === undefined || list.length === 0) return live.filter((c) => c.generated !== 's');
  const out: (typeof live)[number][] = [];
  for (const item of list) {
    const name = String(item.String?.sval ?? '');
    const col = live.find((c) => c.name === name);
    if (col === undefined) {
      throw new EngineError('42703', `column "${name}" of relation "${table.name}" does not exist`);
    }
    if (out.includes(col)) {
      throw new EngineError('42701', `column "${name}" specified more than once`);
    }
    if (col.generated === 's') {
      throw new EngineError('42P10', `column "${name}" is a generated column`, {
        detail: 'Generated columns cannot be used in COPY.',
      }); // issue 9 (H)
    }
    out.push(col);
  }
  return out;
}

/** The force_* lists as flags per copied column (42P10 for a column COPY does not copy). */
function flags(
  table: RelationDesc,
  names: readonly string[],
  list: '*' | readonly string[],
  what: string,
): boolean[] {
  if (list === '*') return names.map(() => true);
  const out = names.map(() => false);
  for (const name of list) {
    if (!table.columns.some((c) => !c.dropped && c.name === name)) {
      throw new EngineError('42703', `column "${name}" of relation "${table.name}" does not exist`);
    }
    const k = names.indexOf(name);
    if (k < 0) throw new EngineError('42P10', `${what} column "${name}" not referenced by COPY`);
    out[k] = true;
  }
  return out;
}

/** The input as UTF-8 byte chunks (a string is encoded a slice at a time: bounded memory). */
async function* bytesOf(source: CopySource): AsyncGenerator<Uint8Array> {
  if (typeof source === 'string') {
    yield* stringBytes(source);
    return;
  }
  if (source instanceof Uint8Array) {
    yield source;
    return;
  }
  for await (const chunk of source as AsyncIterable<string | Uint8Array>) {
    if (typeof chunk === 'string') yield* stringBytes(chunk);
    else yield chunk;
  }
}

function* stringBytes(text: string): Generator<Uint8Array> {
  const SLICE = 256 * 1024;
  let at = 0;
  while (at < text.length) {
    let end = Math.min(text.length, at + SLICE);
    // never split a surrogate pair
    const last = text.charCodeAt(end - 1);
    if (end < text.length && last >= 0xd800 && last <= 0xdbff) end--;
    yield Buffer.from(text.slice(at, end), 'utf8');
    at = end;
  }
}

async function copyFrom(body: Node, host: CopyHost, io: CopyIo, o: CopyOptions): Promise<number> {
  if (body.relation === undefined) {
    throw new EngineError('42601', 'COPY FROM requires a table');
  }
  const table = host.table(body.relation);
  if (table.kind === 'i') throw new EngineError('42809', `"${table.name}" is an index`);
  if (table.kind !== 'r') {
    throw new EngineError('42809', `cannot copy to ${kindName(table.kind)} "${table.name}"`);
  }
  host.checkWritable('COPY FROM');
  const columns = columnsOf(table, body.attlist);
  const names = columns.map((c) => c.name);
  const forceNotNull = flags(table, names, o.forceNotNull, 'FORCE_NOT_NULL');
  const forceNull = flags(table, names, o.forceNull, 'FORCE_NULL');
  let source: CopySource;
  if (body.filename !== undefined) {
    const name = String(body.filename);
    const path = isAbsolute(name) ? name : resolve(host.dataDir ?? process.cwd(), name);
    source = await openForReading(name, path);
  } else {
    if (io.copyIn === undefined) {
      throw new EngineError(
        '0A000',
        'COPY FROM STDIN needs the data: pass it as the copyIn query option (or use Session.copyFrom)',
      );
    }
    source = io.copyIn;
    // issue 10: the wire protocol's CopyInResponse goes out before the data is read
    await io.onCopyStart?.({
      direction: 'in',
      columns: columns.length,
      format: o.format === 'csv' ? 'csv' : 'text',
    });
  }
  // H7: CopyFrom's FREEZE check, after BeginCopyFrom (the CopyInResponse) as in PostgreSQL
  if (o.freeze && host.newInSubtransaction?.(table) !== true) {
    throw new EngineError(
      '55000',
      'cannot perform COPY FREEZE because the table was not created or truncated in the current subtransaction',
    );
  }
  const tctx = host.typeContext();
  const types = columns.map((c) => builtins.mustType(c.typeOid));
  const live = table.columns.filter((c) => !c.dropped);
  // the bulk path: no default to compute for a column not listed, no index to maintain
  const bulk = live.every((c) => columns.includes(c) || !c.hasDefault)
    ? await host.bulkTarget(table)
    : undefined;
  // issue 9: the fast path (rows laid out from the bytes, copy-bulk.ts) when the heap takes formed rows
  const target = bulk === undefined ? undefined : formedTarget(table, columns, bulk);
  const loader =
    bulk === undefined || target === undefined
      ? undefined
      : new FormedCopyLoader({
          table,
          columns,
          types,
          bulk,
          target,
          options: o,
          tctx,
          forceNotNull,
          forceNull,
        });
  const insert =
    bulk === undefined
      ? host.inserter(
          table,
          columns.map((c) => c.attnum),
        )
      : undefined;
  const slot = columns.map((c) => c.attnum - 1);
  const width = table.columns.length;
  let batch: unknown[][] = [];
  let batchLines: number[] = [];
  const flush = () => {
    if (bulk === undefined || batch.length === 0) return;
    const rows = batch;
    const lines = batchLines;
    batch = [];
    batchLines = [];
    try {
      const tids = heapMultiInsert(bulk.heap, rows, bulk.writer());
      bulk.counted?.(rows.length); // issue 11 (pgstat)
      // ExecInsertIndexTuples for each row of the batch, as CopyMultiInsertBufferFlush does
      for (const ix of bulk.indexes) {
        for (let k = 0; k < rows.length; k++) {
          const row = rows[k]!;
          ix.insert(
            ix.columns.map((a) => row[a - 1] ?? null),
            tids[k]!,
          );
        }
      }
    } catch (err) {
      throw withContext(err, `COPY ${relname}, line ${lines[0]}`);
    }
  };
  const split = o.format === 'csv' ? splitCsv : splitText;
  const relname = table.name;
  let count = 0;
  let headerPending = o.header !== false;
  const lineContext = (r: CopyRecord) =>
    `COPY ${relname}, line ${r.line}: "${limitPrintout(r.text)}"`;

  /** The header line (skipped, or matched against the column names). */
  const header = (fields: readonly CopyField[], context: () => string) => {
    headerPending = false;
    if (o.header === 'match') checkHeader(fields, names, o, context());
  };

  // the row-at-a-time path (INSERT's, or the bulk path's values): records as strings
  const handle = async (r: CopyRecord): Promise<void> => {
    let fields: CopyField[];
    try {
      fields = split(r.text, o);
    } catch (err) {
      throw withContext(err, lineContext(r));
    }
    if (headerPending) {
      header(fields, () => lineContext(r));
      return;
    }
    if (fields.length > columns.length) {
      throw new EngineError('22P04', 'extra data after last expected column', {
        context: lineContext(r),
      });
    }
    const values: unknown[] = new Array(columns.length);
    for (let k = 0; k < columns.length; k++) {
      const f = fields[k];
      const col = columns[k]!;
      if (f === undefined) {
        throw new EngineError('22P04', `missing data for column "${col.name}"`, {
          context: lineContext(r),
        });
      }
      let text = f.value;
      if (o.format === 'csv') {
        if (text === null && forceNotNull[k] === true) text = o.null;
        else if (text !== null && forceNull[k] === true && text === o.null) text = null;
      }
      if (text === null) {
        values[k] = null;
        continue;
      }
      try {
        values[k] = types[k]!.input(text, col.typmod, tctx);
      } catch (err) {
        throw withContext(
          err,
          `COPY ${relname}, line ${r.line}, column ${col.name}: "${limitPrintout(text)}"`,
        );
      }
    }
    if (bulk !== undefined) {
      const row: unknown[] = new Array(width).fill(null);
      for (let k = 0; k < slot.length; k++) row[slot[k]!] = values[k];
      checkNotNull(table, row, tctx, lineContext(r));
      batch.push(row);
      batchLines.push(r.line);
      if (batch.length >= BATCH_ROWS) flush();
      count++;
      return;
    }
    try {
      await insert!(values);
    } catch (err) {
      const e = toEngineError(err);
      // ExecConstraints runs while the line is at hand; index inserts run when the buffer is flushed
      throw withContext(e, e.code === '23502' ? lineContext(r) : `COPY ${relname}, line ${r.line}`);
    }
    count++;
  };

  // the fast path: records as bytes, handled as the reader finds them (synchronously)
  const fields = new CopyFields(o);
  const splitBytes = o.format === 'csv' ? splitCsvBytes : splitTextBytes;
  const cur: { buf: Buffer; start: number; end: number; line: number } = {
    buf: fields.scratch,
    start: 0,
    end: 0,
    line: 0,
  };
  const fastContext = () =>
    `COPY ${relname}, line ${cur.line}: "${limitPrintout(cur.buf.toString('utf8', cur.start, cur.end))}"`;
  const fastRecord: OnCopyRecord = (buf, start, end, line) => {
    cur.buf = buf;
    cur.start = start;
    cur.end = end;
    cur.line = line;
    try {
      splitBytes(buf, start, end, fields);
    } catch (err) {
      throw withContext(err, fastContext());
    }
    if (headerPending) {
      const asText: CopyField[] = [];
      for (let k = 0; k < fields.count; k++) {
        asText.push({ value: fields.text(k), quoted: fields.quoted[k] === 1 });
      }
      header(asText, fastContext);
      return;
    }
    loader!.row(fields, line, fastContext);
  };
  const records: CopyRecord[] = [];
  const slowRecord: OnCopyRecord = (buf, start, end, line) => {
    records.push({ text: buf.toString('utf8', start, end), line });
  };
  const onRecord = loader === undefined ? slowRecord : fastRecord;
  const reader = new CopyByteReader(o);
  /** Reads with `read`; records found before a reading error are handled before it is raised. */
  const step = async (read: () => void) => {
    let failure: unknown;
    try {
      read();
    } catch (err) {
      failure = withContext(err, `COPY ${relname}, line ${reader.line}`);
    }
    for (const r of records) await handle(r);
    records.length = 0;
    if (failure !== undefined) throw failure;
  };
  try {
    for await (const chunk of bytesOf(source)) {
      host.checkInterrupts?.(); // issue 10 (H6)
      await step(() => reader.push(chunk, onRecord));
      if (reader.done) break;
    }
    await step(() => reader.end(onRecord));
    if (loader !== undefined) {
      loader.flush();
      count += loader.count;
    }
    flush();
    bulk?.finish();
  } finally {
    const closable = source as unknown as { destroy?: () => void };
    if (typeof closable.destroy === 'function') closable.destroy();
  }
  return count;
}

function checkHeader(
  fields: readonly CopyField[],
  names: readonly string[],
  o: CopyOptions,
  context: string,
): void {
  if (fields.length !== names.length) {
    throw new EngineError(
      '22P04',
      `wrong number of fields in header line: got ${fields.length}, expected ${names.length}`,
      { context },
    );
  }
  for (let k = 0; k < names.length; k++) {
    const f = fields[k]!;
    const want = names[k]!;
    if (f.value === null) {
      throw new EngineError(
        '22P04',
        `column name mismatch in header line field ${k + 1}: got null value ("${o.null}"), expected "${want}"`,
        { context },
      );
    }
    if (f.value !== want) {
      throw new EngineError(
        '22P04',
        `column name mismatch in header line field ${k + 1}: got "${f.value}", expected "${want}"`,
        { context },
      );
    }
  }
}

async function openForReading(name: string, path: string): Promise<AsyncIterable<Uint8Array>> {
  const stream = createReadStream(path, { highWaterMark: 256 * 1024 });
  await new Promise<void>((ok, fail) => {
    stream.once('open', () => ok());
    stream.once('error', (err: NodeJS.ErrnoException) => {
      fail(
        new EngineError(
          err.code === 'ENOENT' ? '58P01' : err.code === 'EACCES' ? '42501' : '58030',
          `could not open file "${name}" for reading: ${errnoText(err)}`,
          err.code === 'ENOENT' || err.code === 'EACCES'
            ? {
                hint: "COPY FROM instructs the PostgreSQL server process to read a file. You may want a client-side facility such as psql's \\copy.",
              }
            : {},
        ),
      );
    });
  });
  return stream;
}

function errnoText(err: NodeJS.ErrnoException): string {
  switch (err.code) {
    case 'ENOENT':
      return 'No such file or directory';
    case 'EACCES':
      return 'Permission denied';
    case 'EISDIR':
      return 'Is a directory';
    default:
      return err.message;
  }
}

function kindName(kind: string): string {
  switch (kind) {
    case 'v':
      return 'view';
    case 'm':
      return 'materialized view';
    case 'S':
      return 'sequence';
    case 'i':
      return 'index';
    default:
      return 'non-table relation';
  }
}

async function copyTo(body: Node, host: CopyHost, io: CopyIo, o: CopyOptions): Promise<number> {
  let result: { typeOids: number[]; rows: Iterable<readonly unknown[]> };
  let names: string[];
  if (body.query !== undefined) {
    const r = await host.select(body.query);
    result = r;
    names = r.names;
  } else {
    const table = host.table(body.relation);
    if (table.kind === 'i') throw new EngineError('42809', `"${table.name}" is an index`);
    if (table.kind !== 'r') {
      const hint = table.kind === 'v' ? { hint: 'Try the COPY (SELECT ...) TO variant.' } : {};
      throw new EngineError(
        '42809',
        `cannot copy from ${kindName(table.kind)} "${table.name}"`,
        hint,
      );
    }
    const columns = columnsOf(table, body.attlist);
    names = columns.map((c) => c.name);
    const scan = await host.scanTable(table);
    const slots = columns.map((c) => c.attnum - 1);
    result = {
      typeOids: columns.map((c) => c.typeOid),
      rows: (function* () {
        for (const values of scan) yield slots.map((k) => values[k] ?? null);
      })(),
    };
  }
  const forced =
    o.format === 'csv' && body.relation !== undefined
      ? flags(host.table(body.relation), names, o.forceQuote, 'FORCE_QUOTE')
      : o.forceQuote === '*'
        ? names.map(() => true)
        : names.map(() => false);
  if (body.query !== undefined && o.forceQuote !== '*' && o.forceQuote.length > 0) {
    for (const n of o.forceQuote) {
      const k = names.indexOf(n);
      if (k < 0) throw new EngineError('42P10', `FORCE_QUOTE column "${n}" not referenced by COPY`);
      forced[k] = true;
    }
  }
  const tctx = host.typeContext();
  const outputs = result.typeOids.map((oid) => builtins.mustType(oid));
  let write: (chunk: string) => void | Promise<void>;
  let finish = () => {};
  if (body.filename !== undefined) {
    const name = String(body.filename);
    if (!isAbsolute(name)) {
      throw new EngineError('42602', 'relative path not allowed for COPY to file');
    }
    let fd: number;
    try {
      fd = openSync(name, 'w', 0o644);
    } catch (err) {
      const e = err as NodeJS.ErrnoException;
      throw new EngineError(
        e.code === 'ENOENT' ? '58P01' : e.code === 'EACCES' ? '42501' : '58030',
        `could not open file "${name}" for writing: ${errnoText(e)}`,
        e.code === 'ENOENT' || e.code === 'EACCES'
          ? {
              hint: "COPY TO instructs the PostgreSQL server process to write a file. You may want a client-side facility such as psql's \\copy.",
            }
          : {},
      );
    }
    write = (chunk) => {
      writeSync(fd, chunk);
    };
    finish = () => closeSync(fd);
  } else {
    if (io.copyOut === undefined) {
      throw new EngineError(
        '0A000',
        'COPY TO STDOUT needs a receiver: pass the copyOut query option (or use Session.copyTo)',
      );
    }
    write = io.copyOut;
    // issue 10: the wire protocol's CopyOutResponse goes out before the first row
    await io.onCopyStart?.({
      direction: 'out',
      columns: names.length,
      format: o.format === 'csv' ? 'csv' : 'text',
    });
  }
  let count = 0;
  try {
    let buf = o.header === true ? formatHeader(names, o) : '';
    const text = new Array<string | null>(names.length);
    for (const row of result.rows) {
      count++;
      for (let k = 0; k < text.length; k++) {
        const v = row[k];
        text[k] = v === null || v === undefined ? null : outputs[k]!.output(v as never, tctx);
      }
      buf += formatRow(text, o, forced);
      if (buf.length >= 65536) {
        await write(buf);
        buf = '';
        host.checkInterrupts?.(); // issue 10 (H6)
      }
    }
    if (buf !== '') await write(buf);
  } finally {
    finish();
  }
  return count;
}

export { CopyDataError };
