CREATE TABLE a (x int);
CREATE TABLE b (x int);
DROP TABLE a, b;
SELECT count(*) FROM pg_tables WHERE tablename IN ('a', 'b');
DROP TABLE a, nosuch;
