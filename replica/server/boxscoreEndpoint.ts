// `/api/stats/boxscore?gameId=…&measureType=Traditional`: the live box score of one final game —
// every roster player of both teams with status, reasons for not playing, order, starter, on court
// and played flags and his statistics (legacyBoxScore), under the game's schedule facts. Only the
// Traditional measure is served; a game that is unknown or not final is a 404 (oneGameEndpoint).

import { legacyBoxScore } from '../generators/legacyBoxScore.ts';
import { attendanceOf, gameDurationMinutes } from '../generators/legacyGameFacts.ts';
import { oneGameEndpoint } from './endpoint.ts';
import { BOXSCORE_PATH } from './endpointKeys.ts';
import { finalStatusText } from './gameProgress.ts';
import { easternOffsetHours, gameCode, gameTimes } from './gameTimes.ts';
import { addError, jsonReply } from './reply.ts';

export const boxscoreEndpoint = oneGameEndpoint({
  path: BOXSCORE_PATH,
  checkParams(params, errors) {
    const measureType = params.get('measureType');
    if (measureType !== undefined && measureType !== 'Traditional')
      addError(errors, 'measureType', `the replica serves measureType=Traditional only, not ${measureType}`);
  },
  serve(game, request, context) {
    const { season } = context;
    const { homeTeam, awayTeam } = legacyBoxScore(season, game, context.state.seedOf(game));
    const times = gameTimes(game);
    const arena = season.teamsById.get(game.home.teamId)?.arena;
    const { attendance, sellout } = attendanceOf(game);
    const meta = { version: 1, code: 200, request: request.url, time: context.now().toISOString() };
    const boxScore = {
      gameId: game.id,
      gameTimeUTC: times.gameDateTimeUTC,
      // Eastern time with its offset, as upstream writes it: 2025-10-21T19:30:00-04:00.
      gameEt: times.gameDateTimeEst.replace('Z', `-0${easternOffsetHours(game.date)}:00`),
      duration: gameDurationMinutes(game),
      gameCode: gameCode(
        game,
        season.teamsById.get(game.away.teamId),
        season.teamsById.get(game.home.teamId),
      ),
      // Served only once final.
      gameStatusText: finalStatusText(game),
      gameStatus: 3,
      regulationPeriods: 4,
      period: game.periods,
      gameClock: 'PT00M00.00S',
      attendance,
      sellout: sellout ? '1' : '0',
      arena: { arenaName: arena?.name ?? '', arenaCity: arena?.city ?? '', arenaState: arena?.state ?? '' },
      officials: [],
      homeTeam,
      awayTeam,
    };
    return jsonReply(200, { meta, game: boxScore }, homeTeam.players.length + awayTeam.players.length);
  },
});
