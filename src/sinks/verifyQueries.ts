// The facts `verify` judges, read from coverage, the request ledger and the data tables in one
// read-only snapshot. Knows SQL, judges nothing: every answer is counts plus a short sample.
// Identifiers come only from checked table declarations and are always quoted.

import type pg from 'pg';
import { checkOut } from './checkOut.ts';
import { isConnectionLost } from './connectionLoss.ts';
import { DatabaseError } from './databaseError.ts';
import { replaceScope } from './loadPlan.ts';
import { checkTableSpec, quote, quoteTable, type TableSpec, TableSpecError } from './tableSpec.ts';

/** How many offending games, rows or responses a fact carries by name. */
export const SAMPLE_SIZE = 10;

/** The games a check looks at: one season and season type of `nba.games`. */
export interface SeasonScope {
  readonly season: string;
  readonly seasonType: string;
}

/**
 * A sanity assertion on a dataset's target table, over the rows of the scope's games; declared
 * next to the dataset (`QueryToolDataset.checks`), turned into SQL here.
 */
export type TableCheck =
  /** Every covered game (complete or empty) has between `min` and `max` rows. */
  | { readonly kind: 'rowsPerGame'; readonly name: string; readonly min: number; readonly max: number }
  /** The share of rows where the boolean `column` is true lies in [min, max] (fractions 0–1). */
  | {
      readonly kind: 'share';
      readonly name: string;
      readonly column: string;
      readonly min: number;
      readonly max: number;
    }
  /** `column` lies in [min, max] in every row where it is not NULL. */
  | {
      readonly kind: 'range';
      readonly name: string;
      readonly column: string;
      readonly min: number;
      readonly max: number;
    }
  /** None of `columns` is NULL in any row. */
  | { readonly kind: 'notNull'; readonly name: string; readonly columns: readonly string[] }
  /** `column` is one of `values` in every row (NULL is not one of them). */
  | {
      readonly kind: 'oneOf';
      readonly name: string;
      readonly column: string;
      readonly values: readonly string[];
    };

export interface GameSample {
  readonly gameId: string;
  readonly detail: string;
}

export interface CoverageFacts {
  readonly finalGames: number;
  /** Final games whose coverage is complete or empty. */
  readonly covered: number;
  /** Final games without coverage, or with failed coverage. */
  readonly uncovered: number;
  /** Final games upstream has not published yet for the dataset (`unavailable`): asked again later. */
  readonly pending?: number;
  /** In date order; detail is `no coverage` or `failed: <reason>`. */
  readonly sample: readonly GameSample[];
}

export interface RowCountFacts {
  /** Covered games (complete or empty) of the scope whose row count was compared. */
  readonly games: number;
  readonly mismatched: number;
  /** detail is `coverage N, table M`. */
  readonly sample: readonly GameSample[];
}

export interface LedgerResponse {
  readonly requestId: number;
  readonly runId: number | null;
  readonly endpoint: string;
  readonly measure: string | null;
  readonly gameCount: number;
  readonly firstGameId: string | null;
  readonly lastGameId: string | null;
  readonly rowsReturned: number;
  readonly maxRows: number;
}

export interface TruncationFacts {
  /** Committed (accepted) responses with a known cap. */
  readonly committed: number;
  readonly atThreshold: number;
  readonly sample: readonly LedgerResponse[];
}

export interface CapHits {
  readonly endpoint: string;
  readonly measure: string | null;
  readonly responses: number;
  readonly truncated: number;
}

export interface CapHitFacts {
  /** The latest run that made requests for the dataset; null when none has. */
  readonly runId: number | null;
  readonly calls: readonly CapHits[];
}

export type TableCheckFacts =
  | {
      readonly kind: 'rowsPerGame';
      readonly games: number;
      readonly outside: number;
      readonly fewest: number | null;
      readonly most: number | null;
      readonly sample: readonly GameSample[];
    }
  | { readonly kind: 'share'; readonly rows: number; readonly matching: number }
  | {
      readonly kind: 'range' | 'notNull' | 'oneOf';
      readonly rows: number;
      readonly violating: number;
      /** gameId and `key=… value=…`. */
      readonly sample: readonly GameSample[];
    };

/** Relations every verify reads; a dataset's own table is added by the caller. */
export const LEDGER_RELATIONS = [
  'nba.games',
  'nba_ingest.coverage',
  'nba_ingest.requests',
  'nba_ingest.runs',
] as const;

