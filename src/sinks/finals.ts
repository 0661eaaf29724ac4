// The daemon's record of final games (nba_ingest.finals): first seen final, first fully committed,
// and the settle re-fetches done. Times that decide re-fetches are upstream's clock, given by the
// caller; `ingested_at` is the database's.
import type pg from 'pg';

/** Games seen final for the first time get `at` as their final instant; known ones keep theirs. */
export async function recordFinals(pool: pg.Pool, gameIds: readonly string[], at: Date): Promise<void> {
  if (gameIds.length === 0) return;
  await pool.query(
    `INSERT INTO nba_ingest.finals (game_id, final_at)
     SELECT unnest($1::text[]), $2
     ON CONFLICT (game_id) DO NOTHING`,
    [gameIds, at],
  );
}

/** Marks games every dataset now holds; answers those marked for the first time. */
export async function markIngested(pool: pg.Pool, gameIds: readonly string[]): Promise<string[]> {
  if (gameIds.length === 0) return [];
  const result = await pool.query<{ game_id: string }>(
    `UPDATE nba_ingest.finals SET ingested_at = now()
     WHERE game_id = ANY($1::text[]) AND ingested_at IS NULL
     RETURNING game_id`,
    [gameIds],
  );
  return result.rows.map((row) => row.game_id).sort();
}

export interface RefetchDue {
  readonly gameId: string;
  /** Settle re-fetches done before this one. */
  readonly refetches: number;
}

/**
 * Finals whose next settle interval has passed at `now`: re-fetch k (0-based) is due once
 * `final_at + settle[k]` is reached. Several passed intervals cost one re-fetch, not one each. A
 * re-fetch tried within the last `retryMinutes` (and failed: it would not be due otherwise) waits.
 */
export async function refetchesDue(
  pool: pg.Pool,
  settleMs: readonly number[],
  now: Date,
  retryMinutes: number,
): Promise<RefetchDue[]> {
  if (settleMs.length === 0) return [];
  const result = await pool.query<{ game_id: string; refetches: number }>(
    `SELECT game_id, refetches FROM nba_ingest.finals
     WHERE refetches < cardinality($1::float8[])
       AND final_at + make_interval(secs => ($1::float8[])[refetches + 1] / 1000) <= $2
       AND (tried_at IS NULL OR tried_at < now() - make_interval(mins => $3))
     ORDER BY final_at, game_id`,
    [settleMs, now, retryMinutes],
  );
  return result.rows.map((row) => ({ gameId: row.game_id, refetches: row.refetches }));
}

/** Records a settle re-fetch that failed or was cut short: tried, not done. */
export async function markRefetchTried(pool: pg.Pool, gameIds: readonly string[]): Promise<void> {
  if (gameIds.length === 0) return;
  await pool.query('UPDATE nba_ingest.finals SET tried_at = now() WHERE game_id = ANY($1::text[])', [
    gameIds,
  ]);
}

/** Records a settle re-fetch: every interval already passed at `now` counts as done. */
export async function markRefetched(
  pool: pg.Pool,
  gameIds: readonly string[],
  settleMs: readonly number[],
  now: Date,
): Promise<void> {
  if (gameIds.length === 0) return;
  await pool.query(
    `UPDATE nba_ingest.finals f SET refetched_at = now(), tried_at = NULL,
       refetches = GREATEST(f.refetches + 1, (SELECT count(*) FROM unnest($2::float8[]) AS s(ms)
                    WHERE f.final_at + make_interval(secs => s.ms / 1000) <= $3))
     WHERE game_id = ANY($1::text[])`,
    [gameIds, settleMs, now],
  );
}
