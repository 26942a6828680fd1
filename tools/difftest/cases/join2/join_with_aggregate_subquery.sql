CREATE TABLE dept (id int, name text);
CREATE TABLE staff (id int, dept_id int, pay int);
INSERT INTO dept VALUES (1, 'eng'), (2, 'ops'), (3, 'hr');
INSERT INTO staff VALUES (1, 1, 100), (2, 1, 150), (3, 2, 90), (4, 2, 90), (5, 1, 120);
\pset null (null)
SELECT d.name, s.total, s.n FROM dept d JOIN (SELECT dept_id, sum(pay) AS total, count(*) AS n FROM staff GROUP BY dept_id) s ON s.dept_id = d.id ORDER BY d.name;
SELECT d.name, s.total FROM dept d LEFT JOIN (SELECT dept_id, sum(pay) AS total FROM staff GROUP BY dept_id) s ON s.dept_id = d.id ORDER BY d.name;
SELECT st.id, st.pay, m.mx FROM staff st JOIN (SELECT dept_id, max(pay) AS mx FROM staff GROUP BY dept_id) m ON m.dept_id = st.dept_id AND st.pay = m.mx ORDER BY st.id;
SELECT d.name, coalesce(a.avg_pay, 0) FROM dept d LEFT JOIN (SELECT dept_id, round(avg(pay), 2) AS avg_pay FROM staff GROUP BY dept_id) a ON a.dept_id = d.id ORDER BY 1;
SELECT st.id, st.pay - a.av AS diff FROM staff st JOIN (SELECT dept_id, avg(pay) AS av FROM staff GROUP BY dept_id) a USING (dept_id) ORDER BY st.id;
