// The scoreboard of one league day (`/api/scores/scoreboard/date`): which games are scheduled,
// live or final right now. Parsed at the boundary into the statuses the daemon acts on and the
// `nba.games` rows that record them (postponements included).
import { z } from 'zod';
import { type GameId, gameIdSchema, seasonTypeOf } from '../gameId.ts';
import { seasonOfGameId } from './leagueDay.ts';
import type { ScheduledGame } from './reference.ts';

const text = z.string().nullish();
const boardTeam = z.object({ teamId: z.number().int(), score: z.number().int().nullish() });
const boardGame = z.object({
  gameId: gameIdSchema,
  gameCode: text,
  gameStatus: z.number().int().min(1).max(3),
  gameStatusText: text,
  gameTimeUTC: text,
  homeTeam: boardTeam,
  awayTeam: boardTeam,
});
export const scoreboardSchema = z.object({
  scoreboard: z.object({ gameDate: z.string(), leagueId: text, games: z.array(boardGame) }),
});
export type Scoreboard = z.output<typeof scoreboardSchema>;

export const GAME_STATUS = { scheduled: 1, live: 2, final: 3 } as const;

/** A game as one day's scoreboard shows it. */
export interface BoardGame {
  readonly gameId: GameId;
  readonly gameDate: string;
  readonly status: number;
  readonly statusText: string | null;
  /** Tip-off, when the scoreboard gives it. */
  readonly tipOff: Date | null;
  readonly homeTeamId: number;
  readonly awayTeamId: number;
  readonly homeScore: number | null;
  readonly awayScore: number | null;
  readonly gameCode: string | null;
}

export function boardGames(board: Scoreboard): BoardGame[] {
  const { gameDate } = board.scoreboard;
  return board.scoreboard.games.map((game) => {
    const tipOff = game.gameTimeUTC ? new Date(game.gameTimeUTC) : null;
    const final = game.gameStatus === GAME_STATUS.final;
    return {
      gameId: game.gameId,
      gameDate,
      status: game.gameStatus,
      statusText: game.gameStatusText || null,
      tipOff: tipOff && !Number.isNaN(tipOff.getTime()) ? tipOff : null,
      homeTeamId: game.homeTeam.teamId,
      awayTeamId: game.awayTeam.teamId,
      homeScore: final ? (game.homeTeam.score ?? null) : null,
      awayScore: final ? (game.awayTeam.score ?? null) : null,
      gameCode: game.gameCode || null,
    };
  });
}

/** Postponed and cancelled games keep status 1 and say so in their status text (SPEC §2). */
export function isCalledOff(game: Pick<BoardGame, 'status' | 'statusText'>): boolean {
  return game.status === GAME_STATUS.scheduled && /^(ppd|postponed|cancel+ed)\b/i.test(game.statusText ?? '');
}

/**
 * `nba.games` rows for the scoreboard's games, in the columns of `gamesTable`; what the scoreboard
 * does not say is NULL, which the merge never writes over a known value.
 */
export function boardRows(games: readonly BoardGame[], leagueId: string): unknown[][] {
  return games.map((game) => {
    const season = seasonOfGameId(game.gameId);
    return [
      game.gameId,
      leagueId,
      Number(season.slice(0, 4)),
      season,
      seasonTypeOf(game.gameId),
      game.gameDate,
      game.gameCode,
      game.status,
      game.statusText,
      game.tipOff?.toISOString() ?? null,
      game.homeTeamId,
      game.awayTeamId,
      game.homeScore,
      game.awayScore,
      ...Array.from({ length: 7 }, () => null),
    ];
  });
}

/**
 * The schedule's games with the statuses the scoreboards report now. A status only moves forward
 * (scheduled, live, final), so the further of the two wins: a scoreboard that still shows a game
 * live which the schedule already has final does not hold it back.
 */
export function withBoardStatuses(
  games: readonly ScheduledGame[],
  boards: readonly BoardGame[],
): ScheduledGame[] {
  const status = new Map(boards.map((game) => [game.gameId as string, game.status]));
  return games.map((game) => {
    const now = Math.max(status.get(game.gameId) ?? game.status, game.status);
    return now === game.status ? game : { ...game, status: now };
  });
}
