import { existsSync, mkdtempSync, readdirSync, rmSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { deserialize, serialize } from 'node:v8';
import { builtins, defaultContext } from '@pg/types';
import { afterAll, describe, expect, it } from 'vitest';
import { closeTempFiles, createSpool, openTempFiles } from './tempfile.js';

const dir = mkdtempSync(join(tmpdir(), 'execcore-spool-'));
afterAll(() => rmSync(dir, { recursive: true, force: true }));

const SAMPLES = [
  '0',
  '1',
  '-7',
  '1.50',
  '-0',
  'NaN',
  'Infinity',
  '-Infinity',
  '123456789012345678901234.5678',
  't',
  'abc',
  'x',
  '2024-01-02',
  '2024-01-02 03:04:05.123456+02',
  'infinity',
  '12:34:56.789',
  '1 year 2 mons 3 days 04:05:06.7',
  '-1 day',
  '{"a":[1,2.50,null,true],"b":{"c":"d"}}',
  '[]',
  '\\x0102ff',
  '{1,2,NULL}',
  '{{1,2},{3,4}}',
  '{"a b",NULL}',
  '(1,2)',
  '192.168.0.1/24',
  'a0eebc99-9c0b-4ef8-bb6d-6bb9bd380a11',
  '08:00:2b:01:02:03',
  '101',
  '1.5e300',
  'abc def',
];

describe('temporary spools', () => {
  it('round-trips the value of every builtin type through v8 serialization exactly', () => {
    const tctx = defaultContext();
    let checked = 0;
    const typesSeen = new Set<string>();
    for (const t of builtins.types()) {
      for (const s of SAMPLES) {
        let v: unknown;
        try {
          v = t.input(s, -1, tctx);
        } catch {
          continue;
        }
        const back = deserialize(serialize([v]))[0];
        expect(back, `${t.name} '${s}'`).toStrictEqual(v);
        expect(t.output(back, tctx)).toBe(t.output(v, tctx));
        expect(t.compare(back, v) === 0).toBe(true);
        if (typeof v === 'number') expect(Object.is(back, v)).toBe(true);
        checked++;
        typesSeen.add(t.name);
      }
    }
    for (const name of [
      'numeric',
      'interval',
      'timestamp',
      'timestamptz',
      'json',
      'jsonb',
      'bytea',
      '_int4',
      'float8',
      'int8',
      'uuid',
      'date',
    ]) {
      expect(typesSeen.has(name), name).toBe(true);
    }
    expect(checked).toBeGreaterThan(100);
  });

  it('writes, reads twice and removes its file; closeTempFiles removes forgotten ones', () => {
    const cx = { tempDir: dir };
    const s = createSpool(cx);
    const rows: unknown[][] = [];
    for (let i = 0; i < 20000; i++) rows.push([i, `row ${i}`, i % 3 === 0 ? null : BigInt(i) * 3n]);
    for (const r of rows) s.write(r);
    s.finish();
    expect([...s.read()]).toEqual(rows);
    expect([...s.read()].length).toBe(20000);
    expect(readdirSync(dir).length).toBe(1);
    expect(readdirSync(dir)[0]).toMatch(new RegExp(`^pgsql_tmp${process.pid}\\.\\d+$`));
    s.close();
    s.close();
    expect(readdirSync(dir)).toEqual([]);
    const a = createSpool(cx);
    const b = createSpool(cx);
    a.write([1]);
    b.write([2]);
    expect(openTempFiles(cx)).toBe(2);
    closeTempFiles(cx);
    expect(openTempFiles(cx)).toBe(0);
    expect(readdirSync(dir)).toEqual([]);
    expect(existsSync(dir)).toBe(true);
  });

  it('an empty spool reads nothing', () => {
    const cx = { tempDir: dir };
    const s = createSpool(cx);
    expect([...s.read()]).toEqual([]);
    s.close();
  });
});
