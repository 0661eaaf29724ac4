// The live play-by-play of one final game (`/api/stats/pbp`, the shape of upstream's
// live_playbyplay files): each action of legacyGameFlow with upstream's fields — the clock as an ISO
// duration, scores as strings, shot spots both in upstream's court percentages (x, y, side) and in
// the shot chart's tenths of feet (xLegacy, yLegacy), descriptions with the players' running totals.
import type { SeasonIndex } from '../seasonIndex.ts';
import type { Game, GameSide } from '../skeleton.ts';
import { wallSeconds } from './legacyGameFacts.ts';
import { type FlowAction, legacyGameFlow, type ShotFacts } from './legacyGameFlow.ts';
import { playerNameI } from './playerEventRow.ts';
import type { ShotKind } from './shotLocation.ts';

/** One action as upstream writes it; the keys after `personIdsFilter` depend on the action type. */
export interface LiveAction {
  actionNumber: number;
  clock: string;
  timeActual: string;
  period: number;
  periodType: 'REGULAR' | 'OVERTIME';
  teamId?: number;
  teamTricode?: string;
  actionType: string;
  subType?: string;
  descriptor?: string;
  qualifiers: string[];
  personId: number;
  x: number | null;
  y: number | null;
  side: 'left' | 'right' | null;
  shotDistance?: number;
  possession: number;
  scoreHome: string;
  scoreAway: string;
  edited: string;
  orderNumber: number;
  xLegacy: number | null;
  yLegacy: number | null;
  isFieldGoal: 0 | 1;
  shotResult?: 'Made' | 'Missed';
  pointsTotal?: number;
  description: string;
  playerName?: string;
  playerNameI?: string;
  personIdsFilter: number[];
  [extra: string]: unknown;
}

/** Upstream's subType and descriptor of a two-point attempt, by shot kind. */
const TWO_POINT_NAMES: Readonly<Record<ShotKind, readonly [string, string]>> = {
  jumper: ['Jump Shot', ''],
  layup: ['Layup', ''],
  fingerRoll: ['Layup', 'driving finger roll'],
  tip: ['Layup', 'tip'],
  dunk: ['DUNK', ''],
  alleyOop: ['DUNK', 'alley-oop'],
  hook: ['Hook', ''],
};
/** Court length and width in tenths of feet, and the basket's distance from the baseline. */
const COURT_LENGTH = 940;
const COURT_WIDTH = 500;
const BASKET_FROM_BASELINE = 52.5;

