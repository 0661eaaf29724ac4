// Play-by-play from the legacy `/api/stats/pbp`, one call per game: one typed row per action of every
// period, overtimes included, into nba.play_by_play keyed by (game_id, action_number), each with the
// action as received. The clock arrives as an ISO duration and is stored as seconds remaining.
import { z } from 'zod';
import type { GameId } from '../gameId.ts';
import type { TableSpec } from '../sinks/tableSpec.ts';
import type { TableCheck } from '../sinks/verifyQueries.ts';
import type { LegacyDataset, LegacyParse, RequestedGame } from './dataset.ts';
import {
  digits,
  isoDuration,
  numberOrNull,
  otherGame,
  otherTeams,
  PERIOD_SECONDS,
  readPayload,
  secondsOf,
} from './legacyValues.ts';
import { idOrNull, playerReference, teamReference, textOrNull } from './rowValues.ts';

const optionalText = z.string().nullish();

/** The fields stored in columns; the others (≈60 in all, most per action type) stay in `action`. */
const actionSchema = z.looseObject({
  actionNumber: z.int32().nonnegative(),
  orderNumber: z.int32().nonnegative().nullish(),
  period: z.int32().min(1).max(10),
  periodType: optionalText,
  clock: isoDuration.refine((clock) => secondsOf(clock) <= PERIOD_SECONDS, 'at most 12 minutes remaining'),
  timeActual: z.iso.datetime({ offset: true }).nullish(),
  teamId: z.int32().nonnegative().nullish(),
  teamTricode: optionalText,
  personId: z.int32().nonnegative().nullish(),
  actionType: z.string(),
  subType: optionalText,
  descriptor: optionalText,
  qualifiers: z.array(z.string()).nullish(),
  x: z.number().nullish(),
  y: z.number().nullish(),
  shotDistance: z.number().nonnegative().nullish(),
  shotResult: optionalText,
  isFieldGoal: z.union([z.literal(0), z.literal(1)]).nullish(),
  // The running score, sent as digit strings.
  scoreHome: digits.nullish(),
  scoreAway: digits.nullish(),
  description: optionalText,
});
type Action = z.output<typeof actionSchema>;

const payloadSchema = z.object({
  game: z.object({ gameId: z.string(), actions: z.array(actionSchema) }),
});

const table: TableSpec = {
  table: 'nba.play_by_play',
  columns: [
    { name: 'game_id', type: 'text' },
    { name: 'action_number', type: 'int' },
    { name: 'order_number', type: 'bigint' },
    { name: 'period', type: 'int' },
    { name: 'period_type', type: 'text' },
    { name: 'clock', type: 'numeric' },
    { name: 'time_actual', type: 'timestamptz' },
    { name: 'team_id', type: 'int' },
    { name: 'team_tricode', type: 'text' },
    { name: 'person_id', type: 'int' },
    { name: 'action_type', type: 'text' },
    { name: 'sub_type', type: 'text' },
    { name: 'descriptor', type: 'text' },
    { name: 'qualifiers', type: 'text[]' },
    { name: 'x', type: 'numeric' },
    { name: 'y', type: 'numeric' },
    { name: 'shot_distance', type: 'numeric' },
    { name: 'shot_result', type: 'text' },
    { name: 'is_field_goal', type: 'bool' },
    { name: 'score_home', type: 'int' },
    { name: 'score_away', type: 'int' },
    { name: 'description', type: 'text' },
    { name: 'action', type: 'jsonb' },
  ],
  key: ['game_id', 'action_number'],
  gameColumn: 'game_id',
  // Each action arrives whole, and its columns are read from the `action` kept beside them: a field
  // gone from a corrected action is gone from the row too, or the row would disagree with itself.
  keepKnownValues: false,
  references: [playerReference('person_id'), teamReference('team_id')],
};

function actionRow(game: GameId, action: Action): unknown[] {
  return [
    game,
    action.actionNumber,
    action.orderNumber ?? null,
    action.period,
    textOrNull(action.periodType),
    secondsOf(action.clock),
    action.timeActual ?? null,
    idOrNull(action.teamId),
    textOrNull(action.teamTricode),
    idOrNull(action.personId),
    action.actionType,
    textOrNull(action.subType),
    textOrNull(action.descriptor),
    action.qualifiers ?? null,
    action.x ?? null,
    action.y ?? null,
    action.shotDistance ?? null,
    textOrNull(action.shotResult),
    action.isFieldGoal === null || action.isFieldGoal === undefined ? null : action.isFieldGoal === 1,
    numberOrNull(action.scoreHome),
    numberOrNull(action.scoreAway),
    textOrNull(action.description),
    action,
  ];
}

function parse(requested: RequestedGame, body: unknown): LegacyParse {
  const read = readPayload(payloadSchema, body);
  if (!read.ok) return read;
  const { game } = read.payload;
  const { gameId } = requested;
  const teams = game.actions.map((action) => idOrNull(action.teamId));
  return (
    otherGame(gameId, game.gameId, 'game.gameId') ??
    otherTeams(requested, teams, 'an action of team') ?? {
      ok: true,
      rows: [game.actions.map((action) => actionRow(gameId, action))],
    }
  );
}

/** SPEC §2.2: about 500–650 actions a game; overtimes add some, ten of them at most. */
const checks: readonly TableCheck[] = [
  { kind: 'rowsPerGame', name: 'actions_per_game', min: 300, max: 1200 },
  { kind: 'range', name: 'period', column: 'period', min: 1, max: 10 },
  { kind: 'range', name: 'clock', column: 'clock', min: 0, max: PERIOD_SECONDS },
];

export const playByPlay: LegacyDataset = {
  source: 'legacy',
  name: 'play_by_play',
  call: {
    path: () => '/api/stats/pbp',
    params: (gameId) => ({ gameId }),
    measure: 'pbp',
    format: 'json',
  },
  tables: [table],
  parse,
  checks,
};
