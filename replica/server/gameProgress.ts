// What the schedule and the scoreboard show of a game in each phase of its night: scheduled (tip-off
// time), postponed (PPD / Cancelled, still status 1), live (period, clock and the running score),
// final. Pure: the timeline decides the phase, this decides the status, texts and scores.

import { periodSeconds } from '../generators/gameTimeline.ts';
import { type PlayMoment, playMomentAt } from '../generators/legacyGameFacts.ts';
import type { PeriodScores } from '../generators/periodScores.ts';
import type { Game, GameStatus } from '../skeleton.ts';
import { gameTimes } from './gameTimes.ts';

export type PostponedText = 'PPD' | 'Cancelled';

export type GamePhase =
  | { readonly kind: 'scheduled' }
  | { readonly kind: 'postponed'; readonly text: PostponedText }
  /** On a virtual clock: where play stands (the last period's 0:00 once it is over). */
  | { readonly kind: 'live'; readonly moment: PlayMoment }
  /** Without a clock, a game the skeleton has live: no clock to tell where play stands. */
  | { readonly kind: 'inProgress' }
  | { readonly kind: 'final' };

export interface ShownGame {
  status: GameStatus;
  statusText: string;
  /** 0 before tip-off, the period under way when live, the last one when final. */
  period: number;
  /** `PT05M12.00S` while live, '' otherwise. */
  gameClock: string;
  home: number;
  away: number;
  /** Points per period begun (line scores); empty unless asked for, or before tip-off. */
  periods: PeriodScores;
  /** A final game counts in the teams' records. */
  final: boolean;
}

/** A live game at its last period's final second: what a scoreboard that lags behind keeps showing. */
export function lastMoment(game: Game): PlayMoment {
  return { period: game.periods, remaining: 0, inBreak: false };
}

/** Where play stands `ms` after tip-off (the last moment once the game is over). */
export function liveMomentAt(game: Game, ms: number): PlayMoment {
  return playMomentAt(game, ms / 1000);
}

/**
 * How a game in `phase` is shown. `lines` (the final line scores) is called only when needed: for a
 * live game (the running score), or a final one when `withLines` (the scoreboard's periods).
 */
export function showGame(
  game: Game,
  phase: GamePhase,
  lines: () => PeriodScores,
  withLines = false,
): ShownGame {
  const none: PeriodScores = { home: [], away: [] };
  switch (phase.kind) {
    case 'scheduled':
    case 'postponed':
      return {
        status: 1,
        statusText: phase.kind === 'postponed' ? phase.text : gameTimes(game).tipOffText,
        period: 0,
        gameClock: '',
        home: 0,
        away: 0,
        periods: none,
        final: false,
      };
    case 'inProgress':
      return {
        status: 2,
        statusText: 'In Progress',
        period: game.periods,
        gameClock: '',
        home: game.home.score,
        away: game.away.score,
        periods: none,
        final: false,
      };
    case 'final':
      return {
        status: 3,
        statusText: finalStatusText(game),
        period: game.periods,
        gameClock: '',
        home: game.home.score,
        away: game.away.score,
        periods: withLines ? lines() : none,
        final: true,
      };
    case 'live': {
      const periods = runningLines(lines(), phase.moment);
      const sum = (points: number[]) => points.reduce((total, value) => total + value, 0);
      return {
        status: 2,
        statusText: liveStatusText(phase.moment),
        period: phase.moment.period,
        gameClock: isoClock(phase.moment.remaining),
        home: sum(periods.home),
        away: sum(periods.away),
        periods: withLines ? periods : none,
        final: false,
      };
    }
  }
}

/** "Final", "Final/OT", "Final/2OT". */
export function finalStatusText(game: Game): string {
  const overtimes = game.periods - 4;
  return overtimes <= 0 ? 'Final' : overtimes === 1 ? 'Final/OT' : `Final/${overtimes}OT`;
}

/** "Q3 5:12", "OT 2:31", "2OT 0:45" in play; "End of Q1", "Half", "End of Q4" between periods. */
export function liveStatusText(moment: PlayMoment): string {
  const label = periodLabel(moment.period);
  if (moment.inBreak) return moment.period === 2 ? 'Half' : `End of ${label}`;
  const seconds = Math.ceil(moment.remaining);
  return `${label} ${Math.floor(seconds / 60)}:${String(seconds % 60).padStart(2, '0')}`;
}

function periodLabel(period: number): string {
  if (period <= 4) return `Q${period}`;
  return period === 5 ? 'OT' : `${period - 4}OT`;
}

/** Seconds left as upstream's live clock writes them: PT05M12.00S. */
function isoClock(remaining: number): string {
  const hundredths = Math.ceil(remaining * 100);
  const minutes = Math.floor(hundredths / 6000);
  const seconds = (hundredths % 6000) / 100;
  return `PT${String(minutes).padStart(2, '0')}M${seconds.toFixed(2).padStart(5, '0')}S`;
}

/** The final line scores cut at `moment`: whole periods done, the current one by the share played. */
function runningLines(final: PeriodScores, moment: PlayMoment): PeriodScores {
  const cut = (points: number[]) =>
    points.slice(0, moment.period).map((score, index) => {
      if (index < moment.period - 1 || moment.inBreak) return score;
      const length = periodSeconds(moment.period);
      return Math.floor((score * (length - moment.remaining)) / length);
    });
  return { home: cut(final.home), away: cut(final.away) };
}
