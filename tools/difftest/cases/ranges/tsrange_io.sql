-- tsrange: continuous, bounds quoted in the output because of the space
SELECT '[2020-01-01 10:00,2020-01-02)'::tsrange;
SELECT '["2020-01-01 10:00:00","2020-01-01 12:30:00"]'::tsrange;
SELECT '(2020-01-01,)'::tsrange;
SELECT '[-infinity,infinity)'::tsrange;
SELECT tsrange('2020-01-01 00:00', '2020-01-01 06:00');
SELECT tsrange('2020-01-01 00:00', '2020-01-01 06:00', '(]');
SELECT tsrange('2020-01-01', '2020-01-01', '[]');
SELECT tsrange('2020-01-01', '2020-01-01');
SELECT tsrange('2020-01-01', '2020-01-02') @> '2020-01-01 13:00'::timestamp;
SELECT lower(tsrange('2020-01-01 08:00', '2020-01-02')), upper_inf(tsrange('2020-01-01', NULL));