export function playByPlayActions(
  season: SeasonIndex,
  game: Game,
  seed: number,
  tipOffMs: number,
): LiveAction[] {
  const { actions } = legacyGameFlow(season, game, seed);
  const totals = new Map<string, number>();
  /** A player's running count of something (points, rebounds...), this action included. */
  const bump = (personId: number, what: string, by = 1) => {
    const key = `${personId}:${what}`;
    const value = (totals.get(key) ?? 0) + by;
    totals.set(key, value);
    return value;
  };
  const nameI = (personId: number) => {
    const player = season.playersById.get(personId);
    return player ? playerNameI(player) : '';
  };
  const tricode = (side: GameSide | null) =>
    side ? (season.teamsById.get(side.teamId)?.abbreviation ?? '') : '';

  return actions.map((action) => {
    const base = baseAction(season, game, action, tipOffMs);
    const who = nameI(action.personId);
    const details = (() => {
      switch (action.kind) {
        case 'period':
          return {
            actionType: 'period',
            subType: action.subType,
            description: `Period ${capital(action.subType)}`,
          };
        case 'game':
          return { actionType: 'game', subType: 'end', description: 'Game End' };
        case 'jumpball':
          return {
            actionType: 'jumpball',
            subType: 'recovered',
            descriptor: 'startperiod',
            description: `Jump Ball ${nameI(action.wonId)} vs. ${nameI(action.lostId)}: Tip to Team (${tricode(action.side)})`,
            personIdsFilter: [action.wonId, action.lostId],
            jumpBallRecoveredName: `Team (${tricode(action.side)})`,
            jumpBallWonPlayerName: familyName(season, action.wonId),
            jumpBallWonPersonId: action.wonId,
            jumpBallLostPlayerName: familyName(season, action.lostId),
            jumpBallLostPersonId: action.lostId,
          };
        case 'shot':
          return shotDetails(action, {
            who,
            home: action.side === game.home,
            pointsTotal: action.made ? bump(action.personId, 'pts', action.isThree ? 3 : 2) : 0,
            assistNameI: nameI(action.assistId),
            assistTotal: action.assistId ? bump(action.assistId, 'ast') : 0,
            blockName: familyName(season, action.blockId),
          });
        case 'block':
          return { actionType: 'block', description: `${who} BLOCK (${bump(action.personId, 'blk')} BLK)` };
        case 'steal':
          return { actionType: 'steal', description: `${who} STEAL (${bump(action.personId, 'stl')} STL)` };
        case 'rebound': {
          const kind = action.offensive ? 'offensive' : 'defensive';
          if (action.personId === 0) {
            return {
              actionType: 'rebound',
              subType: kind,
              qualifiers: action.deadBall ? ['deadball', 'team'] : ['team'],
              description: `TEAM ${kind} REBOUND`,
              shotActionNumber: action.shotActionNumber,
            };
          }
          const offensive = action.offensive
            ? bump(action.personId, 'oreb')
            : (totals.get(`${action.personId}:oreb`) ?? 0);
          const defensive = action.offensive
            ? (totals.get(`${action.personId}:dreb`) ?? 0)
            : bump(action.personId, 'dreb');
          return {
            actionType: 'rebound',
            subType: kind,
            description: `${who} REBOUND (Off:${offensive} Def:${defensive})`,
            shotActionNumber: action.shotActionNumber,
            reboundTotal: offensive + defensive,
            reboundDefensiveTotal: defensive,
            reboundOffensiveTotal: offensive,
          };
        }
        case 'freethrow': {
          const label = `Free Throw ${action.number} of ${action.of}`;
          const qualifiers = [
            ...(action.secondChance ? ['2ndchance'] : []),
            ...(action.fromTurnover ? ['fromturnover'] : []),
          ];
          if (!action.made) {
            return {
              actionType: 'freethrow',
              subType: `${action.number} of ${action.of}`,
              qualifiers,
              shotResult: 'Missed',
              description: `MISS ${who} ${label}`,
            };
          }
          const total = bump(action.personId, 'pts');
          return {
            actionType: 'freethrow',
            subType: `${action.number} of ${action.of}`,
            qualifiers,
            shotResult: 'Made',
            pointsTotal: total,
            description: `${who} ${label} (${total} PTS)`,
          };
        }
        case 'turnover': {
          if (action.personId === 0)
            return {
              actionType: 'turnover',
              subType: action.subType,
              qualifiers: ['team'],
              description: `TEAM ${action.subType} TURNOVER`,
            };
          const count = bump(action.personId, 'tov');
          return {
            actionType: 'turnover',
            subType: action.subType,
            description: `${who} ${action.subType} TURNOVER (${count} TO)`,
            turnoverTotal: count,
            ...(action.stealId
              ? {
                  personIdsFilter: [action.personId, action.stealId],
                  stealPlayerName: familyName(season, action.stealId),
                  stealPersonId: action.stealId,
                }
              : {}),
          };
        }
        case 'foul': {
          const count = bump(action.personId, 'pf');
          const drawn = familyName(season, action.drawnId);
          const freeThrows = action.freeThrows > 0 ? ` (${drawn} ${action.freeThrows} FT)` : '';
          const descriptor = action.descriptor ? `${action.descriptor} ` : '';
          return {
            actionType: 'foul',
            subType: action.subType,
            ...(action.descriptor ? { descriptor: action.descriptor } : {}),
            qualifiers: action.freeThrows > 0 ? [`${action.freeThrows}freethrow`] : [],
            description: `${who} ${descriptor}${action.subType} FOUL (${count} PF)${freeThrows}`,
            personIdsFilter: [action.personId, action.drawnId],
            foulPersonalTotal: count,
            foulTechnicalTotal: 0,
            foulDrawnPlayerName: drawn,
            foulDrawnPersonId: action.drawnId,
          };
        }
        case 'substitution':
          return {
            actionType: 'substitution',
            subType: action.subType,
            description: `SUB ${action.subType}: ${who}`,
          };
        case 'timeout':
          return {
            actionType: 'timeout',
            subType: 'full',
            qualifiers: ['team'],
            description: `${tricode(action.side)} Timeout`,
          };
      }
    })();
    return inUpstreamOrder({ ...base, ...details });
  });
}

/** Upstream's key order; the keys of one action type (assist, foul, rebound totals...) follow. */
const KEY_ORDER = [
  'actionNumber',
  'clock',
  'timeActual',
  'period',
  'periodType',
  'teamId',
  'teamTricode',
  'actionType',
  'subType',
  'descriptor',
  'qualifiers',
  'personId',
  'x',
  'y',
  'side',
  'shotDistance',
  'possession',
  'scoreHome',
  'scoreAway',
  'edited',
  'orderNumber',
  'xLegacy',
  'yLegacy',
  'isFieldGoal',
  'shotResult',
  'pointsTotal',
  'description',
  'playerName',
  'playerNameI',
  'personIdsFilter',
];

function inUpstreamOrder(action: Record<string, unknown>): LiveAction {
  const ordered: Record<string, unknown> = {};
  for (const key of KEY_ORDER) if (key in action) ordered[key] = action[key];
  return Object.assign(ordered, action) as LiveAction;
}

