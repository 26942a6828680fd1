CREATE TABLE gc (a int, b text, g int GENERATED ALWAYS AS (a * 3) STORED);
COPY gc (a, b) FROM STDIN;
1	one
2	two
\.
COPY gc FROM STDIN;
3	three
\.
COPY gc (a, g) FROM STDIN;
4	5
\.
SELECT * FROM gc ORDER BY a;
COPY gc TO STDOUT;
