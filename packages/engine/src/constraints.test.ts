/**
 * CHECK and FOREIGN KEY constraints through paths the differential cases
 * do not reach: COPY FROM STDIN (which takes INSERT's path when a table
 * has them), pg_get_constraintdef's text from the catalog (the column
 * list of ON DELETE SET NULL), and SET CONSTRAINTS outside a block.
 */
import { constraintDefinition } from '@pg/catalog';
import { Database, type Session } from '@pg/engine';
import { afterEach, beforeEach, describe, expect, it } from 'vitest';

let db: Database;
let s: Session;

beforeEach(async () => {
  db = await Database.open();
  s = await db.connect();
});

afterEach(async () => {
  await db.close();
});

async function fails(
  p: Promise<unknown>,
): Promise<{ code: string; message: string; detail?: string }> {
  try {
    await p;
  } catch (e) {
    return e as { code: string; message: string; detail?: string };
  }
  throw new Error('expected an error');
}

describe('constraints', () => {
  it('COPY FROM STDIN checks CHECK and FOREIGN KEY constraints, and a failed COPY inserts nothing', async () => {
    await s.query('CREATE TABLE p (id int PRIMARY KEY)');
    await s.query('CREATE TABLE c (a int CHECK (a > 0), pid int REFERENCES p)');
    await s.query('INSERT INTO p VALUES (1), (2)');
    expect((await s.copyFrom('COPY c FROM STDIN', '1\t1\n2\t2\n3\t\\N\n')).command).toBe('COPY 3');
    const e1 = await fails(s.copyFrom('COPY c FROM STDIN', '4\t1\n-5\t1\n'));
    expect([e1.code, e1.message, e1.detail]).toEqual([
      '23514',
      'new row for relation "c" violates check constraint "c_a_check"',
      'Failing row contains (-5, 1).',
    ]);
    const e2 = await fails(s.copyFrom('COPY c FROM STDIN', '6\t1\n7\t9\n'));
    expect([e2.code, e2.message, e2.detail]).toEqual([
      '23503',
      'insert or update on table "c" violates foreign key constraint "c_pid_fkey"',
      'Key (pid)=(9) is not present in table "p".',
    ]);
    const r = await s.query('SELECT count(*)::int AS n FROM c');
    expect(r.rows).toEqual([{ n: 3 }]);
  });

  it("pg_get_constraintdef's text (constraintDefinition): actions, column lists, deferral, NOT VALID", () => {
    const names: Record<number, string[]> = { 1: ['a', 'b'], 2: ['x', 'y'] };
    const col = (t: number, n: number) => names[t]?.[n - 1] ?? '?';
    const rel = (t: number) => (t === 1 ? 'u' : 's.t');
    const base = {
      oid: 9,
      table: 1,
      index: 0,
      deferrable: false,
      deferred: false,
      validated: true,
    };
    expect(
      constraintDefinition(
        {
          ...base,
          name: 'u_a_b_fkey',
          type: 'f',
          columns: [1, 2],
          refTable: 2,
          refColumns: [1, 2],
          onUpdate: 'c',
          onDelete: 'n',
          match: 's',
          deleteSetColumns: [2],
          deferrable: true,
          deferred: true,
        },
        col,
        rel,
      ),
    ).toBe(
      'FOREIGN KEY (a, b) REFERENCES s.t(x, y) ON UPDATE CASCADE ON DELETE SET NULL (b) DEFERRABLE INITIALLY DEFERRED',
    );
    expect(
      constraintDefinition(
        { ...base, name: 'k', type: 'c', columns: [1, 2], check: '(a > b)', validated: false },
        col,
        rel,
      ),
    ).toBe('CHECK ((a > b)) NOT VALID');
    expect(
      constraintDefinition(
        {
          ...base,
          name: 'f',
          type: 'f',
          columns: [1],
          refTable: 2,
          refColumns: [2],
          onUpdate: 'a',
          onDelete: 'r',
          match: 'f',
        },
        col,
        rel,
      ),
    ).toBe('FOREIGN KEY (a) REFERENCES s.t(y) MATCH FULL ON DELETE RESTRICT');
  });

  it('SET CONSTRAINTS outside a transaction block is a warning', async () => {
    const r = await s.query('SET CONSTRAINTS ALL DEFERRED');
    expect(r.command).toBe('SET CONSTRAINTS');
    expect(r.notices.map((n) => n.message)).toEqual([
      'SET CONSTRAINTS can only be used in transaction blocks',
    ]);
  });
});
