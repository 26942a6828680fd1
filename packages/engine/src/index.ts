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
export type { RoleAuth } from './internal/role-ddl.js'; // issue 10 (H3)
export { type QueryOptions, Session } from './internal/session.js';
export {
  type ControlData,
  readControlData,
  readWalRecords,
  type WalDumpRecord,
} from './internal/tools.js';
