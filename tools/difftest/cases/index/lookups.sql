CREATE TABLE t (id int, v text);
CREATE INDEX t_id ON t (id);
INSERT INTO t SELECT g, 'v' || g FROM generate_series(1, 200) g;
SELECT v FROM t WHERE id = 57;
SELECT v FROM t WHERE id BETWEEN 10 AND 14 ORDER BY id;
SELECT count(*) FROM t WHERE id > 190;
SELECT count(*) FROM t WHERE id < 0;
