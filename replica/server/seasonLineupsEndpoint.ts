// `/api/querytool/season/lineups`: a season's 5-man lineups, Base or Advanced, in one PerMode.
// With `TeamId` (at most 10) the requested teams' lineups, team by team in the order given; without
// it a league-wide top-N by minutes, never every lineup. Row caps, MaxRowsReturned and the envelope
// are the shared Query Tool machinery's; upstream's default cap here is 2000 rows.

import { LINEUP_MEASURES, type LineupMeasure, PER_MODES, type PerMode } from '../generators/lineupStats.ts';
import { leagueSeasonLineupRows, teamSeasonLineupRows } from '../generators/seasonLineups.ts';
import type { Endpoint } from './endpoint.ts';
import { gameIdList } from './endpoint.ts';
import { SEASON_LINEUPS_PATH } from './endpointKeys.ts';
import { checkLineupQuantity } from './gameLineupsEndpoint.ts';
import type { QueryParams } from './queryParams.ts';
import {
  appendUpTo,
  hasErrors,
  parseQueryToolScope,
  type QueryToolKinds,
  queryToolEnvelope,
  queryToolKeyOf,
  rowCap,
  servesSeason,
} from './queryToolEndpoint.ts';
import { addError, errorReply, type FieldErrors } from './reply.ts';

/** What `/season/lineups` answers when MaxRowsReturned is omitted (seed notes: 2000 rows). */
export const SEASON_LINEUPS_DEFAULT_CAP = 2000;
/** Teams one call may name (previous-implementation.md: TeamId batches of 10). */
export const MAX_TEAM_IDS = 10;

const ROWS_KEY = 'lineups';
const KINDS: QueryToolKinds = { path: SEASON_LINEUPS_PATH, kindParam: 'MeasureType', kinds: LINEUP_MEASURES };

export const seasonLineupsEndpoint: Endpoint = {
  path: SEASON_LINEUPS_PATH,
  keyOf: (params) => queryToolKeyOf(KINDS, params),
  async handle(request, context) {
    const errors: FieldErrors = {};
    const scope = parseQueryToolScope(KINDS, request.params, context, errors, checkLineupQuantity);
    const perMode = parsePerMode(request.params, errors);
    const teamIds = parseTeamIds(request.params, errors);
    if (!scope || !perMode || hasErrors(errors)) return errorReply(400, errors);
    const cap = rowCap(scope, request, context, SEASON_LINEUPS_DEFAULT_CAP);
    const query = { measure: scope.kind as LineupMeasure, perMode, seasonType: scope.seasonType };
    const served = servesSeason(scope, context.season);
    const rows: unknown[] = [];
    if (teamIds === undefined) {
      if (served) {
        const topN = context.options.leagueLineupsTopN;
        const lineups = leagueSeasonLineupRows(
          context.season,
          context.seed,
          { ...query, topN },
          context.state.finalGames(),
        );
        appendUpTo(rows, lineups, cap);
      }
      return queryToolEnvelope(ROWS_KEY, request, context, rows);
    }
    // Fixtures are per team: <key>/<teamId>.json, rows as they are (another team's included).
    const names = teamIds.map(String);
    const fixtures = await context.fixtures.find(request.endpointKey, names, ROWS_KEY);
    for (const name of names) {
      const fixture = fixtures.get(name);
      if (fixture?.kind === 'verbatim') return { status: 200, body: fixture.body, rows: 0 };
    }
    for (const teamId of teamIds) {
      const fixture = fixtures.get(String(teamId));
      const teamRows =
        fixture?.kind === 'rows'
          ? fixture.rows
          : served
            ? teamSeasonLineupRows(context.season, context.seed, teamId, query, context.state.finalGames())
            : [];
      if (!appendUpTo(rows, teamRows, cap)) break;
    }
    return queryToolEnvelope(ROWS_KEY, request, context, rows);
  },
};

function parsePerMode(params: QueryParams, errors: FieldErrors): PerMode | undefined {
  const perMode = params.get('PerMode');
  if (perMode === undefined) {
    addError(errors, 'PerMode', 'PerMode is required');
    return undefined;
  }
  if (!(PER_MODES as readonly string[]).includes(perMode)) {
    addError(errors, 'PerMode', `PerMode must be one of ${PER_MODES.join(', ')} on season lineups`);
    return undefined;
  }
  return perMode as PerMode;
}

/** A comma list of at most MAX_TEAM_IDS team ids, de-duplicated in the order given; undefined when absent. */
function parseTeamIds(params: QueryParams, errors: FieldErrors): number[] | undefined {
  if (params.get('TeamId') === undefined) return undefined;
  const ids = gameIdList(params, 'TeamId');
  const malformed = ids.filter((id) => !/^\d{1,10}$/.test(id));
  if (malformed.length > 0) {
    addError(errors, 'TeamId', `team ids are whole numbers: ${malformed.slice(0, 5).join(', ')}`);
  }
  const unique = [...new Set(ids.filter((id) => !malformed.includes(id)).map(Number))];
  if (unique.length > MAX_TEAM_IDS) {
    addError(errors, 'TeamId', `TeamId takes at most ${MAX_TEAM_IDS} teams, got ${unique.length}`);
  }
  return unique;
}
