CREATE TABLE events (user_id int, at timestamp, kind text, props jsonb);
INSERT INTO events VALUES (1, '2024-05-01 10:00', 'login', '{}'), (1, '2024-05-01 10:05', 'view', '{"page": "home"}'), (1, '2024-05-01 10:50', 'view', '{"page": "cart"}'), (1, '2024-05-01 11:00', 'buy', '{"amount": 30}'), (2, '2024-05-01 09:00', 'login', '{}'), (2, '2024-05-02 09:00', 'view', '{"page": "home"}'), (3, '2024-05-02 12:00', 'view', '{"page": "faq"}'), (3, '2024-05-02 12:10', 'buy', '{"amount": 12.5}'), (3, '2024-05-02 12:15', 'buy', '{"amount": 7.5}');
\pset null (null)

SELECT DISTINCT ON (user_id) user_id, kind AS first_kind, at FROM events ORDER BY user_id, at;
SELECT DISTINCT user_id, first_value(kind) OVER w AS first_kind, last_value(kind) OVER w AS last_kind FROM events WINDOW w AS (PARTITION BY user_id ORDER BY at ROWS BETWEEN UNBOUNDED PRECEDING AND UNBOUNDED FOLLOWING) ORDER BY user_id;
SELECT e.user_id, e.kind, e.at FROM events e JOIN (SELECT user_id, max(at) AS last_at FROM events GROUP BY user_id) l ON l.user_id = e.user_id AND l.last_at = e.at ORDER BY 1;
SELECT user_id, (array_agg(kind ORDER BY at DESC))[1] AS last_kind, count(*) FROM events GROUP BY user_id ORDER BY user_id;