/**
 * Runs `work` on one connection in a read-only, repeatable-read transaction: every fact comes from
 * the same snapshot and nothing can be written. Connection and privilege problems become
 * DatabaseErrors the CLI maps to exit codes.
 */
export async function inReadOnlySnapshot<T>(
  pool: pg.Pool,
  work: (client: pg.ClientBase) => Promise<T>,
): Promise<T> {
  const client = await checkOut(pool).catch((error: unknown) => {
    throw asDatabaseError(error);
  });
  let failure: Error | undefined;
  try {
    await client.query('BEGIN ISOLATION LEVEL REPEATABLE READ READ ONLY');
    const result = await work(client);
    await client.query('COMMIT');
    return result;
  } catch (error) {
    failure = error instanceof Error ? error : new Error(String(error));
    await client.query('ROLLBACK').catch(() => undefined);
    throw asDatabaseError(error);
  } finally {
    client.release(failure);
  }
}

/** The relations among `names` (schema.table) that do not exist. */
export async function missingRelations(client: pg.ClientBase, names: readonly string[]): Promise<string[]> {
  const { rows } = await client.query<{ name: string }>(
    'SELECT name FROM unnest($1::text[]) AS name WHERE to_regclass(name) IS NULL ORDER BY name',
    [names],
  );
  return rows.map((row) => row.name);
}

/** What a season-wide table's rows are scoped and identified by. */
const SEASON_COLUMNS = ['season_label', 'season_type', 'team_id'] as const;

const SCOPE_GAMES = `SELECT game_id, game_date FROM nba.games WHERE season_label = $1 AND season_type = $2`;

export async function coverageFacts(
  client: pg.ClientBase,
  dataset: string,
  scope: SeasonScope,
): Promise<CoverageFacts> {
  const { rows } = await client.query<CoverageFacts>(
    `WITH final AS (
       SELECT g.game_id, g.game_date, c.status, c.reason
         FROM nba.games g
         LEFT JOIN nba_ingest.coverage c ON c.game_id = g.game_id AND c.dataset = $3
        WHERE g.season_label = $1 AND g.season_type = $2 AND g.game_status = 3
     ), uncovered AS (
       SELECT game_id, game_date,
              CASE WHEN status IS NULL THEN 'no coverage' ELSE 'failed: ' || coalesce(reason, 'no reason') END AS detail
         FROM final WHERE status IS NULL OR status NOT IN ('complete', 'empty', 'unavailable')
     )
     SELECT (SELECT count(*) FROM final)::int AS "finalGames",
            (SELECT count(*) FROM final WHERE status IN ('complete', 'empty'))::int AS covered,
            (SELECT count(*) FROM uncovered)::int AS uncovered,
            (SELECT count(*) FROM final WHERE status = 'unavailable')::int AS pending,
            coalesce((SELECT json_agg(json_build_object('gameId', game_id, 'detail', detail))
                        FROM (SELECT * FROM uncovered ORDER BY game_date, game_id LIMIT ${SAMPLE_SIZE}) s), '[]') AS sample`,
    [scope.season, scope.seasonType, dataset],
  );
  return rows[0] as CoverageFacts;
}

/**
 * Coverage of a season-wide dataset: the teams of the scope's final games, each covered when its
 * team coverage is complete as of today's number of final games (older means stale). Reported in
 * the CoverageFacts shape with teams for games; a sample's gameId is the team id.
 */
export async function teamCoverageFacts(
  client: pg.ClientBase,
  dataset: string,
  scope: SeasonScope,
): Promise<CoverageFacts> {
  const { rows } = await client.query<CoverageFacts>(
    `WITH final AS (
       SELECT * FROM nba.games WHERE season_label = $1 AND season_type = $2 AND game_status = 3
     ), teams AS (
       SELECT home_team_id AS team_id FROM final UNION SELECT away_team_id FROM final
     ), judged AS (
       SELECT t.team_id, c.status, c.reason, c.final_games, (SELECT count(*) FROM final)::int AS now
         FROM teams t
         LEFT JOIN nba_ingest.team_coverage c
           ON c.team_id = t.team_id AND c.dataset = $3 AND c.season_label = $1 AND c.season_type = $2
     ), uncovered AS (
       SELECT team_id,
              CASE WHEN status IS NULL THEN 'no coverage'
                   WHEN status NOT IN ('complete', 'empty') THEN 'failed: ' || coalesce(reason, 'no reason')
                   ELSE 'stale: as of ' || final_games || ' of ' || now || ' final games' END AS detail
         FROM judged WHERE status IS NULL OR status NOT IN ('complete', 'empty') OR final_games <> now
     )
     SELECT (SELECT count(*) FROM teams)::int AS "finalGames",
            (SELECT count(*) FROM teams)::int - (SELECT count(*) FROM uncovered)::int AS covered,
            (SELECT count(*) FROM uncovered)::int AS uncovered,
            coalesce((SELECT json_agg(json_build_object('gameId', team_id::text, 'detail', detail))
                        FROM (SELECT * FROM uncovered ORDER BY team_id LIMIT ${SAMPLE_SIZE}) s), '[]') AS sample`,
    [scope.season, scope.seasonType, dataset],
  );
  return rows[0] as CoverageFacts;
}

