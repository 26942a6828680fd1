-- the tid type: input, output, comparison
SELECT '(0,1)'::tid, '(4294967295,65535)'::tid, '(-1,0)'::tid;
SELECT 'x'::tid;
SELECT '(1,65536)'::tid;
SELECT '(1,-1)'::tid;
SELECT '(1 ,2)'::tid;
SELECT '( 1, 2)'::tid;
SELECT '(1,2'::tid;
SELECT '(0,1)'::tid < '(0,2)'::tid AS lt, '(1,0)'::tid > '(0,9)'::tid AS gt, '(2,3)'::tid = '(2,3)'::tid AS eq, '(2,3)'::tid <> '(2,4)'::tid AS ne;
SELECT '(0,1)'::tid <= '(0,1)'::tid, '(0,1)'::tid >= '(0,2)'::tid;
SELECT max(t), min(t) FROM (VALUES ('(3,1)'::tid), ('(1,7)'::tid), ('(2,0)'::tid)) v(t);
SELECT t FROM (VALUES ('(3,1)'::tid), ('(1,7)'::tid), ('(1,2)'::tid)) v(t) ORDER BY t;
SELECT pg_typeof('(0,1)'::tid), '5'::cid, pg_typeof('5'::cid), '5'::cid = '5'::cid AS cid_eq;
SELECT ARRAY['(0,1)'::tid, '(0,2)'::tid];
SELECT '(0,1)'::tid::text;
