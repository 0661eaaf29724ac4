// Season 5-man lineups (`/season/lineups`) per team: on the real skeleton the real lineups with
// their real Base totals (Regular Season only, what the files hold); on a synthetic one the totals of
// the game lineups of every final game of the season type, so season and game lineups agree. Rows
// carry the Base or Advanced stats in the requested PerMode. Pure in (season, seed, query) and the
// set of final games summed (seasonGames). The real files do not say which games a lineup played:
// real season lineups are the files' totals whatever the set.
import { type GameId, seasonTypeOf } from '../../src/gameId.ts';
import type { SeasonIndex } from '../seasonIndex.ts';
import {
  compareIds,
  gameLineups,
  type LineupPlayers,
  type LineupTeamIdentity,
  lineupPlayers,
  lineupTeamIdentity,
} from './gameLineups.ts';
import {
  inPerMode,
  type LineupAdvancedStats,
  type LineupBaseStats,
  type LineupMeasure,
  type LineupTotals,
  lineupAdvancedStats,
  lineupBaseStats,
  type PerMode,
} from './lineupStats.ts';
import { playerNameI } from './playerEventRow.ts';
import { type SeasonGames, SeasonSumsCache, skeletonFinalGames } from './seasonGames.ts';

export interface TeamSeasonLineup {
  readonly teamId: number;
  /** Ascending. */
  readonly playerIds: readonly number[];
  /** In playerIds order. */
  readonly playerNames: readonly string[];
  readonly totals: LineupTotals;
}

export type SeasonLineupRow<Stats = LineupBaseStats | LineupAdvancedStats> = LineupTeamIdentity & {
  seasonCount: number;
} & LineupPlayers & { stats: Stats };

export interface SeasonLineupQuery {
  readonly measure: LineupMeasure;
  readonly perMode: PerMode;
  /** Default `Regular Season`. */
  readonly seasonType?: string;
}

const REGULAR_SEASON = 'Regular Season';

/**
 * What `/season/lineups?TeamId=<teamId>` serves for the team (before the row cap), in order: its
 * lineups by Totals minutes, most first, then by sorted player ids. A team-scoped call with several
 * teams serves each requested team's rows in turn, in the order the TeamId list gives them.
 */
export function teamSeasonLineupRows(
  season: SeasonIndex,
  seed: number,
  teamId: number,
  query: SeasonLineupQuery,
  games: SeasonGames = skeletonFinalGames(season, seed),
): SeasonLineupRow[] {
  const seasonType = query.seasonType ?? REGULAR_SEASON;
  return (seasonLineupsByTeam(season, seed, seasonType, games).get(teamId) ?? []).map((lineup) =>
    seasonLineupRow(season, seed, lineup, { ...query, seasonType }),
  );
}

/**
 * What `/season/lineups` without TeamId serves: upstream's league-wide pull is a top-N by minutes,
 * never every lineup of the league — the `topN` lineups of all teams with the most Totals minutes
 * (ties: team id, then sorted player ids).
 */
export function leagueSeasonLineupRows(
  season: SeasonIndex,
  seed: number,
  query: SeasonLineupQuery & { readonly topN: number },
  games: SeasonGames = skeletonFinalGames(season, seed),
): SeasonLineupRow[] {
  const seasonType = query.seasonType ?? REGULAR_SEASON;
  return [...seasonLineupsByTeam(season, seed, seasonType, games).values()]
    .flat()
    .sort(
      (a, b) => b.totals.min - a.totals.min || a.teamId - b.teamId || compareIds(a.playerIds, b.playerIds),
    )
    .slice(0, query.topN)
    .map((lineup) => seasonLineupRow(season, seed, lineup, { ...query, seasonType }));
}

function seasonLineupRow(
  season: SeasonIndex,
  seed: number,
  lineup: TeamSeasonLineup,
  query: Required<SeasonLineupQuery>,
): SeasonLineupRow {
  const { measure, perMode, seasonType } = query;
  const totals = measure === 'Base' ? lineupBaseStats(lineup.totals) : lineupAdvancedStats(lineup.totals);
  const orderKey = `${seed}:${seasonType}:${lineup.teamId}:${measure}`;
  return {
    ...lineupTeamIdentity(season, lineup.teamId, seasonType),
    seasonCount: 1,
    ...lineupPlayers(lineup.playerIds, (_, index) => lineup.playerNames[index] ?? '', orderKey),
    stats: inPerMode(totals, lineup.totals, measure, perMode),
  };
}

