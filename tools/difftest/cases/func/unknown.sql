SELECT nosuchfunc(1);
SELECT length(1, 2);
SELECT upper(42);
SELECT abs('x'::text);
SELECT length();
