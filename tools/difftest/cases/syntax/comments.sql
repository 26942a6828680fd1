SELECT /* inline */ 1 AS a;
SELECT 1 -- trailing comment
  AS b;
/* multi
   line */
SELECT 2 AS c;
SELECT /* nested /* comment */ still comment */ 3 AS d;
