// The 5-man lineups of one game (`/game/lineups`): per team about 18 units of the players who
// played (gameParticipants), their minutes adding up to the team's box MIN / 5 to the hundredth
// (every minute on court has five players) and their counts to the team's box. A team's known
// lineups whose five all played come first — on the real skeleton its real ones, each picked with
// the chance it played a game (GP / team games) for its real minutes per game; a synthetic team's
// from a seeded set — then made-up units, every participant in at least one. One to three lineups
// get seconds, some none (a substitution at the free-throw line). Pure in (season, game, seed).
import { type GameId, seasonTypeOf } from '../../src/gameId.ts';
import type { SeasonIndex } from '../seasonIndex.ts';
import { SeededRandom } from '../seededRandom.ts';
import type { Game, GameSide, SeasonLineup, Skeleton } from '../skeleton.ts';
import { gameParticipants, type Participant } from './gameParticipants.ts';
import {
  type LineupAdvancedStats,
  type LineupBaseStats,
  type LineupMeasure,
  type LineupTotals,
  lineupAdvancedStats,
  lineupBaseStats,
} from './lineupStats.ts';
import { playerNameI } from './playerEventRow.ts';

export interface GameLineup {
  readonly side: GameSide;
  /** Ascending: the lineup's identity, whatever order a row lists its players in. */
  readonly playerIds: readonly number[];
  /** One of the team's real season lineups (real skeleton), not made up. */
  readonly real: boolean;
  readonly totals: LineupTotals;
}

/** The team fields every lineup row starts with. */
export interface LineupTeamIdentity {
  leagueId: string;
  seasonYear: string;
  seasonType: string;
  teamId: number;
  teamName: string;
  teamAbbreviation: string;
}

export interface LineupPlayers {
  player1Id: number;
  player1Name: string;
  player2Id: number;
  player2Name: string;
  player3Id: number;
  player3Name: string;
  player4Id: number;
  player4Name: string;
  player5Id: number;
  player5Name: string;
}

export type GameLineupRow<Stats> = LineupTeamIdentity & {
  gameId: string;
  gameDate: string;
  gameOutcome: 'W' | 'L';
  opponentName: string;
  teamScore: number;
  opponentScore: number;
  scoreDiff: number;
} & LineupPlayers & { stats: Stats };

/** How many lineups of a team get no minutes at all: 0, 1 or 2, with these weights. */
const ZERO_MINUTE_WEIGHTS = [0.5, 0.35, 0.15];
/** Hundredths of a minute every lineup that is neither tiny nor zero gets before the rest is shared. */
const FLOOR_HUNDREDTHS = 50;
/** A zero-minute lineup stands at the free-throw line as long as this many hundredths of play. */
const FREE_THROW_WEIGHT = 200;
const DRAW_ATTEMPTS = 20;

/** Home lineups first, then away; each team's by minutes (most first), then player ids. */
export function gameLineups(season: SeasonIndex, game: Game, seed: number): readonly GameLineup[] {
  const cache = lineupIndex(season).games;
  const key = `${seed}:${game.id}`;
  const cached = cache.get(key);
  if (cached) return cached;
  const random = new SeededRandom(`Lineups:${seed}:${game.id}`);
  const participants = gameParticipants(season, game, seed);
  const lineups = (
    [
      [game.home, game.away],
      [game.away, game.home],
    ] as const
  ).flatMap(([side, opponent]) =>
    sideLineups(
      season,
      game,
      side,
      opponent,
      participants.filter((participant) => participant.side === side),
      random,
      seed,
    ),
  );
  cache.set(key, lineups);
  return lineups;
}

export function gameLineupBaseRows(
  season: SeasonIndex,
  game: Game,
  seed: number,
): GameLineupRow<LineupBaseStats>[] {
  return gameLineups(season, game, seed).map((lineup) =>
    gameLineupRow(season, game, seed, lineup, 'Base', lineupBaseStats(lineup.totals)),
  );
}

export function gameLineupAdvancedRows(
  season: SeasonIndex,
  game: Game,
  seed: number,
): GameLineupRow<LineupAdvancedStats>[] {
  return gameLineups(season, game, seed).map((lineup) =>
    gameLineupRow(season, game, seed, lineup, 'Advanced', lineupAdvancedStats(lineup.totals)),
  );
}

