CREATE TABLE t (id int, s text);
INSERT INTO t VALUES (1, 'it''s'), (2, E'tab\there'), (3, ''), (4, 'line1
line2'), (5, $$dollar 'quoted'$$);
SELECT id, s, length(s) FROM t ORDER BY id;
