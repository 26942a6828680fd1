-- NOTIFY and pg_notify(): nobody here listens, so nothing is delivered
NOTIFY some_channel;
NOTIFY some_channel, 'a payload';
SELECT pg_notify('some_channel', 'from a function');
SELECT pg_notify('some_channel', NULL);
BEGIN;
NOTIFY some_channel, 'in a transaction';
SELECT pg_notify('other', 'x') FROM generate_series(1, 3);
COMMIT;
BEGIN;
NOTIFY some_channel, 'rolled back';
ROLLBACK;
SELECT pg_notify('ch', repeat('x', 7999)) IS NOT NULL AS longest_payload;
-- errors
SELECT pg_notify('', 'x');
SELECT pg_notify(NULL, 'x');
SELECT pg_notify(repeat('c', 64), 'x');
SELECT pg_notify('ch', repeat('x', 8000));
SELECT pg_notify('ch', repeat('é', 4000));
BEGIN;
SELECT pg_notify('', 'x');
NOTIFY some_channel;
ROLLBACK;
