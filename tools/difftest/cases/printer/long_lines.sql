SELECT 'aaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaa' AS a, nosuch_at_the_end;
SELECT nosuch_at_the_start, 'aaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaa' AS a;
SELECT 'aaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaa' AS a, nosuch_in_the_middle, 'bbbbbbbbbbbbbbbbbbbbbbbbbbbbbbbbbbbbbbbbbbbbbbbbb' AS b;
SELECT '日本語日本語日本語日本語日本語日本語日本語日本語日本語日本語' AS wide, nosuch_after_wide;
SELECT 1 AS x,	nosuch_after_tab;
SELECT
  1 AS a,
  2 AS b, 'xxxxxxxxxxxxxxxxxxxxxxxxxxxxxxxxxxxxxxxxxxxxxxxxxxxxxxxxxxxxxxxxxxxxxxxxxxx' AS c, nosuch_on_line_three
FROM pg_class;
