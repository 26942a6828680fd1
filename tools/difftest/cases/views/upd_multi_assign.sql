-- two view columns over one base column: a write to both is 42601
CREATE TABLE t (id int, v text);
CREATE VIEW v AS SELECT id, id AS id2, v, v AS v_again FROM t;
INSERT INTO v (id, id2) VALUES (9, 9);
INSERT INTO v (id, v, v_again) VALUES (1, 'a', 'b');
UPDATE v SET id = 1, id2 = 2;
INSERT INTO v (id2, v_again) VALUES (5, 'five') RETURNING *;
UPDATE v SET v_again = 'six' WHERE id = 5 RETURNING id, v;
INSERT INTO v (id, id) VALUES (1, 2);
SELECT * FROM t;
