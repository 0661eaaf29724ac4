import test from 'ava';
import type { EventRowGenerator } from '../../replica/generators/eventTypes.ts';
import { fieldGoalRows } from '../../replica/generators/fieldGoals.ts';
import { trackingShotRows } from '../../replica/generators/trackingShots.ts';
import { indexSeason } from '../../replica/seasonIndex.ts';
import type { Replica } from '../../replica/server.ts';
import {
  assertSameRows,
  eventPlayerUrl,
  getJson,
  HEADERS,
  replicaFor,
  testSkeleton,
  unknownGameIds,
} from './replicaTestKit.ts';

const skeleton = testSkeleton();
const season = indexSeason(skeleton);
const games = skeleton.games;
const ids = (from: number, count: number) => games.slice(from, from + count).map((game) => game.id);
const served = (replica: Replica, gameIds: readonly string[], generate: EventRowGenerator = fieldGoalRows) =>
  gameIds.flatMap((id) => {
    const game = season.gamesById.get(id);
    return game ? generate(season, game, replica.seed) : [];
  });

let replica: Replica;
test.before(async () => {
  replica = await replicaFor({ apiKey: 'secret' });
});
test.after.always(() => replica.close());
const withKey = { 'x-nba-api-key': 'secret' };

test('serves exactly the generated FieldGoals rows, game by game in GameId order, in the Query Tool envelope', async (t) => {
  const requested = [...ids(10, 3)].reverse();
  const url = eventPlayerUrl(replica, 'FieldGoals', requested);
  const { status, body, headers } = await getJson<{ meta: Record<string, unknown>; players: unknown[] }>(
    url,
    withKey,
  );
  t.is(status, 200);
  t.is(headers.get('content-type'), 'application/json; charset=utf-8');
  const expected = served(replica, requested);
  assertSameRows(t, body.players, expected);
  t.like(body.meta, {
    version: 1,
    code: 200,
    request: url,
    rowsReturned: expected.length,
    columnDisplays: [],
  });
  t.like(body.meta.queryParams, { EventType: 'FieldGoals', GameId: requested.join(','), TeamGrouping: 'Y' });
});

test('serves TrackingShots on the same (gameId, eventNumber) keys as FieldGoals', async (t) => {
  const requested = ids(20, 5);
  const headers = withKey;
  const fieldGoals = await getJson<{ players: Array<{ gameId: string; eventNumber: string }> }>(
    eventPlayerUrl(replica, 'FieldGoals', requested),
    headers,
  );
  const tracking = await getJson<{ players: Array<{ gameId: string; eventNumber: string }> }>(
    eventPlayerUrl(replica, 'TrackingShots', requested),
    headers,
  );
  const keys = (rows: Array<{ gameId: string; eventNumber: string }>) =>
    rows.map((row) => `${row.gameId}/${row.eventNumber}`);
  t.deepEqual(keys(tracking.body.players), keys(fieldGoals.body.players));
  assertSameRows(t, tracking.body.players, served(replica, requested, trackingShotRows));
});

test('answers 401 without an API key and with a wrong one', async (t) => {
  const url = eventPlayerUrl(replica, 'FieldGoals', ids(0, 1));
  const missing = await getJson<{ errors: Record<string, string[]> }>(url, {});
  t.is(missing.status, 401);
  t.deepEqual(missing.body, { errors: { 'X-NBA-Api-Key': ['missing or invalid API key'] } });
  t.is((await getJson(url, { 'x-nba-api-key': 'wrong' })).status, 401);
  t.is((await getJson(url, withKey)).status, 200);
});

test('accepts any non-empty key when none is configured', async (t) => {
  const open = await replicaFor();
  t.teardown(() => open.close());
  const url = eventPlayerUrl(open, 'FieldGoals', ids(0, 1));
  t.is((await getJson(url, { 'x-nba-api-key': 'anything' })).status, 200);
  t.is((await getJson(url, { 'x-nba-api-key': '' })).status, 401);
});

test('answers 400 with errors.MaxRowsReturned above 10000 rows', async (t) => {
  const { status, body } = await getJson(
    eventPlayerUrl(replica, 'FieldGoals', ids(0, 1), { MaxRowsReturned: '10001' }),
    withKey,
  );
  t.is(status, 400);
  t.deepEqual(body, { errors: { MaxRowsReturned: ['Max return is 10000 rows'] } });
});

test('truncates silently at MaxRowsReturned: 200, exactly the first cap rows, rowsReturned == cap', async (t) => {
  const requested = ids(0, 80);
  const all = served(replica, requested);
  t.true(all.length > 10000, `80 games hold ${all.length} rows`);
  for (const cap of [10000, 5000, 1]) {
    const url = eventPlayerUrl(replica, 'FieldGoals', requested, { MaxRowsReturned: String(cap) });
    const { status, body } = await getJson<{ meta: { rowsReturned: number }; players: unknown[] }>(
      url,
      withKey,
    );
    t.is(status, 200);
    t.is(body.meta.rowsReturned, cap);
    t.is(body.players.length, cap);
    assertSameRows(t, body.players, all.slice(0, cap));
  }
});

