-- the planner sees through a view: a simple view over an indexed table uses the index
CREATE TABLE t (a int PRIMARY KEY, b text, c int);
INSERT INTO t SELECT g, 'x' || g, g % 10 FROM generate_series(1, 1000) g;
ANALYZE t;
CREATE VIEW v AS SELECT a, b FROM t WHERE c > 2;
EXPLAIN (COSTS OFF) SELECT * FROM v WHERE a = 5;
EXPLAIN (COSTS OFF) SELECT b FROM v x WHERE x.a < 3;
SELECT * FROM v WHERE a = 5;
SELECT * FROM v WHERE a = 13;
CREATE VIEW agg AS SELECT c, count(*) AS n FROM t GROUP BY c;
SELECT * FROM agg WHERE c = 3;
EXPLAIN (COSTS OFF) SELECT v.b FROM v JOIN t USING (a) WHERE t.c = 4 AND v.a < 20;
