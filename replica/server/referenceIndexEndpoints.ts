// `/api/stats/team/index` and `/api/stats/player/index` (`?leagueId=00&season=2025-26`): the
// reference lists of teams and players. Players known only from season stats are not listed, as
// upstream; another season or league is an empty list.
import type { Player, Team } from '../skeleton.ts';
import { bodyFixture, type Endpoint, type EndpointContext, type EndpointRequest } from './endpoint.ts';
import { addError, errorReply, type FieldErrors, jsonReply, type Reply } from './reply.ts';

export const teamIndexEndpoint: Endpoint = {
  path: '/api/stats/team/index',
  keyOf: () => 'stats-team-index',
  handle: (request, context) =>
    referenceList(request, context, 'teams', (known) =>
      known ? [...context.season.skeleton.teams].sort((a, b) => a.id - b.id).map(teamEntry) : [],
    ),
};

export const playerIndexEndpoint: Endpoint = {
  path: '/api/stats/player/index',
  keyOf: () => 'stats-player-index',
  handle: (request, context) =>
    referenceList(request, context, 'players', (known) =>
      known
        ? context.season.skeleton.players
            .filter((player) => player.inPlayerIndex)
            .map((player) => playerEntry(player, context.season.teamsById.get(player.teamId)))
        : [],
    ),
};

async function referenceList(
  request: EndpointRequest,
  context: EndpointContext,
  listKey: string,
  list: (known: boolean) => unknown[],
): Promise<Reply> {
  const errors: FieldErrors = {};
  const leagueId = request.params.get('leagueId');
  const season = request.params.get('season');
  if (leagueId === undefined) addError(errors, 'leagueId', 'leagueId is required');
  if (season === undefined) addError(errors, 'season', 'season is required');
  if (leagueId === undefined || season === undefined) return errorReply(400, errors);
  const override = await bodyFixture(context, request.endpointKey, season);
  if (override) return override;
  const { skeleton } = context.season;
  const entries = list(leagueId === skeleton.leagueId && season === skeleton.season);
  return jsonReply(200, { leagueId, season, [listKey]: entries }, entries.length);
}

function teamEntry(team: Team) {
  return {
    teamId: team.id,
    teamCity: team.city,
    teamName: team.nickname,
    teamAbbreviation: team.abbreviation,
    teamSlug: team.slug,
    conference: team.conference,
    division: team.division,
    teamState: team.state,
    homeArena: team.arena?.name ?? null,
  };
}

function playerEntry(player: Player, team: Team | undefined) {
  return {
    playerId: player.id,
    firstName: player.firstName,
    lastName: player.lastName,
    name: [player.firstName, player.lastName].filter(Boolean).join(' '),
    playerSlug: player.slug,
    rosterStatus: player.rosterStatus,
    position: player.position,
    jerseyNum: player.jerseyNum,
    height: player.height,
    weight: player.weight,
    country: player.country,
    lastAffiliation: player.lastAffiliation,
    draftYear: player.draftYear,
    draftRound: player.draftRound,
    draftNumber: player.draftNumber,
    fromYear: player.fromYear,
    toYear: player.toYear,
    teamId: player.teamId,
    teamAbbreviation: team?.abbreviation ?? '',
  };
}
