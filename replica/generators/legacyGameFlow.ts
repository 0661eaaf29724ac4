// The course of one final game as the legacy feeds tell it: every play-by-play action in order, with
// who acted, the running score, the team with the ball and the ten players on court after it. The
// plays come from legacyPlays; each actor is drawn from the players on court who still have that
// count in their box line (gameBoxLines), so a player's actions add up to his line, and a player comes
// on (a substitution) when a play needs one only the bench has. Pure in (season, game, seed) and
// computed once: the box score, play-by-play, players-on-court and hustle feeds all read it.
import type { SeasonIndex } from '../seasonIndex.ts';
import { SeededRandom } from '../seededRandom.ts';
import type { Game, GameSide } from '../skeleton.ts';
import { fieldGoalRows } from './fieldGoals.ts';
import { type GameBoxLines, gameBoxLines, type PlayerLine } from './gameBoxLines.ts';
import { periodSeconds } from './gameTimeline.ts';
import {
  type FreeThrowTrip,
  type GamePlays,
  gamePlays,
  type Play,
  type ShotPlay,
  type TripPlay,
} from './legacyPlays.ts';
import { Rotation, type SideIndex, type Substitution } from './legacyRotation.ts';
import type { ShotKind } from './shotLocation.ts';

interface FlowActionBase {
  readonly actionNumber: number;
  readonly period: number;
  /** Tenths of a second left in the period. */
  readonly clock: number;
  /** Game seconds since the opening tip. */
  readonly elapsed: number;
  /** The acting team; null for period and game actions. */
  readonly side: GameSide | null;
  /** 0 when no player acts (team rebounds and turnovers, timeouts, jump-ball recoveries). */
  readonly personId: number;
  readonly scoreHome: number;
  readonly scoreAway: number;
  /** Team id with the ball once the action is done; 0 when nobody has it. */
  readonly possession: number;
  /** The five of each team on court once the action is done: home, then away. */
  readonly onCourt: readonly [readonly number[], readonly number[]];
}

export interface ShotFacts {
  readonly kind: 'shot';
  readonly isThree: boolean;
  readonly made: boolean;
  readonly shotKind: ShotKind;
  readonly x: number;
  readonly y: number;
  readonly paint: boolean;
  /** 0 when unassisted (or missed). */
  readonly assistId: number;
  /** 0 unless a defender blocked it. */
  readonly blockId: number;
  readonly fastBreak: boolean;
  readonly secondChance: boolean;
  readonly fromTurnover: boolean;
}

export type FlowDetail =
  | { readonly kind: 'period'; readonly subType: 'start' | 'end' }
  | { readonly kind: 'game' }
  | { readonly kind: 'jumpball'; readonly wonId: number; readonly lostId: number }
  | ShotFacts
  | { readonly kind: 'block'; readonly shotActionNumber: number }
  | {
      readonly kind: 'rebound';
      readonly offensive: boolean;
      readonly shotActionNumber: number;
      /** After a missed free throw that is not the last: the ball is dead, the team gets it. */
      readonly deadBall: boolean;
    }
  | {
      readonly kind: 'freethrow';
      readonly made: boolean;
      readonly number: number;
      readonly of: number;
      readonly secondChance: boolean;
      readonly fromTurnover: boolean;
    }
  | { readonly kind: 'turnover'; readonly subType: string; readonly stealId: number }
  | { readonly kind: 'steal' }
  | {
      readonly kind: 'foul';
      readonly subType: 'personal' | 'offensive';
      readonly descriptor: string;
      readonly drawnId: number;
      readonly freeThrows: number;
    }
  | { readonly kind: 'substitution'; readonly subType: 'in' | 'out' }
  | { readonly kind: 'timeout' };

export type FlowAction = FlowActionBase & FlowDetail;

export interface LegacyGameFlow {
  readonly lines: GameBoxLines;
  /** In game order; actionNumber increases, with gaps as upstream's does. */
  readonly actions: readonly FlowAction[];
}

type Count = 'fg3m' | 'fg3x' | 'fg2m' | 'fg2x' | 'oreb' | 'dreb' | 'ast' | 'stl' | 'blk' | 'tov' | 'pf';

