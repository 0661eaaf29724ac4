// `/api/querytool/game/lineups` and `/api/querytool/season/lineups`: game lineups of the game's
// participants whose minutes add up to the team's box MIN / 5, real lineups on the real skeleton,
// the cost model (504 above a per-key game limit), and season lineups scoped by TeamId, capped at
// 2000 rows by default, league-wide only as a top-N, converted per PerMode.
import { mkdir, mkdtemp, rm, writeFile } from 'node:fs/promises';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import test from 'ava';
import {
  gameLineupAdvancedRows,
  gameLineupBaseRows,
  gameLineups,
} from '../../replica/generators/gameLineups.ts';
import { gameParticipants } from '../../replica/generators/gameParticipants.ts';
import type { LineupAdvancedStats, LineupBaseStats } from '../../replica/generators/lineupStats.ts';
import {
  leagueSeasonLineupRows,
  type SeasonLineupRow,
  teamSeasonLineupRows,
} from '../../replica/generators/seasonLineups.ts';
import { indexSeason } from '../../replica/seasonIndex.ts';
import type { Replica } from '../../replica/server.ts';
import { assertSameRows, getJson, replicaFor, testSkeleton } from './replicaTestKit.ts';

const skeleton = testSkeleton();
const season = indexSeason(skeleton);
const games = skeleton.games.filter((game) => game.status === 3);
const ids = (from: number, count: number) => games.slice(from, from + count).map((game) => game.id);
const teamIds = skeleton.teams.map((team) => team.id);
const CLE = 1610612739;

interface Players {
  player1Id: number;
  player2Id: number;
  player3Id: number;
  player4Id: number;
  player5Id: number;
}
const listed = (row: Players) => [row.player1Id, row.player2Id, row.player3Id, row.player4Id, row.player5Id];
const sorted = (row: Players) => listed(row).sort((a, b) => a - b);
const lineupKey = (row: Players & { teamId: number }) => `${row.teamId}:${sorted(row).join('-')}`;

type Envelope<Row> = { meta: { rowsReturned: number; request: string }; lineups: Row[] };
type Lineup<Stats> = Players & { teamId: number; gameId: string; stats: Stats };
type SeasonRow<Stats> = Players & { teamId: number; stats: Stats };

/** The game-lineup parameters the product sends (previous-implementation.md Q7). */
function gameLineupsUrl(
  replica: Replica,
  measure: string,
  gameIds: readonly string[],
  extra: Record<string, string> = {},
): string {
  const params = new URLSearchParams({
    LeagueId: '00',
    SeasonYear: '2025-26',
    SeasonType: 'Regular Season',
    Grouping: 'None',
    MeasureType: measure,
    LineupQuantity: '5',
    MaxRowsReturned: '10000',
    ...extra,
  });
  if (gameIds.length > 0 && !('GameId' in extra)) params.set('GameId', gameIds.join(','));
  for (const [name, value] of Object.entries(extra)) if (value === '') params.delete(name);
  return `${replica.url}/api/querytool/game/lineups?${params}`;
}

/** The season-lineup parameters (Q8); TeamId only when teams are given. */
function seasonLineupsUrl(
  replica: Replica,
  measure: string,
  perMode: string,
  teams: readonly number[],
  extra: Record<string, string> = {},
): string {
  const params = new URLSearchParams({
    LeagueId: '00',
    SeasonYear: '2025-26',
    SeasonType: 'Regular Season',
    Grouping: 'None',
    MeasureType: measure,
    PerMode: perMode,
    LineupQuantity: '5',
    ...extra,
  });
  if (teams.length > 0 && !('TeamId' in extra)) params.set('TeamId', teams.join(','));
  for (const [name, value] of Object.entries(extra)) if (value === '') params.delete(name);
  return `${replica.url}/api/querytool/season/lineups?${params}`;
}

// The generator-only tests are serial (ava runs them first): their season-long loops hold the event
// loop for seconds, which would stall the HTTP tests' requests to the in-process replica.
let replica: Replica;
test.before(async () => {
  replica = await replicaFor();
});
test.after.always(() => replica.close());

