// The traditional box score from the legacy `/api/stats/boxscore` (measureType=Traditional), one call
// per game: every roster player of both teams, also those who did not play, with the roster facts
// only this endpoint has (status, why not playing, order, starter, on court, played) into
// nba.boxscores_traditional, and the two teams' totals into nba.boxscores_traditional_team.
// Minutes arrive as ISO durations; shooting percentages are fractions 0–1; fg2 columns are derived.
import { z } from 'zod';
import type { GameId } from '../gameId.ts';
import type { ColumnSpec, TableSpec } from '../sinks/tableSpec.ts';
import type { TableCheck } from '../sinks/verifyQueries.ts';
import { ROSTER_PARITY } from './boxScoreRoster.ts';
import type { LegacyDataset, LegacyParse, MappingContext, RequestedGame, RowContext } from './dataset.ts';
import {
  flagText,
  flagValue,
  identityMismatch,
  isoDuration,
  minutesOf,
  otherGame,
  otherTeams,
  readPayload,
} from './legacyValues.ts';
import {
  playerReference,
  type StatColumn,
  seasonYearOf,
  statColumnSpecs,
  statsSchema,
  statValues,
  teamReference,
  textOrNull,
} from './rowValues.ts';

/** Made, attempted and percentage of field goals, threes and free throws: players and teams alike. */
const SHOOTING: readonly StatColumn[] = [
  ['fieldGoalsMade', 'fgm', 'count'],
  ['fieldGoalsAttempted', 'fga', 'count'],
  ['fieldGoalsPercentage', 'fg_pct', 'fraction'],
  ['threePointersMade', 'fg3m', 'count'],
  ['threePointersAttempted', 'fg3a', 'count'],
  ['threePointersPercentage', 'fg3_pct', 'fraction'],
  ['freeThrowsMade', 'ftm', 'count'],
  ['freeThrowsAttempted', 'fta', 'count'],
  ['freeThrowsPercentage', 'ft_pct', 'fraction'],
];

const BOX_COUNTS: readonly StatColumn[] = [
  ['reboundsOffensive', 'oreb', 'count'],
  ['reboundsDefensive', 'dreb', 'count'],
  ['reboundsTotal', 'reb', 'count'],
  ['assists', 'ast', 'count'],
  ['steals', 'stl', 'count'],
  ['blocks', 'blk', 'count'],
  ['turnovers', 'tov', 'count'],
  ['foulsPersonal', 'pf', 'count'],
];

/** previous-implementation.md §3.2: the player table names points `pts`, the team table `points`. */
const PLAYER_STATS: readonly StatColumn[] = [
  ['points', 'pts', 'count'],
  ...SHOOTING,
  ...BOX_COUNTS,
  ['foulsDrawn', 'fouls_drawn', 'count'],
  ['plusMinusPoints', 'plus_minus', 'signedDecimal'],
];

const TEAM_STATS: readonly StatColumn[] = [
  ['points', 'points', 'count'],
  ...SHOOTING,
  ...BOX_COUNTS,
  ['foulsTechnical', 'fouls_technical', 'count'],
  ['foulsTeam', 'fouls_team', 'count'],
  ['foulsTeamTechnical', 'fouls_team_technical', 'count'],
  ['foulsDrawn', 'fouls_drawn', 'count'],
  ['plusMinusPoints', 'plus_minus', 'signedDecimal'],
  ['pointsFastBreak', 'pts_fast_break', 'count'],
  ['pointsInThePaint', 'pts_paint', 'count'],
  ['pointsSecondChance', 'pts_2nd_chance', 'count'],
  ['benchPoints', 'bench_pts', 'count'],
  ['biggestLead', 'biggest_lead', 'count'],
  ['biggestScoringRun', 'biggest_scoring_run', 'count'],
  ['leadChanges', 'lead_changes', 'count'],
  ['timesTied', 'times_tied', 'count'],
  // Assists per turnover: unbounded when a team hardly turns the ball over.
  ['assistsTurnoverRatio', 'ast_tov_ratio', 'ratio'],
  ['turnoversTeam', 'tov_team', 'count'],
  ['turnoversTotal', 'tov_total', 'count'],
  ['reboundsTeam', 'reb_team', 'count'],
  ['reboundsPersonal', 'reb_personal', 'count'],
];

const FG2M = 'fieldGoalsMade - threePointersMade';
const FG2A = 'fieldGoalsAttempted - threePointersAttempted';
const FG2_PCT = 'fg2m / fg2a';

