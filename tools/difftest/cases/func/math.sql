SELECT abs(-3) AS a, ceil(1.2) AS c, floor(-1.2) AS f, mod(10, 3) AS m;
SELECT sqrt(2::float8) AS s, power(2, 8) AS p, exp(0) AS e, ln(1) AS l;
SELECT greatest(1, 5, 3) AS g, least(4, 2, 8) AS l, sign(-7) AS s;
SELECT div(7, 2) AS d, gcd(12, 18) AS g, lcm(4, 6) AS l;
SELECT sqrt(-1);
SELECT ln(0);