test('serves the generated Base and Advanced lineups game by game in GameId order, in the lineups envelope', async (t) => {
  const replica = await replicaFor();
  t.teardown(() => replica.close());
  const requested = [...ids(10, 3)].reverse();
  for (const [measure, generate] of [
    ['Base', gameLineupBaseRows],
    ['Advanced', gameLineupAdvancedRows],
  ] as const) {
    const url = gameLineupsUrl(replica, measure, requested);
    const { status, body } = await getJson<Envelope<Lineup<unknown>>>(url);
    t.is(status, 200);
    const expected = requested.flatMap((id): object[] => {
      const game = season.gamesById.get(id);
      return game ? generate(season, game, replica.seed) : [];
    });
    assertSameRows(t, body.lineups, expected);
    t.like(body.meta, { request: url, rowsReturned: expected.length });
    t.deepEqual([...new Set(body.lineups.map((row) => row.gameId))], requested);
  }
  t.deepEqual(replica.stats().byEndpoint, {
    'querytool-game-lineups-Base': 1,
    'querytool-game-lineups-Advanced': 1,
  });
});

test.serial(
  'every final game has about 37 lineups of five of its participants, one team each, deterministically',
  (t) => {
    const perGame: number[] = [];
    const wrong: string[] = [];
    for (const game of games) {
      const lineups = gameLineups(season, game, 1);
      perGame.push(lineups.length);
      const played = new Map<number, Set<number>>();
      for (const participant of gameParticipants(season, game, 1)) {
        const team = played.get(participant.side.teamId) ?? new Set();
        team.add(participant.entry.player.id);
        played.set(participant.side.teamId, team);
      }
      for (const side of [game.home, game.away]) {
        const team = lineups.filter((lineup) => lineup.side === side);
        const keys = new Set(team.map((lineup) => lineup.playerIds.join('-')));
        if (team.length < 12 || keys.size !== team.length)
          wrong.push(`${game.id} ${side.teamId}: ${team.length}`);
        for (const { playerIds } of team) {
          const five =
            new Set(playerIds).size === 5 && playerIds.every((id) => played.get(side.teamId)?.has(id));
          if (!five) wrong.push(`${game.id} ${side.teamId}: ${playerIds.join('-')} did not all play`);
        }
        // Every player who played is on court in some lineup that played.
        const onCourt = new Set(team.filter((l) => l.totals.min > 0).flatMap((l) => [...l.playerIds]));
        if (onCourt.size !== played.get(side.teamId)?.size)
          wrong.push(`${game.id} ${side.teamId}: a player is in no lineup`);
      }
    }
    t.deepEqual(wrong.slice(0, 5), []);
    const average = perGame.reduce((sum, n) => sum + n, 0) / perGame.length;
    t.log(
      `${skeleton.source}: ${average.toFixed(2)} lineups per game, ${Math.min(...perGame)}–${Math.max(...perGame)}`,
    );
    t.true(average > 35 && average < 39, `average ${average}`);
    const first = games[0] as (typeof games)[number];
    t.deepEqual(gameLineupBaseRows(season, first, 1), gameLineupBaseRows(indexSeason(skeleton), first, 1));
    t.notDeepEqual(gameLineupBaseRows(season, first, 2), gameLineupBaseRows(season, first, 1));
  },
);

