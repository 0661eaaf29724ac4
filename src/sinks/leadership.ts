// One active daemon per database: the active one holds a PostgreSQL session advisory lock on a
// connection of its own for as long as it works. A standby asks for the lock now and then; the
// server releases it the moment the holder's connection ends (exit, crash, network loss), so the
// standby takes over without anyone cleaning up.
import type pg from 'pg';
import type { Logger } from 'pino';

/** The lock's key: one fixed number for "the nba-ingest daemon" in a database. */
export const DAEMON_LOCK_KEY = 7_426_113_905_221n;

export class Leadership {
  readonly #pool: pg.Pool;
  readonly #logger: Pick<Logger, 'warn'>;
  #client: pg.PoolClient | null = null;
  /** Aborted the moment the lock is known lost or given up: work done under it stops. */
  #tenure = new AbortController();

  constructor(pool: pg.Pool, logger: Pick<Logger, 'warn'>) {
    this.#pool = pool;
    this.#logger = logger;
  }

  get held(): boolean {
    return this.#client !== null && !this.#lost;
  }

  /** Aborts when the lock is lost or released; a fresh one with each acquisition. */
  get signal(): AbortSignal {
    return this.#tenure.signal;
  }

  /** Takes the lock when nobody holds it; answers whether this process now holds it. */
  async tryAcquire(): Promise<boolean> {
    if (this.held) return true;
    await this.release();
    const client = await this.#pool.connect();
    // A held connection that breaks must not crash the process: it only means the lock is gone.
    const onError = (error: Error) => {
      this.#lose();
      this.#logger.warn({ err: error.message }, 'the connection holding the daemon lock broke');
    };
    client.on('error', onError);
    try {
      const result = await client.query<{ locked: boolean }>('SELECT pg_try_advisory_lock($1) AS locked', [
        DAEMON_LOCK_KEY.toString(),
      ]);
      if (result.rows[0]?.locked !== true) {
        client.off('error', onError);
        client.release();
        return false;
      }
    } catch (error) {
      client.off('error', onError);
      client.release(true);
      throw error;
    }
    this.#client = client;
    this.#tenure = new AbortController();
    return true;
  }

  /** Lost while still held: the connection broke, or it did not answer. */
  get #lost(): boolean {
    return this.#tenure.signal.aborted;
  }

  #lose(): void {
    this.#tenure.abort();
  }

  /** Whether the lock is still ours: its connection answers. A broken one is dropped. */
  async confirm(): Promise<boolean> {
    if (this.#client === null) return false;
    if (!this.#lost) {
      try {
        await this.#client.query('SELECT 1');
        return true;
      } catch {
        this.#lose();
      }
    }
    await this.release();
    return false;
  }

  /** Gives the lock up (closing its connection releases it even if the unlock cannot be sent). */
  async release(): Promise<void> {
    const client = this.#client;
    this.#client = null;
    if (client === null) return;
    const lost = this.#lost;
    this.#tenure.abort();
    client.removeAllListeners('error');
    client.on('error', () => undefined);
    if (lost) {
      client.release(true);
      return;
    }
    try {
      await client.query('SELECT pg_advisory_unlock($1)', [DAEMON_LOCK_KEY.toString()]);
      client.release();
    } catch {
      client.release(true);
    }
  }
}
