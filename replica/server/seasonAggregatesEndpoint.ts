// `/api/stats/player` and `/api/stats/team` (`?leagueId=00&season=2025-26&seasonType=Regular Season
// &perMode=Totals&measureType=Base`): a season type's aggregates, one row per player and team he
// played for, or per team (generators/seasonAggregates), over the games final by now. Legacy camelCase parameters, one measure
// type a call; every problem with them is listed in one 400. Another league or season is an empty list.
import { SEASON_TYPE_BY_DIGIT } from '../../src/gameId.ts';
import {
  type AggregateQuery,
  PLAYER_MEASURES,
  PLAYER_PER_MODES,
  playerAggregateRows,
  TEAM_MEASURES,
  TEAM_PER_MODES,
  teamAggregateRows,
} from '../generators/seasonAggregates.ts';
import type { SeasonGames } from '../generators/seasonGames.ts';
import type { SeasonIndex } from '../seasonIndex.ts';
import { bodyFixture, type Endpoint } from './endpoint.ts';
import { pathKey } from './endpointKeys.ts';
import type { QueryParams } from './queryParams.ts';
import { hasErrors } from './queryToolEndpoint.ts';
import { addError, errorReply, type FieldErrors, jsonReply } from './reply.ts';

interface AggregatesSide {
  readonly path: string;
  readonly rowsKey: 'players' | 'teams';
  readonly perModes: readonly string[];
  readonly measures: readonly string[];
  readonly rows: (
    season: SeasonIndex,
    seed: number,
    query: AggregateQuery,
    games: SeasonGames,
  ) => readonly unknown[];
}

const SEASON_TYPES = Object.values(SEASON_TYPE_BY_DIGIT);

export const statsPlayerEndpoint = aggregatesEndpoint({
  path: '/api/stats/player',
  rowsKey: 'players',
  perModes: PLAYER_PER_MODES,
  measures: PLAYER_MEASURES,
  rows: playerAggregateRows,
});

export const statsTeamEndpoint = aggregatesEndpoint({
  path: '/api/stats/team',
  rowsKey: 'teams',
  perModes: TEAM_PER_MODES,
  measures: TEAM_MEASURES,
  rows: teamAggregateRows,
});

/**
 * One endpoint key for every perMode and measureType (`stats-player`); a fixture
 * `<key>/<season>.<perMode>.<measureType>.json` is served verbatim as that call's whole body.
 */
function aggregatesEndpoint(side: AggregatesSide): Endpoint {
  const key = pathKey(side.path);
  return {
    path: side.path,
    keyOf: () => key,
    async handle(request, context) {
      const errors: FieldErrors = {};
      const query = parseQuery(request.params, side, errors);
      if (!query) return errorReply(400, errors);
      const { leagueId, season, seasonType, perMode, measure } = query;
      const override = await bodyFixture(context, request.endpointKey, `${season}.${perMode}.${measure}`);
      if (override) return override;
      const { skeleton } = context.season;
      const served = leagueId === skeleton.leagueId && season === skeleton.season;
      const rows = served ? side.rows(context.season, context.seed, query, context.state.finalGames()) : [];
      return jsonReply(
        200,
        { leagueId, season, seasonType, perMode, measureType: measure, [side.rowsKey]: rows },
        rows.length,
      );
    },
  };
}

type ParsedQuery = AggregateQuery & { readonly leagueId: string; readonly season: string };

/** The five parameters, each required and checked; undefined when anything is wrong (see `errors`). */
function parseQuery(params: QueryParams, side: AggregatesSide, errors: FieldErrors): ParsedQuery | undefined {
  const required = (name: string) => {
    const value = params.get(name);
    if (value === undefined) addError(errors, name, `${name} is required`);
    return value ?? '';
  };
  const oneOf = (name: string, value: string, allowed: readonly string[]) => {
    if (value !== '' && !allowed.includes(value)) {
      addError(errors, name, `${name} must be one of ${allowed.join(', ')} on ${side.path}`);
    }
  };
  const leagueId = required('leagueId');
  const season = required('season');
  const seasonType = required('seasonType');
  const perMode = required('perMode');
  const measure = required('measureType');
  if (season !== '' && !/^\d{4}-\d{2}$/.test(season)) addError(errors, 'season', 'season looks like 2025-26');
  oneOf('seasonType', seasonType, SEASON_TYPES);
  oneOf('perMode', perMode, side.perModes);
  if (measure.includes(',')) addError(errors, 'measureType', 'measureType takes one value, not a comma list');
  else oneOf('measureType', measure, side.measures);
  return hasErrors(errors) ? undefined : { leagueId, season, seasonType, perMode, measure };
}