/**
 * A season-wide table against its team coverage: per covered team, row_count = rows held; and rows
 * of teams without coverage, which a team-scoped load never writes (a foreign team fails its batch).
 */
export async function teamRowCountFacts(
  client: pg.ClientBase,
  dataset: string,
  spec: TableSpec,
  scope: SeasonScope,
): Promise<RowCountFacts & { readonly foreignRows: number }> {
  checkTableSpec(spec);
  const table = quoteTable(spec.table);
  const { rows } = await client.query<RowCountFacts & { foreignRows: number }>(
    `WITH held AS (
       SELECT team_id, count(*)::int AS n FROM ${table}
        WHERE season_label = $1 AND season_type = $2 GROUP BY team_id
     ), covered AS (
       SELECT c.team_id, c.row_count, coalesce(h.n, 0) AS n
         FROM nba_ingest.team_coverage c LEFT JOIN held h ON h.team_id = c.team_id
        WHERE c.dataset = $3 AND c.season_label = $1 AND c.season_type = $2
          AND c.status IN ('complete', 'empty')
     )
     SELECT (SELECT count(*) FROM covered)::int AS games,
            (SELECT count(*) FROM covered WHERE row_count <> n)::int AS mismatched,
            (SELECT coalesce(sum(n), 0) FROM held WHERE team_id NOT IN (SELECT team_id FROM covered))::int
              AS "foreignRows",
            coalesce((SELECT json_agg(json_build_object('gameId', team_id::text, 'detail',
                                      'coverage ' || row_count || ', table ' || n))
                        FROM (SELECT * FROM covered WHERE row_count <> n
                               ORDER BY team_id LIMIT ${SAMPLE_SIZE}) m), '[]') AS sample`,
    [scope.season, scope.seasonType, dataset],
  );
  return rows[0] as RowCountFacts & { foreignRows: number };
}

/** A consistency that real data guarantees between two per-game tables of one key, e.g. players. */
export interface CrossCheck {
  readonly name: string;
  /** Every row of `from`, in games both datasets cover, has a row with the same `columns` in `to`. */
  readonly from: { readonly dataset: string; readonly spec: TableSpec };
  readonly to: { readonly dataset: string; readonly spec: TableSpec };
  readonly columns: readonly string[];
}

export interface CrossCheckFacts {
  /** Rows of `from` in games both datasets cover. */
  readonly rows: number;
  /** Those without a match in `to`. */
  readonly missing: number;
  readonly sample: readonly GameSample[];
}

