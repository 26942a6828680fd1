CREATE TABLE l (k int, a text);
CREATE TABLE r (k int, b text);
INSERT INTO l VALUES (1, 'l1'), (2, 'l2'), (NULL, 'lnull'), (2, 'l2b');
INSERT INTO r VALUES (2, 'r2'), (3, 'r3'), (NULL, 'rnull');
\pset null <null>
SELECT k, a, b FROM l FULL JOIN r USING (k) ORDER BY k, a, b;
SELECT l.k AS lk, r.k AS rk, a, b FROM l FULL JOIN r ON l.k = r.k ORDER BY a, b;
SELECT k FROM l FULL JOIN r USING (k) WHERE k IS NOT NULL ORDER BY k;
SELECT count(*) FROM l FULL JOIN r ON l.k = r.k;
SELECT a, b FROM l FULL JOIN r ON l.k = r.k AND r.b <> 'r2' ORDER BY a, b;
SELECT a, b FROM l FULL JOIN r ON false ORDER BY a, b;
SELECT j.k, j.a FROM (l FULL JOIN r USING (k)) AS j ORDER BY 1, 2;
