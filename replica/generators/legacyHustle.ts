// Hustle stats of one final game (the `{gameId}_hustlestats.xml` and `_HustleStatsGameEvents.xml`
// feeds): events tied to play-by-play actions of legacyGameFlow, each by a player on court at that
// action — contests of the other team's shots (about one shot in two), a deflection on every steal
// and a few more, loose balls on rebounds and steals, charges on some offensive fouls drawn, screen
// assists on made shots, box outs on rebounds — and each player's counters, which are his events
// counted. Rates follow upstream's boxscorehustlev2 (0022500148). Pure in (season, game, seed).
import type { SeasonIndex } from '../seasonIndex.ts';
import { SeededRandom } from '../seededRandom.ts';
import type { Game, GameSide, Player } from '../skeleton.ts';
import { playedOrder } from './legacyBoxScore.ts';
import { type FlowAction, legacyGameFlow } from './legacyGameFlow.ts';

/** Upstream's counter names, as the box-score feed's attributes spell them. */
export const HUSTLE_COUNTERS = [
  'CFG',
  'C2FG',
  'C3FG',
  'DEFL',
  'LBR',
  'CHG_DR',
  'SA',
  'BOXOUTS',
  'OLBR',
  'DLBR',
  'DBOXOUTS',
  'OBOXOUTS',
  'PTSOFFSA',
  'FORCEDTOV',
] as const;

export type HustleCounter = (typeof HUSTLE_COUNTERS)[number];
export type HustleCounters = Record<HustleCounter, number>;

/** The replica's event type codes and descriptions (upstream does not document its own codes). */
export const HUSTLE_EVENT_TYPES = {
  contestedShot: { code: 1, description: 'Contested Shot' },
  deflection: { code: 2, description: 'Deflection' },
  looseBallRecovered: { code: 3, description: 'Loose Ball Recovered' },
  chargeDrawn: { code: 4, description: 'Charge Drawn' },
  screenAssist: { code: 5, description: 'Screen Assist' },
  boxOut: { code: 6, description: 'Box Out' },
} as const;

type EventKind = keyof typeof HUSTLE_EVENT_TYPES;

export interface HustleEvent {
  /** The play-by-play action it belongs to (several events can share one). */
  eventNumber: number;
  kind: EventKind;
  /** 2 or 3 for a contested two or three, 1 otherwise. */
  actionType: 1 | 2 | 3;
  period: number;
  /** Tenths of a second left in the period. */
  gameClock: number;
  personId: number;
  side: GameSide;
  boxOutType: '' | 'Offensive' | 'Defensive';
  /** Points of the shot a screen assist set up; null on other events. */
  pointsOffScreenAssist: number | null;
  looseBallRecoveryType: '' | 'Offensive' | 'Defensive';
  /** Box outs: whether the boxing-out team got the rebound; null on other events. */
  reboundAfterBoxOut: boolean | null;
  /** A deflection that ended in the other team's turnover. */
  forcedTurnover: boolean;
}

export interface HustlePlayer {
  player: Player;
  /** His place in the box score (1 = first listed). */
  boxScoreOrder: number;
  counters: HustleCounters;
  /** Box outs after which his team got the rebound, per 100 box outs (0 without box outs). */
  boxOutTeamReboundPct: number;
}

export interface HustleTeam {
  side: GameSide;
  /** Players who played, in box-score order. */
  players: HustlePlayer[];
  /** The players' counters added up. */
  totals: HustleCounters;
}

export interface LegacyHustle {
  /** Home, then away. */
  teams: [HustleTeam, HustleTeam];
  /** In play-by-play order. */
  events: HustleEvent[];
}

