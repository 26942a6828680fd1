CREATE SCHEMA pg_mine;
CREATE SCHEMA "Mixed";
SELECT nspname FROM pg_namespace WHERE nspname LIKE 'Mix%';
DROP SCHEMA "Mixed";
DROP SCHEMA public_nosuch;
