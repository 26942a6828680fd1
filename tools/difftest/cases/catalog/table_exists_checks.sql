SELECT EXISTS (SELECT 1 FROM pg_tables WHERE tablename = 'widgets') AS before;
CREATE TABLE widgets (id int);
SELECT EXISTS (SELECT 1 FROM pg_tables WHERE tablename = 'widgets') AS after;
SELECT count(*) FROM information_schema.tables WHERE table_name = 'widgets';
