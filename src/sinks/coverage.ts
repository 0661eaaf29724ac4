// Reads coverage, the record of which games a dataset holds: what resume, skipping and `verify`
// consult instead of "some row exists". Coverage is written by the batch writer, with the data.
import type pg from 'pg';

export interface CoverageSummary {
  readonly complete: number;
  readonly empty: number;
  readonly failed: number;
  /** Games asked about that have no coverage row at all. */
  readonly missing: number;
}

/**
 * How long a game upstream had not published (hustle XML 403/404) is left alone before it is asked
 * again: feeds appear hours after the final buzzer, so asking on every run only spends calls.
 */
export const UNAVAILABLE_RECHECK_MINUTES = 60;

/** Coverage that lets a run leave a game alone: held, or found not published a short while ago. */
const LEFT_ALONE = `(status IN ('complete', 'empty')
  OR (status = 'unavailable' AND fetched_at > now() - make_interval(mins => ${UNAVAILABLE_RECHECK_MINUTES})))`;

/** What a run need not fetch of `gameIds` in a dataset. */
export interface GameCoverage {
  /** Coverage complete or empty: the dataset holds them. */
  readonly covered: Set<string>;
  /** Found not published upstream within UNAVAILABLE_RECHECK_MINUTES: asked again later. */
  readonly waiting: Set<string>;
}

export async function gameCoverage(
  pool: pg.Pool,
  dataset: string,
  gameIds: readonly string[],
): Promise<GameCoverage> {
  const coverage: GameCoverage = { covered: new Set(), waiting: new Set() };
  if (gameIds.length === 0) return coverage;
  const result = await pool.query<{ game_id: string; waiting: boolean }>(
    `SELECT game_id, status = 'unavailable' AS waiting FROM nba_ingest.coverage
     WHERE dataset = $1 AND game_id = ANY($2::text[]) AND ${LEFT_ALONE}`,
    [dataset, gameIds],
  );
  for (const row of result.rows) (row.waiting ? coverage.waiting : coverage.covered).add(row.game_id);
  return coverage;
}

/**
 * The games among `gameIds` that some of `datasets` still has to load: not held, not waiting to be
 * published, and not failed within the last `failedRetryMinutes` (a game that fails every time is
 * asked again now and then, not on every poll).
 */
export async function gamesToLoad(
  pool: pg.Pool,
  datasets: readonly string[],
  gameIds: readonly string[],
  failedRetryMinutes: number,
): Promise<string[]> {
  if (gameIds.length === 0 || datasets.length === 0) return [];
  const result = await pool.query<{ game_id: string }>(
    `SELECT g.game_id FROM unnest($2::text[]) AS g (game_id)
     CROSS JOIN unnest($1::text[]) AS d (dataset)
     WHERE NOT EXISTS (
       SELECT 1 FROM nba_ingest.coverage
       WHERE dataset = d.dataset AND game_id = g.game_id
         AND (${LEFT_ALONE} OR (status = 'failed' AND fetched_at > now() - make_interval(mins => $3))))
     GROUP BY g.game_id ORDER BY g.game_id`,
    [datasets, [...new Set(gameIds)], failedRetryMinutes],
  );
  return result.rows.map((row) => row.game_id);
}

/** Coverage of `gameIds` in `dataset`, counted by status. */
export async function coverageSummary(
  pool: pg.Pool,
  dataset: string,
  gameIds: readonly string[],
): Promise<CoverageSummary> {
  const games = [...new Set(gameIds)];
  const result = await pool.query<{ complete: number; empty: number; failed: number; found: number }>(
    `SELECT count(*) FILTER (WHERE status = 'complete')::int AS complete,
            count(*) FILTER (WHERE status = 'empty')::int AS empty,
            count(*) FILTER (WHERE status = 'failed')::int AS failed,
            count(*)::int AS found
     FROM nba_ingest.coverage WHERE dataset = $1 AND game_id = ANY($2::text[])`,
    [dataset, games],
  );
  const row = result.rows[0] ?? { complete: 0, empty: 0, failed: 0, found: 0 };
  return { complete: row.complete, empty: row.empty, failed: row.failed, missing: games.length - row.found };
}

/**
 * The teams among `teamIds` whose season rows in `dataset` are current: complete as of
 * `finalGames` final games. Once more games are final a team is stale and fetched again.
 */
export async function coveredTeams(
  pool: pg.Pool,
  dataset: string,
  season: { readonly label: string; readonly type: string; readonly finalGames: number },
  teamIds: readonly number[],
): Promise<Set<number>> {
  if (teamIds.length === 0) return new Set();
  const result = await pool.query<{ team_id: number }>(
    `SELECT team_id FROM nba_ingest.team_coverage
     WHERE dataset = $1 AND season_label = $2 AND season_type = $3 AND team_id = ANY($4::int[])
       AND status IN ('complete', 'empty') AND final_games = $5`,
    [dataset, season.label, season.type, teamIds, season.finalGames],
  );
  return new Set(result.rows.map((row) => row.team_id));
}

/** Whether a season-wide dataset's rows for the season are current: complete as of `finalGames`. */
export async function coveredSeason(
  pool: pg.Pool,
  dataset: string,
  season: { readonly label: string; readonly type: string; readonly finalGames: number },
): Promise<boolean> {
  const result = await pool.query(
    `SELECT 1 FROM nba_ingest.season_coverage
     WHERE dataset = $1 AND season_label = $2 AND season_type = $3 AND status = 'complete'
       AND final_games = $4`,
    [dataset, season.label, season.type, season.finalGames],
  );
  return (result.rowCount ?? 0) > 0;
}