/**
 * Two-pointers are field goals less threes, for every payload alike (older box scores send no
 * twoPointers* keys). Their keys say how they are made, for the out-of-range report: a payload with
 * more threes than field goals gives a negative count, flagged like any other.
 */
const TWO_POINTERS: readonly StatColumn[] = [
  [FG2M, 'fg2m', 'count'],
  [FG2A, 'fg2a', 'count'],
  [FG2_PCT, 'fg2_pct', 'fraction'],
];

function twoPointersOf(stats: Readonly<Record<string, unknown>>): Record<string, number | null> {
  const made = difference(stats.fieldGoalsMade, stats.threePointersMade);
  const attempted = difference(stats.fieldGoalsAttempted, stats.threePointersAttempted);
  // No two-point attempts, no percentage (NULL, not 0).
  return { [FG2M]: made, [FG2A]: attempted, [FG2_PCT]: made !== null && attempted ? made / attempted : null };
}

const difference = (total: unknown, part: unknown): number | null =>
  typeof total === 'number' && typeof part === 'number' ? total - part : null;

const optionalText = z.string().nullish();

/** Every declared stat a finite number or absent, minutes an ISO duration or absent; others as they come. */
const statisticsSchema = (stats: readonly StatColumn[]) =>
  z.looseObject({ ...statsSchema(stats).shape, minutes: isoDuration.nullish() });

const playerSchema = z.object({
  personId: z.int32().positive(),
  name: optionalText,
  status: optionalText,
  notPlayingReason: optionalText,
  notPlayingDescription: optionalText,
  order: z.int32().nonnegative().nullish(),
  jerseyNum: optionalText,
  position: optionalText,
  starter: flagText.nullish(),
  oncourt: flagText.nullish(),
  played: flagText.nullish(),
  statistics: statisticsSchema(PLAYER_STATS),
});
type Player = z.output<typeof playerSchema>;

const teamSchema = z.object({
  teamId: z.int32().positive(),
  statistics: statisticsSchema(TEAM_STATS),
  players: z.array(playerSchema),
});
type Team = z.output<typeof teamSchema>;

const payloadSchema = z.object({
  game: z.object({ gameId: z.string(), homeTeam: teamSchema, awayTeam: teamSchema }),
});

const seasonColumns: readonly ColumnSpec[] = [
  { name: 'season_year', type: 'int' },
  { name: 'season_label', type: 'text' },
  { name: 'season_type', type: 'text' },
];

const seasonValues = (context: MappingContext): unknown[] => [
  seasonYearOf(context.seasonLabel),
  context.seasonLabel,
  context.seasonType,
];

const playerTable: TableSpec = {
  table: 'nba.boxscores_traditional',
  columns: [
    { name: 'game_id', type: 'text' },
    { name: 'nba_id', type: 'int' },
    { name: 'team_id', type: 'int' },
    { name: 'player_name', type: 'text' },
    ...seasonColumns,
    { name: 'status', type: 'text' },
    { name: 'not_playing_reason', type: 'text' },
    { name: 'not_playing_description', type: 'text' },
    { name: 'order_sequence', type: 'int' },
    { name: 'jersey_num', type: 'text' },
    { name: 'position', type: 'text' },
    { name: 'is_starter', type: 'bool' },
    { name: 'is_on_court', type: 'bool' },
    { name: 'played', type: 'bool' },
    { name: 'minutes', type: 'numeric' },
    ...statColumnSpecs(PLAYER_STATS),
    ...statColumnSpecs(TWO_POINTERS),
    { name: 'traditional_stats_json', type: 'jsonb' },
  ],
  key: ['game_id', 'nba_id'],
  gameColumn: 'game_id',
  // The box score is the whole truth of a game's roster, every field of every player each time: a
  // correction that clears a value (minutes of a player who turns out not to have played, the DNP
  // reason of one who did) must clear it, not keep the stale one beside the new status.
  keepKnownValues: false,
  references: [playerReference('nba_id'), teamReference('team_id')],
};

const teamTable: TableSpec = {
  table: 'nba.boxscores_traditional_team',
  columns: [
    { name: 'game_id', type: 'text' },
    { name: 'team_id', type: 'int' },
    ...seasonColumns,
    { name: 'minutes', type: 'numeric' },
    ...statColumnSpecs(TEAM_STATS),
    ...statColumnSpecs(TWO_POINTERS),
    { name: 'traditional_stats_json', type: 'jsonb' },
  ],
  key: ['game_id', 'team_id'],
  gameColumn: 'game_id',
  keepKnownValues: false,
  references: [teamReference('team_id')],
};

