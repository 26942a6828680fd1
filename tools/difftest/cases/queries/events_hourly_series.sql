CREATE TABLE events (user_id int, at timestamp, kind text, props jsonb);
INSERT INTO events VALUES (1, '2024-05-01 10:00', 'login', '{}'), (1, '2024-05-01 10:05', 'view', '{"page": "home"}'), (1, '2024-05-01 10:50', 'view', '{"page": "cart"}'), (1, '2024-05-01 11:00', 'buy', '{"amount": 30}'), (2, '2024-05-01 09:00', 'login', '{}'), (2, '2024-05-02 09:00', 'view', '{"page": "home"}'), (3, '2024-05-02 12:00', 'view', '{"page": "faq"}'), (3, '2024-05-02 12:10', 'buy', '{"amount": 12.5}'), (3, '2024-05-02 12:15', 'buy', '{"amount": 7.5}');
\pset null (null)

SELECT h AS hour, count(e.user_id) AS n FROM generate_series(TIMESTAMP '2024-05-01 08:00', TIMESTAMP '2024-05-01 12:00', interval '1 hour') h LEFT JOIN events e ON date_trunc('hour', e.at) = h GROUP BY h ORDER BY h;
SELECT d::date, count(DISTINCT e.user_id) AS dau FROM generate_series(TIMESTAMP '2024-04-30', TIMESTAMP '2024-05-03', interval '1 day') d LEFT JOIN events e ON e.at::date = d::date GROUP BY d ORDER BY d;
SELECT date_trunc('day', at) AS day, kind, count(*) FROM events GROUP BY 1, 2 ORDER BY 1, 2;
