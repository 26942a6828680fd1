-- tstzrange: printed in UTC here; input without an offset is read in the session's TimeZone
SELECT '[2020-01-01 10:00+00,2020-01-02 00:00+00)'::tstzrange;
SELECT '[2020-01-01 10:00+02,2020-01-01 12:00+02)'::tstzrange;
SET TimeZone = 'America/New_York';
SELECT tstzrange('2020-06-01', '2020-06-02') = tstzrange('2020-06-01 04:00+00', '2020-06-02 04:00+00');
SELECT '[2020-01-01,2020-01-02)'::tstzrange @> '2020-01-01 03:00+00'::timestamptz;
RESET TimeZone;
SELECT tstzrange('2020-06-01 00:00+00', '2020-06-02 00:00+00', '[]');
SELECT tstzrange('2020-06-01 00:00+00', NULL);
SELECT tstzrange('2020-06-01', '2020-06-02') @> '2020-06-01 12:00+00'::timestamptz;
SELECT '(,)'::tstzrange;
