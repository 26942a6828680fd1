CREATE TABLE t (id int PRIMARY KEY, v text, n int);
PREPARE up(int, text) AS INSERT INTO t VALUES ($1, $2, 1) ON CONFLICT (id) DO UPDATE SET v = $2 || '!', n = t.n + 1 RETURNING *;
EXECUTE up(1, 'a');
EXECUTE up(1, 'b');
EXECUTE up(2, 'c');
EXECUTE up(1, 'd');
SELECT * FROM t ORDER BY id;