export function lineupTeamIdentity(
  season: SeasonIndex,
  teamId: number,
  seasonType: string,
): LineupTeamIdentity {
  const team = season.teamsById.get(teamId);
  return {
    leagueId: season.skeleton.leagueId,
    seasonYear: season.skeleton.season,
    seasonType,
    teamId,
    teamName: team?.fullName ?? '',
    teamAbbreviation: team?.abbreviation ?? '',
  };
}

/**
 * player1..player5 in a seeded order of their own per measure (`orderKey`), never sorted on
 * purpose: a client must key a lineup by its sorted ids, however a row lists them.
 */
export function lineupPlayers(
  playerIds: readonly number[],
  nameOf: (id: number, index: number) => string,
  orderKey: string,
): LineupPlayers {
  const order = new SeededRandom(`LineupOrder:${orderKey}`).shuffle(playerIds.map((_, index) => index));
  const [a, b, c, d, e] = order.map((index) => ({
    id: playerIds[index] as number,
    name: nameOf(playerIds[index] as number, index),
  }));
  if (!a || !b || !c || !d || !e) throw new Error(`a lineup has five players, got ${playerIds.length}`);
  return {
    player1Id: a.id,
    player1Name: a.name,
    player2Id: b.id,
    player2Name: b.name,
    player3Id: c.id,
    player3Name: c.name,
    player4Id: d.id,
    player4Name: d.name,
    player5Id: e.id,
    player5Name: e.name,
  };
}

function gameLineupRow<Stats>(
  season: SeasonIndex,
  game: Game,
  seed: number,
  lineup: GameLineup,
  measure: LineupMeasure,
  stats: Stats,
): GameLineupRow<Stats> {
  const { side } = lineup;
  const opponent = side === game.home ? game.away : game.home;
  const nameOf = (id: number) => {
    const player = season.playersById.get(id);
    return player ? playerNameI(player) : '';
  };
  return {
    ...lineupTeamIdentity(season, side.teamId, seasonTypeOf(game.id as GameId)),
    gameId: game.id,
    gameDate: game.date,
    gameOutcome: side.score > opponent.score ? 'W' : 'L',
    opponentName: season.teamsById.get(opponent.teamId)?.fullName ?? '',
    teamScore: side.score,
    opponentScore: opponent.score,
    scoreDiff: side.score - opponent.score,
    ...lineupPlayers(lineup.playerIds, nameOf, `${seed}:${game.id}:${side.teamId}:${measure}`),
    stats,
  };
}

interface Draft {
  readonly ids: number[];
  readonly weight: number;
  readonly real: boolean;
  readonly kind: 'normal' | 'tiny' | 'zero';
}

/** A lineup a team is known to use: picked for a game when its five all played, with its chance. */
interface KnownLineup {
  readonly ids: readonly number[];
  readonly chance: number;
  /** Minutes it plays in a game it is picked for. */
  readonly minutesPerGame: number;
  readonly real: boolean;
}

interface LineupIndex {
  readonly finalGamesByTeam: ReadonlyMap<number, number>;
  /** By `${seed}:${teamId}`, most minutes per game first. */
  readonly known: Map<string, readonly KnownLineup[]>;
  /** By `${seed}:${gameId}`: Base and Advanced calls over the same games compute each game once. */
  readonly games: Map<string, GameLineup[]>;
}

/** By skeleton, not by index: replicas of one skeleton (tests start many) share what is computed. */
const indexes = new WeakMap<Skeleton, LineupIndex>();

function lineupIndex(season: SeasonIndex): LineupIndex {
  let index = indexes.get(season.skeleton);
  if (index) return index;
  const finalGamesByTeam = new Map<number, number>();
  // The skeleton's season, whatever a clock says: a game's lineups never depend on the hour.
  for (const game of season.skeleton.games) {
    if (game.status !== 3) continue;
    for (const side of [game.home, game.away])
      finalGamesByTeam.set(side.teamId, (finalGamesByTeam.get(side.teamId) ?? 0) + 1);
  }
  index = { finalGamesByTeam, known: new Map(), games: new Map() };
  indexes.set(season.skeleton, index);
  return index;
}

/** Lineups a synthetic team draws from before making one up: enough to repeat like a real rotation. */
const SYNTHETIC_KNOWN = 150;
const SYNTHETIC_CHANCE = 0.6;

/**
 * The real skeleton's known lineups are the team's real ones: picked with the chance GP / team
 * games, for their real minutes per game. A synthetic team gets a seeded set drawn from its roster
 * by minutes per game, so its season has a few hundred lineups, not one per game and slot.
 */
