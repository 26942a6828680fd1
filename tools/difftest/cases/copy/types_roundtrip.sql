CREATE TABLE t (i int2, j int8, n numeric(10,2), f float8, b bool, d date, ts timestamp, tz timestamptz, v varchar(5), bt bytea, iv interval);
COPY t FROM STDIN;
1	9000000000	12.345	1.5	t	2024-02-29	2024-02-29 12:34:56.789	2024-02-29 12:34:56+02	abc	\\x0102ff	1 day 02:00:00
-2	-1	-0.5	-Infinity	false	1999-12-31	1999-12-31 23:59:59	1999-12-31 23:59:59+00	\N	\\x	-3 hours
\.
SELECT * FROM t ORDER BY i;
COPY t TO STDOUT;
COPY t TO STDOUT (FORMAT csv);
