CREATE TABLE t (a int);
SELECT 't'::regclass AS rel;
SELECT 'nosuch'::regclass;
SELECT 'public.t'::regclass AS qualified;
SELECT to_regclass('nosuch') IS NULL AS missing;
SELECT 'int4'::regtype AS typ, 'integer'::regtype AS typ2;
