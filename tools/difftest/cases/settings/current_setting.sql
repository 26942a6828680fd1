SELECT current_setting('work_mem') AS wm;
SET work_mem = '32MB';
SELECT current_setting('work_mem') AS wm;
SELECT current_setting('nosuch.setting');
SELECT current_setting('nosuch.setting', true) IS NULL AS missing_ok;
SELECT current_setting('nosuch_setting');
