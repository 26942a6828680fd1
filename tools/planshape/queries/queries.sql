-- planshape queries: one per line, each ending with ';'. A '-- name' line names the next query.
-- scans
-- seq scan, no predicate
SELECT * FROM fact;
-- seq scan, unselective predicate
SELECT id FROM fact WHERE qty > 2;
-- index scan on the primary key
SELECT * FROM fact WHERE id = 4242;
-- index scan, small range
SELECT * FROM fact WHERE id BETWEEN 100 AND 120;
-- bitmap scan, medium selectivity
SELECT * FROM fact WHERE cust_id = 77;
-- count over a week of dates (index-only on a vacuumed table)
SELECT count(*) FROM fact WHERE day BETWEEN '2023-03-01' AND '2023-03-07';
-- count over a wide date range
SELECT count(*) FROM fact WHERE day > '2023-02-01';
-- multi-column index, both columns
SELECT * FROM fact WHERE prod_id = 5 AND day = '2023-06-01';
-- multi-column index, leading column only
SELECT id FROM fact WHERE prod_id = 5;
-- BitmapOr over two indexes
SELECT * FROM fact WHERE cust_id = 5 OR prod_id = 7;
-- BitmapAnd candidates
SELECT * FROM fact WHERE cust_id = 5 AND day = '2023-05-05';
-- partial index: the job queue
SELECT id, cust_id FROM fact WHERE status = 'pending' ORDER BY id LIMIT 10;
-- partial index not usable
SELECT id FROM fact WHERE status = 'failed' ORDER BY id LIMIT 10;
-- expression index
SELECT id FROM fact WHERE lower(note) = 'note 42';
-- index-only scan with INCLUDE
SELECT region_id, name FROM customer WHERE region_id = 3;
-- index-only scan on a vacuumed table
SELECT count(*) FROM customer WHERE id < 500;
-- IN list on the primary key
SELECT * FROM customer WHERE id IN (1, 2, 3, 50, 900);
-- text equality on an index
SELECT * FROM customer WHERE name = 'cust 123';
-- LIKE prefix with C collation
SELECT id FROM customer WHERE name LIKE 'cust 12%';
-- IS NULL on a nullable column
SELECT count(*) FROM fact WHERE note IS NULL;
-- ORDER BY ... LIMIT
-- ORDER BY an indexed column with LIMIT
SELECT * FROM fact ORDER BY id LIMIT 10;
-- ORDER BY DESC with LIMIT
SELECT * FROM fact ORDER BY id DESC LIMIT 10;
-- ORDER BY an indexed date with LIMIT
SELECT id, day FROM fact ORDER BY day LIMIT 5;
-- ORDER BY an unindexed column with LIMIT: top-N sort
SELECT id, amount FROM fact ORDER BY amount DESC LIMIT 10;
-- incremental sort from an index prefix
SELECT id, prod_id, day, qty FROM fact ORDER BY prod_id, day, qty LIMIT 10;
-- full sort
SELECT id, amount FROM fact ORDER BY amount, id;
-- OFFSET
SELECT id FROM fact ORDER BY id OFFSET 500 LIMIT 10;
-- joins
-- 2 tables, hash join small dimension
SELECT f.id, p.name FROM fact f JOIN product p ON p.id = f.prod_id;
-- 2 tables, selective outer, nested loop with inner index scan
SELECT f.id, c.name FROM fact f JOIN customer c ON c.id = f.cust_id WHERE f.id < 50;
-- 2 tables, selective filter on the dimension
SELECT f.id FROM fact f JOIN customer c ON c.id = f.cust_id WHERE c.name = 'cust 9';
-- merge join candidate: both sides ordered by key
SELECT c.id, f.id FROM customer c JOIN fact f ON f.cust_id = c.id ORDER BY c.id LIMIT 20;
-- 3 tables
SELECT r.name, count(*) FROM fact f JOIN customer c ON c.id = f.cust_id JOIN region r ON r.id = c.region_id GROUP BY r.name;
-- 4 tables with aggregates
SELECT r.name, p.category, sum(f.amount) FROM fact f JOIN customer c ON c.id = f.cust_id JOIN region r ON r.id = c.region_id JOIN product p ON p.id = f.prod_id WHERE p.category = 'cat 3' GROUP BY r.name, p.category;
-- 4 tables, selective region
SELECT f.id FROM fact f JOIN customer c ON c.id = f.cust_id JOIN region r ON r.id = c.region_id JOIN product p ON p.id = f.prod_id WHERE r.name = 'region 4' AND p.price < 2;
-- left join to a dimension
SELECT c.id, f.id FROM customer c LEFT JOIN fact f ON f.cust_id = c.id WHERE c.id < 10;
-- left join that cannot drop rows, big side
SELECT count(*) FROM customer c LEFT JOIN fact f ON f.cust_id = c.id;
-- full join
SELECT count(*) FROM product p FULL JOIN fact f ON f.prod_id = p.id;
-- self join on the tree
SELECT a.id, b.id FROM tree a JOIN tree b ON b.parent_id = a.id WHERE a.id < 10;
-- cross join with a tiny table
SELECT count(*) FROM region r CROSS JOIN product p;
-- join on a non-equality
SELECT count(*) FROM region r JOIN customer c ON c.region_id < r.id;
-- lateral top-N per customer
SELECT c.id, x.amount FROM customer c CROSS JOIN LATERAL (SELECT f.amount FROM fact f WHERE f.cust_id = c.id ORDER BY f.amount DESC LIMIT 1) x WHERE c.id < 20;
-- semi and anti joins
-- EXISTS
SELECT c.id FROM customer c WHERE EXISTS (SELECT 1 FROM fact f WHERE f.cust_id = c.id AND f.status = 'pending');
-- NOT EXISTS
SELECT p.id FROM product p WHERE NOT EXISTS (SELECT 1 FROM fact f WHERE f.prod_id = p.id AND f.qty = 10);
-- IN (subquery)
SELECT * FROM product WHERE id IN (SELECT prod_id FROM fact WHERE cust_id = 3);
-- NOT IN (subquery): hashed subplan
SELECT count(*) FROM customer WHERE id NOT IN (SELECT cust_id FROM fact WHERE day = '2023-01-05');
-- scalar sub-select
SELECT id, (SELECT name FROM region r WHERE r.id = c.region_id) FROM customer c WHERE c.id < 5;
-- uncorrelated scalar sub-select: InitPlan
SELECT * FROM fact WHERE amount = (SELECT max(amount) FROM fact);
-- ANY over an array
SELECT * FROM customer WHERE region_id = ANY (ARRAY[1, 2]);
-- aggregates
-- plain aggregate
SELECT count(*), sum(amount) FROM fact;
-- hashed grouping, few groups
SELECT status, count(*) FROM fact GROUP BY status;
-- grouping by an indexed key with many groups
SELECT cust_id, sum(amount) FROM fact GROUP BY cust_id;
-- grouping with ORDER BY the key
SELECT prod_id, count(*) FROM fact GROUP BY prod_id ORDER BY prod_id;
-- HAVING
SELECT cust_id FROM fact GROUP BY cust_id HAVING count(*) > 12;
-- count(DISTINCT)
SELECT prod_id, count(DISTINCT cust_id) FROM fact GROUP BY prod_id;
-- ROLLUP
SELECT status, qty, count(*) FROM fact GROUP BY ROLLUP (status, qty);
-- GROUPING SETS
SELECT status, day, count(*) FROM fact WHERE day < '2023-01-10' GROUP BY GROUPING SETS ((status), (day));
-- min over an index: Limit over an index scan
SELECT min(day) FROM fact;
-- DISTINCT
-- DISTINCT on a low-cardinality column
SELECT DISTINCT status FROM fact;
-- DISTINCT on an indexed column
SELECT DISTINCT cust_id FROM fact ORDER BY cust_id;
-- DISTINCT ON
SELECT DISTINCT ON (cust_id) cust_id, day FROM fact ORDER BY cust_id, day DESC;
-- window functions
-- row_number over the whole table
SELECT id, row_number() OVER (ORDER BY id) FROM fact;
-- partitioned window
SELECT id, sum(amount) OVER (PARTITION BY cust_id) FROM fact;
-- two different windows
SELECT id, rank() OVER (PARTITION BY prod_id ORDER BY amount), lag(amount) OVER (ORDER BY day) FROM fact WHERE cust_id < 100;
-- window over an aggregate
SELECT region_id, count(*), rank() OVER (ORDER BY count(*) DESC) FROM customer GROUP BY region_id;
-- top-N per group through a window
SELECT * FROM (SELECT id, cust_id, row_number() OVER (PARTITION BY cust_id ORDER BY amount DESC) AS rn FROM fact) s WHERE rn = 1;
-- CTEs
-- CTE referenced once: inlined
WITH big AS (SELECT * FROM fact WHERE amount > 99) SELECT count(*) FROM big;
-- CTE referenced twice: CTE Scan
WITH t AS (SELECT cust_id, sum(amount) AS s FROM fact GROUP BY cust_id) SELECT a.cust_id FROM t a JOIN t b ON a.cust_id = b.cust_id + 1;
-- MATERIALIZED
WITH m AS MATERIALIZED (SELECT * FROM customer WHERE region_id = 1) SELECT * FROM m WHERE id < 100;
-- recursive CTE over the tree
WITH RECURSIVE sub AS (SELECT id FROM tree WHERE id = 2 UNION ALL SELECT t.id FROM tree t JOIN sub s ON t.parent_id = s.id) SELECT count(*) FROM sub;
-- recursive series
WITH RECURSIVE n(i) AS (SELECT 1 UNION ALL SELECT i + 1 FROM n WHERE i < 100) SELECT sum(i) FROM n;
-- set operations
-- UNION ALL
SELECT id FROM customer WHERE region_id = 1 UNION ALL SELECT id FROM customer WHERE region_id = 2;
-- UNION
SELECT cust_id FROM fact WHERE prod_id = 1 UNION SELECT cust_id FROM fact WHERE prod_id = 2;
-- INTERSECT
SELECT cust_id FROM fact WHERE prod_id = 1 INTERSECT SELECT cust_id FROM fact WHERE qty = 3;
-- EXCEPT
SELECT id FROM customer EXCEPT SELECT cust_id FROM fact;
-- OR rewritten as UNION ALL, ordered
SELECT id FROM fact WHERE cust_id = 5 UNION ALL SELECT id FROM fact WHERE prod_id = 7 AND cust_id <> 5 ORDER BY id;
-- set-returning functions and VALUES
-- generate_series joined to a table
SELECT g, c.name FROM generate_series(1, 10) g JOIN customer c ON c.id = g;
-- VALUES list joined to a table
SELECT v.x, p.name FROM (VALUES (1), (2), (3)) v(x) JOIN product p ON p.id = v.x;
-- SRF in the select list
SELECT id, generate_series(1, 3) FROM region;
-- subquery in FROM with an aggregate
SELECT s.cust_id FROM (SELECT cust_id, count(*) AS n FROM fact GROUP BY cust_id) s WHERE s.n > 15 ORDER BY s.cust_id;
