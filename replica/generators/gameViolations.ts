// Violations of one game, for `/game/player` and `/game/team MeasureType=Violations`. A player's
// turnover violations (travels, offensive fouls, ...) are some of his box-line TOV, his offensive
// fouls some of his PF; the team row adds up its players' counts plus the team's own (shot clock,
// 8 and 5 seconds: the box's team turnovers, and delay of game). Team MIN is the team's minutes.
// Pure in (season, game, seed).
import type { SeasonIndex } from '../seasonIndex.ts';
import { SeededRandom } from '../seededRandom.ts';
import type { Game } from '../skeleton.ts';
import { gameBoxLines, type PlayerLine } from './gameBoxLines.ts';
import { type EventIdentity, eventIdentity } from './playerEventRow.ts';
import { type TeamGameRow, teamGameIdentity } from './teamGameRow.ts';

/** Violations that cost the ball: each one is also a turnover of the player. */
const TURNOVER_KINDS = {
  TRAVEL: 10,
  OFF_FOUL: 5,
  CHARGE: 3,
  OFF_THREE_SEC: 2,
  BACKCOURT: 1.2,
  INBOUND: 1,
  DISCONTINUED_DRIBBLE: 0.8,
  PALMING: 0.6,
  DOUBLE_DRIBBLE: 0.5,
  OFF_GOALTENDING: 0.4,
} as const;
/** Offensive fouls: a turnover and a personal foul at once. */
const FOUL_KINDS: ReadonlySet<string> = new Set(['OFF_FOUL', 'CHARGE']);
/** Violations that do not cost the ball, with their chance per 48 minutes on court. */
const OTHER_KINDS = {
  DEF_THREE_SEC: 0.08,
  DEF_GOALTENDING: 0.03,
  KICKED_BALL: 0.06,
  JUMP_BALL: 0.01,
  LANE: 0.02,
} as const;
/** Share of a player's turnovers that are violations rather than live-ball turnovers. */
const VIOLATION_SHARE = 0.3;
const TEAM_TURNOVER_KINDS = { TM_SHOT_CLOCK: 6, TM_EIGHT_SEC: 1.5, TM_FIVE_SEC: 1 } as const;
const DELAY_OF_GAME_CHANCE = 0.25;

type CounterKey = keyof typeof TURNOVER_KINDS | keyof typeof OTHER_KINDS;
export type ViolationCounts = Record<CounterKey, number>;
type TeamTurnoverKey = keyof typeof TEAM_TURNOVER_KINDS | 'TM_DELAY_OF_GAME';

export type PlayerViolationStats = { STARTED: 0 | 1; MIN: number } & ViolationCounts;
export type PlayerViolationRow = EventIdentity & { stats: PlayerViolationStats };

/** MIN in team minutes (240 in regulation): upstream does not rescale it here, unlike Advanced. */
export type TeamViolationStats = { MIN: number } & ViolationCounts & Record<TeamTurnoverKey, number>;
export type TeamViolationRow = TeamGameRow<TeamViolationStats>;

const COUNTER_KEYS = [...Object.keys(TURNOVER_KINDS), ...Object.keys(OTHER_KINDS)] as CounterKey[];
const TURNOVER_KEYS = Object.keys(TURNOVER_KINDS) as (keyof typeof TURNOVER_KINDS)[];
const TURNOVER_WEIGHTS = Object.values(TURNOVER_KINDS);
const TEAM_TURNOVER_KEYS = Object.keys(TEAM_TURNOVER_KINDS) as (keyof typeof TEAM_TURNOVER_KINDS)[];
const TEAM_TURNOVER_WEIGHTS = Object.values(TEAM_TURNOVER_KINDS);

export function playerViolationRows(season: SeasonIndex, game: Game, seed: number): PlayerViolationRow[] {
  return gameViolations(season, game, seed).players.map(({ line, counts }) => ({
    ...eventIdentity(season, game, line.participant.side, line.participant.entry.player),
    stats: { STARTED: line.starter ? 1 : 0, MIN: line.minutes, ...counts },
  }));
}

export function teamViolationRows(season: SeasonIndex, game: Game, seed: number): TeamViolationRow[] {
  return gameViolations(season, game, seed).teams.map(({ side, counts, team }) => ({
    ...teamGameIdentity(season, game, side),
    stats: { MIN: side.box.min, ...counts, ...team },
  }));
}

export interface GameViolations {
  /** In gameParticipants order, each with his box line. */
  players: { line: PlayerLine; counts: ViolationCounts }[];
  teams: { side: Game['home']; counts: ViolationCounts; team: Record<TeamTurnoverKey, number> }[];
}

export function gameViolations(season: SeasonIndex, game: Game, seed: number): GameViolations {
  const random = new SeededRandom(`Violations:${seed}:${game.id}`);
  const result: GameViolations = { players: [], teams: [] };
  for (const { side, players, teamTurnovers } of gameBoxLines(season, game, seed).sides) {
    const totals = emptyCounts();
    for (const line of players) {
      const counts = playerCounts(random, line);
      for (const key of COUNTER_KEYS) totals[key] += counts[key];
      result.players.push({ line, counts });
    }
    const team: Record<TeamTurnoverKey, number> = {
      TM_DELAY_OF_GAME: random.chance(DELAY_OF_GAME_CHANCE) ? 1 : 0,
      TM_EIGHT_SEC: 0,
      TM_FIVE_SEC: 0,
      TM_SHOT_CLOCK: 0,
    };
    for (let n = 0; n < teamTurnovers; n++) {
      const key = TEAM_TURNOVER_KEYS[random.weightedIndex(TEAM_TURNOVER_WEIGHTS)];
      if (key) team[key] += 1;
    }
    result.teams.push({ side, counts: totals, team });
  }
  return result;
}

function playerCounts(random: SeededRandom, line: PlayerLine): ViolationCounts {
  const counts = emptyCounts();
  let fouls = line.pf;
  for (let turnover = 0; turnover < line.tov; turnover++) {
    if (!random.chance(VIOLATION_SHARE)) continue;
    let key = TURNOVER_KEYS[random.weightedIndex(TURNOVER_WEIGHTS)] ?? 'TRAVEL';
    // An offensive foul needs one of his personal fouls; without one left it was a travel.
    if (FOUL_KINDS.has(key)) {
      if (fouls > 0) fouls -= 1;
      else key = 'TRAVEL';
    }
    counts[key] += 1;
  }
  for (const [key, per48] of Object.entries(OTHER_KINDS) as [keyof typeof OTHER_KINDS, number][]) {
    if (random.chance((per48 * line.minutes) / 48)) counts[key] += 1;
  }
  return counts;
}

function emptyCounts(): ViolationCounts {
  return Object.fromEntries(COUNTER_KEYS.map((key) => [key, 0])) as ViolationCounts;
}