export async function crossCheckFacts(
  client: pg.ClientBase,
  check: CrossCheck,
  scope: SeasonScope,
): Promise<CrossCheckFacts> {
  const { from, to } = check;
  for (const side of [from, to]) {
    checkTableSpec(side.spec);
    gameColumnOf(side.spec);
    for (const column of check.columns) {
      if (!side.spec.columns.some((declared) => declared.name === column)) {
        throw new TableSpecError(side.spec.table, `cross check ${check.name} names ${column}, not a column`);
      }
    }
  }
  const fromGame = gameColumnOf(from.spec);
  const toGame = gameColumnOf(to.spec);
  const match = check.columns.map((column) => `b.${quote(column)} = a.${quote(column)}`).join(' AND ');
  const shown = check.columns.map((column) => `a.${quote(column)}::text`).join(` || '/' || `);
  const { rows } = await client.query<CrossCheckFacts>(
    `WITH games AS (
       SELECT g.game_id, g.game_date FROM nba.games g
         JOIN nba_ingest.coverage ca ON ca.game_id = g.game_id AND ca.dataset = $3
         JOIN nba_ingest.coverage cb ON cb.game_id = g.game_id AND cb.dataset = $4
        WHERE g.season_label = $1 AND g.season_type = $2
          AND ca.status = 'complete' AND cb.status IN ('complete', 'empty')
     ), checked AS (
       SELECT a.*, s.game_date AS scope_date,
              NOT EXISTS (SELECT 1 FROM ${quoteTable(to.spec.table)} b
                           WHERE ${[`b.${toGame} = a.${fromGame}`, match, ...replaceScope(to.spec, 'b')].join(' AND ')}) AS missing
         FROM ${quoteTable(from.spec.table)} a
         JOIN games s ON ${[`s.game_id = a.${fromGame}`, ...replaceScope(from.spec, 'a')].join(' AND ')}
     )
     SELECT count(*)::int AS rows, (count(*) FILTER (WHERE missing))::int AS missing,
            coalesce((SELECT json_agg(json_build_object('gameId', m.game_id, 'detail', m.detail))
                        FROM (SELECT a.${fromGame} AS game_id, 'no match for ' || ${shown} AS detail
                                FROM checked a WHERE missing ORDER BY a.scope_date LIMIT ${SAMPLE_SIZE}) m), '[]') AS sample
       FROM checked`,
    [scope.season, scope.seasonType, from.dataset, to.dataset],
  );
  return rows[0] as CrossCheckFacts;
}

/** Coverage row_count against the rows the table holds, per covered game of the scope. */
export async function rowCountFacts(
  client: pg.ClientBase,
  dataset: string,
  /** Every table the dataset writes: coverage counts the rows of them all. */
  specs: readonly TableSpec[],
  scope: SeasonScope,
): Promise<RowCountFacts> {
  for (const spec of specs) checkTableSpec(spec);
  const { rows } = await client.query<RowCountFacts>(
    `WITH ${coveredGames(specs)}
     SELECT (SELECT count(*) FROM covered)::int AS games,
            (SELECT count(*) FROM covered WHERE row_count <> n)::int AS mismatched,
            coalesce((SELECT json_agg(json_build_object('gameId', game_id, 'detail',
                                      'coverage ' || row_count || ', table ' || n))
                        FROM (SELECT * FROM covered WHERE row_count <> n
                               ORDER BY game_date, game_id LIMIT ${SAMPLE_SIZE}) m), '[]') AS sample`,
    [scope.season, scope.seasonType, dataset],
  );
  return rows[0] as RowCountFacts;
}

export interface RowsWithoutCoverageFacts {
  /** Games of the scope without complete or empty coverage that still hold rows of the dataset. */
  readonly games: number;
  /** The rows those games hold, in every table the dataset writes. */
  readonly rows: number;
  /** In date order; detail is `N rows, no coverage` or `N rows, coverage <status>[: reason]`. */
  readonly sample: readonly GameSample[];
}

/**
 * The other direction of row counts: rows of the dataset (within each table's replaceWithin scope,
 * so a shared table's rows of other datasets are not counted) in games of the scope that have no
 * complete or empty coverage of it. Roster placeholders count too: the roster rule derives them only
 * once the advanced box covers a game, so one in an uncovered game is as orphaned as a payload row.
 */
export async function rowsWithoutCoverageFacts(
  client: pg.ClientBase,
  dataset: string,
  specs: readonly TableSpec[],
  scope: SeasonScope,
): Promise<RowsWithoutCoverageFacts> {
  for (const spec of specs) checkTableSpec(spec);
  // Per uncovered game through the index on the game column, as coveredGames counts covered ones.
  const { rows } = await client.query<RowsWithoutCoverageFacts>(
    `WITH uncovered AS MATERIALIZED (
       SELECT g.game_id, g.game_date, c.status, c.reason
         FROM nba.games g
         LEFT JOIN nba_ingest.coverage c ON c.game_id = g.game_id AND c.dataset = $3
        WHERE g.season_label = $1 AND g.season_type = $2
          AND (c.status IS NULL OR c.status NOT IN ('complete', 'empty'))
     ), held AS MATERIALIZED (
       SELECT u.*, (${gameRowCount(specs, 'u.game_id', { placeholders: true })})::int AS n FROM uncovered u
     ), orphaned AS (SELECT * FROM held WHERE n > 0)
     SELECT (SELECT count(*) FROM orphaned)::int AS games,
            (SELECT coalesce(sum(n), 0) FROM orphaned)::int AS rows,
            coalesce((SELECT json_agg(json_build_object('gameId', game_id, 'detail',
                                      n || ' rows, ' || CASE WHEN status IS NULL THEN 'no coverage'
                                        ELSE 'coverage ' || status || coalesce(': ' || reason, '') END))
                        FROM (SELECT * FROM orphaned ORDER BY game_date, game_id LIMIT ${SAMPLE_SIZE}) o), '[]') AS sample`,
    [scope.season, scope.seasonType, dataset],
  );
  return rows[0] as RowsWithoutCoverageFacts;
}

