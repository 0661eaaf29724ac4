// The contract between the server and its endpoints: what a handler receives (the parsed request
// and the replica's read-only context) and what it returns (a Reply value); how a path finds its
// endpoint; and what one-game legacy endpoints share (the game id, fixtures, final games only).
import { GAME_ID_PATTERN } from '../../src/gameId.ts';
import type { SeasonIndex } from '../seasonIndex.ts';
import type { Game } from '../skeleton.ts';
import { pathKey } from './endpointKeys.ts';
import type { FixtureStore } from './fixtures.ts';
import type { ResolvedReplicaOptions } from './options.ts';
import type { QueryParams } from './queryParams.ts';
import { addError, errorReply, type FieldErrors, type Reply, xmlReply } from './reply.ts';
import type { SeasonState } from './seasonTimeline.ts';

export interface EndpointRequest {
  /** Absolute URL as received, echoed in `meta.request`. */
  url: string;
  path: string;
  params: QueryParams;
  endpointKey: string;
}

export interface EndpointContext {
  season: SeasonIndex;
  /** The replica's seed; a game's rows use `state.seedOf(game)` (a correction revises it). */
  seed: number;
  options: ResolvedReplicaOptions;
  fixtures: FixtureStore;
  /** The request's instant (virtual on a clock): `meta.time` and the Date header. */
  now: () => Date;
  /** The season at the request's instant: which games are final, their seeds and their status. */
  state: SeasonState;
}

export interface Endpoint {
  /** The path it answers; for files named by game (pathPattern set), the folder they are in. */
  path: string;
  /** Matches the whole path of a file named by game (the hustle XML feeds), capturing `gameId`. */
  pathPattern?: RegExp;
  /** The endpoint key of a request (adds the event type on the Query Tool). */
  keyOf(params: QueryParams): string;
  handle(request: EndpointRequest, context: EndpointContext): Promise<Reply>;
}

/** Finds a path's endpoint: an exact path first, then the file patterns (case-sensitive, as upstream). */
export function endpointRouter(endpoints: readonly Endpoint[]): (path: string) => Endpoint | undefined {
  const exact = new Map(
    endpoints.filter((endpoint) => !endpoint.pathPattern).map((endpoint) => [endpoint.path, endpoint]),
  );
  const patterned = endpoints.filter((endpoint) => endpoint.pathPattern);
  return (path) => exact.get(path) ?? patterned.find((endpoint) => endpoint.pathPattern?.test(path));
}

/** The game id a file path names, when the endpoint names files by game. */
export function pathGameId(endpoint: Endpoint, path: string): string | undefined {
  return endpoint.pathPattern?.exec(path)?.groups?.gameId;
}

/** How many games a request names (for the stats): the one in its path, or its GameId list. */
export function requestedGameCount(
  endpoint: Endpoint | undefined,
  path: string,
  params: QueryParams,
): number {
  if (endpoint && pathGameId(endpoint, path) !== undefined) return 1;
  return gameIdList(params).length;
}

/** Comma list of game ids as sent, blanks dropped. */
export function gameIdList(params: QueryParams, name = 'GameId'): string[] {
  return (params.get(name) ?? '')
    .split(',')
    .map((id) => id.trim())
    .filter((id) => id !== '');
}

/**
 * A whole-body override, served verbatim with 200: `<key>/<name>.json` for endpoints that are not
 * per game (the name a season or a date) and for one-game legacy calls (a game id), `<key>/<gameId>.xml`
 * for the XML feeds.
 */
export async function bodyFixture(
  context: EndpointContext,
  endpointKey: string,
  name: string,
  extension: 'json' | 'xml' = 'json',
): Promise<Reply | undefined> {
  const body = await context.fixtures.read(endpointKey, `${name}.${extension}`);
  if (body === undefined) return undefined;
  return extension === 'xml' ? xmlReply(200, body) : { status: 200, body, rows: 0 };
}

/** A game of the season that is final now; upstream has no per-game data for any other. */
export function finalGame(context: EndpointContext, gameId: string): Game | undefined {
  const game = context.season.gamesById.get(gameId);
  return game && context.state.isFinal(game) ? game : undefined;
}

export interface OneGameSpec {
  path: string;
  /** Checks of the endpoint's other parameters. */
  checkParams?: (params: QueryParams, errors: FieldErrors) => void;
  /** The answer for a final game of the season. */
  serve(game: Game, request: EndpointRequest, context: EndpointContext): Reply;
}

/**
 * A legacy endpoint answering for one game (`?gameId=`, camelCase): 400 without a well-formed id,
 * the fixture `<key>/<gameId>.json` verbatim when there is one, 404 for a game that is unknown or not
 * final (upstream answers a future game so), else what `serve` makes of the game.
 */
export function oneGameEndpoint(spec: OneGameSpec): Endpoint {
  const key = pathKey(spec.path);
  return {
    path: spec.path,
    keyOf: () => key,
    async handle(request, context) {
      const errors: FieldErrors = {};
      const gameId = request.params.get('gameId');
      if (gameId === undefined) addError(errors, 'gameId', 'gameId is required');
      else if (!GAME_ID_PATTERN.test(gameId))
        addError(errors, 'gameId', 'a game id is 10 digits, e.g. 0022500001');
      spec.checkParams?.(request.params, errors);
      if (gameId === undefined || Object.keys(errors).length > 0) return errorReply(400, errors);
      const override = await bodyFixture(context, request.endpointKey, gameId);
      if (override) return override;
      const game = finalGame(context, gameId);
      if (!game) return errorReply(404, { gameId: [`no data for game ${gameId}`] });
      return spec.serve(game, request, context);
    },
  };
}
