CREATE TABLE r (team text, player text, pts int);
INSERT INTO r VALUES ('x', 'p1', 10), ('x', 'p2', 30), ('y', 'p3', 20), ('y', 'p4', 20), ('z', 'p5', 5);
SELECT DISTINCT ON (team) team, player, pts FROM r ORDER BY team, pts DESC, player;
SELECT team, max(pts), (array_agg(player ORDER BY pts DESC, player))[1] AS best FROM r GROUP BY team ORDER BY team;
SELECT count(DISTINCT pts), count(DISTINCT team) FROM r;
SELECT DISTINCT sum(pts) OVER () FROM r;
SELECT team FROM r GROUP BY team ORDER BY sum(pts) DESC, team;
