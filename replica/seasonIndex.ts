// Lookups over a skeleton, built once per replica: games by id and date, teams, players, each team's
// shooting roster with its draw weights, and every team's record after each game. Generators and
// endpoints read it; nothing here changes after construction.
import type { Game, Player, PlayerSeason, Skeleton, Team } from './skeleton.ts';

export interface RosterEntry {
  player: Player;
  season: PlayerSeason;
}

/** A team's shooters and, per kind of attempt, how likely each is to take it (season counts). */
export interface ShootingRoster {
  entries: RosterEntry[];
  twoMade: number[];
  twoMissed: number[];
  threeMade: number[];
  threeMissed: number[];
  attempts: number[];
  assists: number[];
}

export interface TeamRecord {
  wins: number;
  losses: number;
}

export interface SeasonIndex {
  skeleton: Skeleton;
  gamesById: ReadonlyMap<string, Game>;
  gamesByDate: ReadonlyMap<string, readonly Game[]>;
  teamsById: ReadonlyMap<number, Team>;
  playersById: ReadonlyMap<number, Player>;
  rosters: ReadonlyMap<number, ShootingRoster>;
  /** Key `${gameId}:${teamId}`: the team's record once that game is final (going into it otherwise). */
  recordsAfter: ReadonlyMap<string, TeamRecord>;
  /** Key `${gameId}:${teamId}`: the team's record going into that game. */
  recordsBefore: ReadonlyMap<string, TeamRecord>;
}

export function indexSeason(skeleton: Skeleton): SeasonIndex {
  const gamesById = new Map(skeleton.games.map((game) => [game.id, game]));
  if (gamesById.size !== skeleton.games.length) throw new Error('the skeleton lists a game id twice');
  const gamesByDate = new Map<string, Game[]>();
  for (const game of skeleton.games) {
    const games = gamesByDate.get(game.date) ?? [];
    games.push(game);
    gamesByDate.set(game.date, games);
  }
  return {
    skeleton,
    gamesById,
    gamesByDate,
    teamsById: new Map(skeleton.teams.map((team) => [team.id, team])),
    playersById: new Map(skeleton.players.map((player) => [player.id, player])),
    rosters: shootingRosters(skeleton),
    ...recordsAroundEachGame(skeleton.games),
  };
}

function shootingRosters(skeleton: Skeleton): Map<number, ShootingRoster> {
  const entriesByTeam = new Map<number, RosterEntry[]>();
  for (const player of skeleton.players) {
    const season = player.season;
    if (!season || season.gp === 0) continue;
    const entries = entriesByTeam.get(season.teamId) ?? [];
    entries.push({ player, season });
    entriesByTeam.set(season.teamId, entries);
  }
  const rosters = new Map<number, ShootingRoster>();
  for (const [teamId, unordered] of entriesByTeam) {
    const entries = unordered.sort((a, b) => a.player.id - b.player.id);
    const weights = (pick: (season: PlayerSeason) => number) =>
      entries.map(({ season }) => Math.max(0, pick(season)));
    rosters.set(teamId, {
      entries,
      twoMade: weights((s) => s.fgm - s.fg3m),
      twoMissed: weights((s) => s.fga - s.fg3a - (s.fgm - s.fg3m)),
      threeMade: weights((s) => s.fg3m),
      threeMissed: weights((s) => s.fg3a - s.fg3m),
      attempts: weights((s) => s.fga),
      assists: weights((s) => s.ast),
    });
  }
  return rosters;
}

function recordsAroundEachGame(games: readonly Game[]): {
  recordsAfter: Map<string, TeamRecord>;
  recordsBefore: Map<string, TeamRecord>;
} {
  const running = new Map<number, TeamRecord>();
  const after = new Map<string, TeamRecord>();
  const before = new Map<string, TeamRecord>();
  for (const game of games) {
    for (const [side, other] of [
      [game.home, game.away],
      [game.away, game.home],
    ] as const) {
      const record = running.get(side.teamId) ?? { wins: 0, losses: 0 };
      before.set(`${game.id}:${side.teamId}`, record);
      // A game that is not final yet shows the record going into it.
      if (game.status !== 3) {
        after.set(`${game.id}:${side.teamId}`, record);
        continue;
      }
      const won = side.score > other.score;
      const next = { wins: record.wins + (won ? 1 : 0), losses: record.losses + (won ? 0 : 1) };
      running.set(side.teamId, next);
      after.set(`${game.id}:${side.teamId}`, next);
    }
  }
  return { recordsAfter: after, recordsBefore: before };
}
