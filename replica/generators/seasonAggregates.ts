// Season aggregates of the legacy `/api/stats/player` and `/api/stats/team`: each player's and each
// team's sums over the final games of a season type — a player's are his `/game/player` Base lines
// (gameBoxLines) added up, a team's its box scores — and the Base, Advanced, Misc, Scoring and
// Opponent stats derived from them, scaled per PerMode. Pure in (season, seed, query) and the set of
// final games summed (seasonGames: all of the skeleton's unless a clock or a correction says otherwise).
import { type GameId, seasonTypeOf } from '../../src/gameId.ts';
import type { SeasonIndex } from '../seasonIndex.ts';
import { SeededRandom } from '../seededRandom.ts';
import type { Player } from '../skeleton.ts';
import {
  assistRatioOf,
  assistsPerTurnoverOf,
  type BoxCounts,
  effectiveFgOf,
  fractionOf,
  paceOf,
  pieNumeratorOf,
  possessionsOf,
  ratingOf,
  ratioOf,
  round,
  trueShootingOf,
  turnoverShareOf,
} from './advancedFormulas.ts';
import { gameBoxLines, type SideLines } from './gameBoxLines.ts';
import { playerName, playerNameI } from './playerEventRow.ts';
import { type SeasonGames, SeasonSumsCache, skeletonFinalGames } from './seasonGames.ts';

/** The legacy player endpoint says `Per36`, where the Query Tool says `Per36Minutes`. */
export const PLAYER_PER_MODES = ['Totals', 'PerGame', 'Per36', 'Per100Possessions'] as const;
/** The legacy team endpoint takes Totals or PerGame only (previous-implementation.md §5.9). */
export const TEAM_PER_MODES = ['Totals', 'PerGame'] as const;
export const PLAYER_MEASURES = ['Base', 'Advanced', 'Misc', 'Scoring'] as const;
export const TEAM_MEASURES = [...PLAYER_MEASURES, 'Opponent'] as const;

export interface AggregateQuery {
  readonly seasonType: string;
  readonly perMode: string;
  readonly measure: string;
}

type Stats = Record<string, number>;
/** A row's stats object: its identity (season, team) and the measure's numbers. */
type RowStats = Record<string, number | string>;

export interface PlayerAggregateRow {
  personId: number;
  name: string;
  nameI: string;
  jerseyNum: string;
  position: string;
  stats: {
    season: string;
    seasonType: string;
    teamId: number;
    teamName: string;
    teamAbbreviation: string;
  } & RowStats;
}

export interface TeamAggregateRow {
  teamId: number;
  teamName: string;
  teamAbbreviation: string;
  stats: { season: string; seasonType: string } & RowStats;
}

const COUNT_FIELDS = [
  'fgm',
  'fga',
  'fg3m',
  'fg3a',
  'ftm',
  'fta',
  'oreb',
  'dreb',
  'ast',
  'stl',
  'blk',
  'tov',
  'pf',
  'pts',
] as const satisfies readonly (keyof BoxCounts)[];

/** Field-goal points by kind of play, and the assisted makes: what Misc and Scoring read. */
interface PlayKinds {
  ptsOffTov: number;
  pts2ndChance: number;
  ptsFb: number;
  ptsPaint: number;
  astFg2m: number;
  astFg3m: number;
}

/** What a game adds to a player's or a team's season besides its box counts and play kinds. */
interface GameShares {
  gp: number;
  /** Minutes in hundredths, so a season total is exact; a team's are its players' (240 a game). */
  hundredths: number;
  possessions: number;
  /** The opponents' possessions; a player's are his own on-court ones, as /game/player Advanced has it. */
  opponentPossessions: number;
  /** Points scored and conceded (while he was on court). */
  pointsFor: number;
  pointsAgainst: number;
  /** Denominators of the shares: makes he could assist, rebounds there were, his team's plays. */
  assistable: number;
  orebChances: number;
  drebChances: number;
  rebChances: number;
  teamPlays: number;
  /** His PIE numerator, and both teams' (the PIE is their ratio). */
  pie: number;
  gamePie: number;
  doubleDoubles: number;
  tripleDoubles: number;
  /** The opponents' field-goal points by kind while he was on court (fractions of points for a player). */
  oppPtsOffTov: number;
  oppPts2ndChance: number;
  oppPtsFb: number;
  oppPtsPaint: number;
}

