// `/api/stats/player` and `/api/stats/team`: season aggregates that add up to the replica's games —
// a player's Totals are his /game/player Base rows summed, a team's its box scores — converted per
// PerMode, with the legacy parameters' 400s, per-call fixtures and the endpoint keys.
import { mkdir, mkdtemp, rm, writeFile } from 'node:fs/promises';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import test from 'ava';
import { playerBaseRows } from '../../replica/generators/playerBase.ts';
import {
  PLAYER_MEASURES,
  type PlayerAggregateRow,
  playerAggregateRows,
  TEAM_MEASURES,
  type TeamAggregateRow,
  teamAggregateRows,
} from '../../replica/generators/seasonAggregates.ts';
import { indexSeason } from '../../replica/seasonIndex.ts';
import type { Replica } from '../../replica/server.ts';
import type { TeamBox } from '../../replica/skeleton.ts';
import { type GameId, seasonTypeOf } from '../../src/gameId.ts';
import { assertSameRows, getJson, replicaFor, testSkeleton } from './replicaTestKit.ts';

const skeleton = testSkeleton();
const season = indexSeason(skeleton);
const REGULAR = 'Regular Season';
const finals = skeleton.games.filter(
  (game) => game.status === 3 && seasonTypeOf(game.id as GameId) === REGULAR,
);
const ATL = 1610612737;

interface Envelope<Row> {
  leagueId: string;
  season: string;
  seasonType: string;
  perMode: string;
  measureType: string;
  players: Row[];
  teams: Row[];
}

let replica: Replica;
test.before(async () => {
  replica = await replicaFor();
});
test.after.always(async () => {
  await replica?.close();
});

function statsUrl(side: 'player' | 'team', params: Record<string, string>): string {
  const query = new URLSearchParams({
    leagueId: '00',
    season: '2025-26',
    seasonType: REGULAR,
    perMode: 'Totals',
    measureType: 'Base',
    ...params,
  });
  for (const [name, value] of Object.entries(params)) if (value === '') query.delete(name);
  return `${replica.url}/api/stats/${side}?${query}`;
}

const playerRows = (perMode: string, measure: string) =>
  playerAggregateRows(season, replica.seed, { seasonType: REGULAR, perMode, measure });
const teamRows = (perMode: string, measure: string) =>
  teamAggregateRows(season, replica.seed, { seasonType: REGULAR, perMode, measure });
const byPlayer = (rows: readonly PlayerAggregateRow[]) =>
  new Map(rows.map((row) => [`${row.personId}:${row.stats.teamId}`, row.stats]));
const byTeam = (rows: readonly TeamAggregateRow[]) => new Map(rows.map((row) => [row.teamId, row.stats]));

const COUNTS = ['fgm', 'fga', 'fg3m', 'fg3a', 'ftm', 'fta', 'oreb', 'dreb', 'ast', 'stl', 'blk', 'pf', 'pts'];

test("a player's Totals are his /game/player Base rows of the season's final games added up", (t) => {
  const expected = new Map<string, Record<string, number>>();
  for (const game of finals) {
    for (const row of playerBaseRows(season, game, replica.seed)) {
      const key = `${row.playerId}:${row.teamId}`;
      const sums = expected.get(key) ?? { gp: 0, hundredths: 0, plusMinus: 0, tov: 0, reb: 0 };
      sums.gp = (sums.gp ?? 0) + 1;
      sums.hundredths = (sums.hundredths ?? 0) + Math.round(row.stats.MIN * 100);
      sums.plusMinus = (sums.plusMinus ?? 0) + row.stats.PLUS_MINUS;
      sums.tov = (sums.tov ?? 0) + row.stats.TOV;
      sums.reb = (sums.reb ?? 0) + row.stats.REB;
      for (const field of COUNTS) {
        sums[field] = (sums[field] ?? 0) + (row.stats[field.toUpperCase() as 'FGM'] as number);
      }
      expected.set(key, sums);
    }
  }
  const served = byPlayer(playerRows('Totals', 'Base'));
  t.deepEqual([...served.keys()].sort(), [...expected.keys()].sort());
  let mismatched = 0;
  for (const [key, sums] of expected) {
    const stats = served.get(key);
    const { hundredths = 0, ...rest } = sums;
    const same =
      stats?.min === hundredths / 100 &&
      Object.entries(rest).every(([field, value]) => stats?.[field] === value) &&
      stats.fgPct === Number(((sums.fgm ?? 0) / Math.max(1, sums.fga ?? 0)).toFixed(3));
    if (!same) mismatched += 1;
  }
  t.is(mismatched, 0);
  if (skeleton.source === 'real') t.is(served.size, 535);
});