function knownLineups(season: SeasonIndex, teamId: number, seed: number): readonly KnownLineup[] {
  const index = lineupIndex(season);
  const key = `${seed}:${teamId}`;
  const cached = index.known.get(key);
  if (cached) return cached;
  let known: KnownLineup[];
  if (season.skeleton.lineups) {
    const teamGames = Math.max(1, index.finalGamesByTeam.get(teamId) ?? 0);
    known = season.skeleton.lineups
      .filter((lineup) => lineup.teamId === teamId)
      .map((lineup: SeasonLineup) => ({
        ids: lineup.playerIds,
        chance: Math.min(1, lineup.box.gp / teamGames),
        minutesPerGame: lineup.box.min / Math.max(1, lineup.box.gp),
        real: true,
      }));
  } else {
    const random = new SeededRandom(`KnownLineups:${seed}:${teamId}`);
    const entries = season.rosters.get(teamId)?.entries ?? [];
    const perGame = new Map(
      entries.map(({ player, season: s }) => [player.id, Math.min(48, s.min / Math.max(1, s.gp))]),
    );
    const members = entries.map((entry) => ({ entry, minutes: perGame.get(entry.player.id) ?? 0 }));
    const seen = new Set<string>();
    known = [];
    for (let attempt = 0; attempt < SYNTHETIC_KNOWN * 4 && known.length < SYNTHETIC_KNOWN; attempt++) {
      if (members.length < 5) break;
      const ids = drawFive(random, members);
      const id = ids.join('-');
      if (seen.has(id)) continue;
      seen.add(id);
      const share = ids.reduce((product, player) => product * ((perGame.get(player) ?? 0) / 48), 1);
      known.push({
        ids,
        chance: SYNTHETIC_CHANCE,
        minutesPerGame: 48 * share * random.between(0.6, 1.4),
        real: false,
      });
    }
  }
  known.sort((a, b) => b.minutesPerGame - a.minutesPerGame || compareIds(a.ids, b.ids));
  index.known.set(key, known);
  return known;
}

/** Real lineups take at most this share of a team's minutes, so made-up ones still fit. */
const REAL_SHARE_CAP = 0.75;

function sideLineups(
  season: SeasonIndex,
  game: Game,
  side: GameSide,
  opponent: GameSide,
  members: readonly Participant[],
  random: SeededRandom,
  seed: number,
): GameLineup[] {
  if (members.length < 5) return [];
  const gameLength = 48 + 5 * Math.max(0, game.periods - 4);
  const minutesById = new Map(members.map((member) => [member.entry.player.id, member.minutes]));
  const drafts: Draft[] = [];
  const keys = new Set<string>();
  const add = (draft: Draft): boolean => {
    const key = draft.ids.join('-');
    if (keys.has(key)) return false;
    keys.add(key);
    drafts.push(draft);
    return true;
  };
  // A made-up unit plays about as long as its five would all be on court at once, by their minutes.
  const madeUpWeight = (ids: readonly number[]) =>
    gameLength *
    ids.reduce((product, id) => product * ((minutesById.get(id) ?? 0) / gameLength), 1) *
    random.between(0.6, 1.4);
  const madeUp = (kind: Draft['kind'], must?: number): boolean => {
    for (let attempt = 0; attempt < DRAW_ATTEMPTS; attempt++) {
      const ids = drawFive(random, members, must);
      if (add({ ids, weight: madeUpWeight(ids), real: false, kind })) return true;
    }
    return false;
  };

  const zeroCount = Math.max(0, random.weightedIndex(ZERO_MINUTE_WEIGHTS));
  const tinyCount = random.int(1, 3);
  const normalCount = random.int(15, 22) - zeroCount - tinyCount;

  const eligible = knownLineups(season, side.teamId, seed).filter((lineup) =>
    lineup.ids.every((id) => minutesById.has(id)),
  );
  const unpicked: KnownLineup[] = [];
  for (const lineup of eligible) {
    if (drafts.length < normalCount && random.chance(lineup.chance)) {
      const weight = lineup.minutesPerGame * random.between(0.6, 1.4);
      add({ ids: [...lineup.ids], weight, real: lineup.real, kind: 'normal' });
    } else unpicked.push(lineup);
  }
  const byMinutes = [...members].sort(
    (a, b) => b.minutes - a.minutes || a.entry.player.id - b.entry.player.id,
  );
  for (const member of byMinutes) {
    const id = member.entry.player.id;
    if (!drafts.some((draft) => draft.ids.includes(id))) madeUp('normal', id);
  }
  for (let made = drafts.length; made < normalCount; made++) if (!madeUp('normal')) break;
  // Short stints come from the known lineups that did not play long tonight, else are made up.
  for (const kind of ['tiny', 'zero'] as const) {
    for (let made = 0; made < (kind === 'tiny' ? tinyCount : zeroCount); made++) {
      const lineup = unpicked.shift();
      if (!lineup || !add({ ids: [...lineup.ids], weight: 0, real: lineup.real, kind })) madeUp(kind);
    }
  }

  const hundredths = lineupHundredths(random, drafts, Math.round(side.box.min * 20));
  const totals = dealBox(random, drafts, hundredths, side, opponent);
  return drafts
    .map((draft, at) => ({
      side,
      playerIds: draft.ids,
      real: draft.real,
      totals: totals[at] as LineupTotals,
    }))
    .sort((a, b) => b.totals.min - a.totals.min || compareIds(a.playerIds, b.playerIds));
}

