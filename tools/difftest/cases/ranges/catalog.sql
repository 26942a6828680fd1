-- the range types in the catalogs: pg_type, pg_range, pg_operator
SELECT oid, typname, typtype, typcategory, typlen, typalign, typstorage, typarray
FROM pg_type WHERE typtype = 'r' ORDER BY oid;
SELECT rngtypid::regtype, rngsubtype::regtype FROM pg_range ORDER BY rngtypid;
SELECT typname FROM pg_type WHERE typelem IN (3904, 3926, 3912) ORDER BY typname;
SELECT oprname, oprleft::regtype, oprright::regtype, oprresult::regtype FROM pg_operator
WHERE oid BETWEEN 3882 AND 3900 ORDER BY oid;
SELECT format_type(3904, NULL), format_type(3906, NULL), 'int4range'::regtype::oid;
