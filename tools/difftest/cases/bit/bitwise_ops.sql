SELECT B'1100' & B'1010', B'1100' | B'1010', B'1100' # B'1010', ~B'1010';
SELECT B'10110' << 1, B'10110' >> 2, B'101' << 10, B'101' >> -1, B'101' << -2, B'1' << 0;
SELECT X'F0' & X'3C', ~X'00', ~B'';
SELECT B'101' & B'11';
SELECT B'101' | B'1';
SELECT B'101' # B'1101';
SELECT B'101'::varbit & B'110'::varbit, pg_typeof(B'1'::varbit | B'0'::varbit);
SELECT B'101' || B'11', pg_typeof(B'1' || B'0'), B'' || B'1', X'F' || B'0';
SELECT B'1010'::bit(4) || B'1'::varbit(2) AS cat, B'1' << 2147483647, B'1' >> (-2147483647 - 1);
