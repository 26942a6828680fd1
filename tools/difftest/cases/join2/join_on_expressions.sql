CREATE TABLE u (id int, email text);
CREATE TABLE v (addr text, flag boolean);
INSERT INTO u VALUES (1, 'Ann@X.com'), (2, 'bob@y.org'), (3, NULL);
INSERT INTO v VALUES ('ann@x.com', true), ('BOB@Y.ORG', false), ('cy@z.net', NULL);
\pset null (null)
SELECT u.id, v.addr FROM u JOIN v ON lower(u.email) = lower(v.addr) ORDER BY u.id;
SELECT u.id, v.flag FROM u JOIN v ON lower(u.email) = lower(v.addr) AND v.flag ORDER BY u.id;
SELECT u.id, v.addr FROM u LEFT JOIN v ON lower(u.email) = lower(v.addr) AND v.flag IS NOT TRUE ORDER BY u.id;
SELECT u.id, v.addr FROM u JOIN v ON split_part(lower(u.email), '@', 2) = split_part(lower(v.addr), '@', 2) ORDER BY 1;
SELECT u.id, v.addr FROM u JOIN v ON CASE WHEN u.id = 1 THEN v.flag ELSE NOT v.flag END ORDER BY 1, 2;
SELECT count(*) FROM u JOIN v ON u.email IS NULL OR v.flag IS NULL;
