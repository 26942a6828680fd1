-- ranges in other places: JSON, casts, CASE, COALESCE, IN lists, polymorphic errors
SELECT to_json('[1,5)'::int4range), to_jsonb(numrange(1.5, 2.5));
SELECT json_build_object('r', daterange('2020-01-01', '2020-02-01'));
SELECT '[1,5)'::int4range::text::int4range;
SELECT '[1,5)'::int4range::numrange;
SELECT COALESCE(NULL::int4range, '[1,2)');
SELECT CASE WHEN true THEN '[1,2)'::int4range ELSE 'empty' END;
SELECT '[1,5)'::int4range IN ('[1,4]', 'empty');
SELECT lower('[1,2)');
SELECT int4range(1, 5) @> 1.5;
SELECT numrange(1, 5) @> 3;
SELECT row('[1,2)'::int4range, 'x');
SELECT array_agg(r ORDER BY r) FROM (VALUES ('[3,4)'::int4range), ('empty'), ('[1,2)')) v(r);
SELECT max(r), min(r) FROM (VALUES ('[3,4)'::int4range), ('empty'), ('[1,2)')) v(r);
