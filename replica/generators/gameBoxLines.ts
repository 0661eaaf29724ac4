// Each participant's box line for one game: the team's box totals (shots made and missed by kind,
// free throws, rebounds, assists, steals, blocks, fouls) shared out among the players who played
// (gameParticipants), plus his on-court possessions and points for and against. Every `/game/player`
// measure but Tracking reads these lines, so Base, Advanced, Defensive and Violations agree.
// Pure in (season, game, seed).
import type { SeasonIndex } from '../seasonIndex.ts';
import { SeededRandom } from '../seededRandom.ts';
import type { Game, GameSide } from '../skeleton.ts';
import { type BoxCounts, possessionsOf } from './advancedFormulas.ts';
import { gameParticipants, type Participant } from './gameParticipants.ts';
import { opponentOf } from './teamGameRow.ts';

export interface PlayerLine extends BoxCounts {
  readonly participant: Participant;
  /** Decimal minutes, as gameParticipants decided them. */
  readonly minutes: number;
  /** One of the side's five players with the most minutes. */
  readonly starter: boolean;
  /** Possessions of his team while he was on court: a side's players add up to 5 × its possessions. */
  readonly possessions: number;
  /** Points his team scored (at least his own) and conceded while he was on court. */
  readonly pointsFor: number;
  readonly pointsAgainst: number;
}

export interface SideLines {
  readonly side: GameSide;
  readonly opponent: GameSide;
  readonly players: readonly PlayerLine[];
  /**
   * Turnovers charged to the team, not to a player (shot clock, 8 and 5 seconds): the players' TOV
   * add up to the box TOV less these; every other count adds up to the box exactly.
   */
  readonly teamTurnovers: number;
}

export interface GameBoxLines {
  /** Home, then away. */
  readonly sides: readonly [SideLines, SideLines];
  /** Every player's line in gameParticipants order (home players first). */
  readonly players: readonly PlayerLine[];
}

const MAX_FOULS = 6;
/** How often a team has 0, 1 or 2 team turnovers in a game. */
const TEAM_TURNOVER_WEIGHTS = [0.45, 0.35, 0.2];

/** Four measures read the same lines: computed once per game and seed (pure, so safe to keep). */
const computed = new WeakMap<Game, Map<number, GameBoxLines>>();

export function gameBoxLines(season: SeasonIndex, game: Game, seed: number): GameBoxLines {
  let bySeed = computed.get(game);
  if (!bySeed) {
    bySeed = new Map();
    computed.set(game, bySeed);
  }
  let lines = bySeed.get(seed);
  if (!lines) {
    lines = computeLines(season, game, seed);
    bySeed.set(seed, lines);
  }
  return lines;
}

function computeLines(season: SeasonIndex, game: Game, seed: number): GameBoxLines {
  const random = new SeededRandom(`BoxLines:${seed}:${game.id}`);
  const participants = gameParticipants(season, game, seed);
  const sides = [game.home, game.away].map((side) =>
    sideLines(
      random,
      game,
      side,
      participants.filter((participant) => participant.side === side),
    ),
  ) as [SideLines, SideLines];
  return { sides, players: sides.flatMap((lines) => lines.players) };
}