test.serial(
  "a team's lineup minutes add up to its box MIN / 5 to the hundredth, its counts to its box",
  (t) => {
    const wrong: string[] = [];
    let tiny = 0;
    let zero = 0;
    for (const game of games) {
      const rows = gameLineupBaseRows(season, game, 1);
      for (const [side, other] of [
        [game.home, game.away],
        [game.away, game.home],
      ] as const) {
        const team = rows.filter((row) => row.teamId === side.teamId);
        const sum = (pick: (stats: LineupBaseStats) => number) =>
          team.reduce((acc, row) => acc + pick(row.stats), 0);
        const hundredths = sum((stats) => Math.round(stats.MIN * 100));
        if (hundredths !== Math.round((side.box.min / 5) * 100))
          wrong.push(`${game.id} ${side.teamId} MIN ${hundredths}`);
        const box = side.box;
        const counts: Array<[string, number, number]> = [
          ['PTS', sum((s) => s.PTS), box.pts],
          ['FGA', sum((s) => s.FGA), box.fga],
          ['FG3M', sum((s) => s.FG3M), box.fg3m],
          ['FTA', sum((s) => s.FTA), box.fta],
          ['REB', sum((s) => s.REB), box.reb],
          ['AST', sum((s) => s.AST), box.ast],
          ['TOV', sum((s) => s.TOV), box.tov],
          ['BLKA', sum((s) => s.BLKA), other.box.blk],
          ['PLUS_MINUS', sum((s) => s.PLUS_MINUS), side.score - other.score],
        ];
        for (const [name, got, want] of counts)
          if (got !== want) wrong.push(`${game.id} ${side.teamId} ${name} ${got} ≠ ${want}`);
        for (const { stats } of team) {
          if (stats.MIN > 0 && stats.MIN < 0.6) tiny += 1;
          if (stats.MIN === 0) zero += 1;
          const sound =
            stats.FGM <= stats.FGA &&
            stats.FG3M <= stats.FG3A &&
            stats.FG3A <= stats.FGA &&
            stats.AST <= stats.FGM &&
            stats.REB === stats.OREB + stats.DREB &&
            stats.PTS === 2 * stats.FGM + stats.FG3M + stats.FTM &&
            stats.GP === 1;
          if (!sound) wrong.push(`${game.id} ${JSON.stringify(stats)}`);
        }
      }
    }
    t.deepEqual(wrong.slice(0, 5), []);
    t.log(`${tiny} lineups under 0.6 minutes, ${zero} with none`);
    t.true(tiny > games.length, `only ${tiny} tiny-minute lineups`);
    t.true(zero > games.length / 2 && zero < games.length * 3, `${zero} zero-minute lineups`);
  },
);

test.serial(
  'Base and Advanced list the same lineups, each in an order of its own: the identity is the sorted ids',
  (t) => {
    let reordered = 0;
    let unsorted = 0;
    let total = 0;
    const wrong: string[] = [];
    for (const game of games.slice(0, 200)) {
      const base = gameLineupBaseRows(season, game, 1);
      const advanced = gameLineupAdvancedRows(season, game, 1);
      t.deepEqual(advanced.map(lineupKey), base.map(lineupKey));
      base.forEach((row, at) => {
        const other = advanced[at];
        total += 1;
        if (other && listed(other).join() !== listed(row).join()) reordered += 1;
        if (listed(row).join() !== sorted(row).join()) unsorted += 1;
        if (other?.stats.MIN !== row.stats.MIN) wrong.push(`${game.id} ${lineupKey(row)}`);
      });
    }
    t.deepEqual(wrong, []);
    t.true(reordered > total / 2, `${reordered} of ${total} rows list their players in another order`);
    t.true(unsorted > total / 2, `${unsorted} of ${total} rows list their players unsorted`);
  },
);

test.serial(
  'Advanced stats are in their units: fractions 0–1, eFG% and TS% up to 1.5, unbounded ratings on tiny minutes',
  (t) => {
    const wrong: string[] = [];
    let hugeRatings = 0;
    let efgAboveOne = 0;
    const fraction = (value: number) => value >= 0 && value <= 1;
    for (const game of games) {
      for (const { stats, gameId } of gameLineupAdvancedRows(season, game, 1)) {
        const s: LineupAdvancedStats = stats;
        const sound =
          [s.AST_PCT, s.OREB_PCT, s.DREB_PCT, s.REB_PCT, s.TM_TOV_PCT, s.USG_PCT].every(fraction) &&
          s.EFG_PCT >= 0 &&
          s.EFG_PCT <= 1.5 &&
          s.TS_PCT >= 0 &&
          s.TS_PCT <= 1.5 &&
          s.PIE >= -1 &&
          s.PIE <= 1 &&
          s.POSS >= 0 &&
          Math.abs(s.NET_RATING - Number((s.OFF_RATING - s.DEF_RATING).toFixed(1))) < 1e-9;
        if (!sound) wrong.push(`${gameId} ${JSON.stringify(s)}`);
        if (Math.abs(s.OFF_RATING) >= 1000 || Math.abs(s.DEF_RATING) >= 1000) hugeRatings += 1;
        if (s.EFG_PCT > 1) efgAboveOne += 1;
      }
    }
    t.deepEqual(wrong.slice(0, 5), []);
    t.true(hugeRatings > 100, `${hugeRatings} lineups with a rating of 1000 or more`);
    t.true(efgAboveOne > 100, `${efgAboveOne} lineups with eFG% above 1`);
  },
);

