CREATE TABLE events (user_id int, at timestamp, kind text, props jsonb);
INSERT INTO events VALUES (1, '2024-05-01 10:00', 'login', '{}'), (1, '2024-05-01 10:05', 'view', '{"page": "home"}'), (1, '2024-05-01 10:50', 'view', '{"page": "cart"}'), (1, '2024-05-01 11:00', 'buy', '{"amount": 30}'), (2, '2024-05-01 09:00', 'login', '{}'), (2, '2024-05-02 09:00', 'view', '{"page": "home"}'), (3, '2024-05-02 12:00', 'view', '{"page": "faq"}'), (3, '2024-05-02 12:10', 'buy', '{"amount": 12.5}'), (3, '2024-05-02 12:15', 'buy', '{"amount": 7.5}');
\pset null (null)

SELECT props->>'page' AS page, count(*) FROM events WHERE kind = 'view' GROUP BY 1 ORDER BY 2 DESC, 1;
SELECT user_id, sum((props->>'amount')::numeric) AS spent FROM events WHERE props ? 'amount' GROUP BY user_id ORDER BY user_id;
SELECT user_id, jsonb_agg(props->'page' ORDER BY at) FILTER (WHERE props ? 'page') AS pages FROM events GROUP BY user_id ORDER BY user_id;
SELECT kind, jsonb_object_agg(user_id::text, n ORDER BY user_id) FROM (SELECT kind, user_id, count(*) AS n FROM events GROUP BY kind, user_id) s GROUP BY kind ORDER BY kind;
