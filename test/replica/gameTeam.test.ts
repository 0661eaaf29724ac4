// `/api/querytool/game/team MeasureType=Advanced|Violations`: two rows per final game (one per team)
// under `teams`, values that follow the skeleton's box totals, Advanced MIN in upstream's 1/25 scale
// of team minutes and Violations MIN in team minutes, with the same caps, 400s and fixtures as the
// other Query Tool endpoints.
import { mkdir, mkdtemp, rm, writeFile } from 'node:fs/promises';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import test from 'ava';
import {
  playerViolationRows,
  type TeamViolationRow,
  teamViolationRows,
} from '../../replica/generators/gameViolations.ts';
import { GAME_TEAM_GENERATORS, type GamePlayerRowGenerator } from '../../replica/generators/measureTypes.ts';
import { playerBaseRows } from '../../replica/generators/playerBase.ts';
import { type TeamAdvancedRow, teamAdvancedRows } from '../../replica/generators/teamAdvanced.ts';
import { indexSeason } from '../../replica/seasonIndex.ts';
import type { Replica } from '../../replica/server.ts';
import { assertSameRows, getJson, replicaFor, testSkeleton, unknownGameIds } from './replicaTestKit.ts';

const skeleton = testSkeleton();
const season = indexSeason(skeleton);
const games = skeleton.games.filter((game) => game.status === 3);
const ids = (from: number, count: number) => games.slice(from, from + count).map((game) => game.id);
type Measure = keyof typeof GAME_TEAM_GENERATORS;
const served = (replica: Replica, measure: Measure, gameIds: readonly string[]) =>
  gameIds.flatMap((id) => {
    const game = season.gamesById.get(id);
    const generate: GamePlayerRowGenerator = GAME_TEAM_GENERATORS[measure];
    return game ? generate(season, game, replica.seed) : [];
  });

/** The team parameters the product sends (previous-implementation.md Q2, Q6): no TeamGrouping. */
function gameTeamUrl(
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
    MaxRowsReturned: '10000',
    GameId: gameIds.join(','),
    ...extra,
  });
  for (const [name, value] of Object.entries(extra)) if (value === '') params.delete(name);
  return `${replica.url}/api/querytool/game/team?${params}`;
}

const round = (value: number, places: number) => Number(value.toFixed(places));

let replica: Replica;
test.before(async () => {
  replica = await replicaFor();
});
test.after.always(() => replica.close());

test('serves exactly the generated rows, two per game (home, then away) in GameId order, under teams', async (t) => {
  const requested = [...ids(5, 3)].reverse();
  for (const measure of ['Advanced', 'Violations'] as const) {
    const url = gameTeamUrl(replica, measure, requested);
    const { status, body } = await getJson<{
      meta: Record<string, unknown>;
      teams: { gameId: string; teamId: number }[];
    }>(url);
    t.is(status, 200);
    assertSameRows(t, body.teams, served(replica, measure, requested));
    t.like(body.meta, { version: 1, code: 200, request: url, rowsReturned: 6 });
    t.deepEqual(
      body.teams.map((row) => `${row.gameId}:${row.teamId}`),
      requested.flatMap((id) => {
        const game = season.gamesById.get(id);
        return [`${id}:${game?.home.teamId}`, `${id}:${game?.away.teamId}`];
      }),
    );
  }
});

