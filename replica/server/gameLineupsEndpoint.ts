// `/api/querytool/game/lineups`: the 5-man lineups of each requested final game (both teams), for
// MeasureType Base or Advanced, on the shared Query Tool machinery (parameters, fixtures, caps and
// the cost model: Advanced over more than 100 games times out with a 504 by default).
import { GAME_LINEUP_GENERATORS } from '../generators/lineupMeasures.ts';
import { GAME_LINEUPS_PATH } from './endpointKeys.ts';
import type { QueryParams } from './queryParams.ts';
import { queryToolEndpoint } from './queryToolEndpoint.ts';
import { addError, type FieldErrors } from './reply.ts';

/** Upstream takes 2 to 5 players per lineup; the replica has 5-man lineups only. */
export function checkLineupQuantity(params: QueryParams, errors: FieldErrors): void {
  const quantity = params.get('LineupQuantity');
  if (quantity === undefined) addError(errors, 'LineupQuantity', 'LineupQuantity is required');
  else if (!['2', '3', '4', '5'].includes(quantity))
    addError(errors, 'LineupQuantity', 'LineupQuantity is 2 to 5');
  else if (quantity !== '5') addError(errors, 'LineupQuantity', 'the replica serves LineupQuantity=5 only');
  if (params.get('Measures') !== undefined)
    addError(errors, 'Measures', 'the replica serves MeasureType only, not Measures');
}

export const gameLineupsEndpoint = queryToolEndpoint({
  path: GAME_LINEUPS_PATH,
  rowsKey: 'lineups',
  kindParam: 'MeasureType',
  generators: GAME_LINEUP_GENERATORS,
  checkParams: checkLineupQuantity,
});
