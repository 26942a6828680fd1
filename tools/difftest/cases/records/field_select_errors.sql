CREATE TABLE t (a int, b text);
SELECT (ROW(1, 2)).x;
SELECT (t).nope FROM t;
SELECT (1).x;
SELECT (ARRAY[1, 2]).f1;
SELECT ('abc'::text).length;
SELECT (jsonb_each('{"a": 1}')).nope;
