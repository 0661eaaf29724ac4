// Facts of a final game that the skeleton does not carry but the legacy feeds print: when each
// moment of play happened on the wall clock (play runs at a pace of its own per game, with breaks
// between periods) and back, how long the game took, and the crowd. Decided by the game id alone, so the box
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

/** Wall-clock seconds from tip-off to the final buzzer. */
export function gameLengthSeconds(game: Game): number {
  let playing = 0;
  for (let period = 1; period <= game.periods; period++) playing += periodSeconds(period);
  return wallSeconds(game, game.periods, playing);
}

/** Whole minutes from tip-off to the final buzzer (the box score's `duration`). */
export function gameDurationMinutes(game: Game): number {
  return Math.round(gameLengthSeconds(game) / 60);
}

/** Where play stands `wall` seconds after tip-off: in a period, or in the break after one. */
export interface PlayMoment {
  period: number;
  /** Seconds of play left in the period (0 in a break). */
  remaining: number;
  /** In the break after `period`, before the next one starts. */
  inBreak: boolean;
}

/**
 * The inverse of `wallSeconds`: the period and the clock at `wall` seconds after tip-off (clamped to
 * the game: before tip-off is its first second, after the buzzer its last).
 */
export function playMomentAt(game: Game, wallAfterTipOff: number): PlayMoment {
  const wall = Math.max(0, wallAfterTipOff);
  let played = 0;
  for (let period = 1; period <= game.periods; period++) {
    const length = periodSeconds(period);
    const starts = wallSeconds(game, period, played);
    const ends = wallSeconds(game, period, played + length);
    if (wall < starts) return { period: period - 1, remaining: 0, inBreak: true };
    if (wall < ends) {
      const elapsed = (length * (wall - starts)) / (ends - starts);
      return { period, remaining: length - elapsed, inBreak: false };
    }
    played += length;
  }
  return { period: game.periods, remaining: 0, inBreak: false };
}

export function attendanceOf(game: Game): { attendance: number; sellout: boolean } {
  const [smallest, largest] = ATTENDANCE_RANGE;
  const attendance = Math.round(smallest + (largest - smallest) * unitFromText(`attendance:${game.id}`));
  return { attendance, sellout: attendance >= SELLOUT_ATTENDANCE };
}
