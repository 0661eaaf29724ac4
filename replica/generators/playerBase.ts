// Base rows of `/game/player MeasureType=Base` for one game: each participant's box line
// (gameBoxLines) as upstream spells it. Only players who played have a row, as upstream does (SPEC
// §2.1): Base cannot stand in for the legacy box score's roster. Percentages are fractions 0–1.
import type { SeasonIndex } from '../seasonIndex.ts';
import type { Game } from '../skeleton.ts';
import { ratioOf, round } from './advancedFormulas.ts';
import { gameBoxLines } from './gameBoxLines.ts';
import { type EventIdentity, eventIdentity } from './playerEventRow.ts';

export interface BaseStats {
  /** Decimal minutes. */
  MIN: number;
  FGM: number;
  FGA: number;
  FG_PCT: number;
  FG3M: number;
  FG3A: number;
  FG3_PCT: number;
  FTM: number;
  FTA: number;
  FT_PCT: number;
  OREB: number;
  DREB: number;
  REB: number;
  AST: number;
  STL: number;
  BLK: number;
  TOV: number;
  PF: number;
  PTS: number;
  /** Points for minus points against while he was on court. */
  PLUS_MINUS: number;
}

export type PlayerBaseRow = EventIdentity & { stats: BaseStats };

export function playerBaseRows(season: SeasonIndex, game: Game, seed: number): PlayerBaseRow[] {
  return gameBoxLines(season, game, seed).players.map((line) => ({
    ...eventIdentity(season, game, line.participant.side, line.participant.entry.player),
    stats: {
      MIN: line.minutes,
      FGM: line.fgm,
      FGA: line.fga,
      FG_PCT: round(ratioOf(line.fgm, line.fga), 3),
      FG3M: line.fg3m,
      FG3A: line.fg3a,
      FG3_PCT: round(ratioOf(line.fg3m, line.fg3a), 3),
      FTM: line.ftm,
      FTA: line.fta,
      FT_PCT: round(ratioOf(line.ftm, line.fta), 3),
      OREB: line.oreb,
      DREB: line.dreb,
      REB: line.oreb + line.dreb,
      AST: line.ast,
      STL: line.stl,
      BLK: line.blk,
      TOV: line.tov,
      PF: line.pf,
      PTS: line.pts,
      PLUS_MINUS: line.pointsFor - line.pointsAgainst,
    },
  }));
}
