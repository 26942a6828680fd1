SELECT * FROM regexp_split_to_table('a1b22c333', '[0-9]+') AS s(part);
SELECT m FROM regexp_matches('x=1, y=22, z=333', '([a-z])=([0-9]+)', 'g') m;
SELECT s, length(s) FROM string_to_table('one two  three', ' ') s;
SELECT * FROM unnest(string_to_array('a,b,,c', ',')) WITH ORDINALITY u(v, n);
SELECT count(*) FROM regexp_split_to_table('', ',');
SELECT w FROM regexp_split_to_table('The quick brown fox', '\s+') w ORDER BY length(w), w;
