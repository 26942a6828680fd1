CREATE TABLE presence (sku text, day date);
INSERT INTO presence VALUES ('A', '2024-01-01'), ('A', '2024-01-02'), ('A', '2024-01-03'), ('A', '2024-01-06'), ('A', '2024-01-07'), ('A', '2024-01-10'), ('B', '2024-01-02'), ('B', '2024-01-04'), ('B', '2024-01-05');
SELECT sku, min(day) AS start_day, max(day) AS end_day, count(*) AS len FROM (SELECT sku, day, day - (row_number() OVER (PARTITION BY sku ORDER BY day))::int AS grp FROM presence) s GROUP BY sku, grp ORDER BY sku, start_day;
SELECT sku, day + 1 AS gap_start, next_day - 1 AS gap_end FROM (SELECT sku, day, lead(day) OVER (PARTITION BY sku ORDER BY day) AS next_day FROM presence) s WHERE next_day > day + 1 ORDER BY sku, gap_start;
SELECT sku, max(len) AS longest FROM (SELECT sku, count(*) AS len FROM (SELECT sku, day - (row_number() OVER (PARTITION BY sku ORDER BY day))::int AS grp FROM presence) s GROUP BY sku, grp) t GROUP BY sku ORDER BY sku;
