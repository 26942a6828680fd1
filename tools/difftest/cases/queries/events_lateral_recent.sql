CREATE TABLE events (user_id int, at timestamp, kind text, props jsonb);
INSERT INTO events VALUES (1, '2024-05-01 10:00', 'login', '{}'), (1, '2024-05-01 10:05', 'view', '{"page": "home"}'), (1, '2024-05-01 10:50', 'view', '{"page": "cart"}'), (1, '2024-05-01 11:00', 'buy', '{"amount": 30}'), (2, '2024-05-01 09:00', 'login', '{}'), (2, '2024-05-02 09:00', 'view', '{"page": "home"}'), (3, '2024-05-02 12:00', 'view', '{"page": "faq"}'), (3, '2024-05-02 12:10', 'buy', '{"amount": 12.5}'), (3, '2024-05-02 12:15', 'buy', '{"amount": 7.5}');
\pset null (null)

SELECT u.user_id, r.kind, r.at FROM (SELECT DISTINCT user_id FROM events) u CROSS JOIN LATERAL (SELECT kind, at FROM events e WHERE e.user_id = u.user_id ORDER BY at DESC LIMIT 2) r ORDER BY u.user_id, r.at DESC;
SELECT u.id, r.n FROM generate_series(1, 4) u(id) LEFT JOIN LATERAL (SELECT count(*) AS n FROM events e WHERE e.user_id = u.id AND e.kind = 'buy') r ON true ORDER BY u.id;
SELECT u.id, r.kind FROM generate_series(1, 4) u(id) LEFT JOIN LATERAL (SELECT kind FROM events e WHERE e.user_id = u.id ORDER BY at LIMIT 1) r ON true ORDER BY u.id;
