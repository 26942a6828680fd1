-- ORDER BY, DISTINCT and GROUP BY on a range column
CREATE TABLE rs (id int, r int4range);
INSERT INTO rs VALUES (1, '[1,5)'), (2, 'empty'), (3, '(,3)'), (4, '[1,3)'), (5, '[0,)'), (6, '(,)'),
  (7, '[1,4]'), (8, NULL), (9, 'empty'), (10, '[2,2]');
SELECT id, r FROM rs ORDER BY r, id;
SELECT id, r FROM rs ORDER BY r DESC NULLS LAST, id;
SELECT DISTINCT r FROM rs ORDER BY r;
SELECT r, count(*) FROM rs GROUP BY r ORDER BY r;
SELECT min(id), max(id) FROM rs WHERE r = '[1,5)';
SELECT id FROM rs WHERE r @> 2 ORDER BY id;
SELECT id FROM rs WHERE r <@ '[0,10)' ORDER BY id;
SELECT id FROM rs WHERE isempty(r) ORDER BY id;
DROP TABLE rs;
