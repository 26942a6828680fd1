CREATE TABLE t (a int, b text);
INSERT INTO t VALUES (1, 'plain'), (2, 'has,comma'), (3, 'has"quote'), (4, E'has\nnewline'), (5, ''), (6, NULL), (7, E'cr\rx'), (8, ' spaced ');
COPY t TO STDOUT (FORMAT csv);
COPY t TO STDOUT (FORMAT csv, NULL 'NULL');
COPY t TO STDOUT (FORMAT csv, DELIMITER '|');
COPY t (b) TO STDOUT (FORMAT csv);