/** A season's sums of one player (for one team) or one team; every field adds up game by game. */
type SeasonSums = BoxCounts & PlayKinds & GameShares;

interface PlayerSums {
  readonly player: Player;
  readonly teamId: number;
  readonly sums: SeasonSums;
}

interface TeamSums {
  readonly teamId: number;
  readonly sums: SeasonSums;
  readonly opponent: BoxCounts;
  wins: number;
  losses: number;
}

interface SeasonAggregates {
  /** By player id, then team id. */
  readonly players: readonly PlayerSums[];
  /** By team id. */
  readonly teams: readonly TeamSums[];
}

/**
 * `/api/stats/player` rows: one per player and team he played for in a final game of the season
 * type, by player id. Empty for a measure or PerMode the player endpoint does not serve.
 */
export function playerAggregateRows(
  season: SeasonIndex,
  seed: number,
  query: AggregateQuery,
  games: SeasonGames = skeletonFinalGames(season, seed),
): PlayerAggregateRow[] {
  if (!includes(PLAYER_PER_MODES, query.perMode) || !includes(PLAYER_MEASURES, query.measure)) return [];
  const { skeleton } = season;
  return seasonAggregates(season, games, query.seasonType).players.map(({ player, teamId, sums }) => {
    const team = season.teamsById.get(teamId);
    const minutes = sums.hundredths / 100;
    return {
      personId: player.id,
      name: playerName(player),
      nameI: playerNameI(player),
      jerseyNum: player.jerseyNum,
      position: player.position,
      stats: {
        season: skeleton.season,
        seasonType: query.seasonType,
        teamId,
        teamName: team?.fullName ?? '',
        teamAbbreviation: team?.abbreviation ?? '',
        ...inPerMode(
          measureStats(query.measure, sums, minutes, playerExtras(sums)),
          sums,
          minutes,
          query.perMode,
        ),
      },
    };
  });
}

/** `/api/stats/team` rows: one per team with a final game of the season type, by team id. */
export function teamAggregateRows(
  season: SeasonIndex,
  seed: number,
  query: AggregateQuery,
  games: SeasonGames = skeletonFinalGames(season, seed),
): TeamAggregateRow[] {
  if (!includes(TEAM_PER_MODES, query.perMode) || !includes(TEAM_MEASURES, query.measure)) return [];
  const { skeleton } = season;
  return seasonAggregates(season, games, query.seasonType).teams.map((entry) => {
    const { teamId, sums } = entry;
    const team = season.teamsById.get(teamId);
    // A team's MIN is the game clock's, 48 a regulation game, as the real season files have it.
    const minutes = round(sums.hundredths / 500, 2);
    const stats =
      query.measure === 'Opponent'
        ? { gp: sums.gp, min: minutes, ...opponentStats(entry.opponent) }
        : measureStats(query.measure, sums, minutes, teamRecord(entry));
    return {
      teamId,
      teamName: team?.fullName ?? '',
      teamAbbreviation: team?.abbreviation ?? '',
      stats: {
        season: skeleton.season,
        seasonType: query.seasonType,
        ...inPerMode(stats, sums, minutes, query.perMode),
      },
    };
  });
}

const includes = (list: readonly string[], value: string): boolean => list.includes(value);

/**
 * Every measure starts with GP and MIN, as upstream's do; `baseExtras` is what only a player's or a
 * team's Base has. MIN is the minutes on court: a player's, or a team's game minutes.
 */
function measureStats(measure: string, sums: SeasonSums, minutes: number, baseExtras: Stats): Stats {
  const common = { gp: sums.gp, min: minutes };
  switch (measure) {
    case 'Base':
      return { ...common, ...baseStats(sums), ...baseExtras };
    case 'Advanced':
      return { ...common, ...advancedStats(sums, minutes) };
    case 'Misc':
      return { ...common, ...miscStats(sums) };
    default:
      return { ...common, ...scoringStats(sums) };
  }
}

