// The machinery the replica's Query Tool endpoints share: the common parameters and their 400s, the
// kind parameter (one EventType or MeasureType), MaxRowsReturned and upstream's row caps — 400 above
// the hard cap, silent truncation at the effective cap (the first `cap` rows, meta.rowsReturned ==
// cap) — and the `{ meta, <rowsKey>: [...] }` envelope. `queryToolEndpoint` builds a per-game
// endpoint on it: one generator per kind, per-game fixtures and the cost model (a query over more
// games than the endpoint key's cost limit times out upstream: 504).

import { type GameId, seasonTypeOf } from '../../src/gameId.ts';
import type { SeasonIndex } from '../seasonIndex.ts';
import type { Game } from '../skeleton.ts';
import { type Endpoint, type EndpointContext, type EndpointRequest, gameIdList } from './endpoint.ts';
import { keyCandidates, pathKey } from './endpointKeys.ts';
import type { QueryParams } from './queryParams.ts';
import { addError, errorReply, type FieldErrors, jsonReply, type Reply } from './reply.ts';

/** Rows of one final game for one EventType or MeasureType; pure in (season, game, seed), the seed
 * the game's own (`state.seedOf`). */
export type GameRowGenerator = (season: SeasonIndex, game: Game, seed: number) => readonly unknown[];

/** What names a Query Tool endpoint's requests: its path and the parameter that picks a kind. */
export interface QueryToolKinds {
  readonly path: string;
  /** The parameter that picks what is served, e.g. `EventType` or `MeasureType`. */
  readonly kindParam: 'EventType' | 'MeasureType';
  readonly kinds: readonly string[];
}

export interface QueryToolEndpointSpec {
  readonly path: string;
  readonly rowsKey: string;
  readonly kindParam: 'EventType' | 'MeasureType';
  readonly generators: Readonly<Record<string, GameRowGenerator>>;
  /** Checks of the endpoint's own parameters, run after the common ones. */
  readonly checkParams?: (params: QueryParams, errors: FieldErrors) => void;
}

/** The parameters every Query Tool endpoint reads. */
export interface QueryToolScope {
  readonly leagueId: string;
  readonly seasonYear: string;
  readonly seasonType: string;
  readonly kind: string;
  /** Undefined when MaxRowsReturned is omitted: the endpoint's default cap applies. */
  readonly maxRows: number | undefined;
}

/** Rows a Query Tool endpoint returns when MaxRowsReturned is omitted, unless configured otherwise. */
export const BUILT_IN_DEFAULT_CAP = 10000;
const SEASON_TYPES = ['Pre Season', 'Regular Season', 'All Star', 'Playoffs', 'PlayIn', 'NBA Cup'];
/** Several values at once go through the plural parameter; a comma in the singular one is a 400. */
const PLURAL_OF = { EventType: 'Events', MeasureType: 'Measures' } as const;

/** `<path key>-<kind>` for a kind the endpoint serves, the path key otherwise. */
export function queryToolKeyOf(spec: QueryToolKinds, params: QueryParams): string {
  const kind = params.get(spec.kindParam);
  return kind !== undefined && spec.kinds.includes(kind)
    ? `${pathKey(spec.path)}-${kind}`
    : pathKey(spec.path);
}

/**
 * LeagueId, SeasonYear, SeasonType, the kind and MaxRowsReturned; each problem is added to `errors`
 * (the endpoint's own `checkParams` run in between, so every 400 lists all that is wrong). Undefined
 * when the kind is missing or not served; the caller answers 400 whenever `errors` is not empty.
 */
export function parseQueryToolScope(
  spec: QueryToolKinds,
  params: QueryParams,
  context: EndpointContext,
  errors: FieldErrors,
  checkParams?: (params: QueryParams, errors: FieldErrors) => void,
): QueryToolScope | undefined {
  const required = (name: string) => {
    const value = params.get(name);
    if (value === undefined) addError(errors, name, `${name} is required`);
    return value ?? '';
  };
  const leagueId = required('LeagueId');
  const seasonYear = required('SeasonYear');
  const seasonType = required('SeasonType');
  if (seasonYear && !/^\d{4}-\d{2}$/.test(seasonYear))
    addError(errors, 'SeasonYear', 'SeasonYear looks like 2025-26');
  if (seasonType && !SEASON_TYPES.includes(seasonType)) {
    addError(errors, 'SeasonType', `SeasonType must be one of ${SEASON_TYPES.join(', ')}`);
  }
  checkParams?.(params, errors);
  for (const name of ['MeasureType', 'EventType'] as const) {
    if (params.get(name)?.includes(',')) {
      addError(errors, name, `${name} takes one value; ask for several with ${PLURAL_OF[name]}=`);
    }
  }
  const kind = params.get(spec.kindParam);
  if (kind === undefined) addError(errors, spec.kindParam, `${spec.kindParam} is required`);
  else if (!kind.includes(',') && !spec.kinds.includes(kind)) {
    addError(
      errors,
      spec.kindParam,
      `${spec.kindParam} ${kind} is not served by the replica (it serves ${spec.kinds.join(', ')})`,
    );
  }
  const maxRows = parseMaxRows(params.get('MaxRowsReturned'), context.options.hardCap, errors);
  if (kind === undefined || !spec.kinds.includes(kind)) return undefined;
  return { leagueId, seasonYear, seasonType, kind, maxRows };
}

export const hasErrors = (errors: FieldErrors): boolean => Object.keys(errors).length > 0;

