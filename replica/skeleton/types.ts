// The season skeleton: what the replica knows before it generates anything — teams, players with
// their season shooting, and final games with per-team box totals. Real and synthetic share it.

export type SkeletonSource = 'real' | 'synthetic';

export interface Arena {
  name: string;
  city: string;
  state: string;
}

export interface Team {
  id: number;
  abbreviation: string;
  city: string;
  nickname: string;
  fullName: string;
  slug: string;
  state: string | null;
  yearFounded: number | null;
  conference: string | null;
  division: string | null;
  arena: Arena | null;
}

/** Season totals that decide who takes (and makes, and assists) a team's shots. */
export interface PlayerSeason {
  teamId: number;
  gp: number;
  min: number;
  fgm: number;
  fga: number;
  fg3m: number;
  fg3a: number;
  ast: number;
}

export interface Player {
  id: number;
  firstName: string;
  lastName: string;
  slug: string;
  position: string;
  jerseyNum: string;
  height: string;
  weight: string;
  country: string;
  lastAffiliation: string;
  draftYear: number | null;
  draftRound: number | null;
  draftNumber: number | null;
  rosterStatus: number | null;
  fromYear: string;
  toYear: string;
  /** Team in the player index; 0 when the player is not on a roster (e.g. released). */
  teamId: number;
  /** False for players known only from season stats: the player index endpoint leaves them out. */
  inPlayerIndex: boolean;
  /** Null for players with no minutes this season: they never shoot. */
  season: PlayerSeason | null;
}

export interface TeamBox {
  min: number;
  fgm: number;
  fga: number;
  fg3m: number;
  fg3a: number;
  ftm: number;
  fta: number;
  oreb: number;
  dreb: number;
  reb: number;
  ast: number;
  stl: number;
  blk: number;
  tov: number;
  pf: number;
  pts: number;
}

export interface GameSide {
  teamId: number;
  score: number;
  box: TeamBox;
}

/** 1 scheduled, 2 live, 3 final (the scoreboard's gameStatus). */
export type GameStatus = 1 | 2 | 3;

export interface Game {
  /** 10-character game id, always a string. */
  id: string;
  /** Game date in US Eastern time, YYYY-MM-DD. */
  date: string;
  status: GameStatus;
  /** 4 in regulation, 5 and up with overtime (read from the team minutes: 240 + 25 per overtime). */
  periods: number;
  /** Played away from both arenas (Mexico City, Berlin, Las Vegas...): the listed home is a guess. */
  neutralSite: boolean;
  home: GameSide;
  away: GameSide;
}

/** A 5-man lineup's totals over the games it played (stats.nba.com's Base Totals columns). */
export interface LineupBox {
  gp: number;
  w: number;
  l: number;
  /** Decimal minutes. */
  min: number;
  fgm: number;
  fga: number;
  fg3m: number;
  fg3a: number;
  ftm: number;
  fta: number;
  oreb: number;
  dreb: number;
  reb: number;
  ast: number;
  tov: number;
  stl: number;
  blk: number;
  /** Own shots blocked. */
  blka: number;
  pf: number;
  /** Fouls drawn. */
  pfd: number;
  pts: number;
  plusMinus: number;
}

/** A real season 5-man lineup of one team, as the real lineup files list it. */
export interface SeasonLineup {
  teamId: number;
  /** Ascending (the files' GROUP_ID order). */
  playerIds: number[];
  /** "D. Mitchell", in playerIds order. */
  playerNames: string[];
  box: LineupBox;
}

export interface Skeleton {
  source: SkeletonSource;
  season: string;
  leagueId: string;
  teams: Team[];
  players: Player[];
  /** Ordered by date, then id (ids are not chronological: NBA Cup games carry 00225012xx). */
  games: Game[];
  /** Real season 5-man lineups, when the real data has them; undefined for a synthetic season. */
  lineups?: SeasonLineup[];
}
