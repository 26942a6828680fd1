CREATE TABLE ev (who text, at date, note text);
INSERT INTO ev VALUES ('a', '2024-01-03', 'x'), ('a', '2024-01-01', 'y'), ('b', '2024-02-10', NULL), ('b', '2024-02-11', 'z');
\pset null (null)
SELECT who, min(at), max(at), max(at) - min(at) AS span FROM ev GROUP BY who ORDER BY who;
SELECT who, string_agg(to_char(at, 'MM-DD'), ' ' ORDER BY at) FROM ev GROUP BY who ORDER BY who;
SELECT date_trunc('month', at)::date AS m, count(*) FROM ev GROUP BY 1 ORDER BY 1;
SELECT who, count(note), max(note) FROM ev GROUP BY who ORDER BY who;
SELECT min(at::timestamp + interval '1 hour') FROM ev;
