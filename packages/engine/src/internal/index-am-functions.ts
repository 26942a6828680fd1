/**
 * issue 12: the SQL functions of the index access methods —
 * brin_summarize_new_values(regclass), brin_summarize_range(regclass,
 * bigint), brin_desummarize_range(regclass, bigint) (brin.c) and
 * gin_clean_pending_list(regclass) (ginfast.c). They find the session's
 * catalog through the TypeContext the call runs with (bound by the
 * session, as pg_notify & co. do), open the index and call the AM.
 *
 * Differences from PostgreSQL 15: they are not in pg_proc; a void result
 * is an empty text value; gin_clean_pending_list returns 0 unless the GIN
 * object has a pending list to flush (`cleanPendingList`).
 */
import type { IndexAccessMethod } from '@pg/access';
import type { Catalog } from '@pg/catalog';
import { addSessionFunction } from '@pg/sql';
import { SqlError, type TypeContext, TypeOid } from '@pg/types';

const { int4, int8, regclass, text } = TypeOid;

const catalogs = new WeakMap<TypeContext, () => Catalog>();

/** Records that index-AM functions evaluated with `ctx` use this session's catalog. */
export function bindIndexAmContext<T extends TypeContext>(ctx: T, catalog: () => Catalog): T {
  catalogs.set(ctx, catalog);
  return ctx;
}

function indexOf(ctx: TypeContext, oid: number, am: 'brin' | 'gin'): IndexAccessMethod {
  const catalog = catalogs.get(ctx)?.();
  if (catalog === undefined) throw new SqlError('0A000', 'this function runs only in a session');
  const rel = catalog.relation(oid);
  if (rel === undefined) throw new SqlError('42P01', `could not open relation with OID ${oid}`);
  if (rel.kind !== 'i') throw new SqlError('42809', `"${rel.name}" is not an index`);
  const opened = catalog.openIndex(oid);
  if (opened === undefined || opened.desc.am !== am)
    throw new SqlError('42809', `"${rel.name}" is not a ${am.toUpperCase()} index`);
  return opened.index;
}

interface BrinFunctions {
  summarizeNewValues(includePartial?: boolean): number;
  summarizeRangeOf(heapBlk: number): number;
  desummarizeRange(heapBlk: number): boolean;
}

function blockNumber(v: unknown): number {
  const n = Number(v);
  if (n < 0 || n > 0xfffffffe)
    throw new SqlError('22003', `block number out of range: ${String(v)}`);
  return n;
}

let registered = false;

/** Registers the functions (once per process). */
export function registerIndexAmFunctions(): void {
  if (registered) return;
  registered = true;
  addSessionFunction({
    name: 'brin_summarize_new_values',
    args: [regclass],
    result: int4,
    volatility: 'v',
    strict: true,
    impl: ([oid]: readonly unknown[], ctx: TypeContext) =>
      (indexOf(ctx, oid as number, 'brin') as unknown as BrinFunctions).summarizeNewValues(),
  });
  addSessionFunction({
    name: 'brin_summarize_range',
    args: [regclass, int8],
    result: int4,
    volatility: 'v',
    strict: true,
    impl: ([oid, blk]: readonly unknown[], ctx: TypeContext) => {
      const b = blockNumber(blk);
      return (indexOf(ctx, oid as number, 'brin') as unknown as BrinFunctions).summarizeRangeOf(b);
    },
  });
  addSessionFunction({
    name: 'brin_desummarize_range',
    args: [regclass, int8],
    result: text, // void in PostgreSQL: an empty value either way
    volatility: 'v',
    strict: true,
    impl: ([oid, blk]: readonly unknown[], ctx: TypeContext) => {
      const b = blockNumber(blk);
      const brin = indexOf(ctx, oid as number, 'brin') as unknown as BrinFunctions;
      brin.desummarizeRange(b);
      return '';
    },
  });
  addSessionFunction({
    name: 'gin_clean_pending_list',
    args: [regclass],
    result: int8,
    volatility: 'v',
    strict: true,
    impl: ([oid]: readonly unknown[], ctx: TypeContext) => {
      const gin = indexOf(ctx, oid as number, 'gin') as { cleanPendingList?: () => number };
      return BigInt(gin.cleanPendingList?.() ?? 0);
    },
  });
}
