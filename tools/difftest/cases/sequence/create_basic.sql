CREATE SEQUENCE s;
SELECT * FROM s;
SELECT nextval('s');
SELECT nextval('s'), nextval('s');
SELECT * FROM s;
SELECT currval('s');
SELECT last_value, is_called FROM s;
