CREATE TABLE fa (id int, ok boolean);
CREATE TABLE fb (id int, ok boolean);
INSERT INTO fa VALUES (1, true), (2, false), (3, NULL);
INSERT INTO fb VALUES (1, true), (2, NULL), (3, false);
\pset null (null)
SELECT fa.id, fa.ok, fb.ok FROM fa JOIN fb ON fa.ok = fb.ok ORDER BY 1;
SELECT fa.id, fb.id FROM fa JOIN fb ON fa.ok IS NOT DISTINCT FROM fb.ok ORDER BY 1, 2;
SELECT fa.id, fb.id FROM fa JOIN fb ON fa.ok OR fb.ok ORDER BY 1, 2;
SELECT fa.id, fb.id FROM fa LEFT JOIN fb ON fa.id = fb.id AND fb.ok ORDER BY 1;
SELECT fa.id, fb.id FROM fa JOIN fb ON NOT (fa.ok AND fb.ok) ORDER BY 1, 2;
SELECT fa.id FROM fa JOIN fb ON NULL ORDER BY 1;
