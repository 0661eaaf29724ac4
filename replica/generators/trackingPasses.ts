// TrackingPasses rows of `/event/player` for one game: each pass is two rows on the play's
// eventNumber, the passer's and the receiver's (teammates who played), about 600 rows a game.
// Pure: the same season, game and seed always give the same rows.
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
import type { PlayerEventRow } from './playerEventRow.ts';

export interface PassStats {
  PASSES_MADE: Flag;
  PASSES_RECEIVED: Flag;
  /** The pass led straight to a made field goal (on the passer's row). */
  AST: Flag;
  /** The pass led to a shot, made or not (on the passer's row). */
  POTENTIAL_AST: Flag;
  /** The receiver, on the passer's row; 0 on the receiver's. */
  PASS_TO_PLAYER_ID: number;
  /** The passer, on the receiver's row; 0 on the passer's. */
  PASS_FROM_PLAYER_ID: number;
}

export type TrackingPassRow = PlayerEventRow<PassStats>;

/** 1, 2 or 3 passes on a play: 2 on average. */
const PASSES_PER_PLAY = [0.2, 0.6, 0.2];

const shape: EventStreamShape<PassStats> = {
  eventType: 'TrackingPasses',
  // 148 plays × 2 passes × 2 rows ≈ 592 rows a game (SPEC §2.1), varying little (σ ≈ 26 rows with
  // overtimes): as measured, 16 games stay under the 9,900-row threshold and 17 exceed it
  // (previous-implementation.md §4.3).
  playsPerGame: 148,
  spread: 0.04,
  play(random, { offense }) {
    const rows: PlayRow<PassStats>[] = [];
    const passes = random.weightedIndex(PASSES_PER_PLAY) + 1;
    for (let pass = 1; pass <= passes; pass++) {
      const passer = pickPlayer(random, offense);
      const receiver = pickPlayer(random, offense, [passer]);
      // Only the play's last pass can set up a shot.
      const potential = pass === passes && random.chance(0.3);
      const assist = potential && random.chance(0.55);
      rows.push({
        player: passer,
        point: halfCourtPoint(random),
        stats: {
          PASSES_MADE: 1,
          PASSES_RECEIVED: 0,
          AST: flag(assist),
          POTENTIAL_AST: flag(potential),
          PASS_TO_PLAYER_ID: receiver.entry.player.id,
          PASS_FROM_PLAYER_ID: 0,
        },
      });
      rows.push({
        player: receiver,
        point: halfCourtPoint(random),
        stats: {
          PASSES_MADE: 0,
          PASSES_RECEIVED: 1,
          AST: 0,
          POTENTIAL_AST: 0,
          PASS_TO_PLAYER_ID: 0,
          PASS_FROM_PLAYER_ID: passer.entry.player.id,
        },
      });
    }
    return rows;
  },
};

export function trackingPassRows(season: SeasonIndex, game: Game, seed: number): TrackingPassRow[] {
  return eventStreamRows(shape, season, game, seed);
}