test("a team's Totals are its box scores added up, its record from the scores, MIN in game minutes", (t) => {
  const served = byTeam(teamRows('Totals', 'Base'));
  t.is(served.size, skeleton.teams.length);
  for (const team of skeleton.teams) {
    const sides = finals.flatMap((game) =>
      game.home.teamId === team.id
        ? [{ side: game.home, other: game.away }]
        : game.away.teamId === team.id
          ? [{ side: game.away, other: game.home }]
          : [],
    );
    const sum = (pick: (box: TeamBox) => number) =>
      sides.reduce((total, { side }) => total + pick(side.box), 0);
    const wins = sides.filter(({ side, other }) => side.score > other.score).length;
    t.like(served.get(team.id), {
      gp: sides.length,
      wins,
      losses: sides.length - wins,
      min: Math.round(sum((box) => box.min) * 20) / 100,
      fgm: sum((box) => box.fgm),
      fga: sum((box) => box.fga),
      fg3m: sum((box) => box.fg3m),
      ftm: sum((box) => box.ftm),
      reb: sum((box) => box.reb),
      tov: sum((box) => box.tov),
      pts: sum((box) => box.pts),
    });
  }
  if (skeleton.source === 'real') {
    // leaguedashteamstats Base Totals 2025-26 for Atlanta, as the real file has it.
    t.like(served.get(ATL), { gp: 58, wins: 27, losses: 31, winPct: 0.466, min: 2794, pts: 6783, fgm: 2496 });
  }
});

test("a team's players add up to the team, and a team's Opponent is what its opponents did", (t) => {
  const teams = byTeam(teamRows('Totals', 'Base'));
  const misc = byTeam(teamRows('Totals', 'Misc'));
  const opponent = byTeam(teamRows('Totals', 'Opponent'));
  const sums = new Map<number, { pts: number; ast: number; ptsPaint: number; ptsFb: number }>();
  const playerMisc = byPlayer(playerRows('Totals', 'Misc'));
  for (const row of playerRows('Totals', 'Base')) {
    const sum = sums.get(row.stats.teamId) ?? { pts: 0, ast: 0, ptsPaint: 0, ptsFb: 0 };
    const own = playerMisc.get(`${row.personId}:${row.stats.teamId}`);
    sum.pts += Number(row.stats.pts);
    sum.ast += Number(row.stats.ast);
    sum.ptsPaint += Number(own?.ptsPaint);
    sum.ptsFb += Number(own?.ptsFb);
    sums.set(row.stats.teamId, sum);
  }
  for (const [teamId, sum] of sums) {
    t.like(teams.get(teamId), { pts: sum.pts, ast: sum.ast });
    t.like(misc.get(teamId), { ptsPaint: sum.ptsPaint, ptsFb: sum.ptsFb });
  }
  const opponentPoints = new Map<number, number>();
  for (const game of finals) {
    opponentPoints.set(game.home.teamId, (opponentPoints.get(game.home.teamId) ?? 0) + game.away.box.pts);
    opponentPoints.set(game.away.teamId, (opponentPoints.get(game.away.teamId) ?? 0) + game.home.box.pts);
  }
  for (const [teamId, points] of opponentPoints) {
    const own = teams.get(teamId);
    t.like(opponent.get(teamId), { oppPts: points, gp: own?.gp });
    t.is(own?.plusMinus, Number(own?.pts) - points);
  }
  // Every team's opponent paint points are some other teams' own: the league's add up.
  const total = (key: string) => [...misc.values()].reduce((sum, stats) => sum + Number(stats[key]), 0);
  t.is(total('oppPtsPaint'), total('ptsPaint'));
  t.is(total('oppPtsFb'), total('ptsFb'));
});