test.serial('real lineups are used exactly when the skeleton has them, only when all five played', (t) => {
  const real = new Set(
    (skeleton.lineups ?? []).map((lineup) => `${lineup.teamId}:${lineup.playerIds.join('-')}`),
  );
  let realMinutes = 0;
  let allMinutes = 0;
  const uses = new Map<string, number>();
  const wrong: string[] = [];
  for (const game of games) {
    for (const lineup of gameLineups(season, game, 1)) {
      const key = `${lineup.side.teamId}:${lineup.playerIds.join('-')}`;
      allMinutes += lineup.totals.min;
      if (!lineup.real) continue;
      if (!real.has(key)) wrong.push(`${game.id} ${key} is marked real but is no real lineup`);
      realMinutes += lineup.totals.min;
      uses.set(key, (uses.get(key) ?? 0) + 1);
    }
  }
  t.deepEqual(wrong.slice(0, 5), []);
  const share = realMinutes / allMinutes;
  t.log(`${skeleton.source}: ${uses.size} real lineups used, ${(share * 100).toFixed(1)}% of lineup minutes`);
  if (skeleton.source === 'real') {
    // Trades break many real lineups (rosters are the current ones); those that survive are used.
    t.true(share > 0.08, `real lineups take ${share} of the minutes`);
    t.true(uses.size > 800, `${uses.size} real lineups used`);
    t.true(Math.max(...uses.values()) >= 20, 'the most used real lineup plays 20 games or more');
  } else {
    t.is(uses.size, 0);
  }
});

test('Advanced over more than 100 games answers 504 after its latency; 100 games, and Base with 250, are served', async (t) => {
  const slow = await replicaFor({ latency: { baseMs: 40, perRowUs: 0 } });
  t.teardown(() => slow.close());
  const started = performance.now();
  const costly = await getJson(gameLineupsUrl(slow, 'Advanced', ids(0, 101)));
  t.is(costly.status, 504);
  t.deepEqual(costly.body, { message: 'Endpoint request timed out' });
  t.true(performance.now() - started >= 40);
  t.is((await getJson(gameLineupsUrl(slow, 'Advanced', ids(0, 100)))).status, 200);
  t.is((await getJson(gameLineupsUrl(slow, 'Base', ids(0, 250)))).status, 200);
  // Without GameId the whole season is asked for: far too costly.
  t.is((await getJson(gameLineupsUrl(slow, 'Advanced', []))).status, 504);
  t.deepEqual(slow.stats().byStatus, { 200: 2, 504: 2 });
});

test('cost limits are per endpoint key, most specific first, null lifts one, and any per-game endpoint has them', async (t) => {
  const configured = await replicaFor({
    costLimits: { 'querytool-game-lineups': 5, 'querytool-game-player-Tracking': 3 },
  });
  t.teardown(() => configured.close());
  t.is((await getJson(gameLineupsUrl(configured, 'Base', ids(0, 6)))).status, 504);
  t.is((await getJson(gameLineupsUrl(configured, 'Base', ids(0, 5)))).status, 200);
  // The Advanced default (100) is more specific than the path key.
  t.is((await getJson(gameLineupsUrl(configured, 'Advanced', ids(0, 50)))).status, 200);
  const tracking = (count: number) =>
    `${configured.url}/api/querytool/game/player?LeagueId=00&SeasonYear=2025-26&SeasonType=Regular%20Season` +
    `&MeasureType=Tracking&TeamGrouping=Y&MaxRowsReturned=10000&GameId=${ids(0, count).join(',')}`;
  t.is((await getJson(tracking(4))).status, 504);
  t.is((await getJson(tracking(3))).status, 200);
  const unlimited = await replicaFor({ costLimits: { 'querytool-game-lineups-Advanced': null } });
  t.teardown(() => unlimited.close());
  t.is((await getJson(gameLineupsUrl(unlimited, 'Advanced', ids(0, 250)))).status, 200);
  await t.throwsAsync(() => replicaFor({ costLimits: { 'querytool-game-lineup': 5 } }), {
    message: /unknown endpoint key "querytool-game-lineup"/,
  });
});

