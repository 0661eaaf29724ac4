// What a Query Tool dataset is: its calls, the zod schema of each call's rows, the mapping of one
// game's (or, for season-wide datasets, one team's) rows to target rows, and the target table.
// The generic stream runs any declaration.
import type { z } from 'zod';
import type { GameId } from '../gameId.ts';
import type { WriteHooks } from '../sinks/batchWriter.ts';
import type { TableSpec } from '../sinks/tableSpec.ts';
import type { TableCheck } from '../sinks/verifyQueries.ts';
import type { QueryParams } from '../sources/httpClient.ts';
import type { QueryToolCall } from '../sources/queryTool.ts';
import type { OutOfRange } from './rowValues.ts';

/** Every per-game Query Tool row names its game; that is what the identity check reads. */
export interface GameRow {
  readonly gameId: GameId;
}

/** Every row of a team-scoped season-wide call names its team: what the identity check reads there. */
export interface TeamRow {
  readonly teamId: number;
}

export interface DatasetCall<Row extends GameRow | TeamRow = GameRow | TeamRow> extends QueryToolCall {
  readonly rowSchema: z.ZodType<Row, unknown>;
  /**
   * Known rows per game (SPEC §2.1), or per team for a team dataset: the batch planner's estimate
   * until responses refine it.
   */
  readonly rowsPerGame: number;
}

export interface MappingContext {
  readonly seasonLabel: string;
  readonly seasonType: string;
  /** Final games of the season type when the run selected its games: what team coverage is as of. */
  readonly finalGames: number;
}

/** What a mapping gets for one game: the run's context, and where it reports what it did not store. */
export interface RowContext extends MappingContext {
  /** A value outside its unit's range, stored as NULL: quarantined as `out_of_range`. */
  readonly flag: (issue: OutOfRange) => void;
  /** A sound row the dataset does not store by rule (e.g. a lineup with no minutes): counted by reason. */
  readonly drop: (reason: string) => void;
}

interface DatasetBase {
  /** The dataset's name in coverage, the ledger and `--datasets`. */
  readonly name: string;
  readonly calls: readonly DatasetCall[];
  readonly table: TableSpec;
  /** The previous implementation's fixed ids per batch: what `--batch-policy fixed` plans. */
  readonly fixedBatchSize: number;
  /** Sanity assertions that real data guarantees, run by `nba-ingest verify` on `table`. */
  readonly checks?: readonly TableCheck[];
  /** Statements run in each batch's transaction, with the ids loaded as `$1` (the roster rule). */
  readonly hooks?: WriteHooks;
}

/** Batched by GameId, covered per game (nba_ingest.coverage). */
export interface GameDataset extends DatasetBase {
  readonly unit?: 'game';
  /**
   * A final game may genuinely have no rows (a game without a post-up): covered as `empty`, its
   * rows replaced by none. Otherwise a final game without rows is suspect and failed.
   */
  readonly emptyGamesPossible?: boolean;
  /**
   * Pure but for `context.flag` and `context.drop`: one game's validated rows, by call measure, to
   * target rows in `table.columns` order.
   */
  toRows(game: GameId, parts: ReadonlyMap<string, readonly GameRow[]>, context: RowContext): unknown[][];
}

/**
 * Season-wide, batched by TeamId and covered per team and season (nba_ingest.team_coverage) as of
 * the number of final games then: a row of a team that was not requested fails its whole batch.
 */
export interface TeamDataset extends DatasetBase {
  readonly unit: 'team';
  toRows(teamId: number, parts: ReadonlyMap<string, readonly TeamRow[]>, context: RowContext): unknown[][];
}

export type QueryToolDataset = GameDataset | TeamDataset;

/**
 * One call per game on a legacy endpoint: `/api/stats/boxscore?gameId=…`, or a hustle XML file
 * whose name carries the game id. Sent under the same rate limiter, retry policy and ledger as the
 * Query Tool; there is nothing to batch or split.
 */
