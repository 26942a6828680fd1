CREATE TABLE results (student text, subject text, score int);
INSERT INTO results VALUES ('amy', 'math', 91), ('amy', 'art', 78), ('bo', 'math', 85), ('bo', 'art', 88), ('cid', 'math', 85), ('cid', 'art', NULL), ('dot', 'math', 60), ('dot', 'art', 95);
\pset null (null)
SELECT student, max(score) FILTER (WHERE subject = 'math') AS math, max(score) FILTER (WHERE subject = 'art') AS art, round(avg(score), 1) AS mean FROM results GROUP BY student ORDER BY mean DESC NULLS LAST, student;
SELECT subject, student, score, dense_rank() OVER (PARTITION BY subject ORDER BY score DESC NULLS LAST) FROM results ORDER BY subject, 4, student;
SELECT subject, count(*) FILTER (WHERE score >= 85) AS honors, count(score) AS sat, count(*) AS enrolled FROM results GROUP BY subject ORDER BY subject;
SELECT student FROM results GROUP BY student HAVING min(score) >= 78 ORDER BY student;
SELECT r.student, r.subject, r.score - a.avg_score AS above FROM results r JOIN (SELECT subject, avg(score) AS avg_score FROM results GROUP BY subject) a USING (subject) WHERE r.score > a.avg_score ORDER BY 1, 2;