/**
 * Committed responses of `dataset` (those whose action is one of `readActions`: accepted, or read
 * with some rows quarantined), in runs of the scope's season and season type, whose rows_returned
 * reached floor(ratio × max_rows).
 */
export async function truncationFacts(
  client: pg.ClientBase,
  dataset: string,
  ratio: number,
  scope: SeasonScope,
  readActions: readonly string[],
): Promise<TruncationFacts> {
  const { rows } = await client.query<TruncationFacts>(
    `WITH committed AS (
       SELECT q.* FROM nba_ingest.requests q JOIN nba_ingest.runs r ON r.run_id = q.run_id
        WHERE q.dataset = $1 AND q.action = ANY($5::text[]) AND q.max_rows IS NOT NULL
          AND q.rows_returned IS NOT NULL AND r.args->>'season' = $3 AND r.args->>'seasonType' = $4
     ), reached AS (
       SELECT * FROM committed WHERE rows_returned >= floor($2::numeric * max_rows)
     )
     SELECT (SELECT count(*) FROM committed)::int AS committed,
            (SELECT count(*) FROM reached)::int AS "atThreshold",
            coalesce((SELECT json_agg(json_build_object(
                        'requestId', request_id, 'runId', run_id, 'endpoint', endpoint, 'measure', measure,
                        'gameCount', game_count, 'firstGameId', first_game_id, 'lastGameId', last_game_id,
                        'rowsReturned', rows_returned, 'maxRows', max_rows))
                        FROM (SELECT * FROM reached ORDER BY request_id LIMIT ${SAMPLE_SIZE}) r), '[]') AS sample`,
    [dataset, ratio, scope.season, scope.seasonType, readActions],
  );
  return rows[0] as TruncationFacts;
}

/** Responses and truncated responses per endpoint and measure in the dataset's latest run. */
export async function capHitFacts(client: pg.ClientBase, dataset: string): Promise<CapHitFacts> {
  const { rows } = await client.query<{
    run_id: string;
    endpoint: string;
    measure: string | null;
    responses: number;
    truncated: number;
  }>(
    `WITH latest AS (SELECT max(run_id) AS run_id FROM nba_ingest.requests WHERE dataset = $1)
     SELECT r.run_id, r.endpoint, r.measure, count(*)::int AS responses,
            (count(*) FILTER (WHERE r.truncated))::int AS truncated
       FROM nba_ingest.requests r JOIN latest l ON l.run_id = r.run_id
      WHERE r.dataset = $1
      GROUP BY r.run_id, r.endpoint, r.measure
      ORDER BY r.endpoint, r.measure NULLS FIRST`,
    [dataset],
  );
  const first = rows[0];
  return {
    runId: first ? Number(first.run_id) : null,
    calls: rows.map(({ endpoint, measure, responses, truncated }) => ({
      endpoint,
      measure,
      responses,
      truncated,
    })),
  };
}