/** Who has the ball, and how his team got it (for the fast-break, second-chance and turnover points). */
interface Ball {
  readonly sideIndex: SideIndex | null;
  readonly fromTurnover: boolean;
  readonly secondChance: boolean;
  /** Got it on a steal or a defensive rebound: the first shot may be on the break. */
  readonly open: boolean;
}

const FAST_BREAK_CHANCE = 0.5;
/** Team rebounds of live misses that go to the shooting team (upstream's run about 3 in 4). */
const TEAM_REBOUND_OFFENSIVE = 0.7;
const STEAL_TURNOVERS = ['bad pass', 'lost ball'];
/** Turnovers without a steal; a repeated kind is drawn more often. */
const DEAD_BALL_TURNOVERS = [
  'out-of-bounds',
  'out-of-bounds',
  'traveling',
  'traveling',
  'palming',
  'offensive goaltending',
];
/** How often action numbers skip (upstream deletes and renumbers actions as it corrects them). */
const NUMBER_GAP_CHANCE = 0.15;

const computed = new WeakMap<Game, Map<number, LegacyGameFlow>>();

export function legacyGameFlow(season: SeasonIndex, game: Game, seed: number): LegacyGameFlow {
  let bySeed = computed.get(game);
  if (!bySeed) {
    bySeed = new Map();
    computed.set(game, bySeed);
  }
  let flow = bySeed.get(seed);
  if (!flow) {
    const lines = gameBoxLines(season, game, seed);
    const random = new SeededRandom(`LegacyFlow:${seed}:${game.id}`);
    const plays = gamePlays(random, game, lines, fieldGoalRows(season, game, seed));
    flow = { lines, actions: new FlowBuilder(random, game, lines, plays).build() };
    bySeed.set(seed, flow);
  }
  return flow;
}

const shotCount = (shot: ShotPlay): Count =>
  shot.isThree ? (shot.made ? 'fg3m' : 'fg3x') : shot.made ? 'fg2m' : 'fg2x';

const fresh = (sideIndex: SideIndex | null, open = false): Ball => ({
  sideIndex,
  fromTurnover: false,
  secondChance: false,
  open,
});

class FlowBuilder {
  readonly #actions: FlowAction[] = [];
  readonly #random: SeededRandom;
  readonly #game: Game;
  readonly #plays: readonly Play[];
  /** Trips not taken yet. */
  readonly #trips: FreeThrowTrip[];
  readonly #sides: readonly [GameSide, GameSide];
  readonly #rotation: Rotation;
  readonly #lines = new Map<number, PlayerLine>();
  readonly #left = new Map<number, Record<Count, number>>();
  /** Per shooting team: made field goals, missed field goals and misses still to be rebounded. */
  readonly #makesLeft: [number, number];
  readonly #fieldGoalMissesLeft: [number, number];
  readonly #reboundsLeft: [number, number];
  /** Per team: turnovers by a player that are not offensive fouls (a steal can end one). */
  readonly #looseTurnoversLeft: [number, number];
  #actionNumber = 1;
  #period = 1;
  #periodStart = 0;
  #score: [number, number] = [0, 0];
  #ball: Ball = fresh(null);

