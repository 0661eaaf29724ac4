// `/api/querytool/event/player`: player event rows (FieldGoals, TrackingShots) for a comma list of
// game ids, in the Query Tool envelope. Reproduces upstream's row caps: 400 above the hard cap, and
// silent truncation at the effective cap (200, the first `cap` rows, meta.rowsReturned == cap).

import { type GameId, seasonTypeOf } from '../../src/gameId.ts';
import { isPlayerEventType, PLAYER_EVENT_GENERATORS } from '../generators/eventTypes.ts';
import type { SeasonIndex } from '../seasonIndex.ts';
import type { Game } from '../skeleton.ts';
import { type Endpoint, type EndpointContext, type EndpointRequest, gameIdList } from './endpoint.ts';
import { EVENT_PLAYER_PATH, keyCandidates, pathKey } from './endpointKeys.ts';
import type { QueryParams } from './queryParams.ts';
import { addError, errorReply, type FieldErrors, jsonReply, type Reply } from './reply.ts';

const ROWS_KEY = 'players';
const BUILT_IN_DEFAULT_CAP = 10000;
const SEASON_TYPES = ['Pre Season', 'Regular Season', 'All Star', 'Playoffs', 'PlayIn', 'NBA Cup'];
const PER_MODES = ['Totals', 'PerGame'];

export const eventPlayerEndpoint: Endpoint = {
  path: EVENT_PLAYER_PATH,
  keyOf(params) {
    const eventType = params.get('EventType');
    return eventType && isPlayerEventType(eventType)
      ? `${pathKey(EVENT_PLAYER_PATH)}-${eventType}`
      : pathKey(EVENT_PLAYER_PATH);
  },
  async handle(request, context) {
    const errors: FieldErrors = {};
    const query = parseQuery(request.params, context, errors);
    if (!query) return errorReply(400, errors);
    const cap = query.maxRows ?? defaultCap(request.endpointKey, context);
    const gameIds = query.gameIds ?? context.season.skeleton.games.map((game) => game.id);
    const fixtures = await context.fixtures.find(request.endpointKey, gameIds, ROWS_KEY);
    for (const id of gameIds) {
      const fixture = fixtures.get(id);
      if (fixture?.kind === 'verbatim') return { status: 200, body: fixture.body, rows: 0 };
    }
    const generate = PLAYER_EVENT_GENERATORS[query.eventType];
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
    return envelope(request, context, rows);
  },
};

interface EventQuery {
  leagueId: string;
  seasonYear: string;
  seasonType: string;
  eventType: keyof typeof PLAYER_EVENT_GENERATORS;
  maxRows: number | undefined;
  /** Requested ids, de-duplicated, in the order given; undefined = the whole season. */
  gameIds: string[] | undefined;
}

function parseQuery(
  params: QueryParams,
  context: EndpointContext,
  errors: FieldErrors,
): EventQuery | undefined {
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
  const perMode = params.get('PerMode');
  if (perMode !== undefined && !PER_MODES.includes(perMode)) {
    addError(errors, 'PerMode', `PerMode must be one of ${PER_MODES.join(', ')} on event endpoints`);
  }
  for (const name of ['MeasureType', 'EventType']) {
    if (params.get(name)?.includes(',')) {
      addError(
        errors,
        name,
        `${name} takes one value; ask for several with ${name === 'EventType' ? 'Events' : 'Measures'}=`,
      );
    }
  }
  const eventType = params.get('EventType');
  if (params.get('Events') !== undefined)
    addError(errors, 'Events', 'the replica serves EventType only, not Events');
  if (eventType === undefined) addError(errors, 'EventType', 'EventType is required');
  else if (!eventType.includes(',') && !isPlayerEventType(eventType)) {
    const served = Object.keys(PLAYER_EVENT_GENERATORS).join(', ');
    addError(
      errors,
      'EventType',
      `EventType ${eventType} is not served by the replica (it serves ${served})`,
    );
  }
  const maxRows = parseMaxRows(params.get('MaxRowsReturned'), context.options.hardCap, errors);
  const gameIds = parseGameIds(params, errors);
  if (Object.keys(errors).length > 0 || eventType === undefined || !isPlayerEventType(eventType))
    return undefined;
  return { leagueId, seasonYear, seasonType, eventType, maxRows, gameIds };
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

function defaultCap(endpointKey: string, context: EndpointContext): number {
  for (const key of keyCandidates(endpointKey, EVENT_PLAYER_PATH)) {
    const cap = context.options.defaultCaps[key];
    if (cap !== undefined) return cap;
  }
  return Math.min(BUILT_IN_DEFAULT_CAP, context.options.hardCap);
}

/** Upstream filters by league, season and season type; games not final have no events yet. */
function isServed(game: Game, query: EventQuery, season: SeasonIndex): boolean {
  return (
    game.status === 3 &&
    query.leagueId === season.skeleton.leagueId &&
    query.seasonYear === season.skeleton.season &&
    query.seasonType === seasonTypeOf(game.id as GameId)
  );
}

function envelope(request: EndpointRequest, context: EndpointContext, rows: unknown[]): Reply {
  const meta = {
    version: 1,
    code: 200,
    request: request.url,
    time: context.now().toISOString(),
    queryParams: request.params.asSent(),
    rowsReturned: rows.length,
    columnDisplays: [],
  };
  return jsonReply(200, { meta, [ROWS_KEY]: rows }, rows.length);
}
