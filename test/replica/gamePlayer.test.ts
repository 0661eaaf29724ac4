// `/api/querytool/game/player MeasureType=Tracking`: one row per player who played, minutes that add
// up to the team's, and the same caps, 400s, 414 and fixtures as the event endpoint.
import { mkdir, mkdtemp, rm, writeFile } from 'node:fs/promises';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import test from 'ava';
import { type PlayerTrackingRow, playerTrackingRows } from '../../replica/generators/playerTracking.ts';
import { indexSeason } from '../../replica/seasonIndex.ts';
import type { Replica } from '../../replica/server.ts';
import { assertSameRows, getJson, replicaFor, testSkeleton, unknownGameIds } from './replicaTestKit.ts';

const skeleton = testSkeleton();
const season = indexSeason(skeleton);
const games = skeleton.games.filter((game) => game.status === 3);
const ids = (from: number, count: number) => games.slice(from, from + count).map((game) => game.id);
const served = (replica: Replica, gameIds: readonly string[]) =>
  gameIds.flatMap((id) => {
    const game = season.gamesById.get(id);
    return game ? playerTrackingRows(season, game, replica.seed) : [];
  });

/** The tracking parameters the product sends (previous-implementation.md Q3), for these games. */
function gamePlayerUrl(
  replica: Replica,
  gameIds: readonly string[],
  extra: Record<string, string> = {},
): string {
  const params = new URLSearchParams({
    LeagueId: '00',
    SeasonYear: '2025-26',
    SeasonType: 'Regular Season',
    Grouping: 'None',
    TeamGrouping: 'Y',
    MeasureType: 'Tracking',
    MaxRowsReturned: '10000',
    GameId: gameIds.join(','),
    ...extra,
  });
  for (const [name, value] of Object.entries(extra)) if (value === '') params.delete(name);
  return `${replica.url}/api/querytool/game/player?${params}`;
}

let replica: Replica;
test.before(async () => {
  replica = await replicaFor();
});
test.after.always(() => replica.close());

test('serves exactly the generated Tracking rows, game by game in GameId order, in the envelope', async (t) => {
  const requested = [...ids(5, 3)].reverse();
  const url = gamePlayerUrl(replica, requested);
  const { status, body } = await getJson<{ meta: Record<string, unknown>; players: PlayerTrackingRow[] }>(
    url,
  );
  t.is(status, 200);
  const expected = served(replica, requested);
  assertSameRows(t, body.players, expected);
  t.like(body.meta, { version: 1, code: 200, request: url, rowsReturned: expected.length });
  t.deepEqual([...new Set(body.players.map((row) => row.gameId))], requested);
});

test('every final game has 10 to 12 rows per team, only roster players who played, deterministically', (t) => {
  const perGame: number[] = [];
  for (const game of games) {
    const rows = playerTrackingRows(season, game, 1);
    t.deepEqual(playerTrackingRows(season, game, 1), rows);
    perGame.push(rows.length);
    for (const side of [game.home, game.away]) {
      const team = rows.filter((row) => row.teamId === side.teamId);
      const roster = new Set(season.rosters.get(side.teamId)?.entries.map((entry) => entry.player.id));
      t.true(team.length >= 10 && team.length <= 12, `${game.id} ${side.teamId}: ${team.length} players`);
      t.true(
        team.every((row) => roster.has(row.playerId) && row.stats.MIN > 0),
        `${game.id}: a player off the roster or without minutes`,
      );
      t.is(new Set(team.map((row) => row.playerId)).size, team.length);
    }
  }
  const average = perGame.reduce((sum, n) => sum + n, 0) / perGame.length;
  t.true(average > 21 && average < 23, `average ${average} rows per game`);
  t.notDeepEqual(
    playerTrackingRows(season, games[0] as (typeof games)[number], 2),
    playerTrackingRows(season, games[0] as (typeof games)[number], 1),
  );
});

