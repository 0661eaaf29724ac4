// The teams of the live box score of one final game (`/api/stats/boxscore`, the shape of upstream's
// live_boxscore files): every roster player, 13 to 17 a team. Those who played are exactly the
// game's participants with their box lines (gameBoxLines, as every `/game/player` measure), so their
// counts add up to the skeleton's box; the rest of the roster did not play — some inactive (injured,
// two-way, coach's or personal reasons), some active and benched (DNP_COACH). The play-by-play
// (legacyGameFlow) adds who was on court at the end, fouls drawn, blocks received, line scores, and
// the points on the break, in the paint, on second chances and after turnovers. Pure in (season,
// game, seed).
import type { RosterEntry, SeasonIndex } from '../seasonIndex.ts';
import { SeededRandom } from '../seededRandom.ts';
import type { Game, GameSide, Player } from '../skeleton.ts';
import { ratioOf } from './advancedFormulas.ts';
import type { PlayerLine, SideLines } from './gameBoxLines.ts';
import { legacyGameFlow } from './legacyGameFlow.ts';
import { isoClock } from './legacyPlayByPlay.ts';
import { type GameScoring, gameScoring, type PlayerScoring, type TeamScoring } from './legacyScoring.ts';
import { playerNameI } from './playerEventRow.ts';

export type Flag = '0' | '1';

export interface LivePlayer {
  status: 'ACTIVE' | 'INACTIVE';
  notPlayingReason?: string;
  notPlayingDescription?: string;
  order: number;
  personId: number;
  jerseyNum: string;
  /** Starters only: the slot they start in (SF, PF, C, SG, PG). */
  position?: string;
  starter: Flag;
  oncourt: Flag;
  played: Flag;
  statistics: Record<string, number | string>;
  name: string;
  nameI: string;
  firstName: string;
  familyName: string;
}

export interface LiveTeam {
  teamId: number;
  teamName: string;
  teamCity: string;
  teamTricode: string;
  score: number;
  inBonus: Flag;
  timeoutsRemaining: number;
  periods: { period: number; periodType: 'REGULAR' | 'OVERTIME'; score: number }[];
  players: LivePlayer[];
  statistics: Record<string, number | string>;
}

export interface LegacyBoxScore {
  homeTeam: LiveTeam;
  awayTeam: LiveTeam;
}

const MIN_LISTED = 13;
const MAX_LISTED = 17;
const TIMEOUTS_PER_GAME = 7;
/** Slots of the five starters, forwards first, as upstream lists them. */
const STARTER_SLOTS = ['SF', 'PF', 'C', 'SG', 'PG'];
const SLOT_RANK: Readonly<Record<string, number>> = { F: 0, C: 1, G: 2 };
/** Why an inactive player sits, with weights; injuries carry a description. */
const INACTIVE_REASONS: readonly (readonly [string, number])[] = [
  ['INACTIVE_INJURY', 0.65],
  ['INACTIVE_GLEAGUE_TWOWAY', 0.15],
  ['INACTIVE_COACH', 0.1],
  ['INACTIVE_PERSONAL', 0.1],
];
const BENCHED_CHANCE = 0.45;
const BODY_PARTS = [
  'Left Knee',
  'Right Knee',
  'Left Ankle',
  'Right Ankle',
  'Low Back',
  'Left Hamstring',
  'Right Hamstring',
  'Left Foot',
  'Right Foot',
  'Right Shoulder',
  'Left Calf',
  'Right Groin',
];
const CONDITIONS = ['Soreness', 'Sprain', 'Strain', 'Contusion', 'Tendinopathy', 'Injury Management'];

export function legacyBoxScore(season: SeasonIndex, game: Game, seed: number): LegacyBoxScore {
  const random = new SeededRandom(`LegacyBox:${seed}:${game.id}`);
  const flow = legacyGameFlow(season, game, seed);
  const scoring = gameScoring(flow, game.home, game.periods);
  const finalCourt = new Set(flow.actions.at(-1)?.onCourt.flat() ?? []);
  const [home, away] = flow.lines.sides.map((lines, index) =>
    liveTeam(season, random, lines, scoring, index as 0 | 1, finalCourt),
  ) as [LiveTeam, LiveTeam];
  return { homeTeam: home, awayTeam: away };
}