const cache = new SeasonSumsCache<ReadonlyMap<number, readonly TeamSeasonLineup[]>>();

/** Every team's season lineups for a season type, most minutes first; computed once per set of games. */
export function seasonLineupsByTeam(
  season: SeasonIndex,
  seed: number,
  seasonType: string,
  games: SeasonGames = skeletonFinalGames(season, seed),
): ReadonlyMap<number, readonly TeamSeasonLineup[]> {
  const real = Boolean(season.skeleton.lineups);
  const key = real ? `real|${seasonType}` : `${games.key}|${seasonType}`;
  return cache.get(season.skeleton, key, real || games.whole, () => {
    const byTeam = real
      ? realSeasonLineups(season, seasonType)
      : aggregatedSeasonLineups(season, games, seasonType);
    for (const list of byTeam.values()) {
      list.sort((a, b) => b.totals.min - a.totals.min || compareIds(a.playerIds, b.playerIds));
    }
    return byTeam;
  });
}

/**
 * The real files hold Base totals only; the opponents' rebounds the Advanced rates need are
 * estimated: their defensive rebounds are the lineup's missed field goals it did not rebound, their
 * offensive rebounds the lineup's defensive rebounds at the league's offensive-rebound share.
 */
function realSeasonLineups(season: SeasonIndex, seasonType: string): Map<number, TeamSeasonLineup[]> {
  const byTeam = new Map<number, TeamSeasonLineup[]>();
  if (seasonType !== REGULAR_SEASON) return byTeam;
  let oreb = 0;
  let dreb = 0;
  for (const game of season.skeleton.games) {
    for (const side of [game.home, game.away]) {
      oreb += side.box.oreb;
      dreb += side.box.dreb;
    }
  }
  const orebShare = oreb + dreb > 0 ? oreb / (oreb + dreb) : 0;
  for (const lineup of season.skeleton.lineups ?? []) {
    const { box } = lineup;
    const totals: LineupTotals = {
      ...box,
      oppOreb: Math.round((box.dreb * orebShare) / Math.max(Number.EPSILON, 1 - orebShare)),
      oppDreb: Math.max(0, box.fga - box.fgm - box.oreb),
    };
    const list = byTeam.get(lineup.teamId) ?? [];
    list.push({
      teamId: lineup.teamId,
      playerIds: lineup.playerIds,
      playerNames: lineup.playerNames,
      totals,
    });
    byTeam.set(lineup.teamId, list);
  }
  return byTeam;
}

const SUMMED = [
  'gp',
  'w',
  'l',
  'fgm',
  'fga',
  'fg3m',
  'fg3a',
  'ftm',
  'fta',
  'oreb',
  'dreb',
  'reb',
  'ast',
  'tov',
  'stl',
  'blk',
  'blka',
  'pf',
  'pfd',
  'pts',
  'plusMinus',
  'oppOreb',
  'oppDreb',
] as const satisfies readonly (keyof LineupTotals)[];

function aggregatedSeasonLineups(
  season: SeasonIndex,
  games: SeasonGames,
  seasonType: string,
): Map<number, TeamSeasonLineup[]> {
  const sums = new Map<
    string,
    { teamId: number; playerIds: readonly number[]; hundredths: number; totals: LineupTotals }
  >();
  for (const game of games.games) {
    if (seasonTypeOf(game.id as GameId) !== seasonType) continue;
    for (const lineup of gameLineups(season, game, games.seedOf(game))) {
      const key = `${lineup.side.teamId}:${lineup.playerIds.join('-')}`;
      const sum = sums.get(key);
      if (!sum) {
        sums.set(key, {
          teamId: lineup.side.teamId,
          playerIds: lineup.playerIds,
          hundredths: Math.round(lineup.totals.min * 100),
          totals: { ...lineup.totals },
        });
        continue;
      }
      // Minutes are summed in hundredths, so a season total is exact, not a float sum.
      sum.hundredths += Math.round(lineup.totals.min * 100);
      for (const field of SUMMED) sum.totals[field] += lineup.totals[field];
    }
  }
  const byTeam = new Map<number, TeamSeasonLineup[]>();
  for (const { teamId, playerIds, hundredths, totals } of sums.values()) {
    const playerNames = playerIds.map((id) => {
      const player = season.playersById.get(id);
      return player ? playerNameI(player) : '';
    });
    const list = byTeam.get(teamId) ?? [];
    list.push({ teamId, playerIds, playerNames, totals: { ...totals, min: hundredths / 100 } });
    byTeam.set(teamId, list);
  }
  return byTeam;
}
