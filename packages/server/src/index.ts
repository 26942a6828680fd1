export { Server, type ServerOptions } from './internal/server.js';