export function compareIds(a: readonly number[], b: readonly number[]): number {
  for (let at = 0; at < a.length; at++) {
    const difference = (a[at] ?? 0) - (b[at] ?? 0);
    if (difference !== 0) return difference;
  }
  return a.length - b.length;
}

interface Candidate {
  readonly entry: { readonly player: { readonly id: number } };
  readonly minutes: number;
}

/** Five distinct players drawn by their minutes (`must` always among them); ascending. */
function drawFive(random: SeededRandom, members: readonly Candidate[], must?: number): number[] {
  const weights = members.map((member) => (member.entry.player.id === must ? 0 : member.minutes));
  const ids = must === undefined ? [] : [must];
  while (ids.length < 5) {
    const at = random.weightedIndex(weights);
    if (at < 0) break;
    ids.push((members[at] as Candidate).entry.player.id);
    weights[at] = 0;
  }
  return ids.sort((a, b) => a - b);
}

/**
 * The team's `total` hundredths of a minute: 1–60 to each tiny lineup, none to a zero-minute one,
 * its real minutes per game (±40%) to a real lineup — at most REAL_SHARE_CAP of what is left, scaled
 * down together — and to the others a floor of half a minute plus a share of the rest by weight.
 * Shares go by largest remainder, so the parts add up exactly.
 */
function lineupHundredths(random: SeededRandom, drafts: readonly Draft[], total: number): number[] {
  const parts = drafts.map((draft) => (draft.kind === 'tiny' ? random.int(1, 60) : 0));
  const normal = drafts.flatMap((draft, at) => (draft.kind === 'normal' && !draft.real ? [at] : []));
  const real = drafts.flatMap((draft, at) => (draft.kind === 'normal' && draft.real ? [at] : []));
  const afterTiny = total - parts.reduce((sum, part) => sum + part, 0);
  const floor = Math.min(FLOOR_HUNDREDTHS, Math.floor(afterTiny / Math.max(1, normal.length + real.length)));
  const wanted = real.map((at) => Math.max(floor, Math.round((drafts[at] as Draft).weight * 100)));
  const wantedSum = wanted.reduce((sum, part) => sum + part, 0);
  const room = Math.floor((afterTiny - floor * normal.length) * (normal.length > 0 ? REAL_SHARE_CAP : 1));
  // Without made-up lineups to take the rest, the real ones share all of it.
  const realParts =
    normal.length === 0 ? apportion(afterTiny, wanted) : wantedSum <= room ? wanted : apportion(room, wanted);
  real.forEach((at, position) => {
    parts[at] = realParts[position] ?? 0;
  });
  const left = afterTiny - realParts.reduce((sum, part) => sum + part, 0) - floor * normal.length;
  const shared = apportion(
    left,
    normal.map((at) => (drafts[at] as Draft).weight),
  );
  normal.forEach((at, position) => {
    parts[at] = floor + (shared[position] ?? 0);
  });
  return parts;
}

