// DefensiveEvents rows of `/event/player` for one game: on each play one to three defenders who
// played get a row for what they did (a contest, a deflection, a steal, a block, a charge drawn, a
// loose ball recovered), about 325 rows a game. Pure in (season, game, seed).
import type { SeasonIndex } from '../seasonIndex.ts';
import type { Game } from '../skeleton.ts';
import {
  type EventStreamShape,
  eventStreamRows,
  type Flag,
  flag,
  halfCourtPoint,
  type PlayRow,
  pickPlayer,
} from './eventStream.ts';
import type { Participant } from './gameParticipants.ts';
import type { PlayerEventRow } from './playerEventRow.ts';

/** Exactly one flag is 1 on each row. */
export interface DefensiveEventStats {
  CONTESTED_SHOT: Flag;
  DEFLECTION: Flag;
  STL: Flag;
  BLK: Flag;
  CHARGE_DRAWN: Flag;
  LOOSE_BALL_RECOVERED: Flag;
}

export type DefensiveEventRow = PlayerEventRow<DefensiveEventStats>;

const KINDS = ['CONTESTED_SHOT', 'DEFLECTION', 'STL', 'BLK', 'CHARGE_DRAWN', 'LOOSE_BALL_RECOVERED'] as const;
const KIND_WEIGHTS = [0.6, 0.2, 0.07, 0.05, 0.02, 0.06];
/** 1, 2 or 3 defenders: 1.85 on average. */
const DEFENDER_WEIGHTS = [0.35, 0.45, 0.2];

const shape: EventStreamShape<DefensiveEventStats> = {
  eventType: 'DefensiveEvents',
  // 173 plays × 1.85 defenders ≈ 320 rows a game (SPEC §2.1), varying little (σ ≈ 14 rows with
  // overtimes): as measured, 30 games stay under the 9,900-row threshold and 31 exceed it
  // (previous-implementation.md §4.3).
  playsPerGame: 173,
  spread: 0.03,
  play(random, { defense }) {
    const defenders = random.weightedIndex(DEFENDER_WEIGHTS) + 1;
    const chosen: Participant[] = [];
    const rows: PlayRow<DefensiveEventStats>[] = [];
    while (chosen.length < Math.min(defenders, defense.length)) {
      const defender = pickPlayer(random, defense, chosen);
      chosen.push(defender);
      const kind = KINDS[random.weightedIndex(KIND_WEIGHTS)];
      rows.push({
        player: defender,
        point: halfCourtPoint(random),
        stats: {
          CONTESTED_SHOT: flag(kind === 'CONTESTED_SHOT'),
          DEFLECTION: flag(kind === 'DEFLECTION'),
          STL: flag(kind === 'STL'),
          BLK: flag(kind === 'BLK'),
          CHARGE_DRAWN: flag(kind === 'CHARGE_DRAWN'),
          LOOSE_BALL_RECOVERED: flag(kind === 'LOOSE_BALL_RECOVERED'),
        },
      });
    }
    return rows;
  },
};

export function defensiveEventRows(season: SeasonIndex, game: Game, seed: number): DefensiveEventRow[] {
  return eventStreamRows(shape, season, game, seed);
}
