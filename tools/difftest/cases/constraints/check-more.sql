-- CHECK constraints with functions, multi-row statements, INSERT ... SELECT, dropped columns
CREATE TABLE t (id int, email text CHECK (strpos(email, '@') > 1), qty int, price numeric,
  CONSTRAINT positive_total CHECK (qty * price >= 0), CHECK (id BETWEEN 1 AND 1000));
INSERT INTO t VALUES (1, 'a@b', 2, 1.5), (2, 'c@d', 0, 0);
INSERT INTO t VALUES (3, 'nope', 1, 1);
INSERT INTO t VALUES (4, 'x@y', -1, 2.5);
INSERT INTO t VALUES (1001, 'x@y', 1, 1);
INSERT INTO t SELECT g, 'u@v', g, g FROM generate_series(5, 8) g;
INSERT INTO t SELECT g, 'u@v', g, g FROM generate_series(999, 1002) g;
UPDATE t SET qty = -qty WHERE id > 4;
UPDATE t SET price = price + 1;
SELECT id, email, qty, price FROM t ORDER BY id;
ALTER TABLE t DROP COLUMN qty;
SELECT conname FROM pg_constraint WHERE conrelid = 't'::regclass ORDER BY conname;
INSERT INTO t VALUES (9, 'x@y', -5);
CREATE TABLE a_table_with_a_really_long_name_that_goes_on_and_on_forever_xx (a_column_with_an_equally_long_name_that_also_goes_on int CHECK (a_column_with_an_equally_long_name_that_also_goes_on > 0));
SELECT conname FROM pg_constraint WHERE conname LIKE 'a_table%';
CREATE TABLE v (a varchar(10) CHECK (a IN ('x', 'y')), b boolean CHECK (b), d date CHECK (d > '2000-01-01'));
INSERT INTO v VALUES ('x', true, '2020-02-02');
INSERT INTO v VALUES ('z', true, '2020-02-02');
INSERT INTO v VALUES ('y', false, '2020-02-02');
INSERT INTO v VALUES ('y', NULL, '1999-12-31');
INSERT INTO v VALUES (NULL, NULL, NULL);
SELECT * FROM v ORDER BY a;
