// The per-game measure datasets of `/game/player` (one row per player who played) and `/game/team`
// (two rows per game): one factory for tracking, advanced box, defensive and violations. A row is
// its identity (who, for which team, in which game and season) and one stats object whose declared
// keys become columns in their units (rowValues); the raw object is kept whole in a jsonb column.
import { z } from 'zod';
import { type GameId, gameIdSchema } from '../gameId.ts';
import type { WriteHooks } from '../sinks/batchWriter.ts';
import type { ColumnSpec, ReferenceSpec } from '../sinks/tableSpec.ts';
import type { TableCheck } from '../sinks/verifyQueries.ts';
import type { DatasetCall, GameRow, MappingContext, QueryToolDataset, RowContext } from './dataset.ts';
import {
  idOrNull,
  type StatColumn,
  seasonYearOf,
  statColumnSpecs,
  statsSchema,
  statValues,
  textOrNull,
} from './rowValues.ts';

const GAME_PLAYER_PATH = '/api/querytool/game/player';
const GAME_TEAM_PATH = '/api/querytool/game/team';

const optionalText = z.string().nullish();

const gameFields = {
  gameId: gameIdSchema,
  teamAbbreviation: optionalText,
  gameDate: z.iso.date().nullish(),
  seasonYear: optionalText,
  seasonType: optionalText,
};

/** A `/game/player` row's fields besides `stats`; `teamId` 0 means the row spans several teams. */
const playerRowFields = {
  ...gameFields,
  playerId: z.number().int().positive(),
  teamId: z.number().int().nonnegative().nullish(),
  name: optionalText,
};

/** A `/game/team` row's fields besides `stats`; the team is the row's key, so it must be there. */
const teamRowFields = {
  ...gameFields,
  teamId: z.number().int().positive(),
};

const playerIdentity = z.object(playerRowFields);
const teamIdentity = z.object(teamRowFields);
type PlayerIdentity = z.output<typeof playerIdentity>;
type TeamIdentity = z.output<typeof teamIdentity>;
type GameIdentity = Pick<PlayerIdentity, keyof typeof gameFields>;

const seasonColumns: readonly ColumnSpec[] = [
  { name: 'game_date', type: 'date' },
  { name: 'season_year', type: 'int' },
  { name: 'season_label', type: 'text' },
  { name: 'season_type', type: 'text' },
];

/** The columns `playerIdentityValues` fills, first in every player measure table. */
const PLAYER_IDENTITY_COLUMNS: readonly ColumnSpec[] = [
  { name: 'game_id', type: 'text' },
  { name: 'nba_id', type: 'int' },
  { name: 'team_id', type: 'int' },
  { name: 'player_name', type: 'text' },
  { name: 'team_abbreviation', type: 'text' },
  ...seasonColumns,
];

/** The columns `teamIdentityValues` fills, first in every team measure table. */
const TEAM_IDENTITY_COLUMNS: readonly ColumnSpec[] = [
  { name: 'game_id', type: 'text' },
  { name: 'team_id', type: 'int' },
  { name: 'team_abbreviation', type: 'text' },
  ...seasonColumns,
];

const unknownPlayer: ReferenceSpec = {
  column: 'nba_id',
  table: 'nba.players',
  placeholder: { full_name: 'Unknown Player' },
};
const unknownTeam: ReferenceSpec = {
  column: 'team_id',
  table: 'nba.teams',
  placeholder: { team_name: 'Unknown Team' },
};
/** Players and teams the reference endpoints do not know get placeholder rows. */
const PLAYER_REFERENCES: readonly ReferenceSpec[] = [unknownPlayer, unknownTeam];
const TEAM_REFERENCES: readonly ReferenceSpec[] = [unknownTeam];

const seasonValues = (row: GameIdentity, context: MappingContext): unknown[] => [
  row.gameDate ?? null,
  seasonYearOf(context.seasonLabel),
  row.seasonYear ?? context.seasonLabel,
  row.seasonType ?? context.seasonType,
];

function playerIdentityValues(game: GameId, row: PlayerIdentity, context: MappingContext): unknown[] {
  return [
    game,
    row.playerId,
    idOrNull(row.teamId),
    textOrNull(row.name),
    textOrNull(row.teamAbbreviation),
    ...seasonValues(row, context),
  ];
}

