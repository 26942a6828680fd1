CREATE TABLE b (id int, grp text, ok boolean, k text, v int);
INSERT INTO b VALUES (1, 'a', true, 'one', 1), (2, 'a', false, 'two', 2), (3, 'b', true, 'three', NULL), (4, 'b', NULL, 'four', 4), (5, 'c', NULL, 'five', 5);

\pset null (null)
SELECT bool_and(ok), bool_or(ok), every(ok) FROM b;
SELECT grp, bool_and(ok), bool_or(ok) FROM b GROUP BY grp ORDER BY grp;
SELECT json_agg(v ORDER BY id) FROM b;
SELECT jsonb_agg(k ORDER BY k) FROM b;
SELECT grp, json_agg(json_build_object('k', k, 'v', v) ORDER BY id) FROM b GROUP BY grp ORDER BY grp;
SELECT jsonb_agg(b ORDER BY id) FROM b WHERE id <= 2;
SELECT jsonb_object_agg(k, v) FROM b;
SELECT grp, jsonb_object_agg(k, ok) FROM b GROUP BY grp ORDER BY grp;
SELECT json_agg(v ORDER BY id) FROM b WHERE false;
SELECT jsonb_object_agg(k, v) FROM b WHERE false;
SELECT jsonb_object_agg(v, k) FROM b;
SELECT bool_and(v) FROM b;