/** `total` whole units in proportion to `weights`, by largest remainder. */
function apportion(total: number, weights: readonly number[]): number[] {
  const sum = weights.reduce((acc, weight) => acc + weight, 0);
  if (weights.length === 0) return [];
  const exact = weights.map((weight) => (sum > 0 ? (total * weight) / sum : total / weights.length));
  const parts = exact.map(Math.floor);
  let left = total - parts.reduce((acc, part) => acc + part, 0);
  const order = exact.map((value, at) => [value - (parts[at] ?? 0), at] as const).sort((a, b) => b[0] - a[0]);
  for (const [, at] of order) {
    if (left <= 0) break;
    parts[at] = (parts[at] ?? 0) + 1;
    left -= 1;
  }
  return parts;
}

/**
 * The team's and its opponent's box, event by event, to the lineups on court: shots, rebounds,
 * turnovers and the rest by minutes; free throws also to zero-minute lineups; an offensive rebound
 * only after one of the lineup's own misses and an assist only on one of its own makes.
 */
function dealBox(
  random: SeededRandom,
  drafts: readonly Draft[],
  hundredths: readonly number[],
  side: GameSide,
  opponent: GameSide,
): LineupTotals[] {
  const onCourt = hundredths;
  const atTheLine = hundredths.map(
    (part, at) => part + ((drafts[at] as Draft).kind === 'zero' ? FREE_THROW_WEIGHT : 0),
  );
  const deal = (count: number, weights: readonly number[]) => {
    const parts = weights.map(() => 0);
    for (let n = 0; n < count; n++) {
      const at = random.weightedIndex(weights);
      if (at < 0) break;
      parts[at] = (parts[at] ?? 0) + 1;
    }
    return parts;
  };
  const dealWithin = (count: number, room: readonly number[]) => {
    const left = [...room];
    const parts = room.map(() => 0);
    for (let n = 0; n < count; n++) {
      let at = random.weightedIndex(left);
      if (at < 0) at = random.weightedIndex(onCourt);
      else left[at] = (left[at] ?? 0) - 1;
      if (at < 0) break;
      parts[at] = (parts[at] ?? 0) + 1;
    }
    return parts;
  };
  const own = side.box;
  const made3 = deal(own.fg3m, onCourt);
  const missed3 = deal(own.fg3a - own.fg3m, onCourt);
  const made2 = deal(own.fgm - own.fg3m, onCourt);
  const missed2 = deal(own.fga - own.fg3a - (own.fgm - own.fg3m), onCourt);
  const ftm = deal(own.ftm, atTheLine);
  const ftMissed = deal(own.fta - own.ftm, atTheLine);
  const fgm = made3.map((threes, at) => threes + (made2[at] ?? 0));
  const oreb = dealWithin(
    own.oreb,
    missed3.map((threes, at) => threes + (missed2[at] ?? 0)),
  );
  const ast = dealWithin(own.ast, fgm);
  const dreb = deal(own.dreb, onCourt);
  const tov = deal(own.tov, onCourt);
  const stl = deal(own.stl, onCourt);
  const blk = deal(own.blk, onCourt);
  const pf = deal(own.pf, onCourt);
  const other = opponent.box;
  const opponentThrees = deal(other.fg3m, onCourt);
  const opponentTwos = deal(other.fgm - other.fg3m, onCourt);
  const opponentFreeThrows = deal(other.ftm, atTheLine);
  const blka = deal(other.blk, onCourt);
  const pfd = deal(other.pf, onCourt);
  const oppOreb = deal(other.oreb, onCourt);
  const oppDreb = deal(other.dreb, onCourt);
  const won = side.score > opponent.score;
  return drafts.map((_, at) => {
    const n = (parts: readonly number[]) => parts[at] ?? 0;
    const pts = 3 * n(made3) + 2 * n(made2) + n(ftm);
    const opponentPoints = 3 * n(opponentThrees) + 2 * n(opponentTwos) + n(opponentFreeThrows);
    return {
      gp: 1,
      w: won ? 1 : 0,
      l: won ? 0 : 1,
      min: n(hundredths) / 100,
      fgm: n(fgm),
      fga: n(fgm) + n(missed3) + n(missed2),
      fg3m: n(made3),
      fg3a: n(made3) + n(missed3),
      ftm: n(ftm),
      fta: n(ftm) + n(ftMissed),
      oreb: n(oreb),
      dreb: n(dreb),
      reb: n(oreb) + n(dreb),
      ast: n(ast),
      tov: n(tov),
      stl: n(stl),
      blk: n(blk),
      blka: n(blka),
      pf: n(pf),
      pfd: n(pfd),
      pts,
      plusMinus: pts - opponentPoints,
      oppOreb: n(oppOreb),
      oppDreb: n(oppDreb),
    };
  });
}
