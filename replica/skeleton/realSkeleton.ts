// Builds the skeleton from the real 2025-26 files in the shared data folder: the team game log gives
// games and box totals, the player index and season stats give rosters, smaller files add arenas,
// conferences and slugs. The files are read where they lie; nothing is copied into the repository.
import { existsSync, readFileSync } from 'node:fs';
import { join } from 'node:path';
import { z } from 'zod';
import { readRealLineups } from './realLineups.ts';
import { readResultSet } from './statsResultSet.ts';
import type { Arena, Game, GameSide, Player, PlayerSeason, Skeleton, Team, TeamBox } from './types.ts';

const FILES = {
  gameLog: 'swar__nba_api/season_2025-26/leaguegamelog_team_2025-26_regular_thru_2026-02-21.json',
  teams: 'swar__nba_api/reference/static_teams_nba.csv',
  playerIndex: 'swar__nba_api/reference/playerindex_2025-26.json',
  playerStats: 'swar__nba_api/season_2025-26/leaguedashplayerstats_base_2025-26.json',
  standings: 'swar__nba_api/season_2025-26/leaguestandingsv3_2025-26.json',
  // Arenas: the 2023-24 schedule has name, city and state for every home team; the 2026-02-22
  // scoreboard has the current names of eleven of them (arenas get renamed).
  schedule2023: 'dblackrun__pbpstats/season_2023-24/scheduleleaguev2_2023-24_snapshot_2023-09-16.json',
  scoreboard2026: 'swar__nba_api/season_2025-26/scoreboardv2_2026-02-22.json',
} as const;

const count = z.number().int().min(0);
const gameLogRowSchema = z.object({
  TEAM_ID: z.number().int(),
  GAME_ID: z.string().regex(/^\d{10}$/),
  GAME_DATE: z.string().regex(/^\d{4}-\d{2}-\d{2}$/),
  MATCHUP: z.string(),
  MIN: count,
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
  STL: count,
  BLK: count,
  TOV: count,
  PF: count,
  PTS: count,
});
type GameLogRow = z.output<typeof gameLogRowSchema>;

const text = z
  .string()
  .nullable()
  .transform((value) => value ?? '');
const playerIndexRowSchema = z.object({
  PERSON_ID: z.number().int(),
  PLAYER_LAST_NAME: z.string(),
  PLAYER_FIRST_NAME: z.string(),
  PLAYER_SLUG: z.string(),
  TEAM_ID: z.number().int(),
  JERSEY_NUMBER: text,
  POSITION: text,
  HEIGHT: text,
  WEIGHT: text,
  COLLEGE: text,
  COUNTRY: text,
  DRAFT_YEAR: z.number().int().nullable(),
  DRAFT_ROUND: z.number().int().nullable(),
  DRAFT_NUMBER: z.number().int().nullable(),
  ROSTER_STATUS: z.number().nullable(),
  FROM_YEAR: text,
  TO_YEAR: text,
});

const playerStatsRowSchema = z.object({
  PLAYER_ID: z.number().int(),
  PLAYER_NAME: z.string(),
  TEAM_ID: z.number().int(),
  GP: count,
  MIN: z.number(),
  FGM: count,
  FGA: count,
  FG3M: count,
  FG3A: count,
  AST: count,
});

const standingsRowSchema = z.object({
  TeamID: z.number().int(),
  TeamSlug: z.string(),
  Conference: z.string(),
  Division: z.string(),
});

const scheduleSchema = z.object({
  leagueSchedule: z.object({
    gameDates: z.array(
      z.object({
        games: z.array(
          z.object({
            gameId: z.string(),
            arenaName: z.string(),
            arenaCity: z.string(),
            arenaState: z.string(),
            homeTeam: z.object({ teamId: z.number().int() }),
          }),
        ),
      }),
    ),
  }),
});

const gameHeaderRowSchema = z.object({ HOME_TEAM_ID: z.number().int(), ARENA_NAME: z.string() });

