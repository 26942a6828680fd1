CREATE TABLE readings (sensor text, at timestamp, val numeric, loaded int);
INSERT INTO readings VALUES ('s1', '2024-01-01 00:00', 1.0, 1), ('s1', '2024-01-01 00:00', 1.1, 2), ('s1', '2024-01-01 01:00', 2.0, 1), ('s2', '2024-01-01 00:00', 5.0, 1), ('s2', '2024-01-01 00:00', 5.0, 3), ('s2', '2024-01-01 00:00', 4.9, 2);
SELECT sensor, at, val FROM (SELECT *, row_number() OVER (PARTITION BY sensor, at ORDER BY loaded DESC) AS rn FROM readings) s WHERE rn = 1 ORDER BY sensor, at;
SELECT sensor, at, count(*) FROM readings GROUP BY sensor, at HAVING count(*) > 1 ORDER BY 1, 2;
DELETE FROM readings r WHERE EXISTS (SELECT 1 FROM readings r2 WHERE r2.sensor = r.sensor AND r2.at = r.at AND r2.loaded > r.loaded);
SELECT * FROM readings ORDER BY sensor, at;
SELECT DISTINCT ON (sensor) sensor, at, val FROM readings ORDER BY sensor, at DESC;
