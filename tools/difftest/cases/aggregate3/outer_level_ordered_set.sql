CREATE TABLE o (id int, w int);
CREATE TABLE i (o_id int, v int);
INSERT INTO o VALUES (1, 10), (2, 20), (3, 40);
INSERT INTO i VALUES (1, 5), (2, 7);
\pset null (null)
SELECT (SELECT percentile_cont(0.5) WITHIN GROUP (ORDER BY o.w) FROM i LIMIT 1) FROM o;
SELECT (SELECT percentile_cont(i.v / 10.0) WITHIN GROUP (ORDER BY o.w) FROM i) FROM o;
SELECT (SELECT rank(i.v) WITHIN GROUP (ORDER BY o.w) FROM i) FROM o;
SELECT (SELECT count(*) FILTER (WHERE o.w > 10)) FROM o;
SELECT (SELECT sum(o.w) FILTER (WHERE i.v > 5) FROM i) FROM o ORDER BY 1;
SELECT o.id, (SELECT mode() WITHIN GROUP (ORDER BY o.w)) FROM o GROUP BY o.id ORDER BY o.id;
