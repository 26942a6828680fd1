SELECT length('hello') AS len, upper('abc') AS up, lower('ABC') AS low;
SELECT substring('hello world' FROM 1 FOR 5) AS sub, substr('hello', 2, 3) AS sub2;
SELECT trim('  x  ') AS t, ltrim('xxa', 'x') AS lt, rtrim('axx', 'x') AS rt;
SELECT replace('banana', 'a', 'o') AS rep, position('n' IN 'banana') AS pos, strpos('banana', 'na') AS sp;
SELECT concat('a', NULL, 'b', 1) AS c, concat_ws('-', 'a', 'b', NULL, 'c') AS cw;
SELECT left('abcdef', 2) AS l, right('abcdef', 2) AS r, repeat('ab', 3) AS rp, reverse('abc') AS rv;
