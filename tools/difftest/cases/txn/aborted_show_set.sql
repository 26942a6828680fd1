BEGIN;
SELECT 1/0;
SHOW search_path;
SET work_mem = '8MB';
SAVEPOINT s;
RELEASE s;
ROLLBACK;
SHOW work_mem;
