// The `/game/player` measure types the replica can serve, each with its row generator. Adding a
// measure type means writing its generator (on gameParticipants) and listing it here.
import type { SeasonIndex } from '../seasonIndex.ts';
import type { Game } from '../skeleton.ts';
import { playerTrackingRows } from './playerTracking.ts';

export type GamePlayerRowGenerator = (season: SeasonIndex, game: Game, seed: number) => object[];

export const GAME_PLAYER_GENERATORS = {
  Tracking: playerTrackingRows,
} as const satisfies Record<string, GamePlayerRowGenerator>;
