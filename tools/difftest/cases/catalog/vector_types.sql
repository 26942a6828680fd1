-- int2vector / oidvector catalog columns: subscripts (lower bound 0), casts, = ANY, unnest
CREATE TABLE vt (a int, b text, c int);
CREATE INDEX vt_cb ON vt (c, b);
SELECT indkey, indkey[0] AS k0, indkey[1] AS k1, indkey[2] AS k2 FROM pg_index WHERE indexrelid = 'vt_cb'::regclass;
SELECT indclass[0] AS c0, indclass[1] AS c1, indclass::oid[] AS classes FROM pg_index WHERE indexrelid = 'vt_cb'::regclass;
SELECT indkey::text AS keys, indclass::text AS classes FROM pg_index WHERE indexrelid = 'vt_cb'::regclass;
SELECT a.attname FROM pg_index i JOIN pg_attribute a ON a.attrelid = i.indrelid AND a.attnum = ANY (i.indkey) WHERE i.indexrelid = 'vt_cb'::regclass ORDER BY a.attnum;
SELECT unnest(indkey::int2[]) AS attnum FROM pg_index WHERE indexrelid = 'vt_cb'::regclass;
SELECT array_length(indkey::int2[], 1) AS n, array_lower(indkey::int2[], 1) AS lo FROM pg_index WHERE indexrelid = 'vt_cb'::regclass;
SELECT proargtypes, proargtypes[0] AS first, proargtypes[1]::regtype AS second FROM pg_proc WHERE proname = 'int4pl';
SELECT indkey[0:1] AS slice FROM pg_index WHERE indexrelid = 'vt_cb'::regclass;
SELECT unnest(indkey) AS attnum, array_length(indclass, 1) AS n, array_to_string(indkey, ',') AS keys FROM pg_index WHERE indexrelid = 'vt_cb'::regclass;
