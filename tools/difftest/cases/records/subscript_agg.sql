CREATE TABLE r (team text, player text, pts int);
INSERT INTO r VALUES ('x', 'p1', 10), ('x', 'p2', 30), ('y', 'p3', 20), ('y', 'p4', 20), ('z', 'p5', 5);
SELECT team, (array_agg(player ORDER BY pts DESC, player))[1] AS best FROM r GROUP BY team ORDER BY team;
SELECT team, (array_agg(pts ORDER BY pts))[1:2] AS low2 FROM r GROUP BY team ORDER BY team;
SELECT (array_agg(pts ORDER BY pts DESC))[2] AS second FROM r;
SELECT team FROM r GROUP BY team HAVING (array_agg(pts ORDER BY pts))[1] > 5 ORDER BY team;