/**
 * A player who did not play has no minutes (NULL), whatever duration the payload carries for him
 * (the real box score gives inactive players PT00M00.00S); one who played for 0.0 seconds has 0.
 */
function playerRow(game: GameId, team: Team, player: Player, context: RowContext): unknown[] {
  const { statistics } = player;
  const played = flagValue(player.played);
  const minutes = played === false || !statistics.minutes ? null : minutesOf(statistics.minutes);
  return [
    game,
    player.personId,
    team.teamId,
    textOrNull(player.name),
    ...seasonValues(context),
    textOrNull(player.status),
    textOrNull(player.notPlayingReason),
    textOrNull(player.notPlayingDescription),
    player.order ?? null,
    // Not textOrNull: "0" is a jersey number.
    player.jerseyNum || null,
    textOrNull(player.position),
    flagValue(player.starter),
    flagValue(player.oncourt),
    played,
    minutes,
    ...statValues(statistics, PLAYER_STATS, context.flag),
    ...statValues(twoPointersOf(statistics), TWO_POINTERS, context.flag),
    statistics,
  ];
}

function teamRow(game: GameId, team: Team, context: RowContext): unknown[] {
  const { statistics } = team;
  return [
    game,
    team.teamId,
    ...seasonValues(context),
    statistics.minutes ? minutesOf(statistics.minutes) : null,
    ...statValues(statistics, TEAM_STATS, context.flag),
    ...statValues(twoPointersOf(statistics), TWO_POINTERS, context.flag),
    statistics,
  ];
}

function parse(requested: RequestedGame, body: unknown, context: RowContext): LegacyParse {
  const read = readPayload(payloadSchema, body);
  if (!read.ok) return read;
  const { game } = read.payload;
  const { gameId } = requested;
  const elsewhere = otherGame(gameId, game.gameId, 'game.gameId');
  if (elsewhere) return elsewhere;
  // Both of the scheduled teams, each once (a neutral-site game may list them either way round).
  const stray = otherTeams(requested, [game.homeTeam.teamId, game.awayTeam.teamId], 'team');
  if (stray) return stray;
  if (game.homeTeam.teamId === game.awayTeam.teamId) {
    return identityMismatch(`home and away are both team ${game.homeTeam.teamId}`);
  }
  const teams = [game.homeTeam, game.awayTeam];
  const players = teams.flatMap((team) =>
    team.players.map((player) => playerRow(gameId, team, player, context)),
  );
  // Team totals alone are not a box score: the roster is what this dataset is for, of both teams.
  if (players.length === 0) {
    return { ok: false, reason: 'no_rows_for_final_game', detail: 'the box score lists no players' };
  }
  const without = teams.find((team) => team.players.length === 0);
  if (without) {
    return {
      ok: false,
      reason: 'no_rows_for_final_game',
      detail: `the box score lists no players of team ${without.teamId}`,
    };
  }
  return { ok: true, rows: [players, teams.map((team) => teamRow(gameId, team, context))] };
}

/**
 * Real box scores list 13 to 17 players a team (about 34 a game), of whom five start. A player's
 * minutes stay within 73: a whole game with five overtimes (48 + 5 × 5), more than any player has
 * played.
 */
const checks: readonly TableCheck[] = [
  { kind: 'rowsPerGame', name: 'players_per_game', min: 20, max: 44 },
  { kind: 'range', name: 'minutes', column: 'minutes', min: 0, max: 73 },
  { kind: 'share', name: 'is_starter', column: 'is_starter', min: 0.2, max: 0.5 },
  { kind: 'notNull', name: 'played', columns: ['played'] },
];

export const boxScoreTraditional: LegacyDataset = {
  source: 'legacy',
  name: 'boxscore_traditional',
  call: {
    path: () => '/api/stats/boxscore',
    params: (gameId) => ({ gameId, measureType: 'Traditional' }),
    measure: 'Traditional',
    format: 'json',
  },
  tables: [playerTable, teamTable],
  parse,
  // nba.boxscores_advanced holds this roster: its placeholders follow the roster written here.
  hooks: ROSTER_PARITY,
  checks,
};
