-- system columns through index scans, bitmap scans, joins and sub-SELECTs
CREATE TABLE t (id int PRIMARY KEY, v text);
INSERT INTO t SELECT g, 'v' || g FROM generate_series(1, 300) g;
CREATE INDEX t_v ON t (v);
ANALYZE t;
SELECT ctid, id FROM t WHERE id = 150;
SELECT ctid, id FROM t WHERE id IN (1, 299) ORDER BY id;
SELECT ctid, v FROM t WHERE v = 'v42';
SELECT id FROM t WHERE ctid IN ('(0,5)', '(1,1)') ORDER BY id;
SELECT count(*) FROM t WHERE ctid >= '(1,0)';
SELECT a.id, b.id FROM t a JOIN t b ON a.ctid = b.ctid WHERE a.id < 4 ORDER BY a.id;
SELECT id FROM t WHERE ctid = (SELECT ctid FROM t WHERE id = 77);
SELECT id, (SELECT x.ctid FROM t x WHERE x.id = t.id + 1) AS next FROM t WHERE id < 3 ORDER BY id;
SELECT id FROM t WHERE EXISTS (SELECT 1 FROM t u WHERE u.ctid = t.ctid AND u.id = 10);
SELECT max(ctid) FROM t;
SELECT ctid FROM t ORDER BY ctid DESC LIMIT 2;
