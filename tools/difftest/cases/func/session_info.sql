SELECT current_user AS cu, session_user AS su, current_schema() AS cs;
SELECT current_database() IS NOT NULL AS has_db;
SELECT current_schemas(false) AS schemas;
SELECT version() LIKE 'PostgreSQL 15%' AS is_15;
