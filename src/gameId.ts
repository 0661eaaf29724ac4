// Game ids are 10-character strings (`AABCCDDDDD`: league, season type, season, number) and stay
// strings everywhere: as numbers their leading zeros vanish. They are branded once, at the boundary.
import { z } from 'zod';

export type GameId = string & { readonly __brand: 'GameId' };
export type GameIdBatch = readonly GameId[];

export const GAME_ID_PATTERN = /^\d{10}$/;

/** Season type digit (third character of a game id) → the Query Tool's SeasonType name. */
export const SEASON_TYPE_BY_DIGIT: Readonly<Record<string, string>> = {
  '1': 'Pre Season',
  '2': 'Regular Season',
  '3': 'All Star',
  '4': 'Playoffs',
  '5': 'PlayIn',
  '6': 'NBA Cup',
};

/** A row naming game 0092500001 names no game there can be: a corrupt id, not another game's row. */
export const gameIdSchema = z
  .string()
  .regex(GAME_ID_PATTERN, 'a game id is exactly 10 digits, written as a string')
  .refine((value) => value.charAt(2) in SEASON_TYPE_BY_DIGIT, 'a game id has a season type digit 1-6')
  .transform((value) => value as GameId);

/** Why a user-supplied id is not a game id, or undefined when it is one. */
export function gameIdProblem(value: string): string | undefined {
  if (!/^\d+$/.test(value)) return `"${value}" is not a game id: only digits are allowed`;
  if (value.length !== 10) {
    return `"${value}" is not a game id: it has ${value.length} digits, a game id has 10 (leading zeros included, e.g. 0022500001)`;
  }
  if (!(value.charAt(2) in SEASON_TYPE_BY_DIGIT)) {
    return `"${value}" is not a game id: its third digit (season type) must be 1-6`;
  }
  return undefined;
}

/** The season type a game id encodes, e.g. `Regular Season` for 0022500001. */
export function seasonTypeOf(id: GameId): string {
  return SEASON_TYPE_BY_DIGIT[id.charAt(2)] ?? 'Unknown';
}
