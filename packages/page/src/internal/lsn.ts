/** An LSN printed as PostgreSQL prints it: high and low 32 bits in hex, e.g. 0/16B3748. */
export function formatLsn(lsn: bigint): string {
  const hi = Number((lsn >> 32n) & 0xffffffffn);
  const lo = Number(lsn & 0xffffffffn);
  return `${hi.toString(16).toUpperCase()}/${lo.toString(16).toUpperCase()}`;
}

/** Parses PostgreSQL's LSN text form (`X/X`). */
export function parseLsn(text: string): bigint {
  const m = /^([0-9A-Fa-f]{1,8})\/([0-9A-Fa-f]{1,8})$/.exec(text);
  if (!m) throw new Error(`invalid input syntax for type pg_lsn: "${text}"`);
  return (BigInt(`0x${m[1]}`) << 32n) | BigInt(`0x${m[2]}`);
}
