// `/api/querytool/game/player`: one row per player who played in each requested game, for one
// MeasureType (Tracking, Base, Advanced, Defensive, Violations), on the shared Query Tool machinery
// (parameters, fixtures, caps).

import { GAME_PLAYER_GENERATORS } from '../generators/measureTypes.ts';
import { GAME_PLAYER_PATH } from './endpointKeys.ts';
import { queryToolEndpoint } from './queryToolEndpoint.ts';
import { addError } from './reply.ts';

export const gamePlayerEndpoint = queryToolEndpoint({
  path: GAME_PLAYER_PATH,
  rowsKey: 'players',
  kindParam: 'MeasureType',
  generators: GAME_PLAYER_GENERATORS,
  checkParams(params, errors) {
    if (params.get('Measures') !== undefined)
      addError(errors, 'Measures', 'the replica serves MeasureType only, not Measures');
  },
});
