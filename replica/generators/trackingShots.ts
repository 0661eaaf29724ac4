// TrackingShots rows of `/event/player` for one game: one row per field goal, on the same
// (gameId, eventNumber) keys as FieldGoals, with player-tracking flags that agree with the shot
// (tips are tip-ins, alley-oops are lobs, back-court shots are heaves, only jumpers are pull-ups...).
import type { SeasonIndex } from '../seasonIndex.ts';
import { SeededRandom } from '../seededRandom.ts';
import type { Game } from '../skeleton.ts';
import { type FieldGoalRow, fieldGoalRows } from './fieldGoals.ts';
import { type PlayerEventRow, withStats } from './playerEventRow.ts';

type Flag = 0 | 1;

export interface TrackingShotStats {
  SHOT_AFTER_SCREENS: Flag;
  SHOT_CATCH_AND_SHOOT: Flag;
  SHOT_LOB: Flag;
  SHOT_LONG_HEAVE: Flag;
  SHOT_PULL_UP: Flag;
  SHOT_TIP_IN: Flag;
  SHOT_TRAILING_THREE: Flag;
  SHOT_TRANSITION: Flag;
}

export type TrackingShotRow = PlayerEventRow<TrackingShotStats>;

export function trackingShotRows(season: SeasonIndex, game: Game, seed: number): TrackingShotRow[] {
  const random = new SeededRandom(`TrackingShots:${seed}:${game.id}`);
  return fieldGoalRows(season, game, seed).map((row) => withStats(row, trackingStats(random, row.stats)));
}

function trackingStats(random: SeededRandom, shot: FieldGoalRow['stats']): TrackingShotStats {
  const flag = (condition: boolean): Flag => (condition ? 1 : 0);
  const heave = shot.SHOT_ZONE_RANGE === 'Back Court Shot';
  const atRim =
    shot.FG_DUNK === 1 || shot.FG_LAYUP === 1 || shot.FG_ALLEY_OOP === 1 || shot.FG_FINGER_ROLL === 1;
  const transition = !heave && random.chance(atRim ? 0.22 : 0.08);
  const jumper = shot.FG_JUMPER === 1 && !heave;
  const assisted = shot.AST_BY_PLAYER_ID !== 0;
  const three = shot.FG3 === 1;
  const catchAndShoot = jumper && random.chance(assisted ? (three ? 0.85 : 0.6) : three ? 0.25 : 0.1);
  return {
    SHOT_AFTER_SCREENS: flag(jumper && random.chance(0.12)),
    SHOT_CATCH_AND_SHOOT: flag(catchAndShoot),
    SHOT_LOB: flag(shot.FG_ALLEY_OOP === 1),
    SHOT_LONG_HEAVE: flag(heave),
    SHOT_PULL_UP: flag(jumper && !catchAndShoot && random.chance(three ? 0.8 : 0.7)),
    SHOT_TIP_IN: flag(shot.FG_TIP === 1),
    SHOT_TRAILING_THREE: flag(three && transition && random.chance(0.5)),
    SHOT_TRANSITION: flag(transition),
  };
}
