SET SESSION work_mem = '12MB';
SHOW work_mem;
SET work_mem = DEFAULT;
SHOW work_mem;
SET search_path TO public, pg_catalog;
SHOW search_path;
SET search_path TO DEFAULT;
SHOW search_path;
