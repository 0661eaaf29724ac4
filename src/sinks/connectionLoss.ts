// Tells a lost database connection (the backend terminated, the server restarting, the socket
// reset) from an error of the statement itself. A transaction cut off that way rolled back on the
// server, so it may be run again on a new connection; a run that still cannot write is safe to rerun.

/**
 * SQLSTATE 57P01-57P03 and 57P05 (admin or crash shutdown, cannot connect now, idle session
 * timeout) and class 08 (connection exception): the server ended or refused the session, not the
 * statement.
 */
const LOST_CODES = /^(57P0[1235]|08\d\d\d)$/;
/** Socket errors of a connection that went away under the client. */
const LOST_SOCKET = new Set(['ECONNRESET', 'ECONNREFUSED', 'EPIPE', 'ETIMEDOUT']);
/** node-postgres reports a connection that closed under a query with these messages and no code. */
const LOST_MESSAGE =
  /^(Connection terminated( unexpectedly)?|Client has encountered a connection error and is not queryable)$/;

export function isConnectionLost(error: unknown): boolean {
  if (!(error instanceof Error)) return false;
  const { code } = error as { code?: unknown };
  if (typeof code === 'string' && (LOST_CODES.test(code) || LOST_SOCKET.has(code))) return true;
  return LOST_MESSAGE.test(error.message);
}