test('Advanced MIN is the box MIN over 25 (9.6 in regulation); the other values follow both boxes', (t) => {
  const wrong: string[] = [];
  let regulation = 0;
  for (const game of games) {
    const rows = teamAdvancedRows(season, game, 1);
    if (rows.length !== 2) wrong.push(`${game.id}: ${rows.length} rows`);
    const [home, away] = rows as [TeamAdvancedRow, TeamAdvancedRow];
    if (game.home.box.min === 240 && home.stats.MIN === 9.6 && away.stats.MIN === 9.6) regulation += 1;
    for (const [row, side, other] of [
      [home, game.home, away],
      [away, game.away, home],
    ] as const) {
      const { stats } = row;
      const box = side.box;
      const possessions = Math.round(box.fga + 0.44 * box.fta - box.oreb + box.tov);
      const expected = {
        teamId: side.teamId,
        minutesTimes25: box.min,
        POSS: possessions,
        OFF_RATING: round((100 * box.pts) / possessions, 1),
        DEF_RATING: other.stats.OFF_RATING,
        NET_RATING: round(stats.OFF_RATING - stats.DEF_RATING, 1),
        PACE: other.stats.PACE,
        EFG_PCT: round((box.fgm + 0.5 * box.fg3m) / box.fga, 3),
        TS_PCT: round(box.pts / (2 * (box.fga + 0.44 * box.fta)), 3),
        AST_PCT: round(box.ast / box.fgm, 3),
        TM_TOV_PCT: round(box.tov / (box.fga + 0.44 * box.fta + box.tov), 3),
      };
      const actual = {
        teamId: row.teamId,
        minutesTimes25: round(stats.MIN * 25, 2),
        POSS: stats.POSS,
        OFF_RATING: stats.OFF_RATING,
        DEF_RATING: stats.DEF_RATING,
        NET_RATING: stats.NET_RATING,
        PACE: stats.PACE,
        EFG_PCT: stats.EFG_PCT,
        TS_PCT: stats.TS_PCT,
        AST_PCT: stats.AST_PCT,
        TM_TOV_PCT: stats.TM_TOV_PCT,
      };
      if (JSON.stringify(actual) !== JSON.stringify(expected))
        wrong.push(`${game.id}: ${JSON.stringify(actual)} != ${JSON.stringify(expected)}`);
      const shares = [stats.OREB_PCT, stats.DREB_PCT, stats.REB_PCT, stats.PIE];
      if (!shares.every((share) => share >= 0 && share <= 1)) wrong.push(`${game.id}: shares ${shares}`);
    }
    if (Math.abs(home.stats.PIE + away.stats.PIE - 1) > 0.0011) wrong.push(`${game.id}: PIE sum`);
    // Each share is rounded to the thousandth on its own: complements agree to within that.
    if (Math.abs(home.stats.OREB_PCT + away.stats.DREB_PCT - 1) > 0.0011) wrong.push(`${game.id}: OREB/DREB`);
  }
  t.deepEqual(wrong.slice(0, 5), []);
  t.is(regulation, games.filter((game) => game.periods === 4).length);
  const overtime = games.find((game) => game.periods === 5);
  if (overtime) t.is(teamAdvancedRows(season, overtime, 1)[0]?.stats.MIN, 10.6);
  // Derived from the box alone: the same for every seed.
  t.deepEqual(
    teamAdvancedRows(season, games[0] as (typeof games)[number], 2),
    teamAdvancedRows(season, games[0] as (typeof games)[number], 1),
  );
});

test("Violations MIN is the box MIN; counters add up the team's player rows; team turnovers fill the box TOV", (t) => {
  const wrong: string[] = [];
  const counters = Object.keys(
    playerViolationRows(season, games[0] as (typeof games)[number], 1)[0]?.stats ?? {},
  ).filter((key) => key !== 'STARTED' && key !== 'MIN');
  t.is(counters.length, 15);
  for (const game of games) {
    const rows = teamViolationRows(season, game, 1);
    const players = playerViolationRows(season, game, 1);
    const base = playerBaseRows(season, game, 1);
    for (const [row, side] of [
      [rows[0], game.home],
      [rows[1], game.away],
    ] as const) {
      if (!row || row.teamId !== side.teamId) {
        wrong.push(`${game.id}: no row for ${side.teamId}`);
        continue;
      }
      const stats = row.stats as TeamViolationRow['stats'] & Record<string, number>;
      if (stats.MIN !== side.box.min) wrong.push(`${game.id}: MIN ${stats.MIN}`);
      for (const key of counters) {
        const sum = players
          .filter((player) => player.teamId === side.teamId)
          .reduce((acc, player) => acc + ((player.stats as unknown as Record<string, number>)[key] ?? 0), 0);
        if (stats[key] !== sum) wrong.push(`${game.id} ${side.teamId} ${key}: ${stats[key]} != ${sum}`);
      }
      const playerTurnovers = base
        .filter((player) => player.teamId === side.teamId)
        .reduce((acc, player) => acc + player.stats.TOV, 0);
      const teamTurnovers = stats.TM_SHOT_CLOCK + stats.TM_EIGHT_SEC + stats.TM_FIVE_SEC;
      if (playerTurnovers + teamTurnovers !== side.box.tov) wrong.push(`${game.id} ${side.teamId}: TOV`);
      if (stats.TM_DELAY_OF_GAME > 1) wrong.push(`${game.id}: delay of game ${stats.TM_DELAY_OF_GAME}`);
    }
  }
  t.deepEqual(wrong.slice(0, 5), []);
  const first = games.slice(0, 20);
  t.deepEqual(
    first.map((game) => teamViolationRows(season, game, 1)),
    first.map((game) => teamViolationRows(season, game, 1)),
  );
  t.notDeepEqual(
    first.map((game) => teamViolationRows(season, game, 2)),
    first.map((game) => teamViolationRows(season, game, 1)),
  );
});

