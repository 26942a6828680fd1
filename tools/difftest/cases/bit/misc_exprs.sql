SELECT CASE WHEN B'1' = B'1' THEN B'10' ELSE B'01' END, COALESCE(NULL::bit(2), B'11');
SELECT x, x & B'0110' FROM (VALUES (B'1111'), (B'1010'), (B'0000')) AS t(x) ORDER BY x;
SELECT B'101' IN (B'101', B'11'), B'101' = ANY (ARRAY[B'1', B'101']);
SELECT greatest(B'01', B'1', B'001'), least(B'01'::varbit, B'1', B'001');
SELECT B'1' || 'x';
SELECT concat(B'101', X'F'), B'10'::text || 'x';
SELECT DISTINCT b FROM (VALUES (B'1'), (B'01'), (B'1')) AS t(b) ORDER BY b;
SELECT B'101' + 1;
