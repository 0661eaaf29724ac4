// The real 2025-26 5-man lineups: the league's top 2,000 by minutes (leaguedashlineups, the API's
// row cap) and all 250 of Cleveland's (teamdashlineups, a superset of Cleveland's top-2,000 rows),
// with their Base totals. Game and season lineups of the real skeleton are built from them.
import { existsSync } from 'node:fs';
import { join } from 'node:path';
import { z } from 'zod';
import { readResultSet } from './statsResultSet.ts';
import type { SeasonLineup } from './types.ts';

const FILES = {
  league: 'swar__nba_api/season_2025-26/leaguedashlineups_5man_base_totals_2025-26.json',
  cleveland: 'swar__nba_api/season_2025-26/teamdashlineups_CLE_5man_2025-26.json',
} as const;

const count = z.number().int().min(0);
/** `-203497-203944-1628978-1630162-1630183-`: five ascending player ids. */
const groupId = z
  .string()
  .regex(/^-(\d+-){5}$/)
  .transform((value) => value.split('-').filter(Boolean).map(Number));
const lineupColumns = {
  GROUP_ID: groupId,
  GROUP_NAME: z.string(),
  GP: count,
  W: count,
  L: count,
  MIN: z.number().min(0),
  FGM: count,
  FGA: count,
  FG3M: count,
  FG3A: count,
  FTM: count,
  FTA: count,
  OREB: count,
  DREB: count,
  REB: count,
  AST: count,
  TOV: count,
  STL: count,
  BLK: count,
  BLKA: count,
  PF: count,
  PFD: count,
  PTS: count,
  PLUS_MINUS: z.number().int(),
};
const leagueRowSchema = z.object({ ...lineupColumns, TEAM_ID: z.number().int() });
const teamRowSchema = z.object(lineupColumns);
const overallSchema = z.object({ TEAM_ID: z.number().int() });

/** Undefined when the league file is missing: the replica then makes lineups up as for a synthetic season. */
export function readRealLineups(dataDir: string): SeasonLineup[] | undefined {
  const leagueFile = join(dataDir, FILES.league);
  if (!existsSync(leagueFile)) return undefined;
  const lineups = readResultSet(leagueFile, 'Lineups', leagueRowSchema).map((row) =>
    seasonLineup(row.TEAM_ID, row, leagueFile),
  );
  const teamFile = join(dataDir, FILES.cleveland);
  if (existsSync(teamFile)) {
    const [overall] = readResultSet(teamFile, 'Overall', overallSchema);
    if (!overall) throw new Error(`${teamFile}: no Overall row naming the team`);
    const known = new Set(lineups.map((lineup) => `${lineup.teamId}:${lineup.playerIds.join('-')}`));
    for (const row of readResultSet(teamFile, 'Lineups', teamRowSchema)) {
      const lineup = seasonLineup(overall.TEAM_ID, row, teamFile);
      if (!known.has(`${lineup.teamId}:${lineup.playerIds.join('-')}`)) lineups.push(lineup);
    }
  }
  return lineups;
}

function seasonLineup(teamId: number, row: z.output<typeof teamRowSchema>, file: string): SeasonLineup {
  const playerIds = row.GROUP_ID;
  const playerNames = row.GROUP_NAME.split(' - ');
  const ascending = playerIds.every((id, index) => index === 0 || (playerIds[index - 1] ?? 0) < id);
  if (!ascending || playerNames.length !== 5) {
    throw new Error(`${file}: lineup ${row.GROUP_ID.join('-')} is not five ascending ids with five names`);
  }
  return {
    teamId,
    playerIds,
    playerNames,
    box: {
      gp: row.GP,
      w: row.W,
      l: row.L,
      min: row.MIN,
      fgm: row.FGM,
      fga: row.FGA,
      fg3m: row.FG3M,
      fg3a: row.FG3A,
      ftm: row.FTM,
      fta: row.FTA,
      oreb: row.OREB,
      dreb: row.DREB,
      reb: row.REB,
      ast: row.AST,
      tov: row.TOV,
      stl: row.STL,
      blk: row.BLK,
      blka: row.BLKA,
      pf: row.PF,
      pfd: row.PFD,
      pts: row.PTS,
      plusMinus: row.PLUS_MINUS,
    },
  };
}
