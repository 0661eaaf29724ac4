// FieldGoals rows of `/event/player` for one game: exactly the box score's attempts per team (FGA,
// FGM made, FG3A threes, FG3M made threes), taken by roster players in proportion to their season
// shooting, placed on the court by shot kind, with exactly the team's AST assisted makes.
// Pure: the same season, game and seed always give the same rows.
import type { RosterEntry, SeasonIndex, ShootingRoster } from '../seasonIndex.ts';
import { SeededRandom } from '../seededRandom.ts';
import type { Game, GameSide } from '../skeleton.ts';
import { type ShotZone, shotZone } from './courtZones.ts';
import { type EventSlot, eventSlots } from './gameTimeline.ts';
import { eventIdentity, type PlayerEventRow, playerEventRow, playerName } from './playerEventRow.ts';
import { type CourtPoint, type ShotKind, shotLocation } from './shotLocation.ts';

type Flag = 0 | 1;

export interface FieldGoalStats {
  FGM: Flag;
  FGA: 1;
  /** A three-point attempt. */
  FG3: Flag;
  FG3M: Flag;
  FG_ALLEY_OOP: Flag;
  FG_FINGER_ROLL: Flag;
  FG_DUNK: Flag;
  FG_TIP: Flag;
  FG_HOOK: Flag;
  FG_LAYUP: Flag;
  FG_JUMPER: Flag;
  SHOT_ZONE_BASIC: string;
  SHOT_ZONE_AREA: string;
  SHOT_ZONE_RANGE: string;
  SHOT_DISTANCE: number;
  /** The teammate credited with the assist; 0 when unassisted (always 0 on misses). */
  AST_BY_PLAYER_ID: number;
  AST_BY_PLAYER_NAME: string;
}

export type FieldGoalRow = PlayerEventRow<FieldGoalStats>;

interface TwoPointKind {
  kind: ShotKind;
  share: number;
  makeRate: number;
  /** Relative chance that a make of this kind is the assisted one (alley-oops nearly always are). */
  assistWeight: number;
}

const TWO_POINT_KINDS: readonly TwoPointKind[] = [
  { kind: 'dunk', share: 0.09, makeRate: 0.88, assistWeight: 1.4 },
  { kind: 'alleyOop', share: 0.02, makeRate: 0.8, assistWeight: 40 },
  { kind: 'layup', share: 0.3, makeRate: 0.58, assistWeight: 0.8 },
  { kind: 'fingerRoll', share: 0.03, makeRate: 0.55, assistWeight: 0.6 },
  { kind: 'tip', share: 0.03, makeRate: 0.5, assistWeight: 0.05 },
  { kind: 'hook', share: 0.06, makeRate: 0.5, assistWeight: 0.7 },
  { kind: 'jumper', share: 0.47, makeRate: 0.42, assistWeight: 1.2 },
];
const MADE_TWO_WEIGHTS = TWO_POINT_KINDS.map((entry) => entry.share * entry.makeRate);
const MISSED_TWO_WEIGHTS = TWO_POINT_KINDS.map((entry) => entry.share * (1 - entry.makeRate));
const THREE_ASSIST_WEIGHT = 2;
const HEAVE_CLOCK_SECONDS = 3;

interface Attempt {
  side: GameSide;
  isThree: boolean;
  made: boolean;
}

interface PlannedShot extends Attempt {
  slot: EventSlot;
  roster: ShootingRoster;
  shooterIndex: number;
  kind: ShotKind;
  point: CourtPoint;
  zone: ShotZone;
  assister: RosterEntry | null;
}

export function fieldGoalRows(season: SeasonIndex, game: Game, seed: number): FieldGoalRow[] {
  const random = new SeededRandom(`FieldGoals:${seed}:${game.id}`);
  const attempts = random.shuffle([...teamAttempts(game.home), ...teamAttempts(game.away)]);
  const slots = eventSlots(random, game.periods, attempts.length);
  const shots = attempts.map((attempt, index) =>
    planShot(random, season, attempt, slots[index] as EventSlot),
  );
  for (const side of [game.home, game.away]) {
    assignAssists(
      random,
      shots.filter((shot) => shot.side === side && shot.made),
      side.box.ast,
    );
  }
  return shots.map((shot) => {
    const shooter = shot.roster.entries[shot.shooterIndex] as RosterEntry;
    const identity = eventIdentity(season, game, shot.side, shooter.player);
    return playerEventRow(identity, shot.slot, shot.point, fieldGoalStats(shot));
  });
}

