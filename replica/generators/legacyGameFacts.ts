// Facts of a final game that the skeleton does not carry but the legacy feeds print: when each
// moment of play happened on the wall clock (play runs at a pace of its own per game, with breaks
// between periods), how long the game took, and the crowd. Decided by the game id alone, so the box
// score, play-by-play and hustle feeds print the same.
import { unitFromText } from '../seededRandom.ts';
import type { Game } from '../skeleton.ts';
import { periodSeconds } from './gameTimeline.ts';

/** Wall-clock seconds per second of play: stoppages, free throws, replays. */
const PACE_RANGE = [2.05, 2.5] as const;
const QUARTER_BREAK_SECONDS = 130;
const HALFTIME_SECONDS = 900;
const OVERTIME_BREAK_SECONDS = 120;
const ATTENDANCE_RANGE = [14_500, 21_000] as const;
const SELLOUT_ATTENDANCE = 19_500;

/** Seconds after tip-off on the wall clock at `elapsed` seconds of play into `period`. */
export function wallSeconds(game: Game, period: number, elapsed: number): number {
  const [slowest, fastest] = PACE_RANGE;
  const pace = slowest + (fastest - slowest) * unitFromText(`pace:${game.id}`);
  let breaks = 0;
  for (let next = 2; next <= period; next++) {
    breaks += next === 3 ? HALFTIME_SECONDS : next > 4 ? OVERTIME_BREAK_SECONDS : QUARTER_BREAK_SECONDS;
  }
  return elapsed * pace + breaks;
}

/** Whole minutes from tip-off to the final buzzer (the box score's `duration`). */
export function gameDurationMinutes(game: Game): number {
  let playing = 0;
  for (let period = 1; period <= game.periods; period++) playing += periodSeconds(period);
  return Math.round(wallSeconds(game, game.periods, playing) / 60);
}

export function attendanceOf(game: Game): { attendance: number; sellout: boolean } {
  const [smallest, largest] = ATTENDANCE_RANGE;
  const attendance = Math.round(smallest + (largest - smallest) * unitFromText(`attendance:${game.id}`));
  return { attendance, sellout: attendance >= SELLOUT_ATTENDANCE };
}
