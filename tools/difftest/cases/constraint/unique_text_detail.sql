CREATE TABLE t (name text PRIMARY KEY);
INSERT INTO t VALUES ('it''s');
INSERT INTO t VALUES ('it''s');
INSERT INTO t VALUES ('with space');
INSERT INTO t VALUES ('with space');
