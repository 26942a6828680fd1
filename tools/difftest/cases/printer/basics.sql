-- leading comment
SELECT 1 AS a, 'x' AS b;

/* block
   comment */ SELECT 'a
b' AS multi, 'c' AS other, 2 AS n; SELECT 3;
SELECT 'ab'::text AS "long header name", 1.5::numeric AS num, NULL AS nul;
\pset null '(null)'
SELECT NULL AS nul, 'q' AS c;
SELECT E'x\ny' AS c, 'zzzz' AS d;
SELECT 'zzzz' AS d, E'x\ny' AS c;
SELECT E'x\ny\n' AS c;
SELECT;
SELECT 1 WHERE false;
SELEC 1;
SELECT
  nosuchcol
  FROM pg_class;
CREATE TABLE t (id int primary key);
INSERT INTO t VALUES (1);
INSERT INTO t VALUES (1);
COMMIT;
DO $$ BEGIN RAISE NOTICE 'hello %', 1; END $$;
SELECT 'é' AS "ü", '日本' AS j;
  SELECT 5; -- trailing
SELECT 'x' -- inner comment
  AS y;
SELECT $q$a;b$q$ AS dollar, E'it\'s' AS e;
select 1 as "a
b";
