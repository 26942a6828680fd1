SELECT 1 + 'a';
SELECT 'a' + 'b';
SELECT true + 1;
SELECT 1 || true;
SELECT - 'x'::text;
