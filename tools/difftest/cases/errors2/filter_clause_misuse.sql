CREATE TABLE t (id int, g text, v int, d date);
INSERT INTO t VALUES (1, 'a', 10, '2024-01-01'), (2, 'b', 20, '2024-01-02');

SELECT count(*) FILTER (WHERE v) FROM t;
SELECT count(*) FILTER (WHERE sum(v) > 0) FROM t;
SELECT count(*) FILTER (WHERE row_number() OVER () > 0) FROM t;
SELECT count(*) FILTER (WHERE v IN (SELECT 10)) FROM t;
SELECT abs(v) FILTER (WHERE v > 0) FROM t;
SELECT sum(v) FILTER (WHERE nosuch > 0) FROM t;
