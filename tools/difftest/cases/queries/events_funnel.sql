CREATE TABLE events (user_id int, at timestamp, kind text, props jsonb);
INSERT INTO events VALUES (1, '2024-05-01 10:00', 'login', '{}'), (1, '2024-05-01 10:05', 'view', '{"page": "home"}'), (1, '2024-05-01 10:50', 'view', '{"page": "cart"}'), (1, '2024-05-01 11:00', 'buy', '{"amount": 30}'), (2, '2024-05-01 09:00', 'login', '{}'), (2, '2024-05-02 09:00', 'view', '{"page": "home"}'), (3, '2024-05-02 12:00', 'view', '{"page": "faq"}'), (3, '2024-05-02 12:10', 'buy', '{"amount": 12.5}'), (3, '2024-05-02 12:15', 'buy', '{"amount": 7.5}');
\pset null (null)

SELECT count(DISTINCT user_id) FILTER (WHERE kind = 'login') AS logins, count(DISTINCT user_id) FILTER (WHERE kind = 'view') AS viewers, count(DISTINCT user_id) FILTER (WHERE kind = 'buy') AS buyers FROM events;
SELECT u.user_id, EXISTS (SELECT 1 FROM events e WHERE e.user_id = u.user_id AND e.kind = 'view') AS viewed, EXISTS (SELECT 1 FROM events e WHERE e.user_id = u.user_id AND e.kind = 'buy') AS bought FROM (SELECT DISTINCT user_id FROM events) u ORDER BY 1;
SELECT v.user_id, min(b.at) - min(v.at) AS time_to_buy FROM events v JOIN events b ON b.user_id = v.user_id AND b.kind = 'buy' AND b.at > v.at WHERE v.kind = 'view' GROUP BY v.user_id ORDER BY 1;
