SELECT 1 AS one;;
;
SELECT 2 AS two; ; SELECT 3 AS three;