test('game lineups truncate silently at MaxRowsReturned and answer 400 for bad lineup parameters', async (t) => {
  const requested = ids(0, 20);
  const all = requested.flatMap((id) =>
    gameLineupBaseRows(season, season.gamesById.get(id) as never, replica.seed),
  );
  const { body } = await getJson<Envelope<unknown>>(
    gameLineupsUrl(replica, 'Base', requested, { MaxRowsReturned: '300' }),
  );
  t.is(body.meta.rowsReturned, 300);
  assertSameRows(t, body.lineups, all.slice(0, 300));
  const cases: Array<[Record<string, string>, string]> = [
    [{ LineupQuantity: '' }, 'LineupQuantity'],
    [{ LineupQuantity: '4' }, 'LineupQuantity'],
    [{ LineupQuantity: '6' }, 'LineupQuantity'],
    [{ MeasureType: 'Base,Advanced' }, 'MeasureType'],
    [{ MeasureType: 'Scoring' }, 'MeasureType'],
    [{ Measures: 'PTS' }, 'Measures'],
    [{ MaxRowsReturned: '10001' }, 'MaxRowsReturned'],
    [{ GameId: '22500001' }, 'GameId'],
  ];
  for (const [params, field] of cases) {
    const { status, body: errors } = await getJson<{ errors: Record<string, string[]> }>(
      gameLineupsUrl(replica, 'Base', ids(0, 1), params),
    );
    t.is(status, 400, field);
    t.deepEqual(Object.keys(errors.errors), [field]);
  }
});

test('a game-lineups fixture replaces the game rows as they are', async (t) => {
  const dir = await mkdtemp(join(tmpdir(), 'nba-game-lineups-'));
  t.teardown(() => rm(dir, { recursive: true, force: true }));
  const [game, other] = ids(0, 2) as [string, string];
  await mkdir(join(dir, 'querytool-game-lineups-Base'));
  const crafted = [{ gameId: game, teamId: 0, player1Id: 1 }];
  await writeFile(
    join(dir, 'querytool-game-lineups-Base', `${game}.json`),
    JSON.stringify({ lineups: crafted }),
  );
  const withFixtures = await replicaFor({ fixturesDir: dir });
  t.teardown(() => withFixtures.close());
  const { body } = await getJson<Envelope<unknown>>(gameLineupsUrl(withFixtures, 'Base', [game, other]));
  assertSameRows(t, body.lineups, [
    ...crafted,
    ...gameLineupBaseRows(season, season.gamesById.get(other) as never, 1),
  ]);
  const advanced = await getJson<Envelope<unknown>>(gameLineupsUrl(withFixtures, 'Advanced', [game]));
  t.is(
    advanced.body.meta.rowsReturned,
    gameLineupAdvancedRows(season, season.gamesById.get(game) as never, 1).length,
  );
});

test('season lineups: TeamId scopes the rows to the requested teams, team by team in the order given', async (t) => {
  const requested = [teamIds[7], CLE, teamIds[20]] as number[];
  const url = seasonLineupsUrl(replica, 'Base', 'Totals', requested, { MaxRowsReturned: '10000' });
  const { status, body } = await getJson<Envelope<SeasonRow<LineupBaseStats>>>(url);
  t.is(status, 200);
  const expected = requested.flatMap((teamId) =>
    teamSeasonLineupRows(season, replica.seed, teamId, { measure: 'Base', perMode: 'Totals' }),
  );
  assertSameRows(t, body.lineups, expected);
  t.true(body.lineups.length > 150, `${body.lineups.length} rows`);
  t.deepEqual([...new Set(body.lineups.map((row) => row.teamId))], requested);
  for (const teamId of requested) {
    const minutes = body.lineups.filter((row) => row.teamId === teamId).map((row) => row.stats.MIN);
    t.deepEqual(
      minutes,
      [...minutes].sort((a, b) => b - a),
    );
  }
  const duplicated = await getJson<Envelope<SeasonRow<unknown>>>(
    seasonLineupsUrl(replica, 'Base', 'Totals', [CLE, CLE], { MaxRowsReturned: '10000' }),
  );
  t.is(duplicated.body.lineups.length, expected.filter((row) => row.teamId === CLE).length);
});

