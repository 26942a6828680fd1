\set VERBOSITY terse
SELECT nosuch;
SELEC 1;
INSERT INTO nosuch VALUES (1);
\set VERBOSITY sqlstate
SELECT nosuch;
\set VERBOSITY default
SELECT nosuch;