/**
 * The effective row cap: MaxRowsReturned when sent, else `defaultCaps` of the most specific key,
 * else the endpoint's own default (upstream's defaults differ: 2000 on `/season/lineups`).
 */
export function rowCap(
  scope: QueryToolScope,
  request: EndpointRequest,
  context: EndpointContext,
  builtInDefault = BUILT_IN_DEFAULT_CAP,
): number {
  if (scope.maxRows !== undefined) return scope.maxRows;
  for (const key of keyCandidates(request.endpointKey, request.path)) {
    const cap = context.options.defaultCaps[key];
    if (cap !== undefined) return cap;
  }
  return Math.min(builtInDefault, context.options.hardCap);
}

/** Upstream filters by league and season; anything else adds no rows. */
export function servesSeason(scope: QueryToolScope, season: SeasonIndex): boolean {
  return scope.leagueId === season.skeleton.leagueId && scope.seasonYear === season.skeleton.season;
}

/** Appends `more` to `rows` until `rows` holds `cap`; false once it is full. */
export function appendUpTo(rows: unknown[], more: readonly unknown[], cap: number): boolean {
  for (const row of more) {
    if (rows.length >= cap) return false;
    rows.push(row);
  }
  return rows.length < cap;
}

export function queryToolEnvelope(
  rowsKey: string,
  request: EndpointRequest,
  context: EndpointContext,
  rows: unknown[],
): Reply {
  const meta = {
    version: 1,
    code: 200,
    request: request.url,
    time: context.now().toISOString(),
    queryParams: request.params.asSent(),
    rowsReturned: rows.length,
    columnDisplays: [],
  };
  return jsonReply(200, { meta, [rowsKey]: rows }, rows.length);
}

/**
 * Most games one query of this endpoint may cover before upstream times out, from `costLimits` of
 * the most specific key (null there lifts a limit); undefined when none applies.
 */
export function costLimit(request: EndpointRequest, context: EndpointContext): number | undefined {
  const limits = context.options.costLimits;
  for (const key of keyCandidates(request.endpointKey, request.path)) {
    if (Object.hasOwn(limits, key)) return limits[key] ?? undefined;
  }
  return undefined;
}

/** What upstream's gateway answers when a query runs out of time (AWS API Gateway's wording). */
export function timedOut(): Reply {
  return jsonReply(504, { message: 'Endpoint request timed out' });
}

export function queryToolEndpoint(spec: QueryToolEndpointSpec): Endpoint {
  const kinds: QueryToolKinds = {
    path: spec.path,
    kindParam: spec.kindParam,
    kinds: Object.keys(spec.generators),
  };
  return {
    path: spec.path,
    keyOf: (params) => queryToolKeyOf(kinds, params),
    async handle(request, context) {
      const errors: FieldErrors = {};
      const scope = parseQueryToolScope(kinds, request.params, context, errors, spec.checkParams);
      const requested = parseGameIds(request.params, errors);
      if (!scope || hasErrors(errors)) return errorReply(400, errors);
      const cap = rowCap(scope, request, context);
      const gameIds = requested ?? context.season.skeleton.games.map((game) => game.id);
      // Upstream works out what a query costs before it answers: a costly one fails whole.
      const limit = costLimit(request, context);
      if (limit !== undefined && gameIds.length > limit) return timedOut();
      const fixtures = await context.fixtures.find(request.endpointKey, gameIds, spec.rowsKey);
      for (const id of gameIds) {
        const fixture = fixtures.get(id);
        if (fixture?.kind === 'verbatim') return { status: 200, body: fixture.body, rows: 0 };
      }
      const generate = spec.generators[scope.kind] as GameRowGenerator;
      const rows: unknown[] = [];
      for (const id of gameIds) {
        const fixture = fixtures.get(id);
        const game = context.season.gamesById.get(id);
        let gameRows: readonly unknown[] = [];
        if (fixture?.kind === 'rows') gameRows = fixture.rows;
        else if (game && isServed(game, scope, context))
          gameRows = generate(context.season, game, context.state.seedOf(game));
        if (!appendUpTo(rows, gameRows, cap)) break;
      }
      return queryToolEnvelope(spec.rowsKey, request, context, rows);
    },
  };
}

function parseMaxRows(value: string | undefined, hardCap: number, errors: FieldErrors): number | undefined {
  if (value === undefined) return undefined;
  if (!/^\d+$/.test(value) || Number(value) < 1) {
    addError(errors, 'MaxRowsReturned', 'MaxRowsReturned must be a positive whole number');
    return undefined;
  }
  const maxRows = Number(value);
  // The exact wording upstream answers with.
  if (maxRows > hardCap) addError(errors, 'MaxRowsReturned', `Max return is ${hardCap} rows`);
  return maxRows;
}

function parseGameIds(params: QueryParams, errors: FieldErrors): string[] | undefined {
  if (params.get('GameId') === undefined) return undefined;
  const ids = gameIdList(params);
  const malformed = ids.filter((id) => !/^\d{10}$/.test(id));
  if (malformed.length > 0) {
    addError(
      errors,
      'GameId',
      `game ids are 10 digits: ${malformed.slice(0, 5).join(', ')} ${malformed.length > 5 ? '...' : ''}`.trim(),
    );
  }
  return [...new Set(ids)];
}

/** Upstream filters by league, season and season type; games not final have no stats yet. */
function isServed(game: Game, scope: QueryToolScope, context: EndpointContext): boolean {
  return (
    context.state.isFinal(game) &&
    servesSeason(scope, context.season) &&
    scope.seasonType === seasonTypeOf(game.id as GameId)
  );
}
