// `/api/querytool/game/team`: one row per team in each requested final game (two per game), for one
// MeasureType (Advanced, Violations), on the shared Query Tool machinery (parameters, fixtures, caps).
// Upstream takes no TeamGrouping here; the replica ignores one if sent, as it ignores other extras.
import { GAME_TEAM_GENERATORS } from '../generators/measureTypes.ts';
import { GAME_TEAM_PATH } from './endpointKeys.ts';
import { queryToolEndpoint } from './queryToolEndpoint.ts';
import { addError } from './reply.ts';

export const gameTeamEndpoint = queryToolEndpoint({
  path: GAME_TEAM_PATH,
  rowsKey: 'teams',
  kindParam: 'MeasureType',
  generators: GAME_TEAM_GENERATORS,
  checkParams(params, errors) {
    if (params.get('Measures') !== undefined)
      addError(errors, 'Measures', 'the replica serves MeasureType only, not Measures');
  },
});
