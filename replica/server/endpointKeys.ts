// Names of the replica's endpoints, used for fixtures folders, fault and cap configuration, and
// stats: the path after `/api/` with `/` turned into `-`, plus `-<EventType>` on the Query Tool's
// event endpoint (e.g. `querytool-event-player-FieldGoals`).
import { PLAYER_EVENT_GENERATORS } from '../generators/eventTypes.ts';

export const EVENT_PLAYER_PATH = '/api/querytool/event/player';

export const ENDPOINT_PATHS = [
  EVENT_PLAYER_PATH,
  '/api/schedule/full',
  '/api/scores/scoreboard/date',
  '/api/stats/team/index',
  '/api/stats/player/index',
] as const;

export type EndpointPath = (typeof ENDPOINT_PATHS)[number];

/** `/api/schedule/full` → `schedule-full`. */
export function pathKey(path: string): string {
  return path.replace(/^\/api\//, '').replaceAll('/', '-');
}

/** Every key configuration may name: path keys, and path + event type for the event endpoint. */
export const ENDPOINT_KEYS: readonly string[] = [
  ...ENDPOINT_PATHS.map(pathKey),
  ...Object.keys(PLAYER_EVENT_GENERATORS).map((eventType) => `${pathKey(EVENT_PLAYER_PATH)}-${eventType}`),
];

/** Configuration lookup order for a request: its exact key, then its path key, then `*` (any endpoint). */
export function keyCandidates(endpointKey: string, path: string): string[] {
  const byPath = pathKey(path);
  return endpointKey === byPath ? [endpointKey, '*'] : [endpointKey, byPath, '*'];
}