/** Shooting as fractions 0–1, three places; counts as summed. */
function baseStats(sums: SeasonSums): Stats {
  const reb = sums.oreb + sums.dreb;
  return {
    fgm: sums.fgm,
    fga: sums.fga,
    fgPct: round(ratioOf(sums.fgm, sums.fga), 3),
    fg3m: sums.fg3m,
    fg3a: sums.fg3a,
    fg3Pct: round(ratioOf(sums.fg3m, sums.fg3a), 3),
    ftm: sums.ftm,
    fta: sums.fta,
    ftPct: round(ratioOf(sums.ftm, sums.fta), 3),
    oreb: sums.oreb,
    dreb: sums.dreb,
    reb,
    ast: sums.ast,
    tov: sums.tov,
    stl: sums.stl,
    blk: sums.blk,
    pf: sums.pf,
    pts: sums.pts,
    plusMinus: sums.pointsFor - sums.pointsAgainst,
  };
}

/** What only a player's Base has: NBA fantasy points and his double- and triple-doubles. */
const playerExtras = (sums: SeasonSums): Stats => ({
  // NBA fantasy scoring: PTS + 1.2 REB + 1.5 AST + 3 STL + 3 BLK − TOV.
  nbaFantasy: round(
    sums.pts + 1.2 * (sums.oreb + sums.dreb) + 1.5 * sums.ast + 3 * (sums.stl + sums.blk) - sums.tov,
    1,
  ),
  doubleDouble: sums.doubleDoubles,
  tripleDouble: sums.tripleDoubles,
});

/** What only a team's Base has: its record. */
const teamRecord = (team: TeamSums): Stats => ({
  wins: team.wins,
  losses: team.losses,
  winPct: round(ratioOf(team.wins, team.sums.gp), 3),
});

/**
 * The game formulas (advancedFormulas) over the season's sums: shares are fractions 0–1 (upstream's
 * real season files send TS_PCT 0.624, OPP_TOV_PCT 0.134), ratings per 100 possessions, pace per 48
 * minutes on court. `usgPct` only means something for a player: a team's is left out.
 */
function advancedStats(sums: SeasonSums, courtMinutes: number): Stats {
  const offRating = ratingOf(sums.pointsFor, sums.possessions);
  const defRating = ratingOf(sums.pointsAgainst, sums.opponentPossessions);
  const usage: Stats =
    sums.teamPlays > 0 ? { usgPct: fractionOf(ratioOf(usageOf(sums), sums.teamPlays)) } : {};
  return {
    offRating,
    defRating,
    netRating: round(offRating - defRating, 1),
    astPct: fractionOf(ratioOf(sums.ast, sums.assistable)),
    astTo: assistsPerTurnoverOf(sums),
    astRatio: assistRatioOf(sums),
    orebPct: fractionOf(ratioOf(sums.oreb, sums.orebChances)),
    drebPct: fractionOf(ratioOf(sums.dreb, sums.drebChances)),
    rebPct: fractionOf(ratioOf(sums.oreb + sums.dreb, sums.rebChances)),
    tmTovPct: turnoverShareOf(sums),
    efgPct: effectiveFgOf(sums),
    tsPct: trueShootingOf(sums),
    ...usage,
    pace: paceOf((sums.possessions + sums.opponentPossessions) / 2, courtMinutes),
    pie: round(ratioOf(sums.pie, sums.gamePie), 3),
    poss: sums.possessions,
    ftaRate: round(ratioOf(sums.fta, sums.fga), 3),
  };
}

const usageOf = (box: BoxCounts): number => box.fga + 0.44 * box.fta + box.tov;

/** A player's opponent points are his on-court share of theirs: whole numbers once summed. */
const miscStats = (sums: SeasonSums): Stats => ({
  ptsOffTov: sums.ptsOffTov,
  pts2ndChance: sums.pts2ndChance,
  ptsFb: sums.ptsFb,
  ptsPaint: sums.ptsPaint,
  oppPtsOffTov: Math.round(sums.oppPtsOffTov),
  oppPts2ndChance: Math.round(sums.oppPts2ndChance),
  oppPtsFb: Math.round(sums.oppPtsFb),
  oppPtsPaint: Math.round(sums.oppPtsPaint),
});

