-- a cursor reads the data as of DECLARE; an empty result; MOVE counts
CREATE TABLE cur_s (id int, note text);
INSERT INTO cur_s VALUES (1, 'a'), (2, 'b'), (3, NULL);
BEGIN;
DECLARE c CURSOR FOR SELECT id, note FROM cur_s ORDER BY id;
INSERT INTO cur_s VALUES (4, 'd');
FETCH ALL FROM c;
DECLARE e CURSOR FOR SELECT id FROM cur_s WHERE id > 100;
FETCH e;
FETCH ALL FROM e;
MOVE 5 IN e;
DECLARE m CURSOR FOR SELECT id FROM cur_s ORDER BY id;
MOVE 2 IN m;
MOVE FORWARD ALL IN m;
DECLARE v CURSOR FOR VALUES (1, 'x'), (2, 'y');
FETCH 1 FROM v;
FETCH 5 FROM v;
COMMIT;
