-- BRIN minmax on int4, date and text: range predicates through the index and without it
CREATE TABLE r (n int, d date, s text);
INSERT INTO r SELECT g, '2020-01-01'::date + g, lpad(g::text, 6, '0') FROM generate_series(1, 3000) g;
CREATE INDEX r_n ON r USING brin (n) WITH (pages_per_range = 2);
CREATE INDEX r_d ON r USING brin (d);
CREATE INDEX r_s ON r USING brin (s) WITH (pages_per_range = 4);
SET enable_seqscan = off;
SELECT count(*), min(n), max(n) FROM r WHERE n BETWEEN 100 AND 200;
SELECT count(*) FROM r WHERE n > 2990;
SELECT count(*) FROM r WHERE n <= 5;
SELECT n FROM r WHERE n = 1234;
SELECT count(*) FROM r WHERE d >= '2027-01-01' AND d < '2027-02-01';
SELECT count(*) FROM r WHERE s > '002900';
RESET enable_seqscan;
SET enable_bitmapscan = off;
SELECT count(*), min(n), max(n) FROM r WHERE n BETWEEN 100 AND 200;
SELECT count(*) FROM r WHERE d >= '2027-01-01' AND d < '2027-02-01';
SELECT count(*) FROM r WHERE s > '002900';
