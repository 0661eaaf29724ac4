// The `/game/lineups` measure types the replica can serve, each with its row generator (both on
// the same gameLineups, so Base and Advanced list the same lineups). `/season/lineups` serves the same.
import type { SeasonIndex } from '../seasonIndex.ts';
import type { Game } from '../skeleton.ts';
import { gameLineupAdvancedRows, gameLineupBaseRows } from './gameLineups.ts';
import type { LineupMeasure } from './lineupStats.ts';

export type GameLineupRowGenerator = (season: SeasonIndex, game: Game, seed: number) => object[];

export const GAME_LINEUP_GENERATORS = {
  Base: gameLineupBaseRows,
  Advanced: gameLineupAdvancedRows,
} as const satisfies Record<LineupMeasure, GameLineupRowGenerator>;