/** Chances that a shot is contested by one defender, or by two. */
const ONE_CONTEST = 0.38;
const TWO_CONTESTS = 0.045;
const EXTRA_DEFLECTIONS = [3, 8] as const;
const LOOSE_BALLS = [1, 6] as const;
const CHARGE_CHANCE = 0.45;
const SCREEN_ASSISTS = [2, 8] as const;
const BOX_OUTS = [3, 9] as const;
/** Box outs by the defense (upstream's are nearly all defensive). */
const DEFENSIVE_BOX_OUT = 0.85;
/** A box out before a player's own rebound is his (the rest go to a teammate on court). */
const OWN_REBOUND_BOX_OUT = 0.6;

export function legacyHustle(season: SeasonIndex, game: Game, seed: number): LegacyHustle {
  const random = new SeededRandom(`LegacyHustle:${seed}:${game.id}`);
  const flow = legacyGameFlow(season, game, seed);
  const events = [0, 1]
    .flatMap((index) => teamEvents(random, game, flow.actions, index as 0 | 1))
    .sort(
      (a, b) =>
        a.eventNumber - b.eventNumber || HUSTLE_EVENT_TYPES[a.kind].code - HUSTLE_EVENT_TYPES[b.kind].code,
    );
  const teams = flow.lines.sides.map((lines) => {
    const players = playedOrder(lines).map((line, index) =>
      hustlePlayer(line.participant.entry.player, index + 1, events),
    );
    return { side: lines.side, players, totals: sumCounters(players.map((player) => player.counters)) };
  }) as [HustleTeam, HustleTeam];
  return { teams, events };
}

/** Every event of one team's players, from the actions of the game. */
function teamEvents(
  random: SeededRandom,
  game: Game,
  actions: readonly FlowAction[],
  index: 0 | 1,
): HustleEvent[] {
  const side = index === 0 ? game.home : game.away;
  const events: HustleEvent[] = [];
  const add = (action: FlowAction, kind: EventKind, personId: number, facts: Partial<HustleEvent> = {}) =>
    events.push({
      eventNumber: action.actionNumber,
      kind,
      actionType: 1,
      period: action.period,
      gameClock: action.clock,
      personId,
      side,
      boxOutType: '',
      pointsOffScreenAssist: null,
      looseBallRecoveryType: '',
      reboundAfterBoxOut: null,
      forcedTurnover: false,
      ...facts,
    });
  const court = (action: FlowAction) => action.onCourt[index];
  const pickSome = <Item>(items: readonly Item[], [least, most]: readonly [number, number]) =>
    random.shuffle(items).slice(0, random.int(least, most));

  const theirShots = actions.filter(
    (action) => action.kind === 'shot' && action.side !== null && action.side !== side,
  );
  for (const shot of theirShots) {
    if (shot.kind !== 'shot') continue;
    const draw = random.next();
    const contests = draw < TWO_CONTESTS ? 2 : draw < TWO_CONTESTS + ONE_CONTEST ? 1 : 0;
    for (const personId of random.shuffle(court(shot)).slice(0, contests))
      add(shot, 'contestedShot', personId, { actionType: shot.isThree ? 3 : 2 });
  }
  const steals = actions.filter((action) => action.kind === 'steal' && action.side === side);
  for (const steal of steals) add(steal, 'deflection', steal.personId, { forcedTurnover: true });
  for (const shot of pickSome(theirShots, EXTRA_DEFLECTIONS))
    add(shot, 'deflection', random.pick(court(shot)));

  const ownRebounds = actions.filter(
    (action) => action.kind === 'rebound' && action.side === side && action.personId !== 0,
  );
  for (const action of pickSome([...ownRebounds, ...steals], LOOSE_BALLS)) {
    const offensive = action.kind === 'rebound' && action.offensive;
    add(action, 'looseBallRecovered', action.personId, {
      looseBallRecoveryType: offensive ? 'Offensive' : 'Defensive',
    });
  }
  for (const foul of actions) {
    if (foul.kind !== 'foul' || foul.subType !== 'offensive' || foul.side === side) continue;
    if (random.chance(CHARGE_CHANCE)) add(foul, 'chargeDrawn', foul.drawnId, { forcedTurnover: true });
  }
  const ownMakes = actions.filter((action) => action.kind === 'shot' && action.side === side && action.made);
  for (const make of pickSome(ownMakes, SCREEN_ASSISTS)) {
    if (make.kind !== 'shot') continue;
    const screeners = court(make).filter((id) => id !== make.personId && id !== make.assistId);
    if (screeners.length > 0)
      add(make, 'screenAssist', random.pick(screeners), { pointsOffScreenAssist: make.isThree ? 3 : 2 });
  }
  for (const rebound of boxOutRebounds(random, actions, side)) {
    if (rebound.kind !== 'rebound') continue;
    const ours = rebound.side === side;
    const defensive = ours !== rebound.offensive;
    const own = ours && rebound.personId !== 0 && random.chance(OWN_REBOUND_BOX_OUT);
    add(rebound, 'boxOut', own ? rebound.personId : random.pick(court(rebound)), {
      boxOutType: defensive ? 'Defensive' : 'Offensive',
      reboundAfterBoxOut: ours,
    });
  }
  return events;
}

