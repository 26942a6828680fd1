-- blank lines are not echoed; whitespace-only lines are
SELECT 1 AS one;


   
SELECT

  nosuch1;
-- c1
-- c2
SELECT
-- mid
  nosuch2;
/* lead */
SELECT nosuch3;
SELECT 1; SELECT nosuch4;
SELECT 2 AS two;   	
SELECT 'a

b' AS blank_inside;
SELECT 5 AS last
