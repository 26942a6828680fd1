-- CREATE ROLE / CREATE USER / DROP ROLE and what pg_roles shows
CREATE ROLE h3_r1;
CREATE USER h3_u1;
CREATE ROLE h3_r2 WITH LOGIN SUPERUSER CREATEDB CREATEROLE CONNECTION LIMIT 5;
CREATE GROUP h3_g1;
SELECT rolname, rolcanlogin, rolsuper, rolcreatedb, rolcreaterole, rolinherit, rolconnlimit, rolpassword, rolvaliduntil
  FROM pg_roles WHERE rolname LIKE 'h3\_%' ORDER BY rolname;
SELECT usename, usesuper, usecreatedb, passwd FROM pg_user WHERE usename LIKE 'h3\_%' ORDER BY usename;
CREATE ROLE h3_r1;
CREATE ROLE h3_r3 LOGIN NOLOGIN;
CREATE ROLE h3_r3 CONNECTION LIMIT -2;
CREATE ROLE pg_h3;
CREATE ROLE h3_r3 VALID UNTIL '2030-01-02 03:04:05+00';
SELECT rolname, rolvaliduntil FROM pg_roles WHERE rolname = 'h3_r3';
DROP ROLE h3_nosuch;
DROP ROLE IF EXISTS h3_nosuch, h3_r3;
DROP ROLE h3_r1, h3_u1;
DROP USER h3_r2;
DROP GROUP h3_g1;
SELECT count(*) FROM pg_roles WHERE rolname LIKE 'h3\_%';