/** The facts of one table check, over the rows of the scope's games (and, per game, its coverage). */
export async function tableCheckFacts(
  client: pg.ClientBase,
  dataset: string,
  spec: TableSpec,
  check: TableCheck,
  scope: SeasonScope,
  /** What the table's rows belong to: games of the season, or teams of a season-wide dataset. */
  per: RowUnit = 'game',
): Promise<TableCheckFacts> {
  checkTableCheck(spec, check, per);
  const { inScope, idColumn, order } = rowScope(spec, per);
  switch (check.kind) {
    case 'rowsPerGame': {
      const { rows } = await client.query(
        `WITH ${coveredGames([spec])},
         outside AS (SELECT * FROM covered WHERE n NOT BETWEEN $4::numeric AND $5::numeric)
         SELECT (SELECT count(*) FROM covered)::int AS games,
                (SELECT count(*) FROM outside)::int AS outside,
                (SELECT min(n) FROM covered) AS fewest, (SELECT max(n) FROM covered) AS most,
                coalesce((SELECT json_agg(json_build_object('gameId', game_id, 'detail', n || ' rows'))
                            FROM (SELECT * FROM outside ORDER BY game_date, game_id LIMIT ${SAMPLE_SIZE}) o), '[]') AS sample`,
        [scope.season, scope.seasonType, dataset, check.min, check.max],
      );
      return { kind: check.kind, ...rows[0] };
    }
    case 'share': {
      const { rows } = await client.query(
        `SELECT count(*)::int AS rows, (count(*) FILTER (WHERE t.${quote(check.column)}))::int AS matching ${inScope}`,
        [scope.season, scope.seasonType],
      );
      return { kind: check.kind, ...rows[0] };
    }
    case 'range':
    case 'notNull':
    case 'oneOf': {
      const [condition, params, shown] = violation(check);
      const key = spec.key.map((name) => `t.${quote(name)}`).join(`, '/', `);
      const { rows } = await client.query(
        `SELECT count(*)::int AS rows, (count(*) FILTER (WHERE (${condition})))::int AS violating,
                coalesce((SELECT json_agg(json_build_object('gameId', v.game_id, 'detail', v.detail))
                            FROM (SELECT ${idColumn} AS game_id, concat('key ', ${key}, ': ', ${shown}) AS detail
                                    ${inScope} WHERE (${condition})
                                   ORDER BY ${order}, ${spec.key.map((name) => `t.${quote(name)}`).join(', ')}
                                   LIMIT ${SAMPLE_SIZE}) v), '[]') AS sample
           ${inScope}`,
        [scope.season, scope.seasonType, ...params],
      );
      return { kind: check.kind, ...rows[0] };
    }
  }
}

/** The condition on a row `t`, its parameters from $3, and a SQL expression that shows the value. */
function violation(check: TableCheck & { kind: 'range' | 'notNull' | 'oneOf' }): [string, unknown[], string] {
  const show = (column: string) => `'${column}=' || coalesce(t.${quote(column)}::text, 'NULL')`;
  switch (check.kind) {
    case 'range':
      return [
        `t.${quote(check.column)} NOT BETWEEN $3::numeric AND $4::numeric`,
        [check.min, check.max],
        show(check.column),
      ];
    case 'notNull':
      return [
        check.columns.map((column) => `t.${quote(column)} IS NULL`).join(' OR '),
        [],
        check.columns.map(show).join(` || ' ' || `),
      ];
    case 'oneOf':
      return [
        `t.${quote(check.column)} IS NULL OR NOT (t.${quote(check.column)}::text = ANY($3::text[]))`,
        [check.values],
        show(check.column),
      ];
  }
}

/** What a dataset's rows are per: a game, a team of the season, or the season. */
export type RowUnit = 'game' | 'team' | 'season';

/**
 * The rows the dataset's tables hold for the game `gameRef` names, summed over its tables, each
 * counted within its replaceWithin scope (a shared table's rows of other datasets are not) through
 * the index on its game column. Rows the database derives (roster placeholders) are not the
 * payload's: coverage does not count them, so only a count that means "any row" takes them.
 */
function gameRowCount(
  specs: readonly TableSpec[],
  gameRef: string,
  { placeholders }: { placeholders: boolean },
): string {
  return specs
    .map((spec) => {
      const derived =
        !placeholders && spec.placeholderColumn ? [`NOT t.${quote(spec.placeholderColumn)}`] : [];
      const where = [`t.${gameColumnOf(spec)} = ${gameRef}`, ...replaceScope(spec, 't'), ...derived];
      return `(SELECT count(*) FROM ${quoteTable(spec.table)} t WHERE ${where.join(' AND ')})`;
    })
    .join(' + ');
}

/**
 * CTE `covered`: the scope's games ($1, $2) with complete or empty coverage of dataset $3, with their
 * coverage row_count and n, the rows the table holds. Counted per game through the index on the game
 * column, so the plan does not hang on table statistics (fresh tables have none).
 */
function coveredGames(specs: readonly TableSpec[]): string {
  return `covered AS MATERIALIZED (
    SELECT c.game_id, g.game_date, c.row_count, (${gameRowCount(specs, 'c.game_id', { placeholders: false })})::int AS n
      FROM nba_ingest.coverage c
      JOIN nba.games g ON g.game_id = c.game_id
     WHERE c.dataset = $3 AND c.status IN ('complete', 'empty')
       AND g.season_label = $1 AND g.season_type = $2
  )`;
}

