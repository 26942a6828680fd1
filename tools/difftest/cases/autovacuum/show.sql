-- autovacuum's settings as PostgreSQL 15 shows them (autovacuum itself is
-- off in the engine's in-memory clusters, so it is not shown here)
SHOW autovacuum_naptime;
SHOW autovacuum_vacuum_threshold;
SHOW autovacuum_vacuum_scale_factor;
SHOW autovacuum_vacuum_insert_threshold;
SHOW autovacuum_vacuum_insert_scale_factor;
SHOW autovacuum_analyze_threshold;
SHOW autovacuum_analyze_scale_factor;
SHOW autovacuum_vacuum_cost_delay;
SHOW autovacuum_vacuum_cost_limit;
SHOW autovacuum_max_workers;
SHOW autovacuum_work_mem;
SHOW autovacuum_freeze_max_age;
SHOW log_autovacuum_min_duration;
SHOW vacuum_cost_delay;
SHOW vacuum_cost_limit;
SHOW vacuum_cost_page_hit;
SHOW vacuum_cost_page_miss;
SHOW vacuum_cost_page_dirty;