/** Shares of attempts, points and makes: fractions 0–1, three places. */
function scoringStats(sums: SeasonSums): Stats {
  const share = (part: number, whole: number) => round(ratioOf(part, whole), 3);
  const unassisted = (assisted: number, made: number) => (made > 0 ? share(made - assisted, made) : 0);
  const fg2m = sums.fgm - sums.fg3m;
  const astFgm = sums.astFg2m + sums.astFg3m;
  return {
    pctFga2pt: share(sums.fga - sums.fg3a, sums.fga),
    pctFga3pt: share(sums.fg3a, sums.fga),
    pctPts2pt: share(2 * fg2m, sums.pts),
    pctPts2ptMr: share(2 * fg2m - sums.ptsPaint, sums.pts),
    pctPts3pt: share(3 * sums.fg3m, sums.pts),
    pctPtsFb: share(sums.ptsFb, sums.pts),
    pctPtsFt: share(sums.ftm, sums.pts),
    pctPtsOffTov: share(sums.ptsOffTov, sums.pts),
    pctPtsPaint: share(sums.ptsPaint, sums.pts),
    pctAst2pm: share(sums.astFg2m, fg2m),
    pctUast2pm: unassisted(sums.astFg2m, fg2m),
    pctAst3pm: share(sums.astFg3m, sums.fg3m),
    pctUast3pm: unassisted(sums.astFg3m, sums.fg3m),
    pctAstFgm: share(astFgm, sums.fgm),
    pctUastFgm: unassisted(astFgm, sums.fgm),
  };
}

/** The opponents' box, summed, under `opp`-prefixed names: never the team's own keys. */
const opponentStats = (opp: BoxCounts): Stats => ({
  oppFgm: opp.fgm,
  oppFga: opp.fga,
  oppFgPct: round(ratioOf(opp.fgm, opp.fga), 3),
  oppFg3m: opp.fg3m,
  oppFg3a: opp.fg3a,
  oppFg3Pct: round(ratioOf(opp.fg3m, opp.fg3a), 3),
  oppFtm: opp.ftm,
  oppFta: opp.fta,
  oppFtPct: round(ratioOf(opp.ftm, opp.fta), 3),
  oppOreb: opp.oreb,
  oppDreb: opp.dreb,
  oppReb: opp.oreb + opp.dreb,
  oppAst: opp.ast,
  oppTov: opp.tov,
  oppStl: opp.stl,
  oppBlk: opp.blk,
  oppPf: opp.pf,
  oppPts: opp.pts,
});

/** What PerGame, Per36 and Per100Possessions scale; GP, records, doubles and every rate stay. */
const SCALED = new Set([
  ...COUNT_FIELDS,
  'reb',
  'plusMinus',
  'nbaFantasy',
  'poss',
  'ptsOffTov',
  'pts2ndChance',
  'ptsFb',
  'ptsPaint',
  'oppPtsOffTov',
  'oppPts2ndChance',
  'oppPtsFb',
  'oppPtsPaint',
  ...COUNT_FIELDS.map((field) => `opp${field.charAt(0).toUpperCase()}${field.slice(1)}`),
  'oppReb',
]);

/**
 * The Totals in another PerMode, one decimal as stats.nba.com shows them: PerGame × 1 / GP (MIN
 * too), Per36 × 36 / MIN, Per100Possessions × 100 / POSS; MIN stays the total but in PerGame, as the
 * season lineups do. A zero divisor gives 0.
 */
function inPerMode(stats: Stats, sums: SeasonSums, minutes: number, perMode: string): Stats {
  if (perMode === 'Totals') return stats;
  const [times, per] =
    perMode === 'PerGame' ? [1, sums.gp] : perMode === 'Per36' ? [36, minutes] : [100, sums.possessions];
  const scale = (value: number) => (per > 0 ? round((value * times) / per, 1) : 0);
  const scaled: Stats = { ...stats };
  for (const [key, value] of Object.entries(stats)) if (SCALED.has(key)) scaled[key] = scale(value);
  if (perMode === 'PerGame') scaled.min = scale(minutes);
  return scaled;
}

const cache = new SeasonSumsCache<SeasonAggregates>();

function seasonAggregates(season: SeasonIndex, games: SeasonGames, seasonType: string): SeasonAggregates {
  return cache.get(season.skeleton, `${games.key}|${seasonType}`, games.whole, () =>
    sumSeason(season, games, seasonType),
  );
}