test('season lineups: more than 10 teams, a comma in MeasureType and a bad PerMode or TeamId are 400s', async (t) => {
  t.is((await getJson(seasonLineupsUrl(replica, 'Base', 'Totals', teamIds.slice(0, 10)))).status, 200);
  const cases: Array<[number[], Record<string, string>, string]> = [
    [teamIds.slice(0, 11), {}, 'TeamId'],
    [[CLE], { TeamId: `${CLE},CLE` }, 'TeamId'],
    [[CLE], { MeasureType: 'Base,Advanced' }, 'MeasureType'],
    [[CLE], { MeasureType: 'Misc' }, 'MeasureType'],
    [[CLE], { PerMode: 'Per48Minutes' }, 'PerMode'],
    [[CLE], { PerMode: '' }, 'PerMode'],
    [[CLE], { LineupQuantity: '3' }, 'LineupQuantity'],
    [[CLE], { MaxRowsReturned: '10001' }, 'MaxRowsReturned'],
    [[CLE], { SeasonType: '' }, 'SeasonType'],
  ];
  for (const [teams, params, field] of cases) {
    const { status, body } = await getJson<{ errors: Record<string, string[]> }>(
      seasonLineupsUrl(replica, 'Base', 'Totals', teams, params),
    );
    t.is(status, 400, field);
    t.deepEqual(Object.keys(body.errors), [field]);
  }
  const tooMany = await getJson<{ errors: Record<string, string[]> }>(
    seasonLineupsUrl(replica, 'Base', 'Totals', teamIds.slice(0, 11)),
  );
  t.deepEqual(tooMany.body.errors, { TeamId: ['TeamId takes at most 10 teams, got 11'] });
});

test('season lineups without MaxRowsReturned stop silently at the endpoint default of 2000 rows', async (t) => {
  const wide = await replicaFor({ leagueLineupsTopN: 5000 });
  t.teardown(() => wide.close());
  const all = leagueSeasonLineupRows(season, wide.seed, { measure: 'Base', perMode: 'Totals', topN: 5000 });
  t.true(all.length > 2000, `${all.length} lineups`);
  const omitted = await getJson<Envelope<unknown>>(seasonLineupsUrl(wide, 'Base', 'Totals', []));
  t.is(omitted.body.meta.rowsReturned, 2000);
  assertSameRows(t, omitted.body.lineups, all.slice(0, 2000));
  const explicit = await getJson<Envelope<unknown>>(
    seasonLineupsUrl(wide, 'Base', 'Totals', [], { MaxRowsReturned: '10000' }),
  );
  t.is(explicit.body.meta.rowsReturned, all.length);
  const capped = await replicaFor({ defaultCaps: { 'querytool-season-lineups': 300 } });
  t.teardown(() => capped.close());
  const scoped = await getJson<Envelope<unknown>>(
    seasonLineupsUrl(capped, 'Base', 'Totals', [CLE, teamIds[0] as number]),
  );
  t.is(scoped.body.meta.rowsReturned, 300);
});

