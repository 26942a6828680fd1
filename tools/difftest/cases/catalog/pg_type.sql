SELECT typname, typlen, typbyval, typcategory FROM pg_type WHERE typname IN ('int2', 'int4', 'int8', 'text', 'bool', 'numeric', 'float8') ORDER BY typname;
SELECT oid::int AS oid, typname FROM pg_type WHERE oid IN (16, 20, 23, 25, 1700) ORDER BY oid;
