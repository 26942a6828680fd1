-- CREATE TABLE AS: column types and names from the query
CREATE TABLE t (a int, b varchar(5), c numeric(6,2));
INSERT INTO t VALUES (1, 'ab', 1.5), (2, 'cd', NULL);
CREATE TABLE x AS SELECT a, b, c, a::bigint AS big, b || '!' AS bang, c * 2 AS dbl, 'lit' AS lit, now() IS NOT NULL AS ok FROM t;
SELECT attname, format_type(atttypid, atttypmod) FROM pg_attribute WHERE attrelid = 'x'::regclass AND attnum > 0 ORDER BY attnum;
SELECT a, b, c, big, bang, dbl, lit, ok FROM x ORDER BY a;
CREATE TABLE y AS SELECT count(*) AS n FROM t;
SELECT * FROM y;
CREATE TABLE z AS VALUES (1, 'one'), (2, 'two');
CREATE TABLE w AS SELECT a FROM t UNION ALL SELECT a + 10 FROM t;
SELECT * FROM w ORDER BY a;
CREATE TABLE q AS SELECT 1 AS a WITH NO DATA;
SELECT count(*) FROM q;
