// Names of the replica's endpoints, used for fixtures folders, fault and cap configuration, and
// stats: the path after `/api/` with `/` turned into `-`, plus `-<EventType>` or `-<MeasureType>` on
// the Query Tool's per-game endpoints (e.g. `querytool-event-player-FieldGoals`).
import { PLAYER_EVENT_GENERATORS } from '../generators/eventTypes.ts';
import { GAME_PLAYER_GENERATORS } from '../generators/measureTypes.ts';

export const EVENT_PLAYER_PATH = '/api/querytool/event/player';
export const GAME_PLAYER_PATH = '/api/querytool/game/player';

export const ENDPOINT_PATHS = [
  EVENT_PLAYER_PATH,
  GAME_PLAYER_PATH,
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

const kindKeys = (path: string, generators: object) =>
  Object.keys(generators).map((kind) => `${pathKey(path)}-${kind}`);

/** Every key configuration may name: path keys, and path + event or measure type on the Query Tool. */
export const ENDPOINT_KEYS: readonly string[] = [
  ...ENDPOINT_PATHS.map(pathKey),
  ...kindKeys(EVENT_PLAYER_PATH, PLAYER_EVENT_GENERATORS),
  ...kindKeys(GAME_PLAYER_PATH, GAME_PLAYER_GENERATORS),
];

/** Configuration lookup order for a request: its exact key, then its path key, then `*` (any endpoint). */
export function keyCandidates(endpointKey: string, path: string): string[] {
  const byPath = pathKey(path);
  return endpointKey === byPath ? [endpointKey, '*'] : [endpointKey, byPath, '*'];
}