function sideLines(random: SeededRandom, game: Game, side: GameSide, players: Participant[]): SideLines {
  const box = side.box;
  const opponent = opponentOf(game, side);
  const minutes = players.map((player) => player.minutes);
  // A per-player lean, drawn once, so the same player rebounds (or fouls) more than his minutes say.
  const lean = () => players.map(() => random.between(0.5, 1.5));
  const rebounding = lean();
  const stealing = lean();
  const blocking = lean();
  const handling = lean();
  const fouling = lean();
  const drawing = lean();
  const byMinutes = (factors: readonly number[]) => minutes.map((m, at) => m * (factors[at] ?? 1));
  const perMinute = (pick: (p: Participant) => number, floor: number) =>
    players.map((p) => p.minutes * (pick(p) / Math.max(1, p.entry.season.min) + floor));
  const share = (total: number, weights: readonly number[], cap = Number.POSITIVE_INFINITY) =>
    shareCounts(random, total, weights, cap);

  const madeThrees = share(
    box.fg3m,
    perMinute((p) => p.entry.season.fg3m, 0.002),
  );
  const missedThrees = share(
    box.fg3a - box.fg3m,
    perMinute((p) => p.entry.season.fg3a - p.entry.season.fg3m, 0.002),
  );
  const madeTwos = share(
    box.fgm - box.fg3m,
    perMinute((p) => p.entry.season.fgm - p.entry.season.fg3m, 0.005),
  );
  const missedTwos = share(
    box.fga - box.fg3a - (box.fgm - box.fg3m),
    perMinute(
      (p) => p.entry.season.fga - p.entry.season.fg3a - (p.entry.season.fgm - p.entry.season.fg3m),
      0.005,
    ),
  );
  const freeThrowWeights = byMinutes(drawing);
  const madeFreeThrows = share(box.ftm, freeThrowWeights);
  const missedFreeThrows = share(box.fta - box.ftm, freeThrowWeights);
  const oreb = share(box.oreb, byMinutes(rebounding));
  const dreb = share(box.dreb, byMinutes(rebounding));
  const ast = share(
    box.ast,
    players.map((p) => p.minutes * (1 + p.entry.season.ast / Math.max(1, p.entry.season.gp))),
  );
  const stl = share(box.stl, byMinutes(stealing));
  const blk = share(box.blk, byMinutes(blocking));
  const teamTurnovers = Math.min(box.tov, Math.max(0, random.weightedIndex(TEAM_TURNOVER_WEIGHTS)));
  const tov = share(box.tov - teamTurnovers, byMinutes(handling));
  const pf = share(box.pf, byMinutes(fouling), MAX_FOULS);

  const counts: BoxCounts[] = players.map((_, at) => {
    const fg3m = madeThrees[at] ?? 0;
    const fgm = fg3m + (madeTwos[at] ?? 0);
    const ftm = madeFreeThrows[at] ?? 0;
    return {
      fgm,
      fga: fgm + (missedThrees[at] ?? 0) + (missedTwos[at] ?? 0),
      fg3m,
      fg3a: fg3m + (missedThrees[at] ?? 0),
      ftm,
      fta: ftm + (missedFreeThrows[at] ?? 0),
      oreb: oreb[at] ?? 0,
      dreb: dreb[at] ?? 0,
      ast: ast[at] ?? 0,
      stl: stl[at] ?? 0,
      blk: blk[at] ?? 0,
      tov: tov[at] ?? 0,
      pf: pf[at] ?? 0,
      pts: 2 * fgm + fg3m + ftm,
    };
  });

  const jittered = (low: number, high: number) => minutes.map((m) => m * random.between(low, high));
  const possessions = apportion(5 * possessionsOf(box), jittered(0.95, 1.05));
  // A player's own points were scored while he was on court: the rest of the team's are shared out.
  const ownPoints = counts.reduce((sum, line) => sum + line.pts, 0);
  const pointsFor = apportion(5 * box.pts - ownPoints, jittered(0.85, 1.15)).map(
    (points, at) => points + (counts[at]?.pts ?? 0),
  );
  const pointsAgainst = apportion(5 * opponent.box.pts, jittered(0.85, 1.15));
  const starters = new Set(
    minutes
      .map((m, at) => [m, at] as const)
      .sort((a, b) => b[0] - a[0] || a[1] - b[1])
      .slice(0, 5)
      .map(([, at]) => at),
  );

  const lines = players.map(
    (participant, at): PlayerLine => ({
      ...(counts[at] as BoxCounts),
      participant,
      minutes: participant.minutes,
      starter: starters.has(at),
      possessions: possessions[at] ?? 0,
      pointsFor: pointsFor[at] ?? 0,
      pointsAgainst: pointsAgainst[at] ?? 0,
    }),
  );
  return { side, opponent, players: lines, teamTurnovers };
}

/** `total` units drawn one by one in proportion to `weights`, at most `cap` each. */
export function shareCounts(
  random: SeededRandom,
  total: number,
  weights: readonly number[],
  cap = Number.POSITIVE_INFINITY,
): number[] {
  const open = weights.slice();
  const counts = weights.map(() => 0);
  for (let unit = 0; unit < total; unit++) {
    const at = random.weightedIndex(open);
    if (at < 0) throw new Error(`cannot share ${total} units among ${weights.length} players`);
    counts[at] = (counts[at] ?? 0) + 1;
    if ((counts[at] ?? 0) >= cap) open[at] = 0;
  }
  return counts;
}

/** `total` split in proportion to `weights`, by largest remainder: the parts add up exactly. */
function apportion(total: number, weights: readonly number[]): number[] {
  const sum = weights.reduce((acc, weight) => acc + weight, 0);
  if (sum <= 0 || total <= 0) return weights.map(() => 0);
  const exact = weights.map((weight) => (total * weight) / sum);
  const parts = exact.map(Math.floor);
  let left = total - parts.reduce((acc, part) => acc + part, 0);
  const order = exact.map((value, at) => [value - (parts[at] ?? 0), at] as const).sort((a, b) => b[0] - a[0]);
  for (const [, at] of order) {
    if (left <= 0) break;
    parts[at] = (parts[at] ?? 0) + 1;
    left -= 1;
  }
  return parts;
}