export function loadRealSkeleton(dataDir: string): Skeleton {
  const path = (file: string) => join(dataDir, file);
  for (const file of [FILES.gameLog, FILES.teams, FILES.playerIndex, FILES.playerStats]) {
    if (!existsSync(path(file))) throw new Error(`real data is incomplete: ${path(file)} is missing`);
  }
  const teams = readTeams(path(FILES.teams), readStandings(path(FILES.standings)), readArenas(dataDir));
  const teamIds = new Set(teams.map((team) => team.id));
  const games = readGames(path(FILES.gameLog), teamIds);
  const players = readPlayers(path(FILES.playerIndex), path(FILES.playerStats));
  const lineups = readRealLineups(dataDir);
  return { source: 'real', season: '2025-26', leagueId: '00', teams, players, games, lineups };
}

function readGames(file: string, teamIds: Set<number>): Game[] {
  const rowsByGame = new Map<string, GameLogRow[]>();
  for (const row of readResultSet(file, 'LeagueGameLog', gameLogRowSchema)) {
    if (!teamIds.has(row.TEAM_ID))
      throw new Error(`${file}: game ${row.GAME_ID} has unknown team ${row.TEAM_ID}`);
    const rows = rowsByGame.get(row.GAME_ID) ?? [];
    rows.push(row);
    rowsByGame.set(row.GAME_ID, rows);
  }
  const games: Game[] = [];
  for (const [id, rows] of rowsByGame) {
    const [first, second] = rows;
    if (rows.length !== 2 || !first || !second)
      throw new Error(`${file}: game ${id} has ${rows.length} team rows`);
    // "LAL vs. GSW" is the home row, "GSW @ LAL" the away row. Neutral-site games read "@" on both
    // rows; the file's first row is then taken as the away side.
    const firstIsHome = first.MATCHUP.includes(' vs. ');
    const secondIsHome = second.MATCHUP.includes(' vs. ');
    const neutralSite = firstIsHome === secondIsHome;
    const [home, away] = firstIsHome && !secondIsHome ? [first, second] : [second, first];
    games.push({
      id,
      date: first.GAME_DATE,
      status: 3,
      periods: 4 + Math.max(0, Math.round((first.MIN - 240) / 25)),
      neutralSite,
      home: gameSide(home, file),
      away: gameSide(away, file),
    });
  }
  return games.sort((a, b) => a.date.localeCompare(b.date) || a.id.localeCompare(b.id));
}

function gameSide(row: GameLogRow, file: string): GameSide {
  const box: TeamBox = {
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
    stl: row.STL,
    blk: row.BLK,
    tov: row.TOV,
    pf: row.PF,
    pts: row.PTS,
  };
  const twosMade = box.fgm - box.fg3m;
  const twosTaken = box.fga - box.fg3a;
  if (
    box.fgm > box.fga ||
    box.fg3a > box.fga ||
    box.fg3m > box.fg3a ||
    twosMade < 0 ||
    twosMade > twosTaken
  ) {
    throw new Error(`${file}: game ${row.GAME_ID} team ${row.TEAM_ID} has inconsistent field-goal totals`);
  }
  return { teamId: row.TEAM_ID, score: row.PTS, box };
}

interface Standing {
  slug: string;
  conference: string;
  division: string;
}

function readStandings(file: string): Map<number, Standing> {
  if (!existsSync(file)) return new Map();
  return new Map(
    readResultSet(file, 'Standings', standingsRowSchema).map((row) => [
      row.TeamID,
      { slug: row.TeamSlug, conference: row.Conference, division: row.Division },
    ]),
  );
}

function readArenas(dataDir: string): Map<number, Arena> {
  const arenas = new Map<number, Arena>();
  const scheduleFile = join(dataDir, FILES.schedule2023);
  if (existsSync(scheduleFile)) {
    const schedule = scheduleSchema.parse(JSON.parse(readFileSync(scheduleFile, 'utf8')));
    // The arena a team used most for regular-season home games (skips Paris, Mexico City...).
    const tallies = new Map<number, Map<string, { arena: Arena; games: number }>>();
    for (const gameDate of schedule.leagueSchedule.gameDates) {
      for (const game of gameDate.games) {
        if (game.gameId.charAt(2) !== '2') continue;
        const arena = { name: game.arenaName, city: game.arenaCity, state: game.arenaState };
        const byName = tallies.get(game.homeTeam.teamId) ?? new Map();
        const tally = byName.get(arena.name) ?? { arena, games: 0 };
        tally.games += 1;
        byName.set(arena.name, tally);
        tallies.set(game.homeTeam.teamId, byName);
      }
    }
    for (const [teamId, byName] of tallies) {
      const [best] = [...byName.values()].sort((a, b) => b.games - a.games);
      if (best) arenas.set(teamId, best.arena);
    }
  }
  const scoreboardFile = join(dataDir, FILES.scoreboard2026);
  if (existsSync(scoreboardFile)) {
    for (const row of readResultSet(scoreboardFile, 'GameHeader', gameHeaderRowSchema)) {
      const known = arenas.get(row.HOME_TEAM_ID);
      if (known) arenas.set(row.HOME_TEAM_ID, { ...known, name: row.ARENA_NAME });
    }
  }
  return arenas;
}

