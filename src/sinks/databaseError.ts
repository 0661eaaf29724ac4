// Why the database cannot be used, as a kind the CLI maps to an exit code: `configuration` (78: a
// wrong URL, password or database name, a bad data directory, an edited migration) or `unavailable`
// (69: the server does not answer or refuses connections for now).
export type DatabaseErrorKind = 'configuration' | 'unavailable';

export class DatabaseError extends Error {
  readonly kind: DatabaseErrorKind;

  constructor(kind: DatabaseErrorKind, message: string, options?: { cause?: unknown }) {
    super(message, options);
    this.name = 'DatabaseError';
    this.kind = kind;
  }
}
