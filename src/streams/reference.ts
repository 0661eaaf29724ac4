// Reference data every dataset hangs on: teams, players and the season's games, one call each
// (team index, player index, full schedule), loaded through the same sink before any game data.
import { z } from 'zod';
import { type GameId, gameIdSchema, seasonTypeOf } from '../gameId.ts';
import type { TableSpec } from '../sinks/tableSpec.ts';

const text = z.string().nullish();
const int = z.number().int().nullish();
/** Index endpoints send some numbers as strings ("2020", "9"). */
const looseInt = z
  .union([z.number(), z.string()])
  .nullish()
  .transform((value) => {
    if (value === null || value === undefined || value === '') return null;
    const number = Number(value);
    return Number.isInteger(number) ? number : null;
  });

const teamSchema = z.object({
  teamId: z.number().int().positive(),
  teamCity: text,
  teamName: text,
  teamAbbreviation: text,
  teamTricode: text,
  teamSlug: text,
  conference: text,
  division: text,
  teamState: text,
  homeArena: text,
});
export const teamIndexSchema = z.object({ leagueId: text, teams: z.array(teamSchema) });

const playerSchema = z.object({
  playerId: z.number().int().positive(),
  firstName: text,
  lastName: text,
  name: text,
  playerSlug: text,
  rosterStatus: z.union([z.number(), z.string()]).nullish(),
  position: text,
  jerseyNum: z.union([z.string(), z.number()]).nullish(),
  height: text,
  weight: z.union([z.string(), z.number()]).nullish(),
  country: text,
  lastAffiliation: text,
  draftYear: looseInt,
  draftRound: looseInt,
  draftNumber: looseInt,
  fromYear: looseInt,
  toYear: looseInt,
  teamId: int,
  teamAbbreviation: text,
  teamTricode: text,
});
export const playerIndexSchema = z.object({ leagueId: text, players: z.array(playerSchema) });

const scheduleTeam = z.object({ teamId: z.number().int(), score: int });
const scheduleGame = z.object({
  gameId: gameIdSchema,
  gameCode: text,
  gameStatus: z.number().int().min(1).max(3),
  gameStatusText: text,
  gameDateEst: text,
  gameDateTimeUTC: text,
  weekNumber: int,
  weekName: text,
  gameLabel: text,
  gameSubLabel: text,
  arenaName: text,
  arenaCity: text,
  arenaState: text,
  homeTeam: scheduleTeam,
  awayTeam: scheduleTeam,
});
export const scheduleSchema = z.object({
  leagueSchedule: z.object({
    seasonYear: z.string(),
    leagueId: text,
    gameDates: z.array(z.object({ gameDate: z.string(), games: z.array(scheduleGame) })),
  }),
});

export type TeamIndex = z.output<typeof teamIndexSchema>;
export type PlayerIndex = z.output<typeof playerIndexSchema>;
export type Schedule = z.output<typeof scheduleSchema>;

/** A game as the schedule lists it, with the date it was played (US Eastern league day). */
export interface ScheduledGame {
  readonly gameId: GameId;
  readonly gameDate: string;
  readonly status: number;
  readonly seasonType: string;
  readonly homeTeamId: number;
  readonly awayTeamId: number;
}

/** `gameDateEst` is `2025-10-21T00:00:00Z`; the per-day `gameDate` is `10/21/2025 00:00:00`. */
function leagueDay(game: z.output<typeof scheduleGame>, dayLabel: string): string {
  const est = game.gameDateEst?.slice(0, 10);
  if (est && /^\d{4}-\d{2}-\d{2}$/.test(est)) return est;
  const match = /^(\d{2})\/(\d{2})\/(\d{4})/.exec(dayLabel);
  if (match) return `${match[3]}-${match[1]}-${match[2]}`;
  throw new Error(`schedule game ${game.gameId} has no readable date`);
}

export const teamsTable: TableSpec = {
  table: 'nba.teams',
  columns: [
    { name: 'team_id', type: 'int' },
    { name: 'team_name', type: 'text' },
    { name: 'team_city', type: 'text' },
    { name: 'team_full_name', type: 'text' },
    { name: 'team_tricode', type: 'text' },
    { name: 'team_slug', type: 'text' },
    { name: 'league_id', type: 'text' },
    { name: 'conference', type: 'text' },
    { name: 'division', type: 'text' },
    { name: 'state', type: 'text' },
    { name: 'arena_name', type: 'text' },
    { name: 'is_placeholder', type: 'bool' },
  ],
  key: ['team_id'],
  keepKnownValues: true,
};

export function teamRows(index: TeamIndex, leagueId: string): unknown[][] {
  return index.teams.map((team) => [
    team.teamId,
    team.teamName ?? null,
    team.teamCity ?? null,
    team.teamCity && team.teamName ? `${team.teamCity} ${team.teamName}` : (team.teamName ?? null),
    team.teamTricode ?? team.teamAbbreviation ?? null,
    team.teamSlug ?? null,
    index.leagueId ?? leagueId,
    team.conference ?? null,
    team.division ?? null,
    team.teamState ?? null,
    team.homeArena ?? null,
    false,
  ]);
}

