-- planshape setup: tables with known data, the same on PostgreSQL 15 and @pg/engine.
-- No parallel plans (the engine runs single-process); statistics from every row
-- (a sample of 300 * 1000 rows covers the 100k-row table, so ANALYZE is deterministic).
SET max_parallel_workers_per_gather = 0;
SET default_statistics_target = 1000;

CREATE TABLE region (id int PRIMARY KEY, name text NOT NULL);
CREATE TABLE customer (id int PRIMARY KEY, region_id int NOT NULL, name text NOT NULL, segment text NOT NULL, signup date NOT NULL);
CREATE TABLE product (id int PRIMARY KEY, category text NOT NULL, name text NOT NULL, price numeric(10,2) NOT NULL);
CREATE TABLE fact (id int PRIMARY KEY, cust_id int NOT NULL, prod_id int NOT NULL, day date NOT NULL, qty int NOT NULL, amount numeric(12,2) NOT NULL, status text NOT NULL, note text);
CREATE TABLE tree (id int PRIMARY KEY, parent_id int, name text NOT NULL);

INSERT INTO region SELECT g, 'region ' || g FROM generate_series(1, 20) g;
INSERT INTO customer SELECT g, 1 + g % 20, 'cust ' || g, CASE g % 4 WHEN 0 THEN 'retail' WHEN 1 THEN 'smb' WHEN 2 THEN 'enterprise' ELSE 'gov' END, date '2020-01-01' + g % 1000 FROM generate_series(1, 10000) g;
INSERT INTO product SELECT g, 'cat ' || (g % 25), 'product ' || g, 1 + (g * 37 % 500) / 10.0 FROM generate_series(1, 1000) g;
INSERT INTO fact SELECT g, 1 + (g * 7919) % 10000, 1 + (g::bigint * 104729) % 1000, date '2023-01-01' + g % 365, 1 + g % 10, (g % 997) / 10.0, CASE WHEN g % 100 = 0 THEN 'pending' WHEN g % 10 = 1 THEN 'failed' ELSE 'done' END, CASE WHEN g % 3 = 0 THEN NULL ELSE 'note ' || (g % 5000) END FROM generate_series(1, 100000) g;
INSERT INTO tree SELECT g, CASE WHEN g = 1 THEN NULL ELSE g / 2 END, 'node ' || g FROM generate_series(1, 5000) g;

CREATE INDEX fact_cust ON fact (cust_id);
CREATE INDEX fact_day ON fact (day);
CREATE INDEX fact_prod_day ON fact (prod_id, day);
CREATE INDEX fact_pending ON fact (id) WHERE status = 'pending';
CREATE INDEX fact_lower_note ON fact (lower(note));
CREATE INDEX customer_region ON customer (region_id) INCLUDE (name);
CREATE INDEX customer_name ON customer (name);
CREATE INDEX product_category ON product (category);
CREATE INDEX tree_parent ON tree (parent_id);

VACUUM region;
VACUUM customer;
VACUUM product;
VACUUM fact;
VACUUM tree;
ANALYZE region;
ANALYZE customer;
ANALYZE product;
ANALYZE fact;
ANALYZE tree;
