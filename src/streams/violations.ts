// Violations per game: players from /game/player MeasureType=Violations (TeamGrouping=Y) into
// nba.violations_player, teams from /game/team MeasureType=Violations into nba.violations_team, each
// with its raw stats object. Counters are whole numbers; STARTED is a 0/1 flag. Team MIN arrives in
// team minutes here (unlike /game/team Advanced) and is stored as it arrives.
import { z } from 'zod';
import type { TableCheck } from '../sinks/verifyQueries.ts';
import { gameMeasureDataset } from './gameMeasures.ts';
import type { OutOfRange, StatColumn } from './rowValues.ts';

/** The counters player and team rows share (previous-implementation.md Q5, Q6). */
const COUNTERS: readonly StatColumn[] = [
  ['TRAVEL', 'travel', 'count'],
  ['DOUBLE_DRIBBLE', 'double_dribble', 'count'],
  ['DISCONTINUED_DRIBBLE', 'discontinued_dribble', 'count'],
  ['OFF_THREE_SEC', 'off_three_sec', 'count'],
  ['DEF_THREE_SEC', 'def_three_sec', 'count'],
  ['INBOUND', 'inbound', 'count'],
  ['BACKCOURT', 'backcourt', 'count'],
  ['OFF_GOALTENDING', 'off_goaltending', 'count'],
  ['DEF_GOALTENDING', 'def_goaltending', 'count'],
  ['PALMING', 'palming', 'count'],
  ['KICKED_BALL', 'kicked_ball', 'count'],
  ['JUMP_BALL', 'jump_ball', 'count'],
  ['LANE', 'lane', 'count'],
  ['CHARGE', 'charge', 'count'],
  ['OFF_FOUL', 'off_foul', 'count'],
];

const PLAYER_STATS: readonly StatColumn[] = [['MIN', 'minutes', 'decimal'], ...COUNTERS];

/**
 * Team MIN is in team minutes (240 in regulation), so it is not rescaled: previous-implementation.md
 * §5.9 documents the 1/25 scale for /game/team Advanced only. Should upstream send it in that scale
 * after all, verify's team minutes check (240 and up) fails rather than the value being guessed at.
 */
const TEAM_STATS: readonly StatColumn[] = [
  ['MIN', 'minutes', 'decimal'],
  ...COUNTERS,
  ['TM_DELAY_OF_GAME', 'tm_delay_of_game', 'count'],
  ['TM_EIGHT_SEC', 'tm_eight_sec', 'count'],
  ['TM_FIVE_SEC', 'tm_five_sec', 'count'],
  ['TM_SHOT_CLOCK', 'tm_shot_clock', 'count'],
];

/** STARTED is 0/1 (some payloads send booleans); any other number is flagged, not a schema failure. */
const started = {
  columns: [{ name: 'started', type: 'bool' }],
  stats: { STARTED: z.union([z.number(), z.boolean()]).nullish() },
  values: (stats: Readonly<Record<string, unknown>>, context: { flag: (issue: OutOfRange) => void }) => [
    startedOrNull(stats.STARTED as number | boolean | null | undefined, context.flag),
  ],
} as const;

function startedOrNull(value: number | boolean | null | undefined, flag: (issue: OutOfRange) => void) {
  if (value === 1 || value === true) return true;
  if (value === 0 || value === false) return false;
  if (typeof value === 'number') flag({ column: 'started', key: 'STARTED', value, unit: 'a flag 0 or 1' });
  return null;
}

/**
 * About 22 players per game, of whom ten started (five a team): between 30% and 60% of the rows.
 * Team rows: exactly two per game, team minutes 240 plus 25 per overtime.
 */
const playerChecks: readonly TableCheck[] = [
  { kind: 'rowsPerGame', name: 'players_per_game', min: 10, max: 40 },
  { kind: 'range', name: 'minutes', column: 'minutes', min: 0, max: 73 },
  { kind: 'share', name: 'started', column: 'started', min: 0.3, max: 0.6 },
];

const teamChecks: readonly TableCheck[] = [
  { kind: 'rowsPerGame', name: 'teams_per_game', min: 2, max: 2 },
  { kind: 'range', name: 'minutes', column: 'minutes', min: 240, max: 390 },
];

export const violations = gameMeasureDataset({
  name: 'violations',
  side: 'player',
  measure: 'Violations',
  table: 'nba.violations_player',
  stats: PLAYER_STATS,
  jsonColumn: 'violations_stats_json',
  fixedBatchSize: 100,
  checks: playerChecks,
  extra: started,
});

export const violationsTeam = gameMeasureDataset({
  name: 'violations_team',
  side: 'team',
  measure: 'Violations',
  table: 'nba.violations_team',
  stats: TEAM_STATS,
  jsonColumn: 'violations_stats_json',
  fixedBatchSize: 200,
  checks: teamChecks,
});
