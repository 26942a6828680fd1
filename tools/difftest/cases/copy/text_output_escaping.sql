CREATE TABLE t (a int, b text);
INSERT INTO t VALUES (1, E'tab\there'), (2, E'nl\nx'), (3, E'back\\slash'), (4, 'pipe|x'), (5, E'\x01ctl'), (6, NULL), (7, '\N');
COPY t TO STDOUT;
COPY t TO STDOUT (DELIMITER '|');
COPY t TO STDOUT (NULL 'nil');
