// The shot chart: one row per field-goal attempt from /event/player EventType=FieldGoals, with
// the TrackingShots flags of the same (gameId, eventNumber) joined on. Both calls must be complete.
import { z } from 'zod';
import { type GameId, gameIdSchema } from '../gameId.ts';
import type { TableSpec } from '../sinks/tableSpec.ts';
import type { TableCheck } from '../sinks/verifyQueries.ts';
import type { DatasetCall, GameRow, QueryToolDataset, RowContext } from './dataset.ts';
import { idOrNull, seasonYearOf, textOrNull } from './rowValues.ts';

/** `/event/player` and the parameters every player event call sends (the event streams too). */
export const EVENT_PLAYER = '/api/querytool/event/player';
export const EVENT_PARAMS = {
  SumScope: 'Event',
  PerMode: 'Totals',
  Grouping: 'None',
  TeamGrouping: 'Y',
} as const;

/** 0/1 flags; some payloads send booleans. */
const flag = z
  .union([z.literal(0), z.literal(1), z.boolean()])
  .transform((value) => value === 1 || value === true);
const optionalText = z.string().nullish();
const optionalInt = z.number().int().nullish();

/** `eventNumber` is a string in player event rows; it is unique per game for FieldGoals only. */
const eventNumber = z.union([z.string().regex(/^\d+$/), z.number().int().nonnegative()]).transform(Number);

const eventIdentity = {
  gameId: gameIdSchema,
  eventNumber,
};

const fieldGoalRow = z.object({
  ...eventIdentity,
  playerId: z.number().int().positive(),
  teamId: optionalInt,
  period: z.number().int().min(1).max(10),
  gameClock: z.number().min(0).max(720).nullish(),
  x: z.number().nullish(),
  y: z.number().nullish(),
  name: optionalText,
  position: optionalText,
  opponentName: optionalText,
  gameDate: z.iso.date().nullish(),
  seasonYear: optionalText,
  seasonType: optionalText,
  stats: z.object({
    FGM: flag,
    FG3: flag,
    FG_ALLEY_OOP: flag.optional(),
    FG_FINGER_ROLL: flag.optional(),
    FG_DUNK: flag.optional(),
    FG_TIP: flag.optional(),
    FG_HOOK: flag.optional(),
    FG_LAYUP: flag.optional(),
    FG_JUMPER: flag.optional(),
    SHOT_ZONE_AREA: optionalText,
    SHOT_ZONE_RANGE: optionalText,
    AST_BY_PLAYER_ID: optionalInt,
    AST_BY_PLAYER_NAME: optionalText,
  }),
});
type FieldGoalRow = z.output<typeof fieldGoalRow>;

const TRACKING_FLAGS = [
  ['SHOT_AFTER_SCREENS', 'tracking_shot_after_screens'],
  ['SHOT_CATCH_AND_SHOOT', 'tracking_shot_catch_and_shoot'],
  ['SHOT_LOB', 'tracking_shot_lob'],
  ['SHOT_LONG_HEAVE', 'tracking_shot_long_heave'],
  ['SHOT_PULL_UP', 'tracking_shot_pull_up'],
  ['SHOT_TIP_IN', 'tracking_shot_tip_in'],
  ['SHOT_TRAILING_THREE', 'tracking_shot_trailing_three'],
  ['SHOT_TRANSITION', 'tracking_shot_transition'],
] as const;

const trackingShotRow = z.object({
  ...eventIdentity,
  stats: z.object(
    Object.fromEntries(TRACKING_FLAGS.map(([key]) => [key, flag.optional()])) as Record<
      (typeof TRACKING_FLAGS)[number][0],
      z.ZodOptional<typeof flag>
    >,
  ),
});
type TrackingShotRow = z.output<typeof trackingShotRow>;

/** The first flag set wins, in the previous implementation's order. */
const SHOT_TYPES = [
  ['FG_ALLEY_OOP', 'alley_oop'],
  ['FG_FINGER_ROLL', 'finger_roll'],
  ['FG_DUNK', 'dunk'],
  ['FG_TIP', 'tip'],
  ['FG_HOOK', 'hook'],
  ['FG_LAYUP', 'layup'],
  ['FG_JUMPER', 'jumper'],
] as const;

const fieldGoals: DatasetCall<FieldGoalRow> = {
  path: EVENT_PLAYER,
  params: { ...EVENT_PARAMS, EventType: 'FieldGoals' },
  measure: 'FieldGoals',
  rowsKey: 'players',
  // ≈180 field-goal attempts per game (50 games ≈ 8,873 rows, seed notes).
  rowsPerGame: 180,
  rowSchema: fieldGoalRow,
};

