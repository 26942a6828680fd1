/**
 * The postmaster-level settings the server binary itself acts on (port,
 * listen_addresses, unix_socket_directories, max_connections, ssl...),
 * read from postgresql.conf, postgresql.auto.conf and the command line in
 * PostgreSQL's order (later wins). Every other `-c name=value` goes to the
 * engine's settings, which reads postgresql.conf on its own.
 */
import { existsSync, readFileSync } from 'node:fs';
import { join } from 'node:path';

/** Names the binary handles (lower case); the engine ignores them in postgresql.conf. */
export const SERVER_SETTINGS = new Set([
  'listen_addresses',
  'unix_socket_directories',
  'max_connections',
  'ssl',
  'ssl_cert_file',
  'ssl_key_file',
  'log_checkpoints',
  'hba_file',
]);

/** `name = value` lines of a PostgreSQL configuration file (comments and quotes as guc-file.l). */
export function parseConf(text: string): Map<string, string> {
  const out = new Map<string, string>();
  for (const raw of text.split('\n')) {
    let line = '';
    let quoted = false;
    for (const c of raw) {
      if (c === "'") quoted = !quoted;
      else if (c === '#' && !quoted) break;
      line += c;
    }
    line = line.trim();
    if (line === '') continue;
    const m = /^([A-Za-z_][A-Za-z0-9_.]*)\s*=?\s*(.*)$/.exec(line);
    if (m === null || m[1] === undefined) continue;
    let value = (m[2] ?? '').trim();
    if (value.startsWith("'") && value.endsWith("'") && value.length >= 2) {
      value = value.slice(1, -1).replace(/''/g, "'").replace(/\\'/g, "'");
    }
    out.set(m[1].toLowerCase(), value);
  }
  return out;
}

/** postgresql.conf then postgresql.auto.conf of `dataDir` (missing files are empty). */
export function readDataDirConf(dataDir: string): Map<string, string> {
  const out = new Map<string, string>();
  for (const name of ['postgresql.conf', 'postgresql.auto.conf']) {
    const path = join(dataDir, name);
    if (!existsSync(path)) continue;
    for (const [k, v] of parseConf(readFileSync(path, 'utf8'))) out.set(k, v);
  }
  return out;
}

/** A comma-separated list setting (listen_addresses, unix_socket_directories). */
export function splitList(value: string): string[] {
  return value
    .split(',')
    .map((s) => s.trim().replace(/^"(.*)"$/, '$1'))
    .filter((s) => s !== '');
}

/** A boolean setting as guc.c parses it (on/off, true/false, yes/no, 1/0, unique prefixes). */
export function parseBool(name: string, value: string): boolean {
  const v = value.trim().toLowerCase();
  if (['on', 'true', 'yes', '1', 't', 'y', 'tr', 'tru', 'ye'].includes(v)) return true;
  if (['off', 'false', 'no', '0', 'f', 'n', 'fa', 'fal', 'fals', 'of'].includes(v)) return false;
  throw new Error(`parameter "${name}" requires a Boolean value`);
}

/** An integer setting in its range, with PostgreSQL's message otherwise. */
export function parseInteger(name: string, value: string, min: number, max: number): number {
  const n = Number(value.trim());
  if (!Number.isInteger(n)) {
    throw new Error(`invalid value for parameter "${name}": "${value}"`);
  }
  if (n < min || n > max) {
    throw new Error(`${n} is outside the valid range for parameter "${name}" (${min} .. ${max})`);
  }
  return n;
}
