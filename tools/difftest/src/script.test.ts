import { ScriptError, type ScriptStep, splitScript } from '@pg/difftest';
import fc from 'fast-check';
import { describe, expect, it } from 'vitest';

const sqlOf = (steps: ScriptStep[]): string[] =>
  steps.flatMap((s) => (s.kind === 'sql' ? [s.sql] : []));
const echoOf = (steps: ScriptStep[]): string[] =>
  steps.flatMap((s) => (s.kind === 'echo' ? [s.line] : []));

describe('splitScript', () => {
  it('splits at semicolons outside quotes, comments and parentheses', () => {
    const text = [
      "SELECT 'a;b', E'it\\'s;', $$;$$, $t$ $ ; $t$, \"x;y\" /* ; /* ; */ ; */ FROM (VALUES (1)) v(a) WHERE (1;2);",
      'SELECT 2; SELECT 3;',
    ].join('\n');
    expect(sqlOf(splitScript(text))).toEqual([
      "SELECT 'a;b', E'it\\'s;', $$;$$, $t$ $ ; $t$, \"x;y\" /* ; /* ; */ ; */ FROM (VALUES (1)) v(a) WHERE (1;2);",
      'SELECT 2;',
      'SELECT 3;',
    ]);
  });

  it('drops leading whitespace and -- comments but keeps block comments and inner comments', () => {
    const steps = splitScript('-- c\n  SELECT 1 -- inner\n  + 1;\n/* b */ SELECT 2;\n');
    expect(sqlOf(steps)).toEqual(['SELECT 1 -- inner\n  + 1;', '/* b */ SELECT 2;']);
    expect(echoOf(steps)).toEqual(['-- c', '  SELECT 1 -- inner', '  + 1;', '/* b */ SELECT 2;']);
  });

  it('skips empty lines except inside quotes, and sends the unterminated rest at the end', () => {
    const steps = splitScript("SELECT\n\n'a\n\nb'\n\nSELECT 3");
    expect(echoOf(steps)).toEqual(['SELECT', "'a", '', "b'", 'SELECT 3']);
    expect(sqlOf(steps)).toEqual(["SELECT\n'a\n\nb'\nSELECT 3"]);
  });

  it('keeps identifiers with $ and E at their end from starting quotes', () => {
    expect(sqlOf(splitScript("SELECT foo$bar$;\nSELECT some'x;';"))).toEqual([
      'SELECT foo$bar$;',
      "SELECT some'x;';",
    ]);
  });

  it('understands \\set VERBOSITY and \\pset null, and refuses other commands', () => {
    const steps = splitScript("\\set VERBOSITY terse\n\\pset null '(nu''ll)'\n");
    expect(
      steps.filter((s) => s.kind === 'meta').map((s) => s.kind === 'meta' && s.command),
    ).toEqual([
      { kind: 'set-verbosity', value: 'terse' },
      { kind: 'pset-null', value: "(nu'll)" },
    ]);
    expect(() => splitScript('\\d t\n')).toThrow(ScriptError);
    expect(() => splitScript('\\set VERBOSITY verbose\n')).toThrow(/not supported/);
    expect(() => splitScript('SELECT 1 \\gset\n')).toThrow(/inside a statement/);
  });

  it('sends the lines after COPY ... FROM STDIN up to \\. as its data, unechoed', () => {
    const steps = splitScript(
      'COPY t FROM STDIN;\n1\tx;\n\n\\.\nSELECT 1;\ncopy t from stdin (format csv);\na,b\n',
    );
    expect(steps).toEqual([
      { kind: 'echo', line: 'COPY t FROM STDIN;' },
      { kind: 'sql', sql: 'COPY t FROM STDIN;', line: 1, copyIn: '1\tx;\n\n\\.\n' },
      { kind: 'echo', line: 'SELECT 1;' },
      { kind: 'sql', sql: 'SELECT 1;', line: 5 },
      { kind: 'echo', line: 'copy t from stdin (format csv);' },
      { kind: 'sql', sql: 'copy t from stdin (format csv);', line: 6, copyIn: 'a,b\n' },
    ]);
    expect(sqlOf(splitScript('COPY t TO STDOUT;\nSELECT 1;\n'))).toEqual([
      'COPY t TO STDOUT;',
      'SELECT 1;',
    ]);
  });

  // Statements built from pieces that hide ';' in every way psql knows, joined by
  // separators psql drops; the split must give back exactly the statements.
  it('returns exactly the statements a script was built from (property)', () => {
    const piece = fc.constantFrom(
      'x',
      'foo$bar',
      '1.5',
      "'a;b'",
      "'it''s; fine'",
      "E'x\\';y'",
      "E'\\\\'",
      '$$ ; $$',
      '$t$ a;$ $$ ; $t$',
      '"semi;colon"',
      '/* ; /* nested ; */ ; */',
      '(a ; b)',
      "'multi\n;\n\nline'",
      '-- comment ; here\n ',
      '+',
      '::int',
    );
    const joiner = fc.constantFrom(' ', '\n', '  ');
    const statement = fc
      .tuple(
        fc.constantFrom('SELECT', 'INSERT', 'VALUES'),
        fc.array(fc.tuple(joiner, piece), { maxLength: 6 }),
      )
      .map(([kw, parts]) => kw + parts.map(([j, p]) => j + p).join(''));
    const separator = fc.constantFrom(' ', '\n', ' -- after ; \n', '\n\n', '\n   \n', '\t');
    fc.assert(
      fc.property(
        fc.array(fc.tuple(statement, separator), { minLength: 1, maxLength: 6 }),
        (stmts) => {
          // A statement ending in a -- comment swallows the ';' that follows on its line: end it first.
          const text = stmts.map(([s, sep]) => `${s}${s.endsWith('\n') ? '' : ''};${sep}`).join('');
          const expected = stmts.map(([s]) => `${s};`);
          expect(sqlOf(splitScript(text))).toEqual(expected);
        },
      ),
    );
  });
});
