CREATE TABLE l (k int, lv text);
CREATE TABLE r (k int, rv text);
INSERT INTO l VALUES (1, 'l1'), (2, 'l2'), (2, 'l2b'), (4, 'l4'), (NULL, 'lnull');
INSERT INTO r VALUES (2, 'r2'), (3, 'r3'), (4, 'r4'), (4, 'r4b'), (NULL, 'rnull');

\pset null (null)
SELECT l.k AS lk, l.lv, r.k AS rk, r.rv FROM l FULL JOIN r ON l.k = r.k ORDER BY l.k, l.lv, r.k, r.rv;
SELECT coalesce(l.k, r.k) AS k, l.lv, r.rv FROM l FULL OUTER JOIN r ON l.k = r.k ORDER BY 1, 2, 3;
SELECT l.lv, r.rv FROM l FULL JOIN r ON l.k = r.k WHERE l.k IS NULL OR r.k IS NULL ORDER BY 1, 2;
SELECT count(*), count(l.k), count(r.k) FROM l FULL JOIN r ON l.k = r.k;
SELECT k, lv, rv FROM l FULL JOIN r USING (k) ORDER BY k, lv, rv;
SELECT l.lv, r.rv FROM l FULL JOIN r ON l.k = r.k AND r.rv <> 'r4' ORDER BY 1, 2;
SELECT l.lv, r.rv FROM l FULL JOIN r ON false ORDER BY 1, 2;