/** The players who played in box-score order: the starters by slot, then the bench by minutes. */
export function playedOrder(lines: SideLines): PlayerLine[] {
  const rank = (line: PlayerLine) => SLOT_RANK[line.participant.entry.player.position.charAt(0)] ?? 1;
  const starters = lines.players
    .filter((line) => line.starter)
    .sort((a, b) => rank(a) - rank(b) || b.minutes - a.minutes);
  const bench = lines.players.filter((line) => !line.starter).sort((a, b) => b.minutes - a.minutes);
  return [...starters, ...bench];
}

function liveTeam(
  season: SeasonIndex,
  random: SeededRandom,
  lines: SideLines,
  scoring: GameScoring,
  sideIndex: 0 | 1,
  finalCourt: ReadonlySet<number>,
): LiveTeam {
  const team = season.teamsById.get(lines.side.teamId);
  const own = scoring.sides[sideIndex];
  const played = playedOrder(lines).map((line, index) =>
    playedPlayer(line, index, scoring.players.get(line.participant.entry.player.id), finalCourt),
  );
  const others = didNotPlay(season, random, lines).map((entry, index) => ({
    ...entry,
    order: played.length + index + 1,
  }));
  return {
    teamId: lines.side.teamId,
    teamName: team?.nickname ?? '',
    teamCity: team?.city ?? '',
    teamTricode: team?.abbreviation ?? '',
    score: lines.side.score,
    inBonus: '0',
    timeoutsRemaining: Math.max(0, TIMEOUTS_PER_GAME - own.timeouts),
    periods: own.periods.map((score, index) => ({
      period: index + 1,
      periodType: index < 4 ? 'REGULAR' : 'OVERTIME',
      score,
    })),
    players: [...played, ...others],
    statistics: teamStatistics(lines, scoring, sideIndex, played),
  };
}

function identity(player: Player) {
  return {
    name: [player.firstName, player.lastName].filter(Boolean).join(' '),
    nameI: playerNameI(player),
    firstName: player.firstName,
    familyName: player.lastName,
  };
}

function playedPlayer(
  line: PlayerLine,
  index: number,
  flow: PlayerScoring | undefined,
  finalCourt: ReadonlySet<number>,
): LivePlayer {
  const player = line.participant.entry.player;
  const starter = index < STARTER_SLOTS.length && line.starter;
  return {
    status: 'ACTIVE',
    order: index + 1,
    personId: player.id,
    jerseyNum: player.jerseyNum,
    ...(starter ? { position: STARTER_SLOTS[index] } : {}),
    starter: starter ? '1' : '0',
    oncourt: finalCourt.has(player.id) ? '1' : '0',
    played: '1',
    statistics: playerStatistics(line, flow),
    ...identity(player),
  };
}

/** Roster players who did not play, up to 13–17 listed: one inactive, one benched, the rest drawn. */
function didNotPlay(
  season: SeasonIndex,
  random: SeededRandom,
  lines: SideLines,
): Omit<LivePlayer, 'order'>[] {
  const playing = new Set(lines.players.map((line) => line.participant.entry.player.id));
  const rest = (season.rosters.get(lines.side.teamId)?.entries ?? []).filter(
    (entry) => !playing.has(entry.player.id),
  );
  const listed = Math.max(0, Math.min(rest.length, random.int(MIN_LISTED, MAX_LISTED) - playing.size));
  const chosen = random.shuffle(rest).slice(0, listed);
  const players = chosen.map((entry: RosterEntry, index) => {
    const benched = index === 1 || (index > 1 && random.chance(BENCHED_CHANCE));
    const reason = benched ? 'DNP_COACH' : index === 0 ? 'INACTIVE_INJURY' : inactiveReason(random);
    const description = reasonDescription(random, reason);
    return {
      status: benched ? ('ACTIVE' as const) : ('INACTIVE' as const),
      notPlayingReason: reason,
      ...(description ? { notPlayingDescription: description } : {}),
      personId: entry.player.id,
      jerseyNum: entry.player.jerseyNum,
      starter: '0' as const,
      oncourt: '0' as const,
      played: '0' as const,
      statistics: playerStatistics(undefined, undefined),
      ...identity(entry.player),
    };
  });
  // Upstream lists the benched (active) players before the inactive ones.
  return [...players.filter((p) => p.status === 'ACTIVE'), ...players.filter((p) => p.status === 'INACTIVE')];
}

