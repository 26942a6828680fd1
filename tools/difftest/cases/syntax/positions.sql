SELECT 1,
  2,
  3 4;
SELECT 'unterminated;
';
INSERT INTO t VALUES (1,, 2);
SELECT (1 + 2;
