SET work_mem = '20MB';
SET application_name = 'x';
RESET ALL;
SHOW work_mem;
SHOW application_name;
