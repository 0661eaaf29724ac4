// Defensive rows of `/game/player MeasureType=Defensive` for one game: one per player who played.
// The opponent's shots, free throws, assists and turnovers are shared out among the defenders by
// minutes on court (a side's DEF_* add up to the opponent's box), steals and blocks are his own box
// line's, and DEF_FOUL his personal fouls less his offensive ones (gameViolations).
// Pure in (season, game, seed).
import type { SeasonIndex } from '../seasonIndex.ts';
import { SeededRandom } from '../seededRandom.ts';
import type { Game } from '../skeleton.ts';
import { ratioOf, round } from './advancedFormulas.ts';
import { gameBoxLines, shareCounts } from './gameBoxLines.ts';
import { gameViolations } from './gameViolations.ts';
import { type EventIdentity, eventIdentity } from './playerEventRow.ts';

export interface PlayerDefensiveStats {
  /** Decimal minutes. */
  MIN: number;
  /** The opponent's field goals, threes and free throws against him; percentages are fractions 0–1. */
  DEF_FGM: number;
  DEF_FGA: number;
  DEF_FG_PCT: number;
  DEF_FG3M: number;
  DEF_FG3A: number;
  DEF_FG3_PCT: number;
  DEF_FTM: number;
  DEF_FTA: number;
  DEF_FT_PCT: number;
  DEF_AST: number;
  DEF_TOV: number;
  DEF_FOUL: number;
  DEF_SHOOTING_FOUL: number;
  DEF_BLK: number;
  DEF_STL: number;
  /** Points from DEF_FGM, DEF_FG3M and DEF_FTM. */
  DEF_PTS: number;
}

export type PlayerDefensiveRow = EventIdentity & { stats: PlayerDefensiveStats };

const SHOOTING_FOUL_SHARE = 0.45;

export function playerDefensiveRows(season: SeasonIndex, game: Game, seed: number): PlayerDefensiveRow[] {
  const random = new SeededRandom(`Defensive:${seed}:${game.id}`);
  const offensiveFouls = new Map(
    gameViolations(season, game, seed).players.map(({ line, counts }) => [
      line.participant.entry.player.id,
      counts.OFF_FOUL + counts.CHARGE,
    ]),
  );
  return gameBoxLines(season, game, seed).sides.flatMap(({ players, opponent }) => {
    const opp = opponent.box;
    const weights = players.map((line) => line.minutes * random.between(0.7, 1.3));
    const share = (total: number) => shareCounts(random, total, weights);
    const madeThrees = share(opp.fg3m);
    const missedThrees = share(opp.fg3a - opp.fg3m);
    const madeTwos = share(opp.fgm - opp.fg3m);
    const missedTwos = share(opp.fga - opp.fg3a - (opp.fgm - opp.fg3m));
    const madeFreeThrows = share(opp.ftm);
    const missedFreeThrows = share(opp.fta - opp.ftm);
    const assists = share(opp.ast);
    const turnovers = share(opp.tov);
    return players.map((line, index) => {
      const fg3m = madeThrees[index] ?? 0;
      const fg3a = fg3m + (missedThrees[index] ?? 0);
      const fgm = fg3m + (madeTwos[index] ?? 0);
      const fga = fgm + (missedThrees[index] ?? 0) + (missedTwos[index] ?? 0);
      const ftm = madeFreeThrows[index] ?? 0;
      const fta = ftm + (missedFreeThrows[index] ?? 0);
      const fouls = line.pf - (offensiveFouls.get(line.participant.entry.player.id) ?? 0);
      let shootingFouls = 0;
      for (let foul = 0; foul < fouls; foul++) if (random.chance(SHOOTING_FOUL_SHARE)) shootingFouls += 1;
      return {
        ...eventIdentity(season, game, line.participant.side, line.participant.entry.player),
        stats: {
          MIN: line.minutes,
          DEF_FGM: fgm,
          DEF_FGA: fga,
          DEF_FG_PCT: round(ratioOf(fgm, fga), 3),
          DEF_FG3M: fg3m,
          DEF_FG3A: fg3a,
          DEF_FG3_PCT: round(ratioOf(fg3m, fg3a), 3),
          DEF_FTM: ftm,
          DEF_FTA: fta,
          DEF_FT_PCT: round(ratioOf(ftm, fta), 3),
          DEF_AST: assists[index] ?? 0,
          DEF_TOV: turnovers[index] ?? 0,
          DEF_FOUL: fouls,
          DEF_SHOOTING_FOUL: shootingFouls,
          DEF_BLK: line.blk,
          DEF_STL: line.stl,
          DEF_PTS: 2 * fgm + fg3m + ftm,
        },
      };
    });
  });
}
