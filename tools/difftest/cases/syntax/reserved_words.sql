CREATE TABLE select (a int);
CREATE TABLE t (from int);
CREATE TABLE "select" ("from" int);
INSERT INTO "select" VALUES (1);
SELECT "from" FROM "select";
