CREATE TABLE t (id int, k text, v jsonb, ok boolean);
INSERT INTO t VALUES (1, 'a', '1', true), (2, 'b', '"two"', false), (3, NULL, NULL, NULL);
SELECT to_jsonb(t) FROM t ORDER BY id;
SELECT row_to_json(t) FROM t ORDER BY id;
SELECT jsonb_agg(t ORDER BY id) FROM t;
SELECT json_agg(t ORDER BY id DESC) FROM t WHERE id < 3;
SELECT to_json(t) FROM t WHERE id = 2;
SELECT row_to_json(ROW(1, 'x')) AS anon, to_jsonb(ROW(1, NULL::int)) AS anonb;
SELECT jsonb_agg(s) FROM (SELECT id, k FROM t WHERE id < 3 ORDER BY id) s;
