-- int[] array_ops: @>, <@, && and = through a GIN index and without it
CREATE TABLE t (id int, a int[]);
INSERT INTO t SELECT g, ARRAY[g % 7, g % 11, g % 13] FROM generate_series(1, 300) g;
INSERT INTO t VALUES (1000, '{}'), (1001, NULL), (1002, '{1,NULL}'), (1003, '{5}');
CREATE INDEX t_a_gin ON t USING gin (a);
SET enable_seqscan = off;
SELECT count(*) FROM t WHERE a @> '{3}';
SELECT count(*) FROM t WHERE a @> '{3,5}';
SELECT count(*) FROM t WHERE a && '{1,2}';
SELECT id FROM t WHERE a <@ '{1,5,0}' ORDER BY id;
SELECT id FROM t WHERE a = '{5}' ORDER BY id;
RESET enable_seqscan;
SET enable_bitmapscan = off;
SELECT count(*) FROM t WHERE a @> '{3}';
SELECT count(*) FROM t WHERE a @> '{3,5}';
SELECT count(*) FROM t WHERE a && '{1,2}';
SELECT id FROM t WHERE a <@ '{1,5,0}' ORDER BY id;
SELECT id FROM t WHERE a = '{5}' ORDER BY id;
