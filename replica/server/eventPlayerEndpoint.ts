// `/api/querytool/event/player`: player event rows (FieldGoals, TrackingShots and the event streams:
// passes, defensive events, drives, isolations, post-ups) for a comma list of game ids. Parameters,
// fixtures and row caps are the shared Query Tool machinery's; this adds the event endpoint's own
// rules (PerMode, no `Events=`).

import { PLAYER_EVENT_GENERATORS } from '../generators/eventTypes.ts';
import { EVENT_PLAYER_PATH } from './endpointKeys.ts';
import { queryToolEndpoint } from './queryToolEndpoint.ts';
import { addError } from './reply.ts';

const PER_MODES = ['Totals', 'PerGame'];

export const eventPlayerEndpoint = queryToolEndpoint({
  path: EVENT_PLAYER_PATH,
  rowsKey: 'players',
  kindParam: 'EventType',
  generators: PLAYER_EVENT_GENERATORS,
  checkParams(params, errors) {
    const perMode = params.get('PerMode');
    if (perMode !== undefined && !PER_MODES.includes(perMode)) {
      addError(errors, 'PerMode', `PerMode must be one of ${PER_MODES.join(', ')} on event endpoints`);
    }
    if (params.get('Events') !== undefined)
      addError(errors, 'Events', 'the replica serves EventType only, not Events');
  },
});
