SELECT 1 AS "quoted ""ident"" ", 2 AS UPPERCASE, 3 AS "MixedCase";
CREATE TABLE "My Table" ("Col" int);
INSERT INTO "My Table" VALUES (1);
SELECT "Col" FROM "My Table";
SELECT col FROM "My Table";
SELECT * FROM my_table;
