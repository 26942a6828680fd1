SELECT * FROM nosuch;
SELECT * FROM public.nosuch;
SELECT * FROM nosuchschema.t;
SELECT a FROM nosuch WHERE a = 1;