/**
 * The rows of the scope ($1 season, $2 season type) a check reads: through the game column for
 * per-game tables, through season_label and season_type for season-wide ones (keyed by team_id).
 */
function rowScope(spec: TableSpec, per: RowUnit): { inScope: string; idColumn: string; order: string } {
  const table = quoteTable(spec.table);
  if (per === 'game' && spec.gameColumn !== undefined) {
    const gameColumn = quote(spec.gameColumn);
    return {
      inScope: `FROM ${table} t JOIN (${SCOPE_GAMES}) s ON ${[`s.game_id = t.${gameColumn}`, ...replaceScope(spec, 't')].join(' AND ')}`,
      idColumn: `t.${gameColumn}`,
      order: 's.game_date',
    };
  }
  return {
    inScope: `FROM ${table} t JOIN (SELECT $1::text AS season_label, $2::text AS season_type) s
                ON s.season_label = t.season_label AND s.season_type = t.season_type`,
    idColumn: 't.team_id::text',
    order: 't.team_id',
  };
}

/** Throws a TableSpecError when a check names a column the declaration does not have. */
export function checkTableCheck(spec: TableSpec, check: TableCheck, per: RowUnit = 'game'): void {
  checkTableSpec(spec);
  const declared = new Set(spec.columns.map((column) => column.name));
  if (per === 'team' && !SEASON_COLUMNS.every((column) => declared.has(column))) {
    throw new TableSpecError(spec.table, `a season-wide table has the columns ${SEASON_COLUMNS.join(', ')}`);
  }
  if (per === 'game' || check.kind === 'rowsPerGame') gameColumnOf(spec);
  if (per === 'team' && check.kind === 'rowsPerGame') {
    throw new TableSpecError(spec.table, `check ${check.name}: rows per game mean nothing season-wide`);
  }
  const columns = check.kind === 'notNull' ? check.columns : 'column' in check ? [check.column] : [];
  if (check.kind === 'notNull' && columns.length === 0) {
    throw new TableSpecError(spec.table, `check ${check.name} names no column`);
  }
  for (const column of columns) {
    if (!declared.has(column)) {
      throw new TableSpecError(
        spec.table,
        `check ${check.name} names ${column}, which is not a declared column`,
      );
    }
  }
  if (
    check.kind === 'share' &&
    spec.columns.find((column) => column.name === check.column)?.type !== 'bool'
  ) {
    throw new TableSpecError(spec.table, `check ${check.name}: a share is counted over a bool column`);
  }
}

function gameColumnOf(spec: TableSpec): string {
  if (spec.gameColumn === undefined) {
    throw new TableSpecError(
      spec.table,
      'verify checks per game need the declaration to name its game column',
    );
  }
  return quote(spec.gameColumn);
}

/** SQLSTATE classes that mean "cannot use the database now" or "this user may not read it". */
function asDatabaseError(error: unknown): unknown {
  if (error instanceof DatabaseError) return error;
  const { code, message } = error as { code?: string; message?: string };
  if (code === '42501') {
    return new DatabaseError('configuration', `the database user may not read the schema: ${message}`, {
      cause: error,
    });
  }
  if (isConnectionLost(error)) {
    return new DatabaseError('unavailable', `the database stopped answering: ${message ?? code}`, {
      cause: error,
    });
  }
  return error;
}

/** Coverage of a season-wide dataset that is not scoped by team, and its rows against it. */
export interface SeasonCoverageFacts {
  readonly finalGames: number;
  /** Null when the season has no coverage row. */
  readonly status: string | null;
  readonly reason: string | null;
  /** Final games the coverage is as of. */
  readonly asOf: number | null;
  readonly rowCount: number | null;
  /** Rows the table holds for the season. */
  readonly rows: number;
}

export async function seasonCoverageFacts(
  client: pg.ClientBase,
  dataset: string,
  spec: TableSpec,
  scope: SeasonScope,
): Promise<SeasonCoverageFacts> {
  checkTableSpec(spec);
  const { rows } = await client.query<SeasonCoverageFacts>(
    `SELECT (SELECT count(*) FROM nba.games
              WHERE season_label = $1 AND season_type = $2 AND game_status = 3)::int AS "finalGames",
            c.status, c.reason, c.final_games AS "asOf", c.row_count AS "rowCount",
            (SELECT count(*) FROM ${quoteTable(spec.table)} t
              WHERE t.season_label = $1 AND t.season_type = $2)::int AS rows
       FROM (SELECT 1) one
       LEFT JOIN nba_ingest.season_coverage c
         ON c.dataset = $3 AND c.season_label = $1 AND c.season_type = $2`,
    [scope.season, scope.seasonType, dataset],
  );
  return rows[0] as SeasonCoverageFacts;
}

