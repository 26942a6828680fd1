SELECT 'a'::text - 'b'::text;
SELECT true * false;
SELECT 1 @@@ 2;
