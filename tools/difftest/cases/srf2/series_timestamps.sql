SELECT * FROM generate_series(TIMESTAMP '2024-01-01', TIMESTAMP '2024-01-01 03:00', interval '1 hour') t;
SELECT * FROM generate_series(TIMESTAMP '2024-01-31', TIMESTAMP '2024-05-31', interval '1 month') t;
SELECT t::date FROM generate_series(TIMESTAMP '2024-02-27', TIMESTAMP '2024-03-02', interval '1 day') t;
SELECT count(*) FROM generate_series(TIMESTAMP '2024-01-01', TIMESTAMP '2024-12-31', interval '1 week');
SELECT * FROM generate_series(TIMESTAMP '2024-01-02', TIMESTAMP '2024-01-01', interval '-12 hours') t;
SELECT * FROM generate_series(TIMESTAMPTZ '2024-03-30 00:00+00', TIMESTAMPTZ '2024-03-30 02:00+00', interval '40 minutes') t;
