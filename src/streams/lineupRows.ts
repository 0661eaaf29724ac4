// What game and season 5-man lineup rows share: the five player ids (a lineup is its sorted set,
// whatever order upstream lists player1..5 in, and five different players) and the Advanced
// measures in their units. Base measures differ: counts in a game, per-mode decimals in a season.
import { z } from 'zod';
import type { StatColumn } from './rowValues.ts';

const playerId = z.number().int().positive();

/** The zod fields of a lineup row's players. */
export const lineupPlayerFields = {
  player1Id: playerId,
  player2Id: playerId,
  player3Id: playerId,
  player4Id: playerId,
  player5Id: playerId,
};

type LineupPlayers = z.output<z.ZodObject<typeof lineupPlayerFields>>;

/** The lineup's identity: its five player ids, ascending. */
export const lineupIds = (row: LineupPlayers): number[] =>
  [row.player1Id, row.player2Id, row.player3Id, row.player4Id, row.player5Id].sort((a, b) => a - b);

/** The refinement every lineup schema makes: a lineup with a player twice is a schema problem. */
export const FIVE_DIFFERENT_PLAYERS: [
  (row: LineupPlayers) => boolean,
  { readonly message: string; path: PropertyKey[] },
] = [
  (row) => new Set(lineupIds(row)).size === 5,
  { message: 'a lineup has five different players', path: ['player1Id'] },
];

/**
 * Ratings, ratios and paces are unbounded: a lineup of a few seconds has ratings in the thousands,
 * so their columns are plain numeric (the previous numeric(5,2) overflowed). EFG_PCT and TS_PCT
 * reach 1.5 (a lone made three): their own unit, 0–1.5, not fractions.
 */
export const LINEUP_ADVANCED_COLUMNS: readonly StatColumn[] = [
  ['OFF_RATING', 'off_rating', 'rating'],
  ['DEF_RATING', 'def_rating', 'rating'],
  ['NET_RATING', 'net_rating', 'rating'],
  ['AST_PCT', 'ast_pct', 'fraction'],
  ['AST_TO', 'ast_tov', 'ratio'],
  ['AST_RATIO', 'ast_ratio', 'ratio'],
  ['OREB_PCT', 'oreb_pct', 'fraction'],
  ['DREB_PCT', 'dreb_pct', 'fraction'],
  ['REB_PCT', 'reb_pct', 'fraction'],
  ['TM_TOV_PCT', 'tm_tov_pct', 'fraction'],
  ['EFG_PCT', 'efg_pct', 'shooting'],
  ['TS_PCT', 'ts_pct', 'shooting'],
  ['USG_PCT', 'usg_pct', 'fraction'],
  ['PACE', 'pace', 'ratio'],
  ['POSS', 'poss', 'decimal'],
  ['PIE', 'pie', 'signedFraction'],
];

/** A lineup's Base and Advanced rows side by side, under its sorted player ids. */
export interface JoinedLineup<Row> {
  readonly playerIds: number[];
  base?: Row;
  advanced?: Row;
}

/**
 * The Base and Advanced rows of each lineup, joined by `keyOf` (its team and sorted ids). A lineup
 * listed twice by one call is kept once, the later row, as the sink would keep it, and counted.
 */
export function joinLineups<Row extends LineupPlayers>(
  base: readonly Row[],
  advanced: readonly Row[],
  keyOf: (row: Row, playerIds: readonly number[]) => string,
  drop: (reason: string) => void,
): Map<string, JoinedLineup<Row>> {
  const lineups = new Map<string, JoinedLineup<Row>>();
  for (const [slot, rows] of [
    ['base', base],
    ['advanced', advanced],
  ] as const) {
    for (const row of rows) {
      const playerIds = lineupIds(row);
      const key = keyOf(row, playerIds);
      const lineup = lineups.get(key) ?? { playerIds };
      if (lineup[slot]) drop('duplicate_lineup');
      lineup[slot] = row;
      lineups.set(key, lineup);
    }
  }
  return lineups;
}