test('season lineups league-wide are a top-N by minutes, truncated, never every lineup', async (t) => {
  const { body } = await getJson<Envelope<SeasonRow<LineupBaseStats>>>(
    seasonLineupsUrl(replica, 'Base', 'Totals', [], { MaxRowsReturned: '10000' }),
  );
  t.is(body.meta.rowsReturned, 2000);
  const minutes = body.lineups.map((row) => row.stats.MIN);
  t.deepEqual(
    minutes,
    [...minutes].sort((a, b) => b - a),
  );
  const leagueWide = new Set(body.lineups.map(lineupKey));
  const everyLineup = teamIds.flatMap((teamId) =>
    teamSeasonLineupRows(season, replica.seed, teamId, { measure: 'Base', perMode: 'Totals' }),
  );
  const left = everyLineup.filter((row) => !leagueWide.has(lineupKey(row)));
  t.true(left.length > 100, `${left.length} team lineups are missing from the league-wide answer`);
  t.true(left.every((row) => row.stats.MIN <= (minutes.at(-1) ?? 0)));
  if (skeleton.source === 'real') {
    // Exactly the real leaguedashlineups response: its 2000 rows, the last with 9.03 minutes.
    const file = (skeleton.lineups ?? []).slice(0, 2000).map((l) => `${l.teamId}:${l.playerIds.join('-')}`);
    t.deepEqual([...leagueWide].sort(), file.sort());
    t.is(minutes.at(-1), 9.033333);
  }
});

test('PerMode converts the counting stats exactly: per game, per 36 minutes, per 100 possessions', async (t) => {
  const fetch = async <Stats>(measure: string, perMode: string) =>
    new Map(
      (
        await getJson<Envelope<SeasonRow<Stats>>>(
          seasonLineupsUrl(replica, measure, perMode, [CLE], { MaxRowsReturned: '10000' }),
        )
      ).body.lineups.map((row) => [lineupKey(row), row.stats] as const),
    );
  const totals = await fetch<LineupBaseStats>('Base', 'Totals');
  const advanced = await fetch<LineupAdvancedStats>('Advanced', 'Totals');
  const perGame = await fetch<LineupBaseStats>('Base', 'PerGame');
  const per36 = await fetch<LineupBaseStats>('Base', 'Per36Minutes');
  const per100 = await fetch<LineupBaseStats>('Base', 'Per100Possessions');
  const advancedPerGame = await fetch<LineupAdvancedStats>('Advanced', 'PerGame');
  t.true(totals.size > 50);
  const one = (value: number) => Number(value.toFixed(1));
  // value × times / per, one decimal; a zero divisor (a lineup that never played a minute) gives 0.
  const scaled = (value: number, times: number, per: number) => (per > 0 ? one((value * times) / per) : 0);
  const wrong: string[] = [];
  for (const [key, total] of totals) {
    const poss = advanced.get(key)?.POSS ?? 0;
    // Rates, GP and W are never scaled; MIN is per game only in PerGame.
    const unscaled = { GP: total.GP, W: total.W, FG_PCT: total.FG_PCT, FT_PCT: total.FT_PCT };
    t.like(perGame.get(key), {
      ...unscaled,
      MIN: scaled(total.MIN, 1, total.GP),
      PTS: scaled(total.PTS, 1, total.GP),
      FGA: scaled(total.FGA, 1, total.GP),
      PLUS_MINUS: scaled(total.PLUS_MINUS, 1, total.GP),
    });
    t.like(per36.get(key), {
      ...unscaled,
      MIN: total.MIN,
      PTS: scaled(total.PTS, 36, total.MIN),
      REB: scaled(total.REB, 36, total.MIN),
    });
    t.like(per100.get(key), {
      ...unscaled,
      MIN: total.MIN,
      PTS: scaled(total.PTS, 100, poss),
      AST: scaled(total.AST, 100, poss),
    });
    const game = advancedPerGame.get(key);
    const adv = advanced.get(key);
    if (!game || !adv || game.POSS !== scaled(adv.POSS, 1, adv.GP) || game.OFF_RATING !== adv.OFF_RATING)
      wrong.push(key);
  }
  t.deepEqual(wrong, []);
});