test("a team's player minutes, assists and rebounds add up to its box; values are plausible", (t) => {
  const wrong: string[] = [];
  for (const game of games) {
    const rows = playerTrackingRows(season, game, 1);
    const gameMinutes = 48 + 5 * Math.max(0, game.periods - 4);
    for (const side of [game.home, game.away]) {
      const team = rows.filter((row) => row.teamId === side.teamId);
      const sum = (pick: (row: PlayerTrackingRow) => number) => team.reduce((acc, row) => acc + pick(row), 0);
      if (sum((row) => Math.round(row.stats.MIN * 100)) !== Math.round(side.box.min * 100))
        wrong.push(`${game.id} ${side.teamId} MIN`);
      if (sum((row) => row.stats.AST) !== side.box.ast) wrong.push(`${game.id} ${side.teamId} AST`);
      if (sum((row) => row.stats.OREB) !== side.box.oreb) wrong.push(`${game.id} ${side.teamId} OREB`);
      if (sum((row) => row.stats.DREB) !== side.box.dreb) wrong.push(`${game.id} ${side.teamId} DREB`);
    }
    for (const { stats, playerId } of rows) {
      const plausible =
        stats.MIN <= gameMinutes &&
        stats.CONTESTED_FG_PCT >= 0 &&
        stats.CONTESTED_FG_PCT <= 1 &&
        stats.UNCONTESTED_FG_PCT >= 0 &&
        stats.UNCONTESTED_FG_PCT <= 1 &&
        stats.AVG_SPEED > 3 &&
        stats.AVG_SPEED < 6 &&
        Math.abs(stats.DIST_MILES_OFF + stats.DIST_MILES_DEF - stats.DIST_MILES) < 0.015 &&
        stats.PASSES <= stats.TOUCHES &&
        stats.REB_CHANCES >= stats.OREB + stats.DREB &&
        stats.SECONDARY_AST <= stats.AST;
      if (!plausible) wrong.push(`${game.id} ${playerId} ${JSON.stringify(stats)}`);
    }
  }
  t.deepEqual(wrong.slice(0, 5), []);
});

test('truncates silently at MaxRowsReturned and answers 400 above 10000', async (t) => {
  const requested = ids(0, 40);
  const all = served(replica, requested);
  for (const cap of [500, 1]) {
    const { body } = await getJson<{ meta: { rowsReturned: number }; players: unknown[] }>(
      gamePlayerUrl(replica, requested, { MaxRowsReturned: String(cap) }),
    );
    t.is(body.meta.rowsReturned, cap);
    assertSameRows(t, body.players, all.slice(0, cap));
  }
  const tooMany = await getJson(gamePlayerUrl(replica, requested, { MaxRowsReturned: '10001' }));
  t.is(tooMany.status, 400);
  t.deepEqual(tooMany.body, { errors: { MaxRowsReturned: ['Max return is 10000 rows'] } });
  const configured = await replicaFor({ defaultCaps: { 'querytool-game-player-Tracking': 100 } });
  t.teardown(() => configured.close());
  const omitted = await getJson<{ meta: { rowsReturned: number } }>(
    gamePlayerUrl(configured, requested, { MaxRowsReturned: '' }),
  );
  t.is(omitted.body.meta.rowsReturned, 100);
});

test('answers 400 for other measure types, a comma in MeasureType and bad parameters; 414 when too long', async (t) => {
  const cases: Array<[Record<string, string>, string]> = [
    [{ MeasureType: 'Advanced' }, 'MeasureType'],
    [{ MeasureType: 'Tracking,Advanced' }, 'MeasureType'],
    [{ MeasureType: '' }, 'MeasureType'],
    [{ SeasonYear: '' }, 'SeasonYear'],
    [{ GameId: '22500001' }, 'GameId'],
  ];
  for (const [params, field] of cases) {
    const { status, body } = await getJson<{ errors: Record<string, string[]> }>(
      gamePlayerUrl(replica, ids(0, 1), params),
    );
    t.is(status, 400, field);
    t.deepEqual(Object.keys(body.errors), [field]);
  }
  const many = [...ids(0, 300), ...unknownGameIds(30)];
  t.is((await getJson(gamePlayerUrl(replica, many))).status, 414);
  t.is((await getJson(gamePlayerUrl(replica, many.slice(0, 300)))).status, 200);
});

test('fixtures and stats use the key querytool-game-player-Tracking', async (t) => {
  const dir = await mkdtemp(join(tmpdir(), 'nba-game-player-'));
  t.teardown(() => rm(dir, { recursive: true, force: true }));
  const [game, other] = ids(0, 2) as [string, string];
  await mkdir(join(dir, 'querytool-game-player-Tracking'));
  await writeFile(
    join(dir, 'querytool-game-player-Tracking', `${game}.json`),
    JSON.stringify([{ gameId: game }]),
  );
  const withFixtures = await replicaFor({ fixturesDir: dir });
  t.teardown(() => withFixtures.close());
  const { body } = await getJson<{ players: unknown[] }>(gamePlayerUrl(withFixtures, [game, other]));
  assertSameRows(t, body.players, [{ gameId: game }, ...served(withFixtures, [other])]);
  t.deepEqual(withFixtures.stats().byEndpoint, { 'querytool-game-player-Tracking': 1 });
});