test('truncates silently at MaxRowsReturned and answers 400 above 10000', async (t) => {
  const requested = ids(0, 40);
  const all = served(replica, 'Advanced', requested);
  t.is(all.length, 80);
  const { body } = await getJson<{ meta: { rowsReturned: number }; teams: unknown[] }>(
    gameTeamUrl(replica, 'Advanced', requested, { MaxRowsReturned: '7' }),
  );
  t.is(body.meta.rowsReturned, 7);
  assertSameRows(t, body.teams, all.slice(0, 7));
  const tooMany = await getJson(gameTeamUrl(replica, 'Advanced', requested, { MaxRowsReturned: '10001' }));
  t.is(tooMany.status, 400);
  t.deepEqual(tooMany.body, { errors: { MaxRowsReturned: ['Max return is 10000 rows'] } });
  const unknown = await getJson<{ teams: unknown[] }>(gameTeamUrl(replica, 'Advanced', unknownGameIds(3)));
  t.deepEqual(unknown.body.teams, []);
});

test('answers 400 for measure types it does not serve, a comma in MeasureType and Measures', async (t) => {
  const cases: Array<[Record<string, string>, string]> = [
    [{ MeasureType: 'Tracking' }, 'MeasureType'],
    [{ MeasureType: 'Defensive' }, 'MeasureType'],
    [{ MeasureType: 'Advanced,Violations' }, 'MeasureType'],
    [{ Measures: 'Advanced' }, 'Measures'],
    [{ SeasonType: '' }, 'SeasonType'],
  ];
  for (const [params, field] of cases) {
    const { status, body } = await getJson<{ errors: Record<string, string[]> }>(
      gameTeamUrl(replica, 'Advanced', ids(0, 1), params),
    );
    t.is(status, 400, field);
    t.deepEqual(Object.keys(body.errors), [field]);
  }
});

test('fixtures use the key querytool-game-team-<MeasureType> and replace that game only', async (t) => {
  const dir = await mkdtemp(join(tmpdir(), 'nba-game-team-'));
  t.teardown(() => rm(dir, { recursive: true, force: true }));
  const [game, other] = ids(0, 2) as [string, string];
  const crafted = { gameId: game, teamId: 0, stats: { MIN: 9.6 } };
  await mkdir(join(dir, 'querytool-game-team-Advanced'));
  await writeFile(
    join(dir, 'querytool-game-team-Advanced', `${game}.json`),
    JSON.stringify({ teams: [crafted] }),
  );
  const withFixtures = await replicaFor({ fixturesDir: dir });
  t.teardown(() => withFixtures.close());
  const advanced = await getJson<{ teams: unknown[] }>(gameTeamUrl(withFixtures, 'Advanced', [game, other]));
  assertSameRows(t, advanced.body.teams, [crafted, ...served(withFixtures, 'Advanced', [other])]);
  const violations = await getJson<{ teams: unknown[] }>(gameTeamUrl(withFixtures, 'Violations', [game]));
  assertSameRows(t, violations.body.teams, served(withFixtures, 'Violations', [game]));
  t.deepEqual(withFixtures.stats().byEndpoint, {
    'querytool-game-team-Advanced': 1,
    'querytool-game-team-Violations': 1,
  });
});
