SELECT length(B'10101'), bit_length(B'10101'), octet_length(B'101010101'), bit_count(B'1011');
SELECT length(B''), octet_length(B''), bit_count(X'FFFF'), bit_length(X'ABC');
SELECT length(B'101'::varbit(5)), pg_typeof(bit_count(B'1')), pg_typeof(length(B'1'));
SELECT get_bit(B'1010', 0), get_bit(B'1010', 1), get_bit(X'0F', 7);
SELECT set_bit(B'1010', 0, 0), set_bit(B'1010', 3, 1), set_bit(B'1010'::varbit, 1, 1);
SELECT get_bit(B'1010', 4);
SELECT get_bit(B'1010', -1);
SELECT set_bit(B'1010', 1, 2);
SELECT set_bit(B'1010', 9, 1);
