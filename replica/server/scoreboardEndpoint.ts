// `/api/scores/scoreboard/date?leagueId=00&gameDate=YYYY-MM-DD`: the games of one (Eastern) date in
// the scoreboardv3 shape, as they stand at the request's instant: status, period and clock, and line
// scores that add up to the score (a game held live keeps showing live here after it is final).
import type { Game } from '../skeleton.ts';
import { bodyFixture, type Endpoint, type EndpointContext } from './endpoint.ts';
import { gameTeam } from './gameTeams.ts';
import { gameCode, gameTimes } from './gameTimes.ts';
import { addError, errorReply, type FieldErrors, jsonReply } from './reply.ts';

const PATH = '/api/scores/scoreboard/date';

export const scoreboardEndpoint: Endpoint = {
  path: PATH,
  keyOf: () => 'scores-scoreboard-date',
  async handle(request, context) {
    const errors: FieldErrors = {};
    const leagueId = request.params.get('leagueId');
    const gameDate = request.params.get('gameDate');
    if (leagueId === undefined) addError(errors, 'leagueId', 'leagueId is required');
    if (gameDate === undefined) addError(errors, 'gameDate', 'gameDate is required');
    else if (!isCalendarDate(gameDate)) addError(errors, 'gameDate', 'gameDate is a date written YYYY-MM-DD');
    if (leagueId === undefined || gameDate === undefined || Object.keys(errors).length > 0) {
      return errorReply(400, errors);
    }
    const override = await bodyFixture(context, request.endpointKey, gameDate);
    if (override) return override;
    const { skeleton } = context.season;
    const games = leagueId === skeleton.leagueId ? (context.season.gamesByDate.get(gameDate) ?? []) : [];
    const ordered = [...games].sort(
      (a, b) => gameTimes(a).tipOffMinutes - gameTimes(b).tipOffMinutes || a.id.localeCompare(b.id),
    );
    const meta = { version: 1, request: request.url, time: context.now().toISOString() };
    const scoreboard = {
      gameDate,
      leagueId,
      leagueName: 'National Basketball Association',
      games: ordered.map((game) => scoreboardGame(game, context)),
    };
    return jsonReply(200, { meta, scoreboard }, ordered.length);
  },
};

function scoreboardGame(game: Game, context: EndpointContext) {
  const { season } = context;
  const times = gameTimes(game);
  const shown = context.state.shown(game, 'scoreboard');
  const team = (side: Game['home'], periods: number[]) => ({
    ...gameTeam(season, game, side, shown),
    inBonus: null,
    timeoutsRemaining: 0,
    periods: periods.map((score, index) => ({
      period: index + 1,
      periodType: index < 4 ? 'REGULAR' : 'OVERTIME',
      score,
    })),
  });
  return {
    gameId: game.id,
    gameCode: gameCode(game, season.teamsById.get(game.away.teamId), season.teamsById.get(game.home.teamId)),
    gameStatus: shown.status,
    gameStatusText: shown.statusText,
    period: shown.period,
    gameClock: shown.gameClock,
    gameTimeUTC: times.gameDateTimeUTC,
    gameEt: times.gameDateTimeEst,
    regulationPeriods: 4,
    seriesGameNumber: '',
    gameLabel: '',
    gameSubLabel: '',
    seriesText: '',
    ifNecessary: false,
    seriesConference: '',
    poRoundDesc: '',
    gameSubtype: '',
    isNeutral: game.neutralSite,
    homeTeam: team(game.home, shown.periods.home),
    awayTeam: team(game.away, shown.periods.away),
  };
}

function isCalendarDate(value: string): boolean {
  if (!/^\d{4}-\d{2}-\d{2}$/.test(value)) return false;
  const parsed = new Date(`${value}T00:00:00Z`);
  return !Number.isNaN(parsed.getTime()) && parsed.toISOString().startsWith(value);
}
