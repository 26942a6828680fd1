-- adjacency (-|-): discrete ranges touch through their canonical form
SELECT '[1,3)'::int4range -|- '[3,5)'::int4range;
SELECT '[1,2]'::int4range -|- '[3,5)'::int4range;
SELECT '[1,3)'::int4range -|- '[4,5)'::int4range;
SELECT '[3,5)'::int4range -|- '[1,3)'::int4range;
SELECT '[1,3)'::numrange -|- '[3,5)'::numrange;
SELECT '[1,3]'::numrange -|- '[3,5)'::numrange;
SELECT '[1,3)'::numrange -|- '(3,5)'::numrange;
SELECT '[1,3]'::numrange -|- '(3,5)'::numrange;
SELECT 'empty'::int4range -|- '[1,3)'::int4range;
SELECT '(,3)'::int4range -|- '[3,)'::int4range;
SELECT daterange('2024-01-01', '2024-01-31', '[]') -|- daterange('2024-02-01', '2024-02-29', '[]');
