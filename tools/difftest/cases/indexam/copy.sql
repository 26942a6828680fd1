-- COPY FROM STDIN maintains gin, brin and hash indexes
CREATE TABLE c (n int, tags text[], doc jsonb);
CREATE INDEX c_tags ON c USING gin (tags);
CREATE INDEX c_doc ON c USING gin (doc);
CREATE INDEX c_n_hash ON c USING hash (n);
CREATE INDEX c_n_brin ON c USING brin (n);
COPY c FROM STDIN;
1	{a,b}	{"x": 1}
2	{b,c}	{"y": 2}
3	{}	{"x": 3, "z": true}
4	\N	\N
5	{a}	[1, 2]
\.
SET enable_seqscan = off;
SELECT n FROM c WHERE tags @> '{b}' ORDER BY n;
SELECT n FROM c WHERE doc ? 'x' ORDER BY n;
SELECT n FROM c WHERE doc @> '[2]' ORDER BY n;
SELECT n FROM c WHERE n = 4;
SELECT n FROM c WHERE n >= 3 ORDER BY n;
