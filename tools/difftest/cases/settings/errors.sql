SET nosuch_setting = 1;
SHOW nosuch_setting;
SET work_mem = 'lots';
SET work_mem = -1;
RESET nosuch_setting;
SET statement_timeout = '1 fortnight';