test('PerGame, Per36 and Per100Possessions scale the counts to a tenth; rates, GP and doubles stay', (t) => {
  const totals = byPlayer(playerRows('Totals', 'Base'));
  const advanced = byPlayer(playerRows('Totals', 'Advanced'));
  const scaled = (value: unknown, times: number, per: number) =>
    per > 0 ? Number(((Number(value) * times) / per).toFixed(1)) : 0;
  const modes = {
    PerGame: byPlayer(playerRows('PerGame', 'Base')),
    Per36: byPlayer(playerRows('Per36', 'Base')),
    Per100Possessions: byPlayer(playerRows('Per100Possessions', 'Base')),
  };
  let wrong = 0;
  for (const [key, total] of totals) {
    const divisors = {
      PerGame: [1, total.gp],
      Per36: [36, total.min],
      Per100Possessions: [100, advanced.get(key)?.poss],
    };
    for (const [mode, rows] of Object.entries(modes)) {
      const [times, per] = divisors[mode as keyof typeof divisors] as [number, number];
      const row = rows.get(key);
      const ok =
        row?.pts === scaled(total.pts, times, per) &&
        row.fg3a === scaled(total.fg3a, times, per) &&
        row.plusMinus === scaled(total.plusMinus, times, per) &&
        row.min === (mode === 'PerGame' ? scaled(total.min, 1, Number(total.gp)) : total.min) &&
        row.fgPct === total.fgPct &&
        row.gp === total.gp &&
        row.doubleDouble === total.doubleDouble;
      if (!ok) wrong += 1;
    }
  }
  t.is(wrong, 0);
  const team = byTeam(teamRows('PerGame', 'Base')).get(ATL);
  const teamTotals = byTeam(teamRows('Totals', 'Base')).get(ATL);
  t.like(team, {
    gp: teamTotals?.gp,
    wins: teamTotals?.wins,
    pts: scaled(teamTotals?.pts, 1, Number(teamTotals?.gp)),
    min: scaled(teamTotals?.min, 1, Number(teamTotals?.gp)),
  });
});

test('shares are fractions 0-1 in every measure, eFG% and TS% at most 1.5, ratings per 100 possessions', (t) => {
  const outside: string[] = [];
  const rows = [
    ...PLAYER_MEASURES.flatMap((measure) => playerRows('Totals', measure)),
    ...TEAM_MEASURES.flatMap((measure) => teamRows('Totals', measure)),
  ];
  for (const row of rows) {
    for (const [key, value] of Object.entries(row.stats)) {
      if (typeof value !== 'number') continue;
      const max = key === 'efgPct' || key === 'tsPct' ? 1.5 : 1;
      const share = /Pct$|^pct/.test(key) || key === 'pie';
      if (share && !(value >= (key === 'pie' ? -1 : 0) && value <= max)) outside.push(`${key}=${value}`);
    }
  }
  t.deepEqual(outside.slice(0, 5), []);
  const base = byTeam(teamRows('Totals', 'Base')).get(ATL);
  const advanced = byTeam(teamRows('Totals', 'Advanced')).get(ATL);
  const poss = Number(advanced?.poss);
  t.is(advanced?.offRating, Math.round((1000 * Number(base?.pts)) / poss) / 10);
  t.true(Number(advanced?.pace) > 85 && Number(advanced?.pace) < 115);
  t.false('usgPct' in (advanced ?? {}));
  const player = playerRows('Totals', 'Advanced')[0]?.stats;
  t.true(Number(player?.usgPct) > 0 && Number(player?.usgPct) < 1);
});