/** Per team of the games both datasets cover: what one source counts against what another says. */
export interface TotalsFacts {
  /** Teams (or games) compared. */
  readonly compared: number;
  readonly differing: number;
  readonly sample: readonly GameSample[];
}

/**
 * The cross-source totals `verify` compares, each a query over games covered by both datasets
 * ($3, $4) of the scope ($1, $2) answering one row per compared unit with `game_id`, `detail` and
 * `differs`.
 */
export const SOURCE_TOTALS = {
  /** The shot chart's attempts and makes per team against the traditional box score's team totals. */
  shotsAgainstBoxTotals: `
    SELECT b.game_id, b.team_id::text || ': box ' || b.fgm || '/' || b.fga || ' (3PT ' || b.fg3m || '/' || b.fg3a ||
             '), shots ' || coalesce(s.fgm, 0) || '/' || coalesce(s.fga, 0) || ' (3PT ' || coalesce(s.fg3m, 0) || '/' ||
             coalesce(s.fg3a, 0) || ')' AS detail,
           (b.fga, b.fgm, b.fg3a, b.fg3m) IS DISTINCT FROM
             (coalesce(s.fga, 0), coalesce(s.fgm, 0), coalesce(s.fg3a, 0), coalesce(s.fg3m, 0)) AS differs
      FROM nba.boxscores_traditional_team b
      JOIN games g ON g.game_id = b.game_id
      LEFT JOIN (SELECT game_id, team_id, count(*)::int AS fga, (count(*) FILTER (WHERE shot_made))::int AS fgm,
                        (count(*) FILTER (WHERE is_three))::int AS fg3a,
                        (count(*) FILTER (WHERE is_three AND shot_made))::int AS fg3m
                   FROM nba.shot_chart WHERE game_id IN (SELECT game_id FROM games)
                  GROUP BY game_id, team_id) s ON s.game_id = b.game_id AND s.team_id = b.team_id`,
  /**
   * The play-by-play's last period against the periods the box score's team minutes say were played:
   * 240 in regulation and 25 more per overtime.
   */
  playByPlayPeriods: `
    SELECT g.game_id, 'play-by-play ' || coalesce(p.periods::text, 'none') || ', box score ' || b.periods AS detail,
           p.periods IS DISTINCT FROM b.periods AS differs
      FROM games g
      JOIN (SELECT game_id, (4 + round((max(minutes) - 240) / 25))::int AS periods
              FROM nba.boxscores_traditional_team GROUP BY game_id) b ON b.game_id = g.game_id
      LEFT JOIN (SELECT game_id, max(period)::int AS periods FROM nba.play_by_play
                  WHERE game_id IN (SELECT game_id FROM games) GROUP BY game_id) p ON p.game_id = g.game_id`,
} as const;

export async function totalsFacts(
  client: pg.ClientBase,
  query: string,
  datasets: { readonly a: string; readonly b: string },
  scope: SeasonScope,
): Promise<TotalsFacts> {
  const { rows } = await client.query<TotalsFacts>(
    `WITH games AS MATERIALIZED (
       SELECT g.game_id, g.game_date FROM nba.games g
         JOIN nba_ingest.coverage ca ON ca.game_id = g.game_id AND ca.dataset = $3 AND ca.status = 'complete'
         JOIN nba_ingest.coverage cb ON cb.game_id = g.game_id AND cb.dataset = $4 AND cb.status = 'complete'
        WHERE g.season_label = $1 AND g.season_type = $2
     ), compared AS (${query})
     SELECT count(*)::int AS compared, (count(*) FILTER (WHERE differs))::int AS differing,
            coalesce((SELECT json_agg(json_build_object('gameId', game_id, 'detail', detail))
                        FROM (SELECT * FROM compared WHERE differs ORDER BY game_id LIMIT ${SAMPLE_SIZE}) m), '[]') AS sample
       FROM compared`,
    [scope.season, scope.seasonType, datasets.a, datasets.b],
  );
  return rows[0] as TotalsFacts;
}