test('uses the endpoint default cap when MaxRowsReturned is omitted: 10000, or as configured', async (t) => {
  const requested = ids(0, 80);
  const omitted = { MaxRowsReturned: '' };
  const builtIn = await getJson<{ meta: { rowsReturned: number } }>(
    eventPlayerUrl(replica, 'FieldGoals', requested, omitted),
    withKey,
  );
  t.is(builtIn.body.meta.rowsReturned, 10000);
  const configured = await replicaFor({ defaultCaps: { 'querytool-event-player-TrackingShots': 2000 } });
  t.teardown(() => configured.close());
  const tracking = await getJson<{ meta: { rowsReturned: number } }>(
    eventPlayerUrl(configured, 'TrackingShots', requested, omitted),
  );
  t.is(tracking.body.meta.rowsReturned, 2000);
  const fieldGoals = await getJson<{ meta: { rowsReturned: number } }>(
    eventPlayerUrl(configured, 'FieldGoals', requested, omitted),
  );
  t.is(fieldGoals.body.meta.rowsReturned, 10000);
  const explicit = await getJson<{ meta: { rowsReturned: number } }>(
    eventPlayerUrl(configured, 'TrackingShots', requested, { MaxRowsReturned: '3000' }),
  );
  t.is(explicit.body.meta.rowsReturned, 3000);
});

test('answers 414 at 330 game ids and 200 at 300, whether commas are encoded or not', async (t) => {
  const many = (count: number) => [
    ...ids(0, Math.min(count, games.length)),
    ...unknownGameIds(Math.max(0, count - games.length)),
  ];
  const encoded = (count: number) => eventPlayerUrl(replica, 'FieldGoals', many(count));
  const plain = (count: number) => encoded(count).replaceAll('%2C', ',');
  for (const build of [encoded, plain]) {
    const tooLong = await getJson<{ errors: Record<string, string[]> }>(build(330), withKey);
    t.is(tooLong.status, 414);
    t.truthy(tooLong.body.errors);
    t.is((await getJson(build(300), withKey)).status, 200);
  }
});

test('unknown, repeated and other-season game ids add no rows', async (t) => {
  const [first, second] = ids(30, 2) as [string, string];
  const expected = served(replica, [first, second]).length;
  const response = await getJson<{ meta: { rowsReturned: number }; players: Array<{ gameId: string }> }>(
    eventPlayerUrl(replica, 'FieldGoals', [first, ...unknownGameIds(3), first, second]),
    withKey,
  );
  t.is(response.body.meta.rowsReturned, expected);
  t.deepEqual([...new Set(response.body.players.map((row) => row.gameId))], [first, second]);
  const playoffs = await getJson<{ meta: { rowsReturned: number } }>(
    eventPlayerUrl(replica, 'FieldGoals', [first], { SeasonType: 'Playoffs' }),
    withKey,
  );
  t.is(playoffs.body.meta.rowsReturned, 0);
  const otherSeason = await getJson<{ meta: { rowsReturned: number } }>(
    eventPlayerUrl(replica, 'FieldGoals', [first], { SeasonYear: '2024-25' }),
    withKey,
  );
  t.is(otherSeason.body.meta.rowsReturned, 0);
});

test('without GameId the whole season is listed in date order, truncated at the cap', async (t) => {
  const { body } = await getJson<{ meta: { rowsReturned: number }; players: unknown[] }>(
    eventPlayerUrl(replica, 'FieldGoals', []),
    withKey,
  );
  t.is(body.meta.rowsReturned, 10000);
  assertSameRows(t, body.players, served(replica, ids(0, 80)).slice(0, 10000));
});

test('answers 400 with an errors object for missing, malformed or unsupported parameters', async (t) => {
  const cases: Array<[Record<string, string>, string]> = [
    [{ LeagueId: '' }, 'LeagueId'],
    [{ SeasonYear: '' }, 'SeasonYear'],
    [{ SeasonType: '' }, 'SeasonType'],
    [{ EventType: 'FieldGoals,TrackingShots' }, 'EventType'],
    [{ MeasureType: 'Base,Advanced' }, 'MeasureType'],
    [{ EventType: 'TrackingRebounds' }, 'EventType'],
    [{ MaxRowsReturned: 'many' }, 'MaxRowsReturned'],
    [{ GameId: '22500001' }, 'GameId'],
  ];
  for (const [params, field] of cases) {
    const { status, body } = await getJson<{ errors: Record<string, string[]> }>(
      eventPlayerUrl(replica, 'FieldGoals', ids(0, 1), params),
      withKey,
    );
    t.is(status, 400, field);
    t.deepEqual(Object.keys(body.errors), [field]);
    t.true((body.errors[field]?.[0]?.length ?? 0) > 0);
  }
});

test('answers 404 with a JSON body for an unknown path', async (t) => {
  const { status, headers, body } = await getJson(`${replica.url}/api/querytool/game/nothing`, HEADERS);
  t.is(status, 404);
  t.is(headers.get('content-type'), 'application/json; charset=utf-8');
  t.deepEqual(body, { errors: { path: ['no endpoint at /api/querytool/game/nothing'] } });
});

test('counts calls, statuses and rows by endpoint key', async (t) => {
  const counted = await replicaFor();
  t.teardown(() => counted.close());
  await getJson(eventPlayerUrl(counted, 'FieldGoals', ids(0, 2)));
  await getJson(eventPlayerUrl(counted, 'TrackingShots', ids(0, 2)));
  await getJson(eventPlayerUrl(counted, 'FieldGoals', ids(0, 2)), {});
  const rows = served(counted, ids(0, 2)).length;
  const stats = counted.stats();
  t.is(stats.requests, 3);
  t.deepEqual(stats.byEndpoint, {
    'querytool-event-player-FieldGoals': 2,
    'querytool-event-player-TrackingShots': 1,
  });
  t.deepEqual(stats.byStatus, { 200: 2, 401: 1 });
  t.is(stats.rowsServed, 2 * rows);
  t.deepEqual(
    stats.calls.map((call) => [call.endpoint, call.status, call.gameIds, call.rowsReturned]),
    [
      ['querytool-event-player-FieldGoals', 200, 2, rows],
      ['querytool-event-player-TrackingShots', 200, 2, rows],
      ['querytool-event-player-FieldGoals', 401, 2, 0],
    ],
  );
  counted.resetStats();
  t.is(counted.stats().requests, 0);
});