function teamIdentityValues(game: GameId, row: TeamIdentity, context: MappingContext): unknown[] {
  return [game, row.teamId, textOrNull(row.teamAbbreviation), ...seasonValues(row, context)];
}

export interface GameMeasure {
  /** The dataset's name in coverage, the ledger and `--datasets`. */
  readonly name: string;
  /** `/game/player` rows (players who played, TeamGrouping=Y) or `/game/team` rows (two per game). */
  readonly side: 'player' | 'team';
  /** The MeasureType sent. */
  readonly measure: string;
  /** Target table: the identity columns, `extra.columns`, the stat columns, then `jsonColumn`. */
  readonly table: string;
  readonly stats: readonly StatColumn[];
  /** The raw stats object, as received. */
  readonly jsonColumn: string;
  /** The previous implementation's fixed games per batch (previous-implementation.md §4.3). */
  readonly fixedBatchSize: number;
  /** What real data guarantees, checked by `verify`. */
  readonly checks: readonly TableCheck[];
  /** Columns between the identity and the stats, with the zod keys they read from `stats`. */
  readonly extra?: {
    readonly columns: readonly ColumnSpec[];
    readonly stats: z.ZodRawShape;
    values(stats: Readonly<Record<string, unknown>>, context: RowContext): unknown[];
  };
  /** The stats as the columns read them, where upstream's unit differs (team MIN); applied once. */
  readonly inColumnUnits?: (stats: Readonly<Record<string, unknown>>) => Readonly<Record<string, unknown>>;
  /** Statements run in each batch's transaction (GameDataset.hooks). */
  readonly hooks?: WriteHooks;
  /** TableSpec.placeholderColumn: rows the hooks derive, which coverage does not count. */
  readonly placeholderColumn?: string;
}

/** One declaration of a per-game measure, as the generic stream runs it. */
export function gameMeasureDataset(measure: GameMeasure): QueryToolDataset {
  const player = measure.side === 'player';
  const stats = statsSchema(measure.stats).extend(measure.extra?.stats ?? {});
  const rowSchema = z.object({ ...(player ? playerRowFields : teamRowFields), stats });
  type Row = z.output<typeof rowSchema>;
  const call: DatasetCall<Row> = {
    path: player ? GAME_PLAYER_PATH : GAME_TEAM_PATH,
    // /game/team takes no TeamGrouping (previous-implementation.md Q2, Q6).
    params: player
      ? { MeasureType: measure.measure, TeamGrouping: 'Y', Grouping: 'None' }
      : { MeasureType: measure.measure, Grouping: 'None' },
    measure: measure.measure,
    rowsKey: player ? 'players' : 'teams',
    // ≈22 players who played per game (SPEC §2.1); two teams.
    rowsPerGame: player ? 22 : 2,
    rowSchema,
  };
  const toRows = (game: GameId, parts: ReadonlyMap<string, readonly GameRow[]>, context: RowContext) =>
    ((parts.get(call.measure) ?? []) as readonly Row[]).map((row) => [
      ...(player
        ? playerIdentityValues(game, row as PlayerIdentity, context)
        : teamIdentityValues(game, row as TeamIdentity, context)),
      ...(measure.extra?.values(row.stats, context) ?? []),
      ...statValues(measure.inColumnUnits?.(row.stats) ?? row.stats, measure.stats, context.flag),
      row.stats,
    ]);
  return {
    name: measure.name,
    calls: [call] as readonly DatasetCall[],
    table: {
      table: measure.table,
      columns: [
        ...(player ? PLAYER_IDENTITY_COLUMNS : TEAM_IDENTITY_COLUMNS),
        ...(measure.extra?.columns ?? []),
        ...statColumnSpecs(measure.stats),
        { name: measure.jsonColumn, type: 'jsonb' },
      ],
      key: player ? ['game_id', 'nba_id'] : ['game_id', 'team_id'],
      gameColumn: 'game_id',
      references: player ? PLAYER_REFERENCES : TEAM_REFERENCES,
      ...(measure.placeholderColumn ? { placeholderColumn: measure.placeholderColumn } : {}),
    },
    fixedBatchSize: measure.fixedBatchSize,
    toRows,
    checks: measure.checks,
    ...(measure.hooks ? { hooks: measure.hooks } : {}),
  };
}
