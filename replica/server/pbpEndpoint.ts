// `/api/stats/pbp?gameId=…`: the live play-by-play of one final game, `{ meta, game: { gameId,
// actions } }` (legacyPlayByPlay), its wall-clock times counted from the game's tip-off. A game that
// is unknown or not final is a 404 (oneGameEndpoint).
import { playByPlayActions } from '../generators/legacyPlayByPlay.ts';
import { oneGameEndpoint } from './endpoint.ts';
import { PBP_PATH } from './endpointKeys.ts';
import { gameTimes } from './gameTimes.ts';
import { jsonReply } from './reply.ts';

export const pbpEndpoint = oneGameEndpoint({
  path: PBP_PATH,
  serve(game, request, context) {
    const tipOff = Date.parse(gameTimes(game).gameDateTimeUTC);
    const actions = playByPlayActions(context.season, game, context.state.seedOf(game), tipOff);
    const meta = { version: 1, code: 200, request: request.url, time: context.now().toISOString() };
    return jsonReply(200, { meta, game: { gameId: game.id, actions } }, actions.length);
  },
});