test('the endpoints serve the generated rows in the legacy envelope, players by id, teams by id', async (t) => {
  const players = await getJson<Envelope<PlayerAggregateRow>>(
    statsUrl('player', { perMode: 'Per36', measureType: 'Scoring' }),
  );
  t.is(players.status, 200);
  t.like(players.body, {
    leagueId: '00',
    season: '2025-26',
    seasonType: REGULAR,
    perMode: 'Per36',
    measureType: 'Scoring',
  });
  assertSameRows(t, players.body.players, playerRows('Per36', 'Scoring'));
  const ids = players.body.players.map((row) => row.personId);
  t.deepEqual(
    ids,
    [...ids].sort((a, b) => a - b),
  );
  const teams = await getJson<Envelope<TeamAggregateRow>>(
    statsUrl('team', { perMode: 'PerGame', measureType: 'Opponent' }),
  );
  t.is(teams.status, 200);
  assertSameRows(t, teams.body.teams, teamRows('PerGame', 'Opponent'));
});

test('another season, league or season type without final games is an empty list', async (t) => {
  const scopes: Record<string, string>[] = [
    { season: '2024-25' },
    { leagueId: '10' },
    { seasonType: 'Playoffs' },
  ];
  for (const params of scopes) {
    const { status, body } = await getJson<Envelope<unknown>>(statsUrl('player', params));
    t.is(status, 200);
    t.deepEqual(body.players, [], JSON.stringify(params));
  }
});

test('missing or unknown parameters are a 400 that lists every problem; a comma in measureType too', async (t) => {
  const missing = await getJson<{ errors: Record<string, string[]> }>(
    statsUrl('player', { leagueId: '', season: '', perMode: '' }),
  );
  t.is(missing.status, 400);
  t.deepEqual(Object.keys(missing.body.errors).sort(), ['leagueId', 'perMode', 'season']);
  const cases: [string, 'player' | 'team', Record<string, string>][] = [
    ['perMode', 'team', { perMode: 'Per36' }],
    ['perMode', 'player', { perMode: 'Per36Minutes' }],
    ['measureType', 'player', { measureType: 'Opponent' }],
    ['measureType', 'team', { measureType: 'Base,Advanced' }],
    ['seasonType', 'team', { seasonType: 'Regular' }],
    ['season', 'player', { season: '2025' }],
  ];
  for (const [field, side, params] of cases) {
    const { status, body } = await getJson<{ errors: Record<string, string[]> }>(statsUrl(side, params));
    t.is(status, 400, JSON.stringify(params));
    t.deepEqual(Object.keys(body.errors), [field]);
  }
  const comma = await getJson<{ errors: Record<string, string[]> }>(
    statsUrl('team', { measureType: 'Base,Advanced' }),
  );
  t.deepEqual(comma.body.errors.measureType, ['measureType takes one value, not a comma list']);
});

test('a fixture <key>/<season>.<perMode>.<measureType>.json is that call’s whole body; faults take the key', async (t) => {
  const fixturesDir = await mkdtemp(join(tmpdir(), 'nba-aggregates-'));
  const withFixtures = await replicaFor({
    fixturesDir,
    faults: { 'stats-team': { rates: { '503': 1 } } },
  });
  try {
    await mkdir(join(fixturesDir, 'stats-player'));
    await writeFile(join(fixturesDir, 'stats-player', '2025-26.PerGame.Misc.json'), '{"players": "broken"}');
    const url = (perMode: string, measureType: string) =>
      `${withFixtures.url}/api/stats/player?leagueId=00&season=2025-26&seasonType=Regular%20Season&perMode=${perMode}&measureType=${measureType}`;
    const overridden = await fetch(url('PerGame', 'Misc'), { headers: { 'x-nba-api-key': 'k' } });
    t.is(await overridden.text(), '{"players": "broken"}');
    const other = await getJson<Envelope<unknown>>(url('Totals', 'Misc'));
    t.true(other.body.players.length > 0);
    const team = await fetch(`${withFixtures.url}/api/stats/team?leagueId=00`, {
      headers: { 'x-nba-api-key': 'k' },
    });
    t.is(team.status, 503);
    t.like(withFixtures.stats().byEndpoint, { 'stats-player': 2, 'stats-team': 1 });
  } finally {
    await withFixtures.close();
    await rm(fixturesDir, { recursive: true, force: true });
  }
});
