-- pg_class.relfrozenxid and pg_database.datfrozenxid around VACUUM FREEZE (compared as booleans: xids differ between servers)
CREATE TABLE f (id int PRIMARY KEY, v text);
INSERT INTO f SELECT g, 'v' || g FROM generate_series(1, 500) g;
UPDATE f SET v = 'u' WHERE id % 10 = 0;
SELECT relname, relfrozenxid <> '0'::xid AS has_frozenxid FROM pg_class WHERE relname IN ('f', 'f_pkey') ORDER BY relname;
SELECT age(relfrozenxid) BETWEEN 1 AND 10 AS young FROM pg_class WHERE relname = 'f';
VACUUM FREEZE f;
SELECT age(relfrozenxid) < 3 AS frozen_now FROM pg_class WHERE relname = 'f';
SELECT c.relfrozenxid = d.datfrozenxid AS same_as_db, age(c.relfrozenxid) <= age(d.datfrozenxid) AS not_older
  FROM pg_class c, pg_database d WHERE c.relname = 'f' AND d.datname = current_database();
SELECT count(*), count(*) FILTER (WHERE v = 'u') AS updated FROM f;
DELETE FROM f WHERE id > 250;
VACUUM (FREEZE, VERBOSE false) f;
SELECT age(relfrozenxid) < 3 AS still_frozen FROM pg_class WHERE relname = 'f';
SELECT count(*) FROM f;
DROP TABLE f;
