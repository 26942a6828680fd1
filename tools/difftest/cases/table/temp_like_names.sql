CREATE TABLE items (id int);
CREATE TABLE items_archive (id int);
SELECT relname FROM pg_class WHERE relname LIKE 'items%' ORDER BY relname;
DROP TABLE items_archive;
SELECT relname FROM pg_class WHERE relname LIKE 'items%' ORDER BY relname;
