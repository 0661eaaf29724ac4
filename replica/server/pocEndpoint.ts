// `/api/stats/poc?gameId=…`: players on court for one final game, `{ gameId, events: [{ game_id,
// event_Num, playersPlusMinus: [{ team_id, person_id } × 10] }] }` — one event per play-by-play
// action of a team (legacyPlayersOnCourt). A game that is unknown or not final is a 404.
import { playersOnCourtEvents } from '../generators/legacyPlayersOnCourt.ts';
import { oneGameEndpoint } from './endpoint.ts';
import { POC_PATH } from './endpointKeys.ts';
import { jsonReply } from './reply.ts';

export const pocEndpoint = oneGameEndpoint({
  path: POC_PATH,
  serve(game, _request, context) {
    const events = playersOnCourtEvents(context.season, game, context.state.seedOf(game));
    return jsonReply(200, { gameId: game.id, events }, events.length);
  },
});
