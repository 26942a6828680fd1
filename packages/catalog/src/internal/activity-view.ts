/**
 * pg_stat_activity: one row per server process, computed from the
 * engine's sessions (the engine hands the rows in through
 * CatalogOptions.activity). PostgreSQL 15's OIDs and column list;
 * client_addr (inet), backend_xid and backend_xmin (xid) are text here,
 * as @pg/types has neither inet nor xid yet.
 */
import type { ViewDef } from './pg15-data.js';

export const PG_STAT_ACTIVITY_VIEW: ViewDef = {
  name: 'pg_stat_activity',
  nsp: 11,
  oid: 12222,
  rowtype: 12224,
  columns: [
    ['datid', 26, -1],
    ['datname', 19, -1],
    ['pid', 23, -1],
    ['leader_pid', 23, -1],
    ['usesysid', 26, -1],
    ['usename', 19, -1],
    ['application_name', 25, -1],
    ['client_addr', 25, -1],
    ['client_hostname', 25, -1],
    ['client_port', 23, -1],
    ['backend_start', 1184, -1],
    ['xact_start', 1184, -1],
    ['query_start', 1184, -1],
    ['state_change', 1184, -1],
    ['wait_event_type', 25, -1],
    ['wait_event', 25, -1],
    ['state', 25, -1],
    ['backend_xid', 25, -1],
    ['backend_xmin', 25, -1],
    ['query_id', 20, -1],
    ['query', 25, -1],
    ['backend_type', 25, -1],
  ],
};
