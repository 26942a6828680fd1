CREATE TABLE shifts (worker text, s timestamp, e timestamp);
CREATE TABLE events (at timestamp, what text);
INSERT INTO shifts VALUES ('ann', '2024-03-01 08:00', '2024-03-01 16:00'), ('bob', '2024-03-01 14:00', '2024-03-01 22:00');
INSERT INTO events VALUES ('2024-03-01 07:59', 'early'), ('2024-03-01 08:00', 'open'), ('2024-03-01 15:00', 'overlap'), ('2024-03-01 22:00', 'close'), ('2024-03-02 01:00', 'late');
SELECT e.what, s.worker FROM events e JOIN shifts s ON e.at >= s.s AND e.at < s.e ORDER BY e.at, s.worker;
SELECT e.what, count(s.worker) FROM events e LEFT JOIN shifts s ON e.at >= s.s AND e.at < s.e GROUP BY e.at, e.what ORDER BY e.at;
SELECT a.worker, b.worker, greatest(a.s, b.s) AS from_, least(a.e, b.e) AS to_ FROM shifts a JOIN shifts b ON a.s < b.e AND b.s < a.e AND a.worker < b.worker;
SELECT e.what, s.worker FROM events e JOIN shifts s ON e.at::date = s.s::date AND e.at > s.e ORDER BY 1;
SELECT s.worker, e.at - s.s AS into_shift FROM shifts s JOIN events e ON e.at BETWEEN s.s AND s.e ORDER BY 1, 2;
