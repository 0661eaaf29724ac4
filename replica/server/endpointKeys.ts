// Names of the replica's endpoints, used for fixtures folders, fault and cap configuration, and
// stats: the path after `/api/` with `/` turned into `-`, plus `-<EventType>` or `-<MeasureType>` on
// the Query Tool's per-game endpoints (e.g. `querytool-event-player-FieldGoals`). The hustle XML
// files, whose names carry the game id, are `hustlestats-box` and `hustlestats-events`; their
// folder's key, `hustlestats`, names both.
import { PLAYER_EVENT_GENERATORS } from '../generators/eventTypes.ts';
import { GAME_LINEUP_GENERATORS } from '../generators/lineupMeasures.ts';
import { GAME_PLAYER_GENERATORS, GAME_TEAM_GENERATORS } from '../generators/measureTypes.ts';

export const EVENT_PLAYER_PATH = '/api/querytool/event/player';
export const GAME_PLAYER_PATH = '/api/querytool/game/player';
export const GAME_TEAM_PATH = '/api/querytool/game/team';
export const GAME_LINEUPS_PATH = '/api/querytool/game/lineups';
export const SEASON_LINEUPS_PATH = '/api/querytool/season/lineups';
export const BOXSCORE_PATH = '/api/stats/boxscore';
export const PBP_PATH = '/api/stats/pbp';
export const POC_PATH = '/api/stats/poc';
/** The folder of the hustle XML files (`/{gameId}_hustlestats.xml`, `/{gameId}_HustleStatsGameEvents.xml`). */
export const HUSTLE_PATH = '/api/hustlestats';
export const HUSTLE_FEED_KEYS = { box: 'hustlestats-box', events: 'hustlestats-events' } as const;

export const ENDPOINT_PATHS = [
  EVENT_PLAYER_PATH,
  GAME_PLAYER_PATH,
  '/api/schedule/full',
  '/api/scores/scoreboard/date',
  '/api/stats/team/index',
  '/api/stats/player/index',
  GAME_TEAM_PATH,
  GAME_LINEUPS_PATH,
  SEASON_LINEUPS_PATH,
  '/api/stats/player',
  '/api/stats/team',
  BOXSCORE_PATH,
  PBP_PATH,
  POC_PATH,
  HUSTLE_PATH,
] as const;

export type EndpointPath = (typeof ENDPOINT_PATHS)[number];

/** `/api/schedule/full` → `schedule-full`. */
export function pathKey(path: string): string {
  return path.replace(/^\/api\//, '').replaceAll('/', '-');
}

const kindKeys = (path: string, generators: object) =>
  Object.keys(generators).map((kind) => `${pathKey(path)}-${kind}`);

/**
 * Every key configuration may name: path keys, path + event or measure type on the Query Tool, and
 * the two hustle feeds.
 */
export const ENDPOINT_KEYS: readonly string[] = [
  ...ENDPOINT_PATHS.map(pathKey),
  ...kindKeys(EVENT_PLAYER_PATH, PLAYER_EVENT_GENERATORS),
  ...kindKeys(GAME_PLAYER_PATH, GAME_PLAYER_GENERATORS),
  ...kindKeys(GAME_TEAM_PATH, GAME_TEAM_GENERATORS),
  ...kindKeys(GAME_LINEUPS_PATH, GAME_LINEUP_GENERATORS),
  // Season lineups serve the same measure types as game lineups.
  ...kindKeys(SEASON_LINEUPS_PATH, GAME_LINEUP_GENERATORS),
  ...Object.values(HUSTLE_FEED_KEYS),
];

/** Configuration lookup order for a request: its exact key, then its path key, then `*` (any endpoint). */
export function keyCandidates(endpointKey: string, path: string): string[] {
  const byPath = pathKey(path);
  return endpointKey === byPath ? [endpointKey, '*'] : [endpointKey, byPath, '*'];
}
