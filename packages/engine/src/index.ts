export {
  type ConnectOptions,
  Database,
  type DatabaseOptions,
  type ShutdownMode,
} from './internal/database.js';
export {
  EngineError,
  type FieldDescription,
  type Notice,
  type QueryResult,
} from './internal/result.js';
export { type QueryOptions, Session } from './internal/session.js';