export interface LegacyCall {
  readonly path: (gameId: GameId) => string;
  readonly params: (gameId: GameId) => QueryParams;
  /** Names the call in logs and the ledger (`Traditional`, `pbp`, `hustlestats`…). */
  readonly measure: string;
  /** `xml` hands the body to the dataset as text. */
  readonly format: 'json' | 'xml';
  /**
   * Statuses that mean "not published yet" (hustle XML: 403 and 404): the game is recorded as
   * `unavailable` for the dataset, not covered, and fetched again by a later run.
   */
  readonly unavailableStatuses?: readonly number[];
}

/** The game a legacy call asks for, as the schedule lists it: its payload must name these teams. */
export interface RequestedGame {
  readonly gameId: GameId;
  readonly homeTeamId: number;
  readonly awayTeamId: number;
}

/** What a legacy dataset makes of one game's payload. */
export type LegacyParse =
  /** Rows for each of `tables`, in order (an empty list is a table with no rows for the game). */
  | { readonly ok: true; readonly rows: readonly unknown[][][] }
  /**
   * The payload cannot be stored under the requested game: `identity_mismatch` (another game's or
   * other teams' payload), `schema_mismatch`, `no_rows_for_final_game` (a final game's empty box
   * score). The game is failed and the payload quarantined with the reason.
   */
  | { readonly ok: false; readonly reason: string; readonly detail: string };

/**
 * A per-game legacy dataset: one call per game, whose payload may fill several tables (the box
 * score's players and teams), all written in one transaction with the game's coverage. Coverage
 * counts the rows of the first table; its content hash covers every table.
 */
export interface LegacyDataset {
  readonly source: 'legacy';
  readonly unit?: 'game';
  readonly name: string;
  readonly call: LegacyCall;
  /** The first is the dataset's table (coverage row counts, `verify` row counts). */
  readonly tables: readonly [TableSpec, ...TableSpec[]];
  /** A final game's payload may genuinely have no rows (covered as `empty`); otherwise it is suspect. */
  readonly emptyGamesPossible?: boolean;
  /**
   * Pure but for `context.flag` and `context.drop`. `body` is parsed JSON, or the XML text; a payload
   * naming another game or teams other than `game`'s is an `identity_mismatch`.
   */
  parse(game: RequestedGame, body: unknown, context: RowContext): LegacyParse;
  /** As DatasetBase.hooks, with the game's id. */
  readonly hooks?: WriteHooks;
  /** Sanity assertions run by `nba-ingest verify` on the first table. */
  readonly checks?: readonly TableCheck[];
}

/** One call of a season-wide legacy dataset, e.g. `/api/stats/player` for one perMode × measureType. */
export interface SeasonCall {
  readonly path: string;
  /** The call's own parameters; `leagueId`, `season` and `seasonType` are added by the stream. */
  readonly params: QueryParams;
  /** Names the call in logs, the ledger and `parse`'s map, e.g. `Totals/Base`. */
  readonly measure: string;
}

/**
 * A season-wide legacy dataset (season aggregates): every call fetched, then parsed together into
 * each table's rows for the season, written in one transaction and covered per (season, season
 * type) as of the number of final games (nba_ingest.season_coverage). Once more games are final the
 * season is stale and fetched again; a refetch replaces the season's rows.
 */
export interface SeasonDataset {
  readonly source: 'legacy';
  readonly unit: 'season';
  readonly name: string;
  readonly calls: readonly SeasonCall[];
  readonly tables: readonly [TableSpec, ...TableSpec[]];
  /** Pure but for `context.flag` and `context.drop`: every call's parsed JSON body, by measure. */
  parse(bodies: ReadonlyMap<string, unknown>, context: RowContext): LegacyParse;
  readonly checks?: readonly TableCheck[];
}

/** Every dataset a run can load. */
export type Dataset = QueryToolDataset | LegacyDataset | SeasonDataset;

/** Whether a dataset is a legacy one (per game or season-wide) rather than a Query Tool declaration. */
export const isLegacy = (dataset: Dataset): dataset is LegacyDataset | SeasonDataset => 'source' in dataset;

/** Every table a dataset writes, its own (the one per-table checks read) first. */
export const tablesOf = (dataset: Dataset): readonly [TableSpec, ...TableSpec[]] =>
  isLegacy(dataset) ? dataset.tables : [dataset.table];