function inactiveReason(random: SeededRandom): string {
  return INACTIVE_REASONS[random.weightedIndex(INACTIVE_REASONS.map(([, weight]) => weight))]?.[0] ?? '';
}

function reasonDescription(random: SeededRandom, reason: string): string {
  if (reason === 'INACTIVE_INJURY') return `${random.pick(BODY_PARTS)}; ${random.pick(CONDITIONS)}`;
  if (reason === 'INACTIVE_PERSONAL') return 'Personal Reasons';
  return '';
}

/** A box line's counts under upstream's names; a player who did not play has zeros and no time. */
function playerStatistics(line: PlayerLine | undefined, flow: PlayerScoring | undefined) {
  const count = (value: number | undefined) => value ?? 0;
  const fgm = count(line?.fgm);
  const fga = count(line?.fga);
  const fg3m = count(line?.fg3m);
  const fg3a = count(line?.fg3a);
  const ftm = count(line?.ftm);
  const fta = count(line?.fta);
  const plus = count(line?.pointsFor);
  const minus = count(line?.pointsAgainst);
  const hundredths = Math.round(count(line?.minutes) * 100);
  return {
    assists: count(line?.ast),
    blocks: count(line?.blk),
    blocksReceived: count(flow?.blocksReceived),
    fieldGoalsAttempted: fga,
    fieldGoalsMade: fgm,
    fieldGoalsPercentage: ratioOf(fgm, fga),
    foulsOffensive: count(flow?.foulsOffensive),
    foulsDrawn: count(flow?.foulsDrawn),
    foulsPersonal: count(line?.pf),
    foulsTechnical: 0,
    freeThrowsAttempted: fta,
    freeThrowsMade: ftm,
    freeThrowsPercentage: ratioOf(ftm, fta),
    minus,
    minutes: isoMinutes(hundredths),
    minutesCalculated: roundMinutes(hundredths),
    plus,
    plusMinusPoints: plus - minus,
    points: count(line?.pts),
    pointsFastBreak: count(flow?.points.fastBreak),
    pointsInThePaint: count(flow?.points.paint),
    pointsSecondChance: count(flow?.points.secondChance),
    reboundsDefensive: count(line?.dreb),
    reboundsOffensive: count(line?.oreb),
    reboundsTotal: count(line?.oreb) + count(line?.dreb),
    steals: count(line?.stl),
    threePointersAttempted: fg3a,
    threePointersMade: fg3m,
    threePointersPercentage: ratioOf(fg3m, fg3a),
    turnovers: count(line?.tov),
    twoPointersAttempted: fga - fg3a,
    twoPointersMade: fgm - fg3m,
    twoPointersPercentage: ratioOf(fgm - fg3m, fga - fg3a),
  };
}

/**
 * The team's totals: the skeleton's box (which its players' lines add up to) under upstream's names.
 * Like upstream, `reboundsTotal` adds the team rebounds to the players' (`reboundsPersonal`, the
 * box's REB) and `turnoversTotal` the team turnovers to the players' (`turnovers`).
 */