function teamAttempts(side: GameSide): Attempt[] {
  const { fga, fgm, fg3a, fg3m } = side.box;
  const attempt = (isThree: boolean, made: boolean, times: number) =>
    Array.from({ length: times }, () => ({ side, isThree, made }));
  return [
    ...attempt(true, true, fg3m),
    ...attempt(true, false, fg3a - fg3m),
    ...attempt(false, true, fgm - fg3m),
    ...attempt(false, false, fga - fg3a - (fgm - fg3m)),
  ];
}

function planShot(random: SeededRandom, season: SeasonIndex, attempt: Attempt, slot: EventSlot): PlannedShot {
  const roster = season.rosters.get(attempt.side.teamId);
  if (!roster || roster.entries.length === 0) {
    throw new Error(`team ${attempt.side.teamId} has no players with season minutes to take its shots`);
  }
  const shooterIndex = pickShooter(random, roster, attempt);
  const kind = attempt.isThree
    ? 'jumper'
    : (TWO_POINT_KINDS[random.weightedIndex(attempt.made ? MADE_TWO_WEIGHTS : MISSED_TWO_WEIGHTS)]?.kind ??
      'jumper');
  const heave =
    attempt.isThree && !attempt.made && slot.gameClock < HEAVE_CLOCK_SECONDS && random.chance(0.35);
  const point = shotLocation(random, { kind, isThree: attempt.isThree, heave });
  return {
    side: attempt.side,
    isThree: attempt.isThree,
    made: attempt.made,
    slot,
    roster,
    shooterIndex,
    kind,
    point,
    zone: shotZone(point.x, point.y),
    assister: null,
  };
}

function pickShooter(random: SeededRandom, roster: ShootingRoster, attempt: Attempt): number {
  const weights = attempt.isThree
    ? attempt.made
      ? roster.threeMade
      : roster.threeMissed
    : attempt.made
      ? roster.twoMade
      : roster.twoMissed;
  const index = random.weightedIndex(weights);
  if (index >= 0) return index;
  const anyShooter = random.weightedIndex(roster.attempts);
  return anyShooter >= 0 ? anyShooter : random.int(0, roster.entries.length - 1);
}

/** Marks exactly `assists` of the makes as assisted (a team's AST counts its assisted field goals). */
function assignAssists(random: SeededRandom, makes: PlannedShot[], assists: number): void {
  // Weighted sampling without replacement: each make draws u^(1/weight); the largest keys win.
  const keyed = makes.map((shot) => ({ shot, key: random.next() ** (1 / assistWeight(shot)) }));
  keyed.sort((a, b) => b.key - a.key);
  for (const { shot } of keyed.slice(0, Math.min(assists, makes.length))) {
    const weights = shot.roster.assists.map((weight, index) =>
      index === shot.shooterIndex ? 0 : weight + 0.5,
    );
    const passer = random.weightedIndex(weights);
    shot.assister = passer >= 0 ? (shot.roster.entries[passer] ?? null) : null;
  }
}

function assistWeight(shot: PlannedShot): number {
  if (shot.isThree) return THREE_ASSIST_WEIGHT;
  return TWO_POINT_KINDS.find((entry) => entry.kind === shot.kind)?.assistWeight ?? 1;
}

function fieldGoalStats(shot: PlannedShot): FieldGoalStats {
  const flag = (condition: boolean): Flag => (condition ? 1 : 0);
  return {
    FGM: flag(shot.made),
    FGA: 1,
    FG3: flag(shot.isThree),
    FG3M: flag(shot.isThree && shot.made),
    FG_ALLEY_OOP: flag(shot.kind === 'alleyOop'),
    FG_FINGER_ROLL: flag(shot.kind === 'fingerRoll'),
    FG_DUNK: flag(shot.kind === 'dunk'),
    FG_TIP: flag(shot.kind === 'tip'),
    FG_HOOK: flag(shot.kind === 'hook'),
    FG_LAYUP: flag(shot.kind === 'layup'),
    FG_JUMPER: flag(shot.kind === 'jumper'),
    SHOT_ZONE_BASIC: shot.zone.basic,
    SHOT_ZONE_AREA: shot.zone.area,
    SHOT_ZONE_RANGE: shot.zone.range,
    SHOT_DISTANCE: shot.zone.distance,
    AST_BY_PLAYER_ID: shot.assister?.player.id ?? 0,
    AST_BY_PLAYER_NAME: shot.assister ? playerName(shot.assister.player) : '',
  };
}
