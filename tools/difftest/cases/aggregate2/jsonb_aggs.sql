CREATE TABLE t (id int, k text, v jsonb);
INSERT INTO t VALUES (1, 'a', '1'), (2, 'b', '"two"'), (3, 'c', 'null'), (4, 'd', '{"x": [1, 2]}');
SELECT jsonb_agg(v ORDER BY id) FROM t;
SELECT jsonb_object_agg(k, v ORDER BY id) FROM t;
SELECT jsonb_agg(k ORDER BY k DESC) FROM t WHERE id < 3;
SELECT json_agg(id ORDER BY id) FROM t;
SELECT jsonb_agg(t ORDER BY id) FROM t WHERE id <= 2;
SELECT jsonb_agg(v) FROM t WHERE false;
SELECT jsonb_build_object('n', count(*), 'ids', jsonb_agg(id ORDER BY id)) FROM t;
