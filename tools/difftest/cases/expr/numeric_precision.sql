SELECT 0.1 + 0.2 AS num_sum, 0.1::float8 + 0.2::float8 AS float_sum;
SELECT 1.0 / 3 AS third, 2::numeric / 3 AS two_thirds;
SELECT 1e10::float8 AS big, 1.5e-5::float8 AS small, 123456789.123::float4 AS f4;
SELECT round(2.5) AS r1, round(-2.5) AS r2, round(2.567, 2) AS r3, trunc(2.9) AS t;
