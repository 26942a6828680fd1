CREATE TABLE hires (name text, dept text, hired date, salary int);
INSERT INTO hires VALUES ('a', 'eng', '2021-03-01', 100), ('b', 'eng', '2022-05-01', 110), ('c', 'ops', '2021-07-01', 80), ('d', 'ops', '2023-01-01', 85), ('e', 'eng', '2023-02-01', 120), ('f', 'hr', '2022-09-01', 70);
\pset null (null)
SELECT dept, count(*) FILTER (WHERE extract(year FROM hired) = 2021) AS y2021, count(*) FILTER (WHERE extract(year FROM hired) = 2022) AS y2022, count(*) FILTER (WHERE extract(year FROM hired) = 2023) AS y2023, count(*) AS total FROM hires GROUP BY ROLLUP (dept) ORDER BY dept NULLS LAST;
SELECT y, string_agg(dept || ':' || n, ', ' ORDER BY dept) FROM (SELECT extract(year FROM hired)::int AS y, dept, count(*) AS n FROM hires GROUP BY 1, 2) s GROUP BY y ORDER BY y;
SELECT dept, sum(salary) FILTER (WHERE hired < '2022-01-01') AS before_2022, sum(salary) FILTER (WHERE hired >= '2022-01-01') AS since_2022 FROM hires GROUP BY dept ORDER BY dept;
SELECT y.y, d.dept, coalesce(count(h.name), 0) AS n FROM generate_series(2021, 2023) y(y) CROSS JOIN (SELECT DISTINCT dept FROM hires) d LEFT JOIN hires h ON h.dept = d.dept AND extract(year FROM h.hired) = y.y GROUP BY y.y, d.dept ORDER BY 1, 2;
