-- DROP INDEX and DROP TABLE remove gin, brin and hash indexes with their catalog rows
CREATE TABLE d (n int, doc jsonb);
CREATE INDEX d_doc ON d USING gin (doc);
CREATE INDEX d_n_brin ON d USING brin (n);
CREATE INDEX d_n_hash ON d USING hash (n);
SELECT relname FROM pg_class WHERE relname LIKE 'd\_%' ORDER BY 1;
DROP INDEX d_doc;
DROP INDEX IF EXISTS d_doc;
SELECT indexname FROM pg_indexes WHERE tablename = 'd' ORDER BY 1;
INSERT INTO d VALUES (1, '{"a": 1}');
DROP TABLE d;
SELECT count(*) FROM pg_class WHERE relname LIKE 'd\_%';
SELECT count(*) FROM pg_index i LEFT JOIN pg_class c ON c.oid = i.indrelid WHERE c.oid IS NULL;
