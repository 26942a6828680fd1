export {
  type ConnectOptions,
  Database,
  type DatabaseOptions,
  type ShutdownMode,
} from './internal/database.js';
export type {
  BindOptions,
  Portal,
  PortalBatch,
  PreparedStatement,
} from './internal/prepared.js';
export {
  EngineError,
  type FieldDescription,
  type Notice,
  type QueryResult,
} from './internal/result.js';
/** SASLprep (RFC 4013) as passwords are prepared before SCRAM hashing; @pg/server's exchange shares it. */
export { buildScramSecret, type RoleAuth, saslprep } from './internal/role-ddl.js';
export { type QueryOptions, Session } from './internal/session.js';
export {
  type ControlData,
  readControlData,
  readWalRecords,
  type WalDumpRecord,
} from './internal/tools.js';
