// The machinery every per-game Query Tool endpoint of the replica shares: the common parameters
// (400s), one generator per EventType or MeasureType, per-game fixtures, and upstream's row caps —
// 400 above the hard cap, silent truncation at the effective cap (the first `cap` rows,
// meta.rowsReturned == cap) — in the `{ meta, <rowsKey>: [...] }` envelope.

import { type GameId, seasonTypeOf } from '../../src/gameId.ts';
import type { SeasonIndex } from '../seasonIndex.ts';
import type { Game } from '../skeleton.ts';
import { type Endpoint, type EndpointContext, type EndpointRequest, gameIdList } from './endpoint.ts';
import { keyCandidates, pathKey } from './endpointKeys.ts';
import type { QueryParams } from './queryParams.ts';
import { addError, errorReply, type FieldErrors, jsonReply, type Reply } from './reply.ts';

/** Rows of one final game for one EventType or MeasureType; pure in (season, game, seed). */
export type GameRowGenerator = (season: SeasonIndex, game: Game, seed: number) => readonly unknown[];

export interface QueryToolEndpointSpec {
  readonly path: string;
  readonly rowsKey: string;
  /** The parameter that picks the generator, e.g. `EventType` or `MeasureType`. */
  readonly kindParam: 'EventType' | 'MeasureType';
  readonly generators: Readonly<Record<string, GameRowGenerator>>;
  /** Checks of the endpoint's own parameters, run after the common ones. */
  readonly checkParams?: (params: QueryParams, errors: FieldErrors) => void;
}

const BUILT_IN_DEFAULT_CAP = 10000;
const SEASON_TYPES = ['Pre Season', 'Regular Season', 'All Star', 'Playoffs', 'PlayIn', 'NBA Cup'];
/** Several values at once go through the plural parameter; a comma in the singular one is a 400. */
const PLURAL_OF = { EventType: 'Events', MeasureType: 'Measures' } as const;

export function queryToolEndpoint(spec: QueryToolEndpointSpec): Endpoint {
  const isKind = (value: string | undefined): value is string =>
    value !== undefined && Object.hasOwn(spec.generators, value);
  return {
    path: spec.path,
    keyOf(params) {
      const kind = params.get(spec.kindParam);
      return isKind(kind) ? `${pathKey(spec.path)}-${kind}` : pathKey(spec.path);
    },
    async handle(request, context) {
      const errors: FieldErrors = {};
      const query = parseQuery(spec, request.params, context, errors);
      if (!query || !isKind(query.kind)) return errorReply(400, errors);
      const cap = query.maxRows ?? defaultCap(spec.path, request.endpointKey, context);
      const gameIds = query.gameIds ?? context.season.skeleton.games.map((game) => game.id);
      const fixtures = await context.fixtures.find(request.endpointKey, gameIds, spec.rowsKey);
      for (const id of gameIds) {
        const fixture = fixtures.get(id);
        if (fixture?.kind === 'verbatim') return { status: 200, body: fixture.body, rows: 0 };
      }
      const generate = spec.generators[query.kind] as GameRowGenerator;
      const rows: unknown[] = [];
      for (const id of gameIds) {
        if (rows.length >= cap) break;
        const fixture = fixtures.get(id);
        const game = context.season.gamesById.get(id);
        let gameRows: readonly unknown[] = [];
        if (fixture?.kind === 'rows') gameRows = fixture.rows;
        else if (game && isServed(game, query, context.season))
          gameRows = generate(context.season, game, context.seed);
        for (const row of gameRows) {
          if (rows.length >= cap) break;
          rows.push(row);
        }
      }
      return envelope(spec.rowsKey, request, context, rows);
    },
  };
}

interface RowsQuery {
  leagueId: string;
  seasonYear: string;
  seasonType: string;
  kind: string;
  maxRows: number | undefined;
  /** Requested ids, de-duplicated, in the order given; undefined = the whole season. */
  gameIds: string[] | undefined;
}

function parseQuery(
  spec: QueryToolEndpointSpec,
  params: QueryParams,
  context: EndpointContext,
  errors: FieldErrors,
): RowsQuery | undefined {
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
  spec.checkParams?.(params, errors);
  for (const name of ['MeasureType', 'EventType'] as const) {
    if (params.get(name)?.includes(',')) {
      addError(errors, name, `${name} takes one value; ask for several with ${PLURAL_OF[name]}=`);
    }
  }
  const kind = params.get(spec.kindParam);
  if (kind === undefined) addError(errors, spec.kindParam, `${spec.kindParam} is required`);
  else if (!kind.includes(',') && !Object.hasOwn(spec.generators, kind)) {
    const served = Object.keys(spec.generators).join(', ');
    addError(
      errors,
      spec.kindParam,
      `${spec.kindParam} ${kind} is not served by the replica (it serves ${served})`,
    );
  }
  const maxRows = parseMaxRows(params.get('MaxRowsReturned'), context.options.hardCap, errors);
  const gameIds = parseGameIds(params, errors);
  if (Object.keys(errors).length > 0 || kind === undefined) return undefined;
  return { leagueId, seasonYear, seasonType, kind, maxRows, gameIds };
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

function defaultCap(path: string, endpointKey: string, context: EndpointContext): number {
  for (const key of keyCandidates(endpointKey, path)) {
    const cap = context.options.defaultCaps[key];
    if (cap !== undefined) return cap;
  }
  return Math.min(BUILT_IN_DEFAULT_CAP, context.options.hardCap);
}

/** Upstream filters by league, season and season type; games not final have no stats yet. */
function isServed(game: Game, query: RowsQuery, season: SeasonIndex): boolean {
  return (
    game.status === 3 &&
    query.leagueId === season.skeleton.leagueId &&
    query.seasonYear === season.skeleton.season &&
    query.seasonType === seasonTypeOf(game.id as GameId)
  );
}

function envelope(
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
