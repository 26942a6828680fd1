SELECT 2 + 3 * 4 AS a, (2 + 3) * 4 AS b, -2 ^ 2 AS c, 2 * -3 AS d;
SELECT 10 - 2 - 3 AS left_assoc, 2 ^ 3 ^ 2 AS pow_assoc;
SELECT NOT true = false AS not_prec;
