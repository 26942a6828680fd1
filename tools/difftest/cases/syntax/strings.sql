SELECT 'single' AS s, 'it''s' AS q, E'a\tb' AS tab, $$raw \n$$ AS raw, $tag$ x $ y $tag$ AS tagged;
SELECT 'con'
  'cat' AS continued;
SELECT E'\x41\102' AS octal_hex;
SELECT 'a' 'b';
