CREATE TABLE f (src text, dst text);
INSERT INTO f VALUES ('a', 'b'), ('b', 'c'), ('c', 'a'), ('c', 'd');
WITH RECURSIVE w(node, path) AS (SELECT 'a'::text, ARRAY['a'] UNION ALL SELECT f.dst, w.path || f.dst FROM f JOIN w ON f.src = w.node WHERE NOT f.dst = ANY (w.path)) SELECT node, array_to_string(path, '>') FROM w ORDER BY array_length(path, 1), node;
WITH RECURSIVE w(node, hops) AS (SELECT 'a'::text, 0 UNION ALL SELECT f.dst, hops + 1 FROM f JOIN w ON f.src = w.node WHERE hops < 4) SELECT hops, string_agg(node, ',' ORDER BY node) FROM w GROUP BY hops ORDER BY hops;
WITH RECURSIVE w(node, path, cyc) AS (SELECT 'a'::text, ARRAY['a'], false UNION ALL SELECT f.dst, w.path || f.dst, f.dst = ANY (w.path) FROM f JOIN w ON f.src = w.node WHERE NOT w.cyc) SELECT array_to_string(path, '>') FROM w WHERE cyc ORDER BY 1;
