// Points per period for the scoreboard's line score, consistent with the generated shot chart:
// made field goals count where they happened, free throws are shared out in proportion to them
// (largest remainder), so each team's periods add up to its final score.
import type { Game, GameSide } from '../skeleton.ts';
import type { FieldGoalRow } from './fieldGoals.ts';

export interface PeriodScores {
  home: number[];
  away: number[];
}

export function periodScores(game: Game, rows: readonly FieldGoalRow[]): PeriodScores {
  return { home: sidePeriods(game, game.home, rows), away: sidePeriods(game, game.away, rows) };
}

function sidePeriods(game: Game, side: GameSide, rows: readonly FieldGoalRow[]): number[] {
  const fieldGoalPoints = Array.from({ length: game.periods }, () => 0);
  for (const row of rows) {
    if (row.teamId !== side.teamId || row.stats.FGM !== 1) continue;
    const index = Math.min(game.periods, Math.max(1, row.period)) - 1;
    fieldGoalPoints[index] = (fieldGoalPoints[index] ?? 0) + (row.stats.FG3 === 1 ? 3 : 2);
  }
  const totalFieldGoalPoints = fieldGoalPoints.reduce((sum, points) => sum + points, 0);
  const freeThrows = side.box.ftm;
  const shares = fieldGoalPoints.map((points) =>
    totalFieldGoalPoints > 0 ? (freeThrows * points) / totalFieldGoalPoints : freeThrows / game.periods,
  );
  const whole = shares.map(Math.floor);
  let left = freeThrows - whole.reduce((sum, points) => sum + points, 0);
  const byRemainder = shares.map((share, index) => ({ index, remainder: share - Math.floor(share) }));
  byRemainder.sort((a, b) => b.remainder - a.remainder || a.index - b.index);
  for (const { index } of byRemainder) {
    if (left <= 0) break;
    whole[index] = (whole[index] ?? 0) + 1;
    left -= 1;
  }
  return fieldGoalPoints.map((points, index) => points + (whole[index] ?? 0));
}
