CREATE TABLE prices (item text, price numeric);
CREATE TABLE overrides (item text, price numeric);
INSERT INTO prices VALUES ('a', 10), ('b', 20), ('c', 30);
INSERT INTO overrides VALUES ('b', 15), ('c', NULL);
\pset null (null)
SELECT item, coalesce((SELECT o.price FROM overrides o WHERE o.item = p.item), p.price) AS eff FROM prices p ORDER BY item;
SELECT item, CASE WHEN EXISTS (SELECT 1 FROM overrides o WHERE o.item = p.item) THEN 'override' ELSE 'base' END FROM prices p ORDER BY item;
SELECT item, CASE WHEN price > (SELECT avg(price) FROM prices) THEN 'high' ELSE 'low' END FROM prices p ORDER BY item;
SELECT item FROM prices p WHERE price > coalesce((SELECT max(price) FROM overrides), 0) ORDER BY item;
SELECT sum(coalesce((SELECT o.price FROM overrides o WHERE o.item = p.item), p.price)) FROM prices p;