test('season lineups agree with the data: the real files on the real skeleton, the game lineups on a synthetic one', async (t) => {
  const { body } = await getJson<Envelope<SeasonRow<LineupBaseStats>>>(
    seasonLineupsUrl(replica, 'Base', 'Totals', [CLE], { MaxRowsReturned: '10000' }),
  );
  if (skeleton.source === 'real') {
    // teamdashlineups CLE 2025-26: 250 lineups, the first Mitchell–Hunter–Garland–Mobley–Tyson.
    t.is(body.lineups.length, 250);
    t.like(body.lineups[0], { teamId: CLE, teamAbbreviation: 'CLE' });
    t.deepEqual(sorted(body.lineups[0] as Players), [1628378, 1629631, 1629636, 1630596, 1642281]);
    t.like(body.lineups[0]?.stats, {
      GP: 8,
      W: 4,
      MIN: 89.385,
      FGM: 74,
      FGA: 171,
      PTS: 212,
      PLUS_MINUS: -28,
    });
  } else {
    const sums = new Map<string, { GP: number; hundredths: number; PTS: number; PLUS_MINUS: number }>();
    for (const game of games) {
      for (const row of gameLineupBaseRows(season, game, replica.seed)) {
        if (row.teamId !== CLE) continue;
        const sum = sums.get(lineupKey(row)) ?? { GP: 0, hundredths: 0, PTS: 0, PLUS_MINUS: 0 };
        sum.GP += 1;
        sum.hundredths += Math.round(row.stats.MIN * 100);
        sum.PTS += row.stats.PTS;
        sum.PLUS_MINUS += row.stats.PLUS_MINUS;
        sums.set(lineupKey(row), sum);
      }
    }
    t.is(body.lineups.length, sums.size);
    for (const row of body.lineups) {
      const sum = sums.get(lineupKey(row));
      t.deepEqual(
        { GP: row.stats.GP, MIN: row.stats.MIN, PTS: row.stats.PTS, PLUS_MINUS: row.stats.PLUS_MINUS },
        { GP: sum?.GP, MIN: (sum?.hundredths ?? 0) / 100, PTS: sum?.PTS, PLUS_MINUS: sum?.PLUS_MINUS },
      );
    }
  }
  const playoffs = await getJson<Envelope<unknown>>(
    seasonLineupsUrl(replica, 'Base', 'Totals', [CLE], { SeasonType: 'Playoffs' }),
  );
  t.is(playoffs.body.meta.rowsReturned, 0);
  const otherSeason = await getJson<Envelope<unknown>>(
    seasonLineupsUrl(replica, 'Base', 'Totals', [], { SeasonYear: '2024-25' }),
  );
  t.is(otherSeason.body.meta.rowsReturned, 0);
});

test('a season-lineups fixture is keyed by team id and serves its rows as they are, another team included', async (t) => {
  const dir = await mkdtemp(join(tmpdir(), 'nba-season-lineups-'));
  t.teardown(() => rm(dir, { recursive: true, force: true }));
  const foreign = teamIds.find((id) => id !== CLE) as number;
  const [borrowed] = teamSeasonLineupRows(season, 1, foreign, { measure: 'Advanced', perMode: 'Totals' });
  const other = teamIds.find((id) => id !== CLE && id !== foreign) as number;
  await mkdir(join(dir, 'querytool-season-lineups-Advanced'));
  await writeFile(join(dir, 'querytool-season-lineups-Advanced', `${CLE}.json`), JSON.stringify([borrowed]));
  await mkdir(join(dir, 'querytool-season-lineups-Base'));
  await writeFile(join(dir, 'querytool-season-lineups-Base', `${other}.json`), '<html>busy</html>');
  const withFixtures = await replicaFor({ fixturesDir: dir });
  t.teardown(() => withFixtures.close());
  const { body } = await getJson<Envelope<SeasonLineupRow>>(
    seasonLineupsUrl(withFixtures, 'Advanced', 'Totals', [CLE, other], { MaxRowsReturned: '10000' }),
  );
  assertSameRows(t, body.lineups, [
    borrowed,
    ...teamSeasonLineupRows(season, 1, other, { measure: 'Advanced', perMode: 'Totals' }),
  ]);
  t.is(body.lineups[0]?.teamId, foreign);
  const verbatim = await fetch(seasonLineupsUrl(withFixtures, 'Base', 'Totals', [other]), {
    headers: { 'x-nba-api-key': 'test-key' },
  });
  t.is(await verbatim.text(), '<html>busy</html>');
  t.deepEqual(withFixtures.stats().byEndpoint, {
    'querytool-season-lineups-Advanced': 1,
    'querytool-season-lineups-Base': 1,
  });
});