/** The live rebounds this team boxed out on: mostly after the other team's misses, a few after its own. */
function boxOutRebounds(random: SeededRandom, actions: readonly FlowAction[], side: GameSide): FlowAction[] {
  const live = actions.filter((action) => action.kind === 'rebound' && !action.deadBall);
  // After the other team's miss: our defensive rebound, or their offensive one.
  const afterTheirMiss = (action: FlowAction) =>
    action.kind === 'rebound' && (action.side === side) !== action.offensive;
  const boxOuts = random.int(...BOX_OUTS);
  const defensive = Array.from({ length: boxOuts }, () => random.chance(DEFENSIVE_BOX_OUT)).filter(
    Boolean,
  ).length;
  return [
    ...random.shuffle(live.filter(afterTheirMiss)).slice(0, defensive),
    ...random.shuffle(live.filter((action) => !afterTheirMiss(action))).slice(0, boxOuts - defensive),
  ];
}

function hustlePlayer(player: Player, boxScoreOrder: number, events: readonly HustleEvent[]): HustlePlayer {
  const counters = emptyCounters();
  let boxOutsWon = 0;
  for (const event of events) {
    if (event.personId !== player.id) continue;
    if (event.forcedTurnover) counters.FORCEDTOV += 1;
    switch (event.kind) {
      case 'contestedShot':
        counters.CFG += 1;
        counters[event.actionType === 3 ? 'C3FG' : 'C2FG'] += 1;
        break;
      case 'deflection':
        counters.DEFL += 1;
        break;
      case 'looseBallRecovered':
        counters.LBR += 1;
        counters[event.looseBallRecoveryType === 'Offensive' ? 'OLBR' : 'DLBR'] += 1;
        break;
      case 'chargeDrawn':
        counters.CHG_DR += 1;
        break;
      case 'screenAssist':
        counters.SA += 1;
        counters.PTSOFFSA += event.pointsOffScreenAssist ?? 0;
        break;
      case 'boxOut':
        counters.BOXOUTS += 1;
        counters[event.boxOutType === 'Offensive' ? 'OBOXOUTS' : 'DBOXOUTS'] += 1;
        if (event.reboundAfterBoxOut) boxOutsWon += 1;
        break;
    }
  }
  const pct = counters.BOXOUTS > 0 ? Math.round((1000 * boxOutsWon) / counters.BOXOUTS) / 10 : 0;
  return { player, boxScoreOrder, counters, boxOutTeamReboundPct: pct };
}

function emptyCounters(): HustleCounters {
  return Object.fromEntries(HUSTLE_COUNTERS.map((name) => [name, 0])) as HustleCounters;
}

function sumCounters(all: readonly HustleCounters[]): HustleCounters {
  const total = emptyCounters();
  for (const counters of all) for (const name of HUSTLE_COUNTERS) total[name] += counters[name];
  return total;
}
