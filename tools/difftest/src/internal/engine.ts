/**
 * The contract between the runner and a database under test. An adapter
 * runs one statement's text (exactly as psql would send it, as a simple
 * query) and reports what the server reported, as text.
 */

/** A NOTICE, WARNING (or INFO/LOG/DEBUG) message received while a statement ran. */
export interface Notice {
  /** 'NOTICE', 'WARNING', 'INFO', ... (the S field). */
  readonly severity: string;
  readonly message: string;
  readonly detail?: string;
  readonly hint?: string;
  /** 1-based character position in the statement, when the server gave one. */
  readonly position?: number;
}

/** A column of a result: its name and its type's OID (psql right-aligns numeric types). */
export interface Field {
  readonly name: string;
  readonly typeOid: number;
}

/** What a statement returned. Every result carries the notices received before it. */
export type Result =
  | {
      /** A statement that returned a row description (SELECT, SHOW, ... RETURNING). */
      readonly kind: 'rows';
      readonly fields: readonly Field[];
      /** Values in text output format; null for SQL NULL. */
      readonly rows: readonly (readonly (string | null)[])[];
      /** The command tag, e.g. 'SELECT 2', 'INSERT 0 1'. */
      readonly command: string;
      readonly notices: readonly Notice[];
    }
  | {
      /** A statement with no row description (CREATE TABLE, INSERT without RETURNING, SET, ...). */
      readonly kind: 'command';
      readonly command: string;
      readonly notices: readonly Notice[];
      /** COPY ... TO STDOUT's output (psql prints it as it arrives). */
      readonly copyOut?: string;
    }
  | {
      readonly kind: 'error';
      /** 'ERROR' (or 'FATAL', 'PANIC'). */
      readonly severity: string;
      readonly sqlstate: string;
      readonly message: string;
      readonly detail?: string;
      readonly hint?: string;
      /** 1-based character position in the statement's text. */
      readonly position?: number;
      /** The CONTEXT field (psql shows it for errors). */
      readonly context?: string;
      readonly notices: readonly Notice[];
    };

/** What psql feeds a COPY ... FROM STDIN: the script's lines after it, up to and including `\.`. */
export interface ExecIo {
  readonly copyIn?: string;
}

/** A database under test: one session on one fresh database per case file. */
export interface Engine {
  /**
   * Runs one statement's text as a simple query. Returns one result per
   * statement in the text (none for an empty query); an error ends the list.
   * Must not throw for SQL errors: they are results.
   */
  exec(sql: string, io?: ExecIo): Promise<Result[]>;
  /** Ends the session and frees the database. */
  close(): Promise<void>;
}

/** Makes a fresh Engine (a new, empty database) for each case file. */
export type EngineFactory = () => Promise<Engine>;