export const playersTable: TableSpec = {
  table: 'nba.players',
  columns: [
    { name: 'nba_id', type: 'int' },
    { name: 'first_name', type: 'text' },
    { name: 'last_name', type: 'text' },
    { name: 'full_name', type: 'text' },
    { name: 'player_slug', type: 'text' },
    { name: 'is_active', type: 'bool' },
    { name: 'position', type: 'text' },
    { name: 'jersey', type: 'text' },
    { name: 'height', type: 'text' },
    { name: 'weight', type: 'text' },
    { name: 'country', type: 'text' },
    { name: 'last_affiliation', type: 'text' },
    { name: 'draft_year', type: 'int' },
    { name: 'draft_round', type: 'int' },
    { name: 'draft_number', type: 'int' },
    { name: 'from_year', type: 'int' },
    { name: 'to_year', type: 'int' },
    { name: 'current_team_id', type: 'int' },
    { name: 'current_team_tricode', type: 'text' },
    { name: 'league_id', type: 'text' },
    { name: 'roster_status', type: 'text' },
    { name: 'is_placeholder', type: 'bool' },
  ],
  key: ['nba_id'],
  keepKnownValues: true,
};

export function playerRows(index: PlayerIndex, leagueId: string): unknown[][] {
  return index.players.map((player) => {
    const rosterStatus =
      player.rosterStatus === null || player.rosterStatus === undefined ? null : Number(player.rosterStatus);
    const fullName = player.name ?? ([player.firstName, player.lastName].filter(Boolean).join(' ') || null);
    return [
      player.playerId,
      player.firstName ?? null,
      player.lastName ?? null,
      fullName,
      player.playerSlug ?? null,
      rosterStatus === null ? null : rosterStatus === 1,
      player.position ?? null,
      player.jerseyNum === null || player.jerseyNum === undefined ? null : String(player.jerseyNum),
      player.height ?? null,
      player.weight === null || player.weight === undefined ? null : String(player.weight),
      player.country ?? null,
      player.lastAffiliation ?? null,
      player.draftYear,
      player.draftRound,
      player.draftNumber,
      player.fromYear,
      player.toYear,
      player.teamId ? player.teamId : null,
      player.teamTricode ?? player.teamAbbreviation ?? null,
      index.leagueId ?? leagueId,
      rosterStatus === null ? null : String(rosterStatus),
      false,
    ];
  });
}

export const gamesTable: TableSpec = {
  table: 'nba.games',
  columns: [
    { name: 'game_id', type: 'text' },
    { name: 'league_id', type: 'text' },
    { name: 'season_year', type: 'int' },
    { name: 'season_label', type: 'text' },
    { name: 'season_type', type: 'text' },
    { name: 'game_date', type: 'date' },
    { name: 'game_code', type: 'text' },
    { name: 'game_status', type: 'int' },
    { name: 'game_status_text', type: 'text' },
    { name: 'game_datetime_utc', type: 'timestamptz' },
    { name: 'home_team_id', type: 'int' },
    { name: 'away_team_id', type: 'int' },
    { name: 'home_score', type: 'int' },
    { name: 'away_score', type: 'int' },
    { name: 'week_number', type: 'int' },
    { name: 'week_name', type: 'text' },
    { name: 'game_label', type: 'text' },
    { name: 'game_sublabel', type: 'text' },
    { name: 'arena_name', type: 'text' },
    { name: 'arena_city', type: 'text' },
    { name: 'arena_state', type: 'text' },
  ],
  key: ['game_id'],
  keepKnownValues: true,
  references: [
    { column: 'home_team_id', table: 'nba.teams', placeholder: { team_name: 'Unknown Team' } },
    { column: 'away_team_id', table: 'nba.teams', placeholder: { team_name: 'Unknown Team' } },
  ],
};

const emptyToNull = (value: string | null | undefined): string | null => (value ? value : null);

/** The schedule's games and their table rows, ordered by date then id (ids are not chronological). */
export function scheduledGames(
  schedule: Schedule,
  leagueId: string,
): { games: ScheduledGame[]; rows: unknown[][] } {
  const { seasonYear } = schedule.leagueSchedule;
  const entries = schedule.leagueSchedule.gameDates.flatMap((day) =>
    day.games.map((game) => ({ game, gameDate: leagueDay(game, day.gameDate) })),
  );
  entries.sort((a, b) => a.gameDate.localeCompare(b.gameDate) || a.game.gameId.localeCompare(b.game.gameId));
  const games: ScheduledGame[] = [];
  const rows: unknown[][] = [];
  for (const { game, gameDate } of entries) {
    const seasonType = seasonTypeOf(game.gameId);
    games.push({
      gameId: game.gameId,
      gameDate,
      status: game.gameStatus,
      seasonType,
      homeTeamId: game.homeTeam.teamId,
      awayTeamId: game.awayTeam.teamId,
    });
    const final = game.gameStatus === 3;
    rows.push([
      game.gameId,
      schedule.leagueSchedule.leagueId ?? leagueId,
      Number(seasonYear.slice(0, 4)),
      seasonYear,
      seasonType,
      gameDate,
      emptyToNull(game.gameCode),
      game.gameStatus,
      emptyToNull(game.gameStatusText),
      emptyToNull(game.gameDateTimeUTC),
      game.homeTeam.teamId,
      game.awayTeam.teamId,
      final ? (game.homeTeam.score ?? null) : null,
      final ? (game.awayTeam.score ?? null) : null,
      game.weekNumber ?? null,
      emptyToNull(game.weekName),
      emptyToNull(game.gameLabel),
      emptyToNull(game.gameSubLabel),
      emptyToNull(game.arenaName),
      emptyToNull(game.arenaCity),
      emptyToNull(game.arenaState),
    ]);
  }
  return { games, rows };
}
