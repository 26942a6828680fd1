SHOW work_mem;
SET work_mem = '16MB';
SHOW work_mem;
SET work_mem TO 2048;
SHOW work_mem;
RESET work_mem;
SHOW work_mem;
