/**
 * Log lines as PostgreSQL writes them to stderr with its default
 * log_line_prefix '%m [%p] ': `2026-11-21 19:40:00.123 UTC [1234] LOG:  message`.
 */

/** `%m`: the time with milliseconds, in UTC (log_timezone = 'Etc/UTC'). */
export function logTimestamp(date: Date = new Date()): string {
  const iso = date.toISOString(); // 2026-11-21T19:40:00.123Z
  return `${iso.slice(0, 10)} ${iso.slice(11, 23)} UTC`;
}

/** `%t`-style time without milliseconds (used in "was shut down at ..."). */
export function logTime(date: Date): string {
  const iso = date.toISOString();
  return `${iso.slice(0, 10)} ${iso.slice(11, 19)} UTC`;
}

/** One log line, ending with a newline. */
export function logLine(severity: string, message: string, pid = process.pid, date = new Date()) {
  return `${logTimestamp(date)} [${pid}] ${severity}:  ${message}\n`;
}
