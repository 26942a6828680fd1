CREATE TABLE t ("Select" int, "with space" text, lower_case int, "UPPER" int);
INSERT INTO t VALUES (1, 'a', 2, 3);
SELECT * FROM t;
SELECT "Select", "with space" FROM t;
SELECT upper FROM t;