function sumSeason(season: SeasonIndex, games: SeasonGames, seasonType: string): SeasonAggregates {
  const players = new Map<string, PlayerSums>();
  const teams = new Map<number, TeamSums>();
  for (const game of games.games) {
    if (seasonTypeOf(game.id as GameId) !== seasonType) continue;
    const seed = games.seedOf(game);
    const random = new SeededRandom(`SeasonAggregates:${seed}:${game.id}`);
    const { sides } = gameBoxLines(season, game, seed);
    const gamePie = pieNumeratorOf(game.home.box) + pieNumeratorOf(game.away.box);
    const kinds = sides.map((lines) => playKinds(random, lines));
    sides.forEach((lines, at) => {
      const own = kinds[at] ?? [];
      const theirs = sumKinds(kinds[1 - at] ?? []);
      lines.players.forEach((line, index) => {
        const { player } = line.participant.entry;
        const entryKey = `${player.id}:${lines.side.teamId}`;
        const entry = players.get(entryKey) ?? { player, teamId: lines.side.teamId, sums: emptySums() };
        players.set(entryKey, entry);
        add(entry.sums, countsOf(line));
        add(entry.sums, own[index] ?? noPlays());
        add(entry.sums, playerShares(lines, index, theirs, gamePie));
      });
      const entry = teams.get(lines.side.teamId) ?? {
        teamId: lines.side.teamId,
        sums: emptySums(),
        opponent: noCounts(),
        wins: 0,
        losses: 0,
      };
      teams.set(lines.side.teamId, entry);
      add(entry.sums, countsOf(lines.side.box));
      add(entry.sums, sumKinds(own));
      add(entry.sums, teamShares(lines, theirs, gamePie));
      add(entry.opponent, countsOf(lines.opponent.box));
      if (lines.side.score > lines.opponent.score) entry.wins += 1;
      else entry.losses += 1;
    });
  }
  return {
    players: [...players.values()].sort((a, b) => a.player.id - b.player.id || a.teamId - b.teamId),
    teams: [...teams.values()].sort((a, b) => a.teamId - b.teamId),
  };
}

/** One player's game: his line's possessions and points, and his on-court share of both teams' play. */
function playerShares(lines: SideLines, index: number, theirs: PlayKinds, gamePie: number): GameShares {
  const line = lines.players[index];
  if (!line) throw new Error(`no box line ${index} for team ${lines.side.teamId}`);
  const team = lines.side.box;
  const opp = lines.opponent.box;
  const onCourt = line.minutes / (team.min / 5);
  const reb = line.oreb + line.dreb;
  const tens = [line.pts, reb, line.ast, line.stl, line.blk].filter((value) => value >= 10).length;
  return {
    gp: 1,
    hundredths: Math.round(line.minutes * 100),
    possessions: line.possessions,
    opponentPossessions: line.possessions,
    pointsFor: line.pointsFor,
    pointsAgainst: line.pointsAgainst,
    assistable: onCourt * team.fgm - line.fgm,
    orebChances: onCourt * (team.oreb + opp.dreb),
    drebChances: onCourt * (team.dreb + opp.oreb),
    rebChances: onCourt * (team.reb + opp.reb),
    teamPlays: onCourt * usageOf(team),
    pie: pieNumeratorOf(line),
    gamePie,
    doubleDoubles: tens >= 2 ? 1 : 0,
    tripleDoubles: tens >= 3 ? 1 : 0,
    oppPtsOffTov: onCourt * theirs.ptsOffTov,
    oppPts2ndChance: onCourt * theirs.pts2ndChance,
    oppPtsFb: onCourt * theirs.ptsFb,
    oppPtsPaint: onCourt * theirs.ptsPaint,
  };
}

/** One team's game, from the skeleton's boxes of both sides. */
function teamShares(lines: SideLines, theirs: PlayKinds, gamePie: number): GameShares {
  const team = lines.side.box;
  const opp = lines.opponent.box;
  return {
    gp: 1,
    hundredths: Math.round(team.min * 100),
    possessions: possessionsOf(team),
    opponentPossessions: possessionsOf(opp),
    pointsFor: team.pts,
    pointsAgainst: opp.pts,
    assistable: team.fgm,
    orebChances: team.oreb + opp.dreb,
    drebChances: team.dreb + opp.oreb,
    rebChances: team.reb + opp.reb,
    // No usage for a team: it uses all of its plays.
    teamPlays: 0,
    pie: pieNumeratorOf(team),
    gamePie,
    doubleDoubles: 0,
    tripleDoubles: 0,
    oppPtsOffTov: theirs.ptsOffTov,
    oppPts2ndChance: theirs.pts2ndChance,
    oppPtsFb: theirs.ptsFb,
    oppPtsPaint: theirs.ptsPaint,
  };
}

