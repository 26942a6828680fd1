SELECT datname FROM pg_database WHERE datname IN ('template0', 'template1', 'postgres') ORDER BY datname;
SELECT datallowconn FROM pg_database WHERE datname = 'template0';
SELECT pg_encoding_to_char(encoding) AS enc, datcollate FROM pg_database WHERE datname = current_database();
