// Checking a pooled client out for a transaction or a session's work, safe against the connection
// dropping while it is held.
import type pg from 'pg';

/**
 * A client checked out for several statements. Until it is released, a connection lost between two
 * statements is reported by the next statement, not as an 'error' event nobody listens to (which
 * ends the process: the daemon must outlive a database restart).
 */
export async function checkOut(pool: pg.Pool): Promise<pg.PoolClient> {
  const client = await pool.connect();
  const reportedByNextStatement = () => undefined;
  client.on('error', reportedByNextStatement);
  const release = client.release;
  client.release = (error?: Error | boolean) => {
    client.off('error', reportedByNextStatement);
    release.call(client, error);
  };
  return client;
}
