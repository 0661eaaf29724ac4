// The data faults: a 200 answer whose body is wrong, made from the real reply in one place for every
// endpoint. Per-game data endpoints (the Query Tool's per-game paths, the one-game legacy endpoints,
// the hustle files) are told apart here, so the server only asks "what does this fault make of it".
import type { Endpoint, EndpointContext, EndpointRequest } from './endpoint.ts';
import { gameIdList, pathGameId } from './endpoint.ts';
import {
  BOXSCORE_PATH,
  EVENT_PLAYER_PATH,
  GAME_LINEUPS_PATH,
  GAME_PLAYER_PATH,
  GAME_TEAM_PATH,
  PBP_PATH,
  POC_PATH,
} from './endpointKeys.ts';
import type { FaultKind } from './faults.ts';
import { QueryParams } from './queryParams.ts';
import { jsonReply, type Reply } from './reply.ts';

const QUERY_TOOL_PER_GAME: ReadonlySet<string> = new Set([
  EVENT_PLAYER_PATH,
  GAME_PLAYER_PATH,
  GAME_TEAM_PATH,
  GAME_LINEUPS_PATH,
]);
const LEGACY_ONE_GAME: ReadonlySet<string> = new Set([BOXSCORE_PATH, PBP_PATH, POC_PATH]);

/** What an error page of a proxy in front of the API looks like, served with 200. */
const HTML_PAGE =
  '<!DOCTYPE html>\n<html><head><title>Service Unavailable</title></head>' +
  '<body><h1>Service Unavailable</h1><p>The server is temporarily unable to service your request.</p></body></html>\n';

/** A renamed key keeps its old name with this suffix: `MIN` → `MIN_V2`. */
const RENAMED_KEY_SUFFIX = '_V2';
const RENAMED_MEASURE = 'MIN';

export interface FaultTarget {
  readonly endpoint: Endpoint;
  readonly request: EndpointRequest;
  readonly context: EndpointContext;
}

/** A per-game request: the games it names and the same request for another game. */
interface PerGame {
  readonly kind: 'queryTool' | 'oneGame';
  readonly requested: readonly string[];
  withGame(gameId: string): EndpointRequest;
}

/**
 * The reply a data fault makes of the real one, or null when the fault does not apply to it (not a
 * 200 answer of a per-game data endpoint; no rows to change): the real reply is then served as is.
 */
export async function faultedReply(
  kind: FaultKind,
  reply: Reply,
  target: FaultTarget,
): Promise<Reply | null> {
  if (kind === 'htmlPage') {
    return { status: 200, body: HTML_PAGE, rows: 0, headers: { 'content-type': 'text/html; charset=utf-8' } };
  }
  const perGame = perGameOf(target.endpoint, target.request);
  if (!perGame || reply.status !== 200) return null;
  switch (kind) {
    case 'emptyBody':
      return { status: 200, body: '{}', rows: 0 };
    case 'foreignGame':
      return foreignGame(reply, perGame, target);
    case 'renamedStatsKey':
      return perGame.kind === 'queryTool' ? renamedStatsKey(reply) : null;
    default:
      return null;
  }
}

function perGameOf(endpoint: Endpoint, request: EndpointRequest): PerGame | null {
  const { path, params, url } = request;
  if (QUERY_TOOL_PER_GAME.has(path)) {
    const requested = gameIdList(params);
    if (requested.length === 0) return null;
    return { kind: 'queryTool', requested, withGame: (gameId) => withParam(request, 'GameId', gameId) };
  }
  if (LEGACY_ONE_GAME.has(path)) {
    const gameId = params.get('gameId');
    if (gameId === undefined) return null;
    return { kind: 'oneGame', requested: [gameId], withGame: (other) => withParam(request, 'gameId', other) };
  }
  const fileGameId = pathGameId(endpoint, path);
  if (fileGameId === undefined) return null;
  return {
    kind: 'oneGame',
    requested: [fileGameId],
    withGame: (other) => {
      const otherPath = path.replace(fileGameId, other);
      return { ...request, path: otherPath, url: url.replace(path, otherPath) };
    },
  };
}

/** The request with one parameter (matched as upstream matches names, without case) set to `value`. */
function withParam(request: EndpointRequest, name: string, value: string): EndpointRequest {
  const url = new URL(request.url);
  const sent = [...url.searchParams.keys()].find((key) => key.toLowerCase() === name.toLowerCase()) ?? name;
  url.searchParams.set(sent, value);
  return { ...request, url: url.toString(), params: new QueryParams(url.searchParams) };
}

/**
 * A Query Tool answer with the rows of the season's first final game that was not requested added;
 * a one-game endpoint answers with that game's payload instead.
 */
async function foreignGame(reply: Reply, perGame: PerGame, target: FaultTarget): Promise<Reply | null> {
  const { context, endpoint } = target;
  const requested = new Set(perGame.requested);
  for (const game of context.season.skeleton.games) {
    if (requested.has(game.id) || !context.state.isFinal(game)) continue;
    const other = await endpoint.handle(perGame.withGame(game.id), context);
    if (other.status !== 200) return null;
    if (perGame.kind === 'oneGame') return other;
    const body = JSON.parse(reply.body) as Record<string, unknown>;
    const rowsKey = rowsKeyOf(body);
    const otherRows =
      rowsKey === undefined ? undefined : (JSON.parse(other.body) as Record<string, unknown>)[rowsKey];
    if (rowsKey === undefined || !Array.isArray(otherRows) || otherRows.length === 0) return null;
    const rows = [...(body[rowsKey] as unknown[]), ...otherRows];
    const meta = { ...(body.meta as Record<string, unknown>), rowsReturned: rows.length };
    return jsonReply(200, { ...body, meta, [rowsKey]: rows }, rows.length);
  }
  return null;
}

/**
 * One measure renamed in every row's `stats`, as a new API version might: `MIN` where the row has it
 * (nearly every measure type does), else the row's first key (`FGM` on field goals).
 */
function renamedStatsKey(reply: Reply): Reply | null {
  const body = JSON.parse(reply.body) as Record<string, unknown>;
  const rowsKey = rowsKeyOf(body);
  if (rowsKey === undefined) return null;
  let renamed = 0;
  const rows = (body[rowsKey] as unknown[]).map((row) => {
    const stats = (row as { stats?: unknown }).stats;
    if (typeof stats !== 'object' || stats === null) return row;
    const keys = Object.keys(stats);
    const first = keys.includes(RENAMED_MEASURE) ? RENAMED_MEASURE : keys[0];
    if (first === undefined) return row;
    renamed += 1;
    const entries = Object.entries(stats).map(([key, value]) =>
      key === first ? [`${key}${RENAMED_KEY_SUFFIX}`, value] : [key, value],
    );
    return { ...(row as object), stats: Object.fromEntries(entries) };
  });
  if (renamed === 0) return null;
  return {
    ...jsonReply(200, { ...body, [rowsKey]: rows }, reply.rows),
    ...(reply.headers ? { headers: reply.headers } : {}),
  };
}

/** The envelope's rows key: its one array besides `meta`. */
function rowsKeyOf(body: Record<string, unknown>): string | undefined {
  return Object.keys(body).find((key) => key !== 'meta' && Array.isArray(body[key]));
}
