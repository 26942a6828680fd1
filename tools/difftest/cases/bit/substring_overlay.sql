SELECT substring(B'110011' from 2 for 3), substring(B'11001' from 3), substring(B'1100' from -1 for 3), substring(B'1100' from 7);
SELECT substring(B'110011', 2, 3), substring(B'110011', 4), substring(B'110011' for 2), substr(B'1'::text, 1);
SELECT substring(B'1100' from 2 for -1);
SELECT position(B'01' in B'1101'), position(B'' in B'11'), position(B'111' in B'11'), position(B'1' in B'0001');
SELECT overlay(B'1111' placing B'00' from 2), overlay(B'1111' placing B'00' from 2 for 1), overlay(B'11' placing B'000' from 2);
SELECT overlay(B'11111' placing B'0' from 3 for 0), overlay(B'11111' placing B'' from 2 for 2), overlay(B'101' placing B'0' from 9);
SELECT overlay(B'1111' placing B'00' from 0);
