// What a Query Tool dataset is: its calls, the zod schema of each call's rows, the mapping of one
// game's (or, for season-wide datasets, one team's) rows to target rows, and the target table.
// The generic stream runs any declaration.
import type { z } from 'zod';
import type { GameId } from '../gameId.ts';
import type { TableSpec } from '../sinks/tableSpec.ts';
import type { TableCheck } from '../sinks/verifyQueries.ts';
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