  constructor(random: SeededRandom, game: Game, lines: GameBoxLines, { plays, trips }: GamePlays) {
    this.#random = random;
    this.#game = game;
    this.#plays = plays;
    this.#trips = [...trips];
    this.#sides = [game.home, game.away];
    let totalSeconds = 0;
    for (let period = 1; period <= game.periods; period++) totalSeconds += periodSeconds(period);
    this.#rotation = new Rotation(lines, totalSeconds);
    for (const line of lines.players) {
      const id = line.participant.entry.player.id;
      this.#lines.set(id, line);
      this.#left.set(id, {
        fg3m: line.fg3m,
        fg3x: line.fg3a - line.fg3m,
        fg2m: line.fgm - line.fg3m,
        fg2x: line.fga - line.fg3a - (line.fgm - line.fg3m),
        oreb: line.oreb,
        dreb: line.dreb,
        ast: line.ast,
        stl: line.stl,
        blk: line.blk,
        tov: line.tov,
        pf: line.pf,
      });
    }
    const perSide = (count: (side: GameSide) => number): [number, number] => [
      count(game.home),
      count(game.away),
    ];
    const playsOf = (side: GameSide, test: (play: Play) => boolean) =>
      plays.filter((play) => play.side === side && test(play)).length;
    this.#makesLeft = perSide((side) => side.box.fgm);
    this.#fieldGoalMissesLeft = perSide((side) => side.box.fga - side.box.fgm);
    this.#reboundsLeft = perSide(
      (side) =>
        side.box.fga -
        side.box.fgm +
        trips.filter((trip) => trip.side === side && trip.results[trip.results.length - 1] === false).length,
    );
    this.#looseTurnoversLeft = perSide((side) =>
      playsOf(side, (play) => play.kind === 'turnover' && !play.team),
    );
  }

  build(): FlowAction[] {
    const tipWinner = this.#coinFlip();
    for (let period = 1; period <= this.#game.periods; period++) {
      if (period > 1) this.#periodStart += periodSeconds(period - 1);
      this.#period = period;
      const length = periodSeconds(period) * 10;
      const opening: SideIndex | null =
        period === 1 || period > 4 ? null : period === 4 ? tipWinner : ((1 - tipWinner) as SideIndex);
      this.#ball = fresh(opening);
      this.#emit(null, 0, { kind: 'period', subType: 'start' }, length);
      if (period === 3) {
        for (const sideIndex of [0, 1] as const)
          this.#substitute(this.#rotation.restoreStarters(sideIndex), length);
      } else if (period > 1) this.#deadBall(new Set(), length);
      if (opening === null)
        this.#jumpBall(period === 1 ? tipWinner : this.#coinFlip(), length - this.#random.int(10, 30));
      const plays = this.#plays.filter((play) => play.period === period);
      for (let index = 0; index < plays.length; index++) {
        const play = plays[index] as Play;
        const floor = plays[index + 1]?.clock ?? 0;
        if (play.kind === 'shot') this.#shot(this.#shooterOnCourt(plays, index), floor);
        else this.#play(play, floor);
      }
      this.#emit(null, 0, { kind: 'period', subType: 'end' }, 0);
    }
    this.#ball = fresh(null);
    this.#emit(null, 0, { kind: 'game' }, 0);
    return this.#actions;
  }

  #coinFlip(): SideIndex {
    return this.#random.chance(0.5) ? 0 : 1;
  }

  /** Any play but a shot (shots may trade places first, see #shooterOnCourt). */
  #play(play: Exclude<Play, ShotPlay>, floor: number): void {
    const sideIndex = this.#sideIndex(play.side);
    const other = (1 - sideIndex) as SideIndex;
    const keep = new Set<number>();
    switch (play.kind) {
      case 'trip':
        this.#trip(play, sideIndex, floor);
        return;
      case 'turnover': {
        if (play.team) {
          this.#emit(sideIndex, 0, { kind: 'turnover', subType: 'shot clock', stealId: 0 }, play.clock);
          return;
        }
        const loose = this.#looseTurnoversLeft[sideIndex];
        this.#looseTurnoversLeft[sideIndex] = loose - 1;
        const personId = this.#actor(sideIndex, 'tov', keep, play.clock);
        const stealId = this.#decoration(other, 'stl', loose, keep, play.clock);
        const subType = this.#random.pick(stealId ? STEAL_TURNOVERS : DEAD_BALL_TURNOVERS);
        this.#emit(sideIndex, personId, { kind: 'turnover', subType, stealId }, play.clock);
        if (stealId) this.#emit(other, stealId, { kind: 'steal' }, play.clock);
        return;
      }
      case 'offensiveFoul': {
        const { foulerId, turnoverId } = this.#offensiveFouler(sideIndex, keep, play.clock);
        const drawnId = this.#random.pick(this.#rotation.courts[other]);
        const foul = { kind: 'foul', subType: 'offensive', descriptor: '', drawnId, freeThrows: 0 } as const;
        this.#emit(sideIndex, foulerId, foul, play.clock);
        this.#emit(
          sideIndex,
          turnoverId,
          { kind: 'turnover', subType: 'offensive foul', stealId: 0 },
          play.clock,
        );
        return;
      }
      case 'foul': {
        const personId = this.#actor(sideIndex, 'pf', keep, play.clock);
        const drawnId = this.#random.pick(this.#rotation.courts[other]);
        const foul = {
          kind: 'foul',
          subType: 'personal',
          descriptor: play.descriptor,
          drawnId,
          freeThrows: 0,
        } as const;
        this.#emit(sideIndex, personId, foul, play.clock);
        return;
      }
      case 'timeout':
        this.#emit(sideIndex, 0, { kind: 'timeout' }, play.clock);
        this.#deadBall(keep, play.clock);
        return;
    }
  }

  /**
   * The shot at `index`, or, when nobody on court has a shot of its kind left, the next shot of the
   * team in the period that someone on court has, the two trading places (the period's points stay).
   */
  #shooterOnCourt(plays: Play[], index: number): ShotPlay {
    const play = plays[index] as ShotPlay;
    const sideIndex = this.#sideIndex(play.side);
    const onCourt = (shot: ShotPlay) =>
      this.#rotation.courts[sideIndex].some((id) => (this.#left.get(id)?.[shotCount(shot)] ?? 0) > 0);
    if (onCourt(play)) return play;
    const later = plays.findIndex(
      (other, at) => at > index && other.kind === 'shot' && other.side === play.side && onCourt(other),
    );
    const swap = plays[later] as ShotPlay | undefined;
    if (!swap) return play;
    plays[later] = { ...play, clock: swap.clock };
    plays[index] = { ...swap, clock: play.clock };
    return plays[index] as ShotPlay;
  }

  #sideIndex(side: GameSide): SideIndex {
    return side === this.#game.home ? 0 : 1;
  }

  #shot(play: ShotPlay, floor: number): void {
    const sideIndex = this.#sideIndex(play.side);
    const other = (1 - sideIndex) as SideIndex;
    const keep = new Set<number>();
    const count = shotCount(play);
    const chartShooter = play.chartShooterId;
    const keepsShot =
      this.#rotation.isOnCourt(sideIndex, chartShooter) && (this.#left.get(chartShooter)?.[count] ?? 0) > 0;
    const shooterId = keepsShot
      ? this.#take(chartShooter, count, keep)
      : this.#actor(sideIndex, count, keep, play.clock);
    let assistId = 0;
    let blockId = 0;
    if (play.made) {
      const makes = this.#makesLeft[sideIndex];
      this.#makesLeft[sideIndex] = makes - 1;
      assistId = this.#assister(sideIndex, shooterId, makes, keep, play.clock);
    } else {
      const misses = this.#fieldGoalMissesLeft[sideIndex];
      this.#fieldGoalMissesLeft[sideIndex] = misses - 1;
      blockId = this.#decoration(other, 'blk', misses, keep, play.clock);
    }
    const ball = this.#ball.sideIndex === sideIndex ? this.#ball : fresh(sideIndex);
    const shot: ShotFacts = {
      kind: 'shot',
      isThree: play.isThree,
      made: play.made,
      shotKind: play.shotKind,
      x: play.x,
      y: play.y,
      paint: play.paint,
      assistId,
      blockId,
      fastBreak: ball.open && this.#random.chance(FAST_BREAK_CHANCE),
      secondChance: ball.secondChance,
      fromTurnover: ball.fromTurnover,
    };
    this.#ball = { ...ball, open: false };
    const shotNumber = this.#emit(sideIndex, shooterId, shot, play.clock);
    if (blockId) this.#emit(other, blockId, { kind: 'block', shotActionNumber: shotNumber }, play.clock);
    if (!play.made) this.#rebounds(sideIndex, shotNumber, play.clock, floor);
  }

  #trip(play: TripPlay, sideIndex: SideIndex, floor: number): void {
    const other = (1 - sideIndex) as SideIndex;
    const keep = new Set<number>();
    const { shooterId, results } = this.#takeTrip(play, sideIndex);
    this.#ensure(sideIndex, shooterId, keep, play.clock);
    if (play.fouled) {
      const foulerId = this.#actor(other, 'pf', keep, play.clock);
      const foul = {
        kind: 'foul',
        subType: 'personal',
        descriptor: 'shooting',
        drawnId: shooterId,
        freeThrows: results.length,
      } as const;
      this.#emit(other, foulerId, foul, play.clock);
      keep.delete(foulerId);
    }
    // Coaches substitute at the line, between the foul and the free throws.
    this.#deadBall(keep, play.clock);
    if (this.#ball.sideIndex !== sideIndex) this.#ball = fresh(sideIndex);
    for (const [index, made] of results.entries()) {
      const freeThrow = {
        kind: 'freethrow',
        made,
        number: index + 1,
        of: results.length,
        secondChance: this.#ball.secondChance,
        fromTurnover: this.#ball.fromTurnover,
      } as const;
      const number = this.#emit(sideIndex, shooterId, freeThrow, play.clock);
      if (made) continue;
      if (index === results.length - 1) this.#rebounds(sideIndex, number, play.clock, floor);
      else {
        const rebound = {
          kind: 'rebound',
          offensive: true,
          shotActionNumber: number,
          deadBall: true,
        } as const;
        this.#emit(sideIndex, 0, rebound, play.clock);
      }
    }
  }

  /**
   * One of the team's trips of this period, preferably one whose shooter is on court — also one of a
   * later period, which trades periods with a trip of this one that made as many (the line score
   * stays).
   */
  #takeTrip(play: TripPlay, sideIndex: SideIndex): FreeThrowTrip {
    const made = (trip: FreeThrowTrip) => trip.results.filter(Boolean).length;
    const own = this.#trips.filter((trip) => trip.side === play.side);
    const now = own.filter((trip) => trip.period === play.period);
    const tradable = new Set(now.map(made));
    const onCourt = own.filter(
      (trip) =>
        this.#rotation.isOnCourt(sideIndex, trip.shooterId) &&
        (trip.period === play.period || tradable.has(made(trip))),
    );
    const trip = this.#random.pick(onCourt.length > 0 ? onCourt : now);
    if (trip.period !== play.period) {
      const displaced = now.find((other) => made(other) === made(trip)) as FreeThrowTrip;
      this.#trips[this.#trips.indexOf(displaced)] = { ...displaced, period: trip.period };
    }
    this.#trips.splice(this.#trips.indexOf(trip), 1);
    return trip;
  }

  /**
   * The rebound of a miss: a team rebound as often as the misses outnumber the players' rebounds
   * (offensive of the shooters, defensive of the others), otherwise a player's — offensive or
   * defensive as the players on court have them left. Where the players' rebounds outnumber the
   * misses (synthetic seasons can), the extras scramble for misses already rebounded.
   */
  #rebounds(shooting: SideIndex, shotActionNumber: number, shotClock: number, floor: number): void {
    const other = (1 - shooting) as SideIndex;
    const misses = this.#reboundsLeft[shooting];
    this.#reboundsLeft[shooting] = misses - 1;
    const pool = this.#countLeft(shooting, 'oreb') + this.#countLeft(other, 'dreb');
    const clock = Math.max(floor, shotClock - this.#random.int(5, 30));
    if (pool < misses && this.#random.chance((misses - pool) / Math.max(1, misses))) {
      const offensive = this.#random.chance(TEAM_REBOUND_OFFENSIVE);
      const rebound = { kind: 'rebound', offensive, shotActionNumber, deadBall: false } as const;
      this.#emit(offensive ? shooting : other, 0, rebound, clock);
      return;
    }
    const rebounds = misses <= 1 ? pool : pool > misses ? 2 : 1;
    for (let taken = 0; taken < rebounds; taken++) {
      const onCourt = (sideIndex: SideIndex, count: Count) =>
        this.#rotation.courts[sideIndex].reduce((sum, id) => sum + (this.#left.get(id)?.[count] ?? 0), 0);
      let offensiveWeight = onCourt(shooting, 'oreb');
      let defensiveWeight = onCourt(other, 'dreb');
      if (offensiveWeight + defensiveWeight === 0) {
        offensiveWeight = this.#countLeft(shooting, 'oreb');
        defensiveWeight = this.#countLeft(other, 'dreb');
      }
      const offensive = this.#random.chance(offensiveWeight / Math.max(1, offensiveWeight + defensiveWeight));
      const sideIndex = offensive ? shooting : other;
      const personId = this.#actor(sideIndex, offensive ? 'oreb' : 'dreb', new Set(), clock);
      this.#emit(
        sideIndex,
        personId,
        { kind: 'rebound', offensive, shotActionNumber, deadBall: false },
        clock,
      );
    }
  }

  #jumpBall(winner: SideIndex, clock: number): void {
    const center = (sideIndex: SideIndex) =>
      [...this.#rotation.courts[sideIndex]].sort(
        (a, b) => (this.#lines.get(b)?.dreb ?? 0) - (this.#lines.get(a)?.dreb ?? 0) || a - b,
      )[0] ?? 0;
    const loser = (1 - winner) as SideIndex;
    this.#emit(winner, 0, { kind: 'jumpball', wonId: center(winner), lostId: center(loser) }, clock);
  }

  /**
   * A steal on a turnover or a block on a miss: as likely as the defenders have them left for the
   * chances left, by a defender on court. With none on court it waits for a later chance, unless no
   * chance is left to spare: then a defender comes on for it. 0 when there is none.
   */
  #decoration(
    sideIndex: SideIndex,
    count: 'stl' | 'blk',
    chances: number,
    keep: Set<number>,
    clock: number,
  ): number {
    const left = this.#countLeft(sideIndex, count);
    if (!this.#random.chance(left / Math.max(1, chances))) return 0;
    const onCourt = this.#rotation.courts[sideIndex].some((id) => (this.#left.get(id)?.[count] ?? 0) > 0);
    return onCourt || left >= chances ? this.#actor(sideIndex, count, keep, clock) : 0;
  }

  /**
   * The assist of a make, by a teammate on court, as likely as the team has assists left for its
   * makes left (a little likelier: a make with no passer on court goes unassisted). A teammate whose
   * assists need every make left by others gets this one, and so does anyone once every make left
   * needs an assist, on court or not.
   */
  #assister(
    sideIndex: SideIndex,
    shooterId: number,
    makes: number,
    keep: Set<number>,
    clock: number,
  ): number {
    const assists = (id: number) => this.#left.get(id)?.ast ?? 0;
    const madeLeft = (id: number) => (this.#left.get(id)?.fg2m ?? 0) + (this.#left.get(id)?.fg3m ?? 0);
    const passers = this.#rotation.players(sideIndex).filter((id) => id !== shooterId && assists(id) > 0);
    const pressed = passers.filter((id) => assists(id) >= makes - madeLeft(id));
    if (pressed.length > 0) return this.#actor(sideIndex, 'ast', keep, clock, (id) => pressed.includes(id));
    const assistsLeft = this.#countLeft(sideIndex, 'ast');
    if (assistsLeft >= makes) return this.#actor(sideIndex, 'ast', keep, clock, (id) => id !== shooterId);
    if (!this.#random.chance(assistsLeft / Math.max(1, makes - 1))) return 0;
    const onCourt = passers.filter((id) => this.#rotation.isOnCourt(sideIndex, id));
    return onCourt.length > 0 ? this.#actor(sideIndex, 'ast', keep, clock, (id) => onCourt.includes(id)) : 0;
  }

  /** An offensive foul is a foul and a turnover of one player: one who has both left, if any. */
  #offensiveFouler(
    sideIndex: SideIndex,
    keep: Set<number>,
    clock: number,
  ): { foulerId: number; turnoverId: number } {
    const both = (id: number) => (this.#left.get(id)?.pf ?? 0) > 0 && (this.#left.get(id)?.tov ?? 0) > 0;
    if (!this.#rotation.players(sideIndex).some(both)) {
      // Nobody has both left: the foul and the turnover go to whoever has each.
      return {
        turnoverId: this.#actor(sideIndex, 'tov', keep, clock),
        foulerId: this.#actor(sideIndex, 'pf', keep, clock),
      };
    }
    const foulerId = this.#actor(sideIndex, 'pf', keep, clock, both);
    return { foulerId, turnoverId: this.#take(foulerId, 'tov', keep) };
  }

  /**
   * A player of the team with `count` left (and `eligible`): one on court, the likelier the more he
   * has left for the minutes he has left; if only the bench has one, he comes on. 0 when nobody has.
   */
  #actor(
    sideIndex: SideIndex,
    count: Count,
    keep: Set<number>,
    clock: number,
    eligible: (id: number) => boolean = () => true,
  ): number {
    const left = (id: number) => this.#left.get(id)?.[count] ?? 0;
    const holders = this.#rotation.players(sideIndex).filter((id) => left(id) > 0 && eligible(id));
    if (holders.length === 0) return 0;
    const onCourt = holders.filter((id) => this.#rotation.isOnCourt(sideIndex, id));
    const weights =
      onCourt.length > 0
        ? onCourt.map((id) => left(id) / Math.max(60, this.#rotation.secondsLeft(id)))
        : holders.map(left);
    const pool = onCourt.length > 0 ? onCourt : holders;
    const personId = pool[this.#random.weightedIndex(weights)] ?? (pool[0] as number);
    this.#ensure(sideIndex, personId, keep, clock);
    return this.#take(personId, count, keep);
  }

  #take(personId: number, count: Count, keep: Set<number>): number {
    const left = this.#left.get(personId);
    if (left) left[count] -= 1;
    keep.add(personId);
    return personId;
  }

  #countLeft(sideIndex: SideIndex, count: Count): number {
    return this.#rotation.players(sideIndex).reduce((sum, id) => sum + (this.#left.get(id)?.[count] ?? 0), 0);
  }

  /** Puts a player on court (a substitution) unless he is there, and keeps him there for the play. */
  #ensure(sideIndex: SideIndex, personId: number, keep: Set<number>, clock: number): void {
    if (!this.#rotation.isOnCourt(sideIndex, personId))
      this.#substitute([this.#rotation.force(sideIndex, personId, keep)], clock);
    keep.add(personId);
  }

  #deadBall(keep: ReadonlySet<number>, clock: number): void {
    for (const sideIndex of [0, 1] as const)
      this.#substitute(this.#rotation.deadBall(sideIndex, keep), clock);
  }

  /** Each substitution is two actions, out then in, both showing the five once it is done. */
  #substitute(swaps: readonly Substitution[], clock: number): void {
    for (const swap of swaps) {
      this.#emit(swap.sideIndex, swap.outId, { kind: 'substitution', subType: 'out' }, clock);
      this.#emit(swap.sideIndex, swap.inId, { kind: 'substitution', subType: 'in' }, clock);
    }
  }

  /** Appends an action at `clock` of the current period, with the score and ball once it is done. */
  #emit(sideIndex: SideIndex | null, personId: number, detail: FlowDetail, clock: number): number {
    const elapsed = this.#periodStart + (periodSeconds(this.#period) * 10 - clock) / 10;
    this.#rotation.advance(elapsed);
    if (sideIndex !== null) this.#follow(sideIndex, detail);
    this.#actionNumber += 1 + (this.#random.chance(NUMBER_GAP_CHANCE) ? this.#random.int(1, 2) : 0);
    const possessor = this.#ball.sideIndex;
    this.#actions.push({
      actionNumber: this.#actionNumber,
      period: this.#period,
      clock,
      elapsed,
      side: sideIndex === null ? null : this.#sides[sideIndex],
      personId,
      scoreHome: this.#score[0],
      scoreAway: this.#score[1],
      possession: possessor === null ? 0 : this.#sides[possessor].teamId,
      onCourt: this.#rotation.courts,
      ...detail,
    });
    return this.#actionNumber;
  }

  /** The score and the ball after an action of this team. */
  #follow(sideIndex: SideIndex, detail: FlowDetail): void {
    const other = (1 - sideIndex) as SideIndex;
    switch (detail.kind) {
      case 'shot':
        if (detail.made) {
          this.#score[sideIndex] += detail.isThree ? 3 : 2;
          this.#ball = fresh(other);
        }
        return;
      case 'freethrow':
        if (detail.made) this.#score[sideIndex] += 1;
        if (detail.made && detail.number === detail.of) this.#ball = fresh(other);
        return;
      case 'rebound':
        this.#ball = detail.offensive
          ? { ...this.#ball, sideIndex, secondChance: !detail.deadBall || this.#ball.secondChance }
          : fresh(sideIndex, true);
        return;
      case 'turnover':
        this.#ball = { ...fresh(other, detail.stealId !== 0), fromTurnover: true };
        return;
      case 'jumpball':
        this.#ball = fresh(sideIndex);
        return;
      default:
        return;
    }
  }
}