function teamStatistics(
  lines: SideLines,
  scoring: GameScoring,
  sideIndex: 0 | 1,
  played: readonly LivePlayer[],
): Record<string, number | string> {
  const box = lines.side.box;
  const own: TeamScoring = scoring.sides[sideIndex];
  const opponent: GameSide = lines.opponent;
  const sum = (key: string) =>
    played.reduce((total, player) => total + Number(player.statistics[key] ?? 0), 0);
  const teamRebounds = own.teamReboundsOffensive + own.teamReboundsDefensive;
  const playerTurnovers = box.tov - lines.teamTurnovers;
  const trueShootingAttempts = box.fga + 0.44 * box.fta;
  const bench = played.filter((player) => player.starter === '0');
  const hundredths = box.min * 100;
  return {
    assists: box.ast,
    assistsTurnoverRatio: ratioOf(box.ast, playerTurnovers),
    benchPoints: bench.reduce((total, player) => total + Number(player.statistics.points ?? 0), 0),
    biggestLead: own.biggestLead,
    biggestLeadScore: own.biggestLeadScore,
    biggestScoringRun: own.biggestScoringRun,
    biggestScoringRunScore: own.biggestScoringRunScore,
    blocks: box.blk,
    blocksReceived: opponent.box.blk,
    fastBreakPointsAttempted: own.fastBreak.attempted,
    fastBreakPointsMade: own.fastBreak.made,
    fastBreakPointsPercentage: ratioOf(own.fastBreak.made, own.fastBreak.attempted),
    fieldGoalsAttempted: box.fga,
    fieldGoalsEffectiveAdjusted: ratioOf(box.fgm + 0.5 * box.fg3m, box.fga),
    fieldGoalsMade: box.fgm,
    fieldGoalsPercentage: ratioOf(box.fgm, box.fga),
    foulsOffensive: own.foulsOffensive,
    foulsDrawn: sum('foulsDrawn'),
    foulsPersonal: box.pf,
    foulsTeam: box.pf - own.foulsOffensive,
    foulsTechnical: 0,
    foulsTeamTechnical: 0,
    freeThrowsAttempted: box.fta,
    freeThrowsMade: box.ftm,
    freeThrowsPercentage: ratioOf(box.ftm, box.fta),
    leadChanges: scoring.leadChanges,
    minutes: isoMinutes(hundredths),
    minutesCalculated: roundMinutes(hundredths),
    points: box.pts,
    pointsAgainst: opponent.box.pts,
    pointsFastBreak: own.points.fastBreak,
    pointsFromTurnovers: own.points.fromTurnovers,
    pointsInThePaint: own.points.paint,
    pointsInThePaintAttempted: own.paint.attempted,
    pointsInThePaintMade: own.paint.made,
    pointsInThePaintPercentage: ratioOf(own.paint.made, own.paint.attempted),
    pointsSecondChance: own.points.secondChance,
    reboundsDefensive: box.dreb,
    reboundsOffensive: box.oreb,
    reboundsPersonal: box.oreb + box.dreb,
    reboundsTeam: teamRebounds,
    reboundsTeamDefensive: own.teamReboundsDefensive,
    reboundsTeamOffensive: own.teamReboundsOffensive,
    reboundsTotal: box.oreb + box.dreb + teamRebounds,
    secondChancePointsAttempted: own.secondChance.attempted,
    secondChancePointsMade: own.secondChance.made,
    secondChancePointsPercentage: ratioOf(own.secondChance.made, own.secondChance.attempted),
    steals: box.stl,
    threePointersAttempted: box.fg3a,
    threePointersMade: box.fg3m,
    threePointersPercentage: ratioOf(box.fg3m, box.fg3a),
    timeLeading: isoClock(Math.round(own.secondsLeading * 10)),
    timesTied: scoring.timesTied,
    trueShootingAttempts: Number(trueShootingAttempts.toFixed(2)),
    trueShootingPercentage: ratioOf(box.pts, 2 * trueShootingAttempts),
    turnovers: playerTurnovers,
    turnoversTeam: lines.teamTurnovers,
    turnoversTotal: box.tov,
    twoPointersAttempted: box.fga - box.fg3a,
    twoPointersMade: box.fgm - box.fg3m,
    twoPointersPercentage: ratioOf(box.fgm - box.fg3m, box.fga - box.fg3a),
  };
}

/** Hundredths of a minute → "PT34M12.00S" (a hundredth of a minute is six tenths of a second). */
const isoMinutes = (hundredths: number): string => isoClock(hundredths * 6);

/** Upstream's `minutesCalculated`: whole minutes, "PT21M". */
function roundMinutes(hundredths: number): string {
  return `PT${String(Math.round(hundredths / 100)).padStart(2, '0')}M`;
}
