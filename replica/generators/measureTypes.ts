// The `/game/player` measure types the replica can serve, each with its row generator. Adding a
// measure type means writing its generator (on gameParticipants) and listing it here.
import type { SeasonIndex } from '../seasonIndex.ts';
import type { Game } from '../skeleton.ts';
import { playerViolationRows, teamViolationRows } from './gameViolations.ts';
import { playerAdvancedRows } from './playerAdvanced.ts';
import { playerBaseRows } from './playerBase.ts';
import { playerDefensiveRows } from './playerDefensive.ts';
import { playerTrackingRows } from './playerTracking.ts';
import { teamAdvancedRows } from './teamAdvanced.ts';

export type GamePlayerRowGenerator = (season: SeasonIndex, game: Game, seed: number) => object[];

export const GAME_PLAYER_GENERATORS = {
  Tracking: playerTrackingRows,
  // Base and Advanced list only players who played, as upstream does; every measure lists the same players.
  Base: playerBaseRows,
  Advanced: playerAdvancedRows,
  Defensive: playerDefensiveRows,
  Violations: playerViolationRows,
} as const satisfies Record<string, GamePlayerRowGenerator>;

/** The `/game/team` measure types: two rows (one per team) per final game. */
export const GAME_TEAM_GENERATORS = {
  Advanced: teamAdvancedRows,
  Violations: teamViolationRows,
} as const satisfies Record<string, GamePlayerRowGenerator>;