const trackingShots: DatasetCall<TrackingShotRow> = {
  path: EVENT_PLAYER,
  params: { ...EVENT_PARAMS, EventType: 'TrackingShots' },
  measure: 'TrackingShots',
  rowsKey: 'players',
  // One row per field goal, like FieldGoals.
  rowsPerGame: 180,
  rowSchema: trackingShotRow,
};

const table: TableSpec = {
  table: 'nba.shot_chart',
  columns: [
    { name: 'game_id', type: 'text' },
    { name: 'event_number', type: 'int' },
    { name: 'nba_id', type: 'int' },
    { name: 'team_id', type: 'int' },
    { name: 'period', type: 'int' },
    { name: 'game_clock', type: 'numeric' },
    { name: 'x', type: 'int' },
    { name: 'y', type: 'int' },
    { name: 'shot_made', type: 'bool' },
    { name: 'is_three', type: 'bool' },
    { name: 'shot_type', type: 'text' },
    { name: 'shot_zone_area', type: 'text' },
    { name: 'shot_zone_range', type: 'text' },
    { name: 'assisted_by_id', type: 'int' },
    { name: 'assisted_by_name', type: 'text' },
    { name: 'player_name', type: 'text' },
    { name: 'position', type: 'text' },
    { name: 'opponent_name', type: 'text' },
    { name: 'game_date', type: 'date' },
    { name: 'season_year', type: 'int' },
    { name: 'season_label', type: 'text' },
    { name: 'season_type', type: 'text' },
    ...TRACKING_FLAGS.map(([, column]) => ({ name: column, type: 'bool' as const })),
  ],
  key: ['game_id', 'event_number'],
  gameColumn: 'game_id',
  references: [
    { column: 'nba_id', table: 'nba.players', placeholder: { full_name: 'Unknown Player' } },
    { column: 'assisted_by_id', table: 'nba.players', placeholder: { full_name: 'Unknown Player' } },
    { column: 'team_id', table: 'nba.teams', placeholder: { team_name: 'Unknown Team' } },
  ],
};

function toRows(
  game: GameId,
  parts: ReadonlyMap<string, readonly GameRow[]>,
  context: RowContext,
): unknown[][] {
  const shots = (parts.get(fieldGoals.measure) ?? []) as readonly FieldGoalRow[];
  const tracking = new Map<number, TrackingShotRow>();
  for (const row of (parts.get(trackingShots.measure) ?? []) as readonly TrackingShotRow[]) {
    tracking.set(row.eventNumber, row);
  }
  const seasonLabel = context.seasonLabel;
  const seasonYear = seasonYearOf(seasonLabel);
  return shots.map((shot) => {
    const flags = tracking.get(shot.eventNumber)?.stats;
    const shotType = SHOT_TYPES.find(([key]) => shot.stats[key] === true)?.[1] ?? null;
    return [
      game,
      shot.eventNumber,
      shot.playerId,
      idOrNull(shot.teamId),
      shot.period,
      shot.gameClock ?? null,
      shot.x === null || shot.x === undefined ? null : Math.round(shot.x),
      shot.y === null || shot.y === undefined ? null : Math.round(shot.y),
      shot.stats.FGM,
      shot.stats.FG3,
      shotType,
      textOrNull(shot.stats.SHOT_ZONE_AREA),
      textOrNull(shot.stats.SHOT_ZONE_RANGE),
      idOrNull(shot.stats.AST_BY_PLAYER_ID),
      textOrNull(shot.stats.AST_BY_PLAYER_NAME),
      textOrNull(shot.name),
      textOrNull(shot.position),
      textOrNull(shot.opponentName),
      shot.gameDate ?? null,
      seasonYear,
      shot.seasonYear ?? seasonLabel,
      shot.seasonType ?? context.seasonType,
      ...TRACKING_FLAGS.map(([key]) => (flags ? (flags[key] ?? null) : null)),
    ];
  });
}

/** What real data guarantees (previous-implementation.md §6.1, assertion 070; periods up to 10 OT). */
const checks: readonly TableCheck[] = [
  { kind: 'rowsPerGame', name: 'shots_per_game', min: 50, max: 400 },
  { kind: 'share', name: 'fg_pct', column: 'shot_made', min: 0.4, max: 0.55 },
  { kind: 'range', name: 'period', column: 'period', min: 1, max: 10 },
  { kind: 'notNull', name: 'x_y', columns: ['x', 'y'] },
  { kind: 'oneOf', name: 'shot_type', column: 'shot_type', values: SHOT_TYPES.map(([, type]) => type) },
];

export const shotChart: QueryToolDataset = {
  name: 'shot_chart',
  calls: [fieldGoals, trackingShots] as readonly DatasetCall[],
  table,
  fixedBatchSize: 50,
  toRows,
  checks,
};
