SELECT rolname, rolsuper FROM pg_roles WHERE rolname = current_user;
SELECT usename FROM pg_user WHERE usename = 'postgres';
