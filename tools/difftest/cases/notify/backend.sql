-- pg_backend_pid(), pg_cancel_backend(), pg_terminate_backend() and this session's pg_stat_activity row
SELECT pg_backend_pid() > 0 AS has_pid;
SELECT pg_cancel_backend(0);
SELECT pg_terminate_backend(0);
SELECT pg_terminate_backend(0, 100);
SELECT pg_terminate_backend(pg_backend_pid(), -1);
SELECT count(*) FROM pg_stat_activity WHERE pid = pg_backend_pid();
SELECT state, query FROM pg_stat_activity WHERE pid = pg_backend_pid();
SELECT datid IS NOT NULL AS has_db, usename, application_name, backend_type, wait_event_type
  FROM pg_stat_activity WHERE pid = pg_backend_pid();
SELECT xact_start IS NOT NULL AS in_xact, query_start >= backend_start AS started,
       leader_pid IS NULL AS no_leader
  FROM pg_stat_activity WHERE pid = pg_backend_pid();
BEGIN;
SELECT state, xact_start <= query_start AS ordered FROM pg_stat_activity WHERE pid = pg_backend_pid();
COMMIT;
SELECT count(*) > 0 AS sees_itself FROM pg_stat_activity WHERE backend_type = 'client backend';