/** Shares of made field goals by kind of play: league-typical rates, not measured ones. */
const PAINT_SHARE_OF_TWOS = 0.62;
const FAST_BREAK_SHARE = 0.12;
const SECOND_CHANCE_SHARE = 0.12;
/** Assists go to made threes more often than to made twos. */
const THREE_ASSIST_WEIGHT = 1.5;

/**
 * Each player's made field goals of the game sorted into kinds of play (paint, fast break, second
 * chance, off a turnover: at the opponent's turnovers per possession), and exactly the box's AST
 * of the side's makes marked assisted.
 */
function playKinds(random: SeededRandom, lines: SideLines): PlayKinds[] {
  const offTurnoverShare = Math.min(0.5, ratioOf(lines.opponent.box.tov, possessionsOf(lines.side.box)));
  const kinds = lines.players.map(noPlays);
  const made: { at: number; three: boolean }[] = [];
  lines.players.forEach((line, at) => {
    for (let shot = 0; shot < line.fgm; shot++) made.push({ at, three: shot < line.fg3m });
  });
  for (const { at, three } of made) {
    const kind = kinds[at] as PlayKinds;
    const points = three ? 3 : 2;
    if (!three && random.chance(PAINT_SHARE_OF_TWOS)) kind.ptsPaint += points;
    if (random.chance(FAST_BREAK_SHARE)) kind.ptsFb += points;
    if (random.chance(SECOND_CHANCE_SHARE)) kind.pts2ndChance += points;
    if (random.chance(offTurnoverShare)) kind.ptsOffTov += points;
  }
  const weights: number[] = made.map(({ three }) => (three ? THREE_ASSIST_WEIGHT : 1));
  for (let assist = 0; assist < lines.side.box.ast; assist++) {
    const picked = random.weightedIndex(weights);
    const shot = made[picked];
    if (!shot) break;
    weights[picked] = 0;
    const kind = kinds[shot.at] as PlayKinds;
    if (shot.three) kind.astFg3m += 1;
    else kind.astFg2m += 1;
  }
  return kinds;
}

const noPlays = (): PlayKinds => ({
  ptsOffTov: 0,
  pts2ndChance: 0,
  ptsFb: 0,
  ptsPaint: 0,
  astFg2m: 0,
  astFg3m: 0,
});

function sumKinds(kinds: readonly PlayKinds[]): PlayKinds {
  const sum = noPlays();
  for (const kind of kinds) add(sum, kind);
  return sum;
}

/** The counts of a box line, without whatever else the line carries. */
const countsOf = (box: BoxCounts): BoxCounts => ({
  fgm: box.fgm,
  fga: box.fga,
  fg3m: box.fg3m,
  fg3a: box.fg3a,
  ftm: box.ftm,
  fta: box.fta,
  oreb: box.oreb,
  dreb: box.dreb,
  ast: box.ast,
  stl: box.stl,
  blk: box.blk,
  tov: box.tov,
  pf: box.pf,
  pts: box.pts,
});

const noCounts = (): BoxCounts =>
  Object.fromEntries(COUNT_FIELDS.map((field) => [field, 0])) as unknown as BoxCounts;

const noShares = (): GameShares => ({
  gp: 0,
  hundredths: 0,
  possessions: 0,
  opponentPossessions: 0,
  pointsFor: 0,
  pointsAgainst: 0,
  assistable: 0,
  orebChances: 0,
  drebChances: 0,
  rebChances: 0,
  teamPlays: 0,
  pie: 0,
  gamePie: 0,
  doubleDoubles: 0,
  tripleDoubles: 0,
  oppPtsOffTov: 0,
  oppPts2ndChance: 0,
  oppPtsFb: 0,
  oppPtsPaint: 0,
});

const emptySums = (): SeasonSums => Object.assign(noCounts(), noPlays(), noShares());

/** Adds `part` into `sum`, field by field. Summing goes through no spread: spreads made it slow. */
function add<Part extends object>(sum: Part, part: Part): void {
  const into = sum as Record<string, number>;
  const from = part as Record<string, number>;
  for (const field in from) into[field] = (into[field] ?? 0) + (from[field] ?? 0);
}