function readTeams(file: string, standings: Map<number, Standing>, arenas: Map<number, Arena>): Team[] {
  const [header, ...lines] = readFileSync(file, 'utf8').trim().split(/\r?\n/);
  const columns = (header ?? '').split(',');
  const at = (cells: string[], name: string) => cells[columns.indexOf(name)] ?? '';
  return lines.map((line) => {
    const cells = line.split(',');
    if (cells.length !== columns.length) throw new Error(`${file}: malformed line "${line}"`);
    const id = Number(at(cells, 'team_id'));
    const nickname = at(cells, 'nickname');
    const standing = standings.get(id);
    return {
      id,
      abbreviation: at(cells, 'abbreviation'),
      city: at(cells, 'city'),
      nickname,
      fullName: at(cells, 'full_name'),
      slug: standing?.slug ?? nickname.toLowerCase().replace(/\s+/g, ''),
      state: at(cells, 'state') || null,
      yearFounded: Number(at(cells, 'year_founded')) || null,
      conference: standing?.conference ?? null,
      division: standing?.division ?? null,
      arena: arenas.get(id) ?? null,
    };
  });
}

function readPlayers(indexFile: string, statsFile: string): Player[] {
  const seasons = new Map<number, { name: string; season: PlayerSeason }>();
  for (const row of readResultSet(statsFile, 'LeagueDashPlayerStats', playerStatsRowSchema)) {
    seasons.set(row.PLAYER_ID, {
      name: row.PLAYER_NAME,
      season: {
        teamId: row.TEAM_ID,
        gp: row.GP,
        min: row.MIN,
        fgm: row.FGM,
        fga: row.FGA,
        fg3m: row.FG3M,
        fg3a: row.FG3A,
        ast: row.AST,
      },
    });
  }
  const players: Player[] = readResultSet(indexFile, 'PlayerIndex', playerIndexRowSchema).map((row) => ({
    id: row.PERSON_ID,
    firstName: row.PLAYER_FIRST_NAME,
    lastName: row.PLAYER_LAST_NAME,
    slug: row.PLAYER_SLUG,
    position: row.POSITION,
    jerseyNum: row.JERSEY_NUMBER,
    height: row.HEIGHT,
    weight: row.WEIGHT,
    country: row.COUNTRY,
    lastAffiliation: row.COLLEGE,
    draftYear: row.DRAFT_YEAR,
    draftRound: row.DRAFT_ROUND,
    draftNumber: row.DRAFT_NUMBER,
    rosterStatus: row.ROSTER_STATUS,
    fromYear: row.FROM_YEAR,
    toYear: row.TO_YEAR,
    teamId: row.TEAM_ID,
    inPlayerIndex: true,
    season: seasons.get(row.PERSON_ID)?.season ?? null,
  }));
  // Players with season stats but no player-index row stay out of the index endpoint, as upstream.
  const indexed = new Set(players.map((player) => player.id));
  for (const [id, { name, season }] of seasons) {
    if (indexed.has(id)) continue;
    const [firstName = '', ...rest] = name.split(' ');
    players.push({
      id,
      firstName,
      lastName: rest.join(' '),
      slug: name.toLowerCase().replace(/[^a-z0-9]+/g, '-'),
      position: '',
      jerseyNum: '',
      height: '',
      weight: '',
      country: '',
      lastAffiliation: '',
      draftYear: null,
      draftRound: null,
      draftNumber: null,
      rosterStatus: null,
      fromYear: '',
      toYear: '',
      teamId: season.teamId,
      inPlayerIndex: false,
      season,
    });
  }
  return players;
}
