import { loadParser, PositionedSqlError, parse } from '@pg/sql';
import { SqlError } from '@pg/types';
import { beforeAll, describe, expect, it } from 'vitest';

beforeAll(async () => {
  await loadParser();
  await loadParser(); // idempotent
});

function syntaxError(sql: string): { code: string; message: string; position: number | undefined } {
  try {
    parse(sql);
  } catch (e) {
    expect(e).toBeInstanceOf(PositionedSqlError);
    expect(e).toBeInstanceOf(SqlError);
    const err = e as PositionedSqlError;
    return { code: err.code, message: err.message, position: err.position };
  }
  throw new Error(`no syntax error in ${sql}`);
}

describe('parse', () => {
  it('splits statements and keeps each one text and byte location', () => {
    const stmts = parse("select 1; select 'é' ;update t set a = 1");
    expect(stmts.map((s) => Object.keys(s.node)[0])).toEqual([
      'SelectStmt',
      'SelectStmt',
      'UpdateStmt',
    ]);
    expect(stmts.map((s) => s.text)).toEqual(['select 1', "select 'é'", 'update t set a = 1']);
    expect(stmts.map((s) => s.location)).toEqual([0, 9, 23]);
  });

  it('an empty string has no statements', () => {
    expect(parse('')).toEqual([]);
    expect(parse(' ; ')).toEqual([]);
  });

  it('syntax errors are 42601 with PostgreSQL message and 1-based character position', () => {
    expect(syntaxError('SELEC 1')).toEqual({
      code: '42601',
      message: 'syntax error at or near "SELEC"',
      position: 1,
    });
    expect(syntaxError('select 1 +')).toEqual({
      code: '42601',
      message: 'syntax error at end of input',
      position: 11,
    });
    // Positions count characters, not UTF-8 bytes.
    expect(syntaxError("select 'é', 'é' frm x")).toEqual({
      code: '42601',
      message: 'syntax error at or near "x"',
      position: 21,
    });
    expect(syntaxError("select 'abc")).toEqual({
      code: '42601',
      message: 'unterminated quoted string at or near "\'abc"',
      position: 8,
    });
  });
});
