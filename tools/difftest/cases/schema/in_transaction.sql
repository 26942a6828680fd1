BEGIN;
CREATE SCHEMA tx;
SELECT count(*) FROM pg_namespace WHERE nspname = 'tx';
ROLLBACK;
SELECT count(*) FROM pg_namespace WHERE nspname = 'tx';
BEGIN;
CREATE SCHEMA tx;
COMMIT;
SELECT count(*) FROM pg_namespace WHERE nspname = 'tx';
