// Tracking rows of `/game/player MeasureType=Tracking` for one game: one row per player who played
// (gameParticipants), with distance and speed that follow his minutes, touches and passes, and the
// team's box-score AST, OREB and DREB shared out among its players. Percentages are fractions 0–1.
// Pure: the same season, game and seed always give the same rows.
import type { SeasonIndex } from '../seasonIndex.ts';
import { SeededRandom } from '../seededRandom.ts';
import type { Game } from '../skeleton.ts';
import { gameParticipants, type Participant } from './gameParticipants.ts';
import { type EventIdentity, eventIdentity } from './playerEventRow.ts';

export interface TrackingStats {
  /** Decimal minutes. */
  MIN: number;
  DIST_MILES: number;
  DIST_MILES_OFF: number;
  DIST_MILES_DEF: number;
  /** Miles per hour. */
  AVG_SPEED: number;
  AVG_SPEED_OFF: number;
  AVG_SPEED_DEF: number;
  TOUCHES: number;
  PASSES: number;
  SECONDARY_AST: number;
  FT_AST: number;
  AST: number;
  DREB: number;
  OREB: number;
  REB_CHANCES: number;
  /** Fractions 0–1. */
  CONTESTED_FG_PCT: number;
  UNCONTESTED_FG_PCT: number;
}

export type PlayerTrackingRow = EventIdentity & { stats: TrackingStats };

const round = (value: number, places: number) => Number(value.toFixed(places));

export function playerTrackingRows(season: SeasonIndex, game: Game, seed: number): PlayerTrackingRow[] {
  const random = new SeededRandom(`Tracking:${seed}:${game.id}`);
  const participants = gameParticipants(season, game, seed);
  const counts = participants.map(() => ({ AST: 0, OREB: 0, DREB: 0 }));
  for (const side of [game.home, game.away]) {
    const members = participants.flatMap((participant, index) => (participant.side === side ? [index] : []));
    const share = (total: number, key: 'AST' | 'OREB' | 'DREB', weightOf: (p: Participant) => number) => {
      const weights = members.map((index) => weightOf(participants[index] as Participant));
      for (let n = 0; n < total; n++) {
        const at = random.weightedIndex(weights);
        if (at < 0) break;
        const counted = counts[members[at] as number];
        if (counted) counted[key] += 1;
      }
    };
    share(side.box.ast, 'AST', (p) => p.minutes * (1 + p.entry.season.ast / Math.max(1, p.entry.season.gp)));
    share(side.box.oreb, 'OREB', (p) => p.minutes);
    share(side.box.dreb, 'DREB', (p) => p.minutes);
  }
  return participants.map((participant, index) => {
    const { AST, OREB, DREB } = counts[index] ?? { AST: 0, OREB: 0, DREB: 0 };
    return {
      ...eventIdentity(season, game, participant.side, participant.entry.player),
      stats: trackingStats(random, participant.minutes, AST, OREB, DREB),
    };
  });
}

function trackingStats(
  random: SeededRandom,
  minutes: number,
  ast: number,
  oreb: number,
  dreb: number,
): TrackingStats {
  const distance = round(minutes * random.between(0.065, 0.08), 2);
  const offense = round(distance * random.between(0.47, 0.54), 2);
  const hours = minutes / 60;
  const speed = hours > 0 ? round(distance / hours, 2) : 0;
  const touches = Math.round(minutes * random.between(1.0, 2.2));
  return {
    MIN: minutes,
    DIST_MILES: distance,
    DIST_MILES_OFF: offense,
    DIST_MILES_DEF: round(distance - offense, 2),
    AVG_SPEED: speed,
    AVG_SPEED_OFF: speed > 0 ? round(speed * random.between(1.0, 1.1), 2) : 0,
    AVG_SPEED_DEF: speed > 0 ? round(speed * random.between(0.9, 1.0), 2) : 0,
    TOUCHES: touches,
    PASSES: Math.round(touches * random.between(0.5, 0.8)),
    SECONDARY_AST: Math.min(ast, random.int(0, 2)),
    FT_AST: ast > 0 && random.chance(0.2) ? 1 : 0,
    AST: ast,
    DREB: dreb,
    OREB: oreb,
    REB_CHANCES: oreb + dreb + Math.round(minutes * random.between(0.08, 0.3)),
    CONTESTED_FG_PCT: round(random.between(0.25, 0.6), 3),
    UNCONTESTED_FG_PCT: round(random.between(0.35, 0.7), 3),
  };
}
