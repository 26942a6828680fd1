-- check_option as a view option, and its errors
CREATE TABLE t (a int PRIMARY KEY, b int);
CREATE VIEW vo WITH (check_option = local) AS SELECT a, b FROM t WHERE a % 2 = 0;
INSERT INTO vo VALUES (10, 1), (11, 2);
INSERT INTO vo VALUES (10, 1), (12, 2);
UPDATE vo SET a = a + 1;
CREATE VIEW bad WITH (check_option = sideways) AS SELECT a FROM t;
CREATE VIEW bad WITH (fillfactor = 10) AS SELECT a FROM t;
CREATE VIEW bad WITH (check_option) AS SELECT a FROM t;
CREATE VIEW bad2 WITH (security_barrier = maybe) AS SELECT a FROM t;
CREATE VIEW bad3 WITH (check_option = local, check_option = cascaded) AS SELECT a FROM t;
CREATE VIEW bad4 WITH (check_option = local) AS SELECT a FROM t WITH CASCADED CHECK OPTION;
CREATE VIEW up WITH (check_option = 'CASCADED') AS SELECT a FROM t WHERE a > 0;
INSERT INTO up VALUES (-1);
SELECT relname, reloptions FROM pg_class WHERE relname IN ('vo', 'up', 'bad') ORDER BY relname;
