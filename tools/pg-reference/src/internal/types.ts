import type { Client } from 'pg';

export interface ReferencePostgresOptions {
  /** initdb --data-checksums (default true). */
  dataChecksums?: boolean;
  /** extensions to CREATE in the default database after start (default ['pageinspect']). */
  extensions?: string[];
  /** initdb --locale (default 'C'). */
  locale?: string;
  /** extra server settings passed as -c name=value. */
  settings?: Record<string, string>;
}

export interface ReferencePostgres {
  /** always '127.0.0.1' */
  readonly host: string;
  readonly port: number;
  /** 'postgres' superuser, trust auth */
  readonly user: string;
  /** 'postgres' */
  readonly database: string;
  /** absolute path of the data directory (inside a temporary directory) */
  readonly dataDir: string;
  /** postmaster pid */
  readonly pid: number;
  /** result of SHOW server_version, e.g. '15.18 (Debian ...)' */
  readonly version: string;
  /** postgresql://postgres@127.0.0.1:PORT/postgres */
  readonly connectionString: string;
  /** one shared pg.Client; rows as pg returns them */
  query<R extends Record<string, unknown> = Record<string, unknown>>(
    sql: string,
    params?: unknown[],
  ): Promise<R[]>;
  /** a new pg.Client, connected; caller ends it */
  connect(): Promise<Client>;
  /**
   * read a file inside the data directory (relative path, e.g. from pg_relation_filepath()) as
   * bytes; works when running as root or as the owner
   */
  readDataFile(relativePath: string): Promise<Uint8Array>;
  /**
   * fast shutdown (SIGINT to the postmaster pid), wait for exit (SIGKILL after 10 s), remove the
   * temp dir. Idempotent.
   */
  stop(): Promise<void>;
}
