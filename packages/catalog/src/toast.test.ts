/**
 * needs_toast_table: which column lists get a toast relation. The cases
 * were run on PostgreSQL 15 (UTF8): reltoastrelid nonzero exactly for
 * the tables marked true. (The engine's toast.test.ts compares the SQL
 * path with a live PostgreSQL; this covers PLAIN varlenas, which SQL here
 * cannot create yet.)
 */
import { needsToastTable } from '@pg/catalog';
import { describe, expect, it } from 'vitest';

const col = (typeOid: number, typmod = -1, storage?: string) => ({
  typeOid,
  typmod,
  dropped: false,
  ...(storage ? { storage } : {}),
});
const INT4 = 23;
const INT8 = 20;
const TEXT = 25;
const VARCHAR = 1043;
const NUMERIC = 1700;
const OIDVECTOR = 30;
const INT2VECTOR = 22;
const vc = (n: number) => col(VARCHAR, n + 4);

describe('needsToastTable', () => {
  it.each([
    ['(id int, a text, b varchar(10))', [col(INT4), col(TEXT), vc(10)], true],
    ['(a int, b bigint)', [col(INT4), col(INT8)], false],
    ['(a varchar(10))', [vc(10)], false],
    ['(a varchar(600), b varchar(10))', [vc(600), vc(10)], true],
    ['(a varchar(500))', [vc(500)], false], // 2004 + 24 = 2032: not over the threshold
    ['(a varchar(501))', [vc(501)], false], // 2008 + 24: still 2032
    ['(a varchar(502))', [vc(502)], true],
    ['(a numeric(1000, 2))', [col(NUMERIC, ((1000 << 16) | 2) + 4)], false],
    ['(a numeric)', [col(NUMERIC)], true],
    ['(a int2vector, b oidvector): PLAIN varlenas', [col(INT2VECTOR), col(OIDVECTOR)], false],
    // attstorage other than the type's (from the source: PostgreSQL decides at CREATE time)
    ['(a text) with attstorage PLAIN', [col(TEXT, -1, 'p')], false],
    ['(a text) with attstorage MAIN', [col(TEXT, -1, 'm')], true],
  ])('%s', (_name, columns, want) => {
    expect(needsToastTable(columns)).toBe(want);
  });

  it('dropped columns do not count', () => {
    expect(needsToastTable([{ ...col(TEXT), dropped: true }, col(INT4)])).toBe(false);
  });
});