/** The fields every action has, in upstream's order; the action type's own come on top. */
function baseAction(season: SeasonIndex, game: Game, action: FlowAction, tipOffMs: number): LiveAction {
  const player = action.personId ? season.playersById.get(action.personId) : undefined;
  const wall = new Date(tipOffMs + Math.round(wallSeconds(game, action.period, action.elapsed) * 10) * 100);
  return {
    actionNumber: action.actionNumber,
    clock: isoClock(action.clock),
    timeActual: wall.toISOString().replace(/\d\dZ$/, 'Z'),
    period: action.period,
    periodType: action.period > 4 ? 'OVERTIME' : 'REGULAR',
    ...(action.side
      ? {
          teamId: action.side.teamId,
          teamTricode: season.teamsById.get(action.side.teamId)?.abbreviation ?? '',
        }
      : {}),
    actionType: '',
    qualifiers: [],
    personId: action.personId,
    x: null,
    y: null,
    side: null,
    possession: action.possession,
    scoreHome: String(action.scoreHome),
    scoreAway: String(action.scoreAway),
    edited: wall.toISOString().replace(/\.\d+Z$/, 'Z'),
    orderNumber: action.actionNumber * 10000,
    xLegacy: null,
    yLegacy: null,
    isFieldGoal: 0,
    description: '',
    ...(player ? { playerName: player.lastName, playerNameI: playerNameI(player) } : {}),
    personIdsFilter: action.personId ? [action.personId] : [],
  };
}

/** What a shot's description and extra keys say about the people in it. */
interface ShotPeople {
  who: string;
  /** The shooter plays for the home team. */
  home: boolean;
  /** His points once this shot counts. */
  pointsTotal: number;
  assistNameI: string;
  /** The passer's assists once this one counts; 0 when unassisted. */
  assistTotal: number;
  blockName: string;
}

function shotDetails(shot: FlowAction & ShotFacts, people: ShotPeople) {
  const { who, pointsTotal } = people;
  const [subType, descriptor] = shot.isThree ? ['Jump Shot', ''] : TWO_POINT_NAMES[shot.shotKind];
  const distance = Math.round(Math.hypot(shot.x, shot.y)) / 10;
  const feet = Math.floor(distance);
  const what = shot.isThree
    ? `${feet}' 3PT`
    : subType === 'Jump Shot'
      ? `${feet}' Jump Shot`
      : `${descriptor ? `${descriptor} ` : ''}${subType}`;
  const description = shot.made
    ? `${who} ${what} (${pointsTotal} PTS)${shot.assistId ? ` (${people.assistNameI} ${people.assistTotal} AST)` : ''}`
    : `MISS ${who} ${what}${shot.blockId ? ' - blocked' : ''}`;
  const qualifiers = [
    ...(shot.paint ? ['pointsinthepaint'] : []),
    ...(shot.fastBreak ? ['fastbreak'] : []),
    ...(shot.secondChance ? ['2ndchance'] : []),
    ...(shot.fromTurnover ? ['fromturnover'] : []),
  ];
  const extras = [shot.assistId, shot.blockId].filter((id) => id !== 0);
  return {
    actionType: shot.isThree ? '3pt' : '2pt',
    subType,
    ...(descriptor ? { descriptor } : {}),
    qualifiers,
    ...courtSpot(shot, people.home),
    shotDistance: distance,
    xLegacy: shot.x,
    yLegacy: shot.y,
    isFieldGoal: 1,
    shotResult: shot.made ? 'Made' : 'Missed',
    ...(shot.made ? { pointsTotal } : {}),
    description,
    personIdsFilter: [shot.personId, ...extras],
    ...(shot.assistId
      ? {
          assistPlayerNameInitial: people.assistNameI,
          assistPersonId: shot.assistId,
          assistTotal: people.assistTotal,
        }
      : {}),
    ...(shot.blockId ? { blockPlayerName: people.blockName, blockPersonId: shot.blockId } : {}),
  };
}

/**
 * Upstream's court percentages: x along the court from the left baseline, y across it. The home
 * team shoots at the right basket in the first half and at the left one after.
 */
function courtSpot(shot: FlowAction & ShotFacts, home: boolean) {
  const attacksRight = home === shot.period <= 2;
  const along = ((shot.y + BASKET_FROM_BASELINE) / COURT_LENGTH) * 100;
  const across = (shot.x / COURT_WIDTH) * 100;
  return attacksRight
    ? { x: 100 - along, y: 50 + across, side: 'right' as const }
    : { x: along, y: 50 - across, side: 'left' as const };
}

/** Tenths of a second → an ISO duration as upstream writes clocks and minutes, "PT11M58.00S". */
export function isoClock(tenths: number): string {
  const minutes = Math.floor(tenths / 600);
  const seconds = (tenths - minutes * 600) / 10;
  return `PT${String(minutes).padStart(2, '0')}M${seconds.toFixed(2).padStart(5, '0')}S`;
}

function familyName(season: SeasonIndex, personId: number): string {
  return season.playersById.get(personId)?.lastName ?? '';
}

const capital = (text: string) => text.charAt(0).toUpperCase() + text.slice(1);
