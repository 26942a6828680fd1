SELECT regexp_split_to_table('a1b2c', '[0-9]') AS part;
SELECT regexp_matches('foo123bar45', '[0-9]+', 'g') AS m;
SELECT regexp_matches('abc', 'x', 'g') AS m;
SELECT regexp_matches('k1=v1;k2=v2', '(\w+)=(\w+)', 'g') AS kv, generate_series(1, 3) AS n;
SELECT regexp_split_to_table('A-B_c', '[-_]', 'i') AS p ORDER BY p DESC;
SELECT (regexp_matches('a1b22', '[a-z]([0-9]+)', 'g'))[1] AS digits;
