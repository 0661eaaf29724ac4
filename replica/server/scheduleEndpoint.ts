// `/api/schedule/full?leagueId=00&season=2025-26`: every game of the season grouped by date, in the
// scheduleLeagueV2 shape (`leagueSchedule.gameDates[].games[]`, plus `weeks`), each game's status
// and score as they stand at the request's instant. Another season or league is an empty schedule,
// not an error.

import { addDays } from '../../src/streams/leagueDay.ts';
import type { Game } from '../skeleton.ts';
import { bodyFixture, type Endpoint, type EndpointContext } from './endpoint.ts';
import { gameTeam } from './gameTeams.ts';
import { gameCode, gameTimes, weekNumber } from './gameTimes.ts';
import { addError, errorReply, type FieldErrors, jsonReply } from './reply.ts';

const PATH = '/api/schedule/full';
const WEEKDAYS = ['Sun', 'Mon', 'Tue', 'Wed', 'Thu', 'Fri', 'Sat'];

export const scheduleEndpoint: Endpoint = {
  path: PATH,
  keyOf: () => 'schedule-full',
  async handle(request, context) {
    const errors: FieldErrors = {};
    const leagueId = request.params.get('leagueId');
    const seasonLabel = request.params.get('season');
    if (leagueId === undefined) addError(errors, 'leagueId', 'leagueId is required');
    if (seasonLabel === undefined) addError(errors, 'season', 'season is required');
    if (leagueId === undefined || seasonLabel === undefined) return errorReply(400, errors);
    const override = await bodyFixture(context, request.endpointKey, seasonLabel);
    if (override) return override;
    const { season } = context;
    const known = leagueId === season.skeleton.leagueId && seasonLabel === season.skeleton.season;
    const games = known ? season.skeleton.games : [];
    const meta = { version: 1, request: request.url, time: context.now().toISOString() };
    const leagueSchedule = {
      seasonYear: seasonLabel,
      leagueId,
      gameDates: scheduleDates(context, games),
      weeks: scheduleWeeks(games),
    };
    return jsonReply(200, { meta, leagueSchedule }, games.length);
  },
};

function scheduleDates(context: EndpointContext, games: readonly Game[]) {
  const opening = games[0]?.date ?? '';
  const byDate = new Map<string, Game[]>();
  for (const game of games) {
    const dayGames = byDate.get(game.date) ?? [];
    dayGames.push(game);
    byDate.set(game.date, dayGames);
  }
  return [...byDate.entries()]
    .sort(([a], [b]) => a.localeCompare(b))
    .map(([date, dayGames]) => {
      const [year, month, day] = date.split('-');
      const ordered = dayGames
        .map((game) => ({ game, times: gameTimes(game) }))
        .sort((a, b) => a.times.tipOffMinutes - b.times.tipOffMinutes || a.game.id.localeCompare(b.game.id));
      return {
        gameDate: `${month}/${day}/${year} 00:00:00`,
        games: ordered.map(({ game, times }, index) =>
          scheduleGame(context, game, times, index + 1, opening),
        ),
      };
    });
}

function scheduleGame(
  context: EndpointContext,
  game: Game,
  times: ReturnType<typeof gameTimes>,
  sequence: number,
  opening: string,
) {
  const { season } = context;
  const shown = context.state.shown(game, 'schedule');
  const home = season.teamsById.get(game.home.teamId);
  const away = season.teamsById.get(game.away.teamId);
  // The listed home arena is unknown for neutral-site games (Mexico City, Berlin, Las Vegas...).
  const arena = game.neutralSite ? null : home?.arena;
  const week = weekNumber(opening, game.date);
  return {
    gameId: game.id,
    gameCode: gameCode(game, away, home),
    gameStatus: shown.status,
    gameStatusText: shown.statusText,
    gameSequence: sequence,
    gameDateEst: times.gameDateEst,
    gameTimeEst: times.gameTimeEst,
    gameDateTimeEst: times.gameDateTimeEst,
    gameDateUTC: times.gameDateUTC,
    gameTimeUTC: times.gameTimeUTC,
    gameDateTimeUTC: times.gameDateTimeUTC,
    day: WEEKDAYS[new Date(`${game.date}T00:00:00Z`).getUTCDay()],
    monthNum: Number(game.date.slice(5, 7)),
    weekNumber: week,
    weekName: `Week ${week}`,
    ifNecessary: false,
    seriesGameNumber: '',
    gameLabel: '',
    gameSubLabel: '',
    seriesText: '',
    arenaName: arena?.name ?? '',
    arenaState: arena?.state ?? '',
    arenaCity: arena?.city ?? '',
    postponedStatus: 'A',
    branchLink: '',
    gameSubtype: '',
    isNeutral: game.neutralSite,
    homeTeam: gameTeam(season, game, game.home, shown),
    awayTeam: gameTeam(season, game, game.away, shown),
    pointsLeaders: [],
  };
}

function scheduleWeeks(games: readonly Game[]) {
  const opening = games[0]?.date;
  if (opening === undefined) return [];
  // Skeleton games are in date order.
  const last = games.at(-1)?.date ?? opening;
  const weeks: Array<{ weekNumber: number; weekName: string; startDate: string; endDate: string }> = [];
  for (let start = opening; start <= last; ) {
    const number = weekNumber(opening, start);
    let end = start;
    while (weekNumber(opening, addDays(end, 1)) === number) end = addDays(end, 1);
    weeks.push({
      weekNumber: number,
      weekName: `Week ${number}`,
      startDate: `${start}T00:00:00Z`,
      endDate: `${end}T00:00:00Z`,
    });
    start = addDays(end, 1);
  }
  return weeks;
}
