import test from 'ava';
import { request } from 'undici';
import { TokenBucket } from '../../replica/server/tokenBucket.ts';
import type { FaultKind, Replica } from '../../replica/server.ts';
import {
  eventPlayerUrl,
  getJson,
  HEADERS,
  queryToolUrl,
  replicaFor,
  testSkeleton,
} from './replicaTestKit.ts';

const gameIds = testSkeleton().games.map((game) => game.id);

/** What a client sees: a status, or the error that replaced the response. */
async function outcome(url: string): Promise<string> {
  try {
    const response = await request(url, { headers: HEADERS });
    const body = await response.body.text();
    JSON.parse(body);
    return String(response.statusCode);
  } catch (error) {
    return `error:${(error as Error).name}`;
  }
}

const batchUrls = (replica: Replica, count: number) =>
  Array.from({ length: count }, (_, index) =>
    eventPlayerUrl(replica, 'FieldGoals', gameIds.slice(index, index + 1)),
  );

test('an empty token bucket answers 429 with Retry-After in whole seconds and a JSON body', async (t) => {
  // One token per 20 s: however slow a loaded machine answers the first two, none refills.
  const replica = await replicaFor({ rateLimit: { ratePerSecond: 0.05, burst: 2 } });
  t.teardown(() => replica.close());
  const url = `${replica.url}/api/stats/team/index?leagueId=00&season=2025-26`;
  t.is((await getJson(url)).status, 200);
  t.is((await getJson(url)).status, 200);
  const limited = await getJson(url);
  t.is(limited.status, 429);
  // Whole seconds until the next token: 20 less the time the first two calls took.
  t.regex(limited.headers.get('retry-after') ?? '', /^(1\d|20|[1-9])$/);
  t.deepEqual(limited.body, { errors: { rateLimit: ['rate limit exceeded'] } });
  t.is(replica.stats().byStatus[429], 1);
});

test('the token bucket refills at its rate and never beyond its burst', (t) => {
  let now = 0;
  const bucket = new TokenBucket(2, 3, () => now);
  t.deepEqual([bucket.take(), bucket.take(), bucket.take()], Array(3).fill({ admitted: true }));
  t.deepEqual(bucket.take(), { admitted: false, retryAfterSeconds: 1 });
  now += 500;
  t.deepEqual(bucket.take(), { admitted: true });
  now += 60_000;
  t.deepEqual(
    [bucket.take(), bucket.take(), bucket.take(), bucket.take()],
    [{ admitted: true }, { admitted: true }, { admitted: true }, { admitted: false, retryAfterSeconds: 1 }],
  );
});

test('faults are deterministic: the same seed gives the same faults, whatever the request order', async (t) => {
  const faults = {
    'querytool-event-player': { rates: { '500': 0.2, '503': 0.1, '504': 0.1, '429': 0.1 }, seed: 42 },
  } as const;
  const first = await replicaFor({ faults });
  const second = await replicaFor({ faults });
  const otherSeed = await replicaFor({
    faults: { 'querytool-event-player': { ...faults['querytool-event-player'], seed: 43 } },
  });
  t.teardown(() => Promise.all([first.close(), second.close(), otherSeed.close()]));
  const paths = batchUrls(first, 30).map((url) => url.slice(first.url.length));
  const inOrder = await Promise.all(paths.map((path) => outcome(first.url + path)));
  const reversed = (
    await Promise.all([...paths].reverse().map((path) => outcome(second.url + path)))
  ).reverse();
  t.deepEqual(reversed, inOrder);
  t.true(inOrder.some((status) => status !== '200'));
  t.true(inOrder.some((status) => status === '200'));
  t.notDeepEqual(await Promise.all(paths.map((path) => outcome(otherSeed.url + path))), inOrder);
  const injected = first.stats().faults;
  t.is(
    Object.values(injected).reduce((sum, count) => sum + count, 0),
    inOrder.filter((status) => status !== '200').length,
  );
});

test('a retried URL draws again: attempts of the same request recover, in the same sequence every run', async (t) => {
  const faults = { '*': { rates: { '500': 0.5, '429': 0.2 }, seed: 7, retryAfterSeconds: 3 } } as const;
  const attempts = async (url: string) => {
    const seen: string[] = [];
    for (let attempt = 0; attempt < 30 && seen.at(-1) !== '200'; attempt++) seen.push(await outcome(url));
    return seen;
  };
  const first = await replicaFor({ faults });
  const second = await replicaFor({ faults });
  t.teardown(() => Promise.all([first.close(), second.close()]));
  for (const url of batchUrls(first, 8)) {
    const path = url.slice(first.url.length);
    const sequence = await attempts(first.url + path);
    t.is(sequence.at(-1), '200');
    t.deepEqual(await attempts(second.url + path), sequence);
  }
  const injected429 = await replicaFor({
    faults: { '*': { rates: { '429': 1 }, seed: 1, retryAfterSeconds: 3 } },
  });
  t.teardown(() => injected429.close());
  const limited = await getJson(`${injected429.url}/api/schedule/full?leagueId=00&season=2025-26`);
  t.is(limited.status, 429);
  t.is(limited.headers.get('retry-after'), '3');
});

test('a reset fault drops the connection without a response', async (t) => {
  const replica = await replicaFor({
    faults: { 'querytool-event-player-FieldGoals': { rates: { reset: 1 } } },
  });
  t.teardown(() => replica.close());
  const [url = ''] = batchUrls(replica, 1);
  const error = await t.throwsAsync(request(url, { headers: HEADERS }));
  t.regex(error?.message ?? '', /other side closed|socket/i);
  t.is(await outcome(url.replace('FieldGoals', 'TrackingShots')), '200');
  t.deepEqual(replica.stats().faults, { reset: 1 });
});

test('a truncatedBody fault sends status and headers, then cuts the body short', async (t) => {
  const replica = await replicaFor({ faults: { 'querytool-event-player': { rates: { truncatedBody: 1 } } } });
  t.teardown(() => replica.close());
  const [url = ''] = batchUrls(replica, 1);
  const response = await request(url, { headers: HEADERS });
  t.is(response.statusCode, 200);
  const announced = Number(response.headers['content-length']);
  t.true(announced > 1000);
  await t.throwsAsync(response.body.text());
  t.deepEqual(replica.stats().faults, { truncatedBody: 1 });
});

test('a hang fault never answers, and closing the replica releases the request', async (t) => {
  const replica = await replicaFor({ faults: { 'stats-team-index': { rates: { hang: 1 } } } });
  const url = `${replica.url}/api/stats/team/index?leagueId=00&season=2025-26`;
  const gaveUp = await fetch(url, { headers: HEADERS, signal: AbortSignal.timeout(300) }).then(
    () => 'answered',
    (error: Error) => error.name,
  );
  t.is(gaveUp, 'TimeoutError');
  const pending = request(url, { headers: HEADERS });
  await new Promise((resolve) => setTimeout(resolve, 50));
  await replica.close();
  await t.throwsAsync(pending);
});

test('fault options are validated with messages that name the problem', async (t) => {
  await t.throwsAsync(replicaFor({ faults: { 'querytool-event-player-Nope': { rates: { '500': 0.1 } } } }), {
    message: /unknown endpoint key/,
  });
  await t.throwsAsync(replicaFor({ faults: { '*': { rates: { '500': 0.7, reset: 0.5 } } } }), {
    message: /add up to more than 1/,
  });
  await t.throwsAsync(replicaFor({ maxUrlLength: -1 }), { message: /maxUrlLength/ });
});

test('latency is base ms per call plus µs per row', async (t) => {
  const replica = await replicaFor({ latency: { baseMs: 40, perRowUs: 20 } });
  t.teardown(() => replica.close());
  const url = eventPlayerUrl(replica, 'FieldGoals', gameIds.slice(0, 20));
  await getJson(url); // warm the generator so the second call measures the latency model
  const started = performance.now();
  const { body } = await getJson<{ meta: { rowsReturned: number } }>(url);
  const elapsed = performance.now() - started;
  const modelled = 40 + (body.meta.rowsReturned * 20) / 1000;
  t.true(elapsed >= modelled - 1, `${elapsed} ms for a modelled ${modelled} ms`);
});

/** A replica with one fault at rate 1 on `key`, and one of its first final games. */
async function alwaysFaulty(key: string, kind: FaultKind, retryAfterSeconds = 1) {
  const replica = await replicaFor({ faults: { [key]: { rates: { [kind]: 1 }, retryAfterSeconds } } });
  return replica;
}

const finals: string[] = testSkeleton()
  .games.filter((game) => game.status === 3)
  .map((game) => game.id);

test('a 429Date fault sends Retry-After as an HTTP date that many seconds after its Date header', async (t) => {
  const replica = await alwaysFaulty('schedule-full', '429Date', 3);
  t.teardown(() => replica.close());
  const limited = await getJson(`${replica.url}/api/schedule/full?leagueId=00&season=2025-26`);
  t.is(limited.status, 429);
  const retryAfter = limited.headers.get('retry-after') ?? '';
  t.regex(retryAfter, /^[A-Z][a-z]{2}, \d{2} [A-Z][a-z]{2} \d{4} \d{2}:\d{2}:\d{2} GMT$/);
  t.is(Date.parse(retryAfter) - Date.parse(limited.headers.get('date') ?? ''), 3000);
  t.deepEqual(replica.stats().faults, { '429Date': 1 });
});

test('a 502 fault answers 502 with a JSON error body', async (t) => {
  const replica = await alwaysFaulty('stats-boxscore', '502');
  t.teardown(() => replica.close());
  const answer = await getJson(
    `${replica.url}/api/stats/boxscore?gameId=${finals[0]}&measureType=Traditional`,
  );
  t.is(answer.status, 502);
  t.deepEqual(answer.body, { errors: { fault: ['injected 502'] } });
});

test('a stalledBody fault sends the headers and half the body, then nothing until the client gives up', async (t) => {
  const replica = await replicaFor({ faults: { 'querytool-event-player': { rates: { stalledBody: 1 } } } });
  t.teardown(() => replica.close());
  const [url = ''] = batchUrls(replica, 1);
  const response = await request(url, { headers: HEADERS, bodyTimeout: 300 });
  t.is(response.statusCode, 200);
  let received = 0;
  const started = performance.now();
  const error = await t.throwsAsync(
    (async () => {
      for await (const chunk of response.body) received += (chunk as Buffer).length;
    })(),
  );
  t.is((error as { code?: string }).code, 'UND_ERR_BODY_TIMEOUT');
  t.true(performance.now() - started >= 250, 'the body stalled instead of ending');
  t.is(received, Math.floor(Number(response.headers['content-length']) / 2));
  t.deepEqual(replica.stats().faults, { stalledBody: 1 });
});

test('an htmlPage fault answers 200 with an HTML error page', async (t) => {
  const replica = await alwaysFaulty('querytool-game-player', 'htmlPage');
  t.teardown(() => replica.close());
  const url = queryToolUrl(replica, 'game/player', {
    MeasureType: 'Advanced',
    TeamGrouping: 'Y',
    GameId: finals[0] ?? '',
  });
  const response = await fetch(url, { headers: HEADERS });
  t.is(response.status, 200);
  t.is(response.headers.get('content-type'), 'text/html; charset=utf-8');
  t.regex(await response.text(), /^<!DOCTYPE html>\n<html><head><title>Service Unavailable<\/title>/);
});

test('an emptyBody fault answers a final game with a bare {} and 200; other endpoints are not faulted', async (t) => {
  const replica = await alwaysFaulty('*', 'emptyBody');
  t.teardown(() => replica.close());
  const box = await getJson(`${replica.url}/api/stats/boxscore?gameId=${finals[0]}&measureType=Traditional`);
  t.is(box.status, 200);
  t.deepEqual(box.body, {});
  const [url = ''] = batchUrls(replica, 1);
  t.deepEqual((await getJson(url)).body, {});
  // The schedule is not per-game data: the fault does not apply and is not counted.
  const schedule = await getJson<{ leagueSchedule: unknown }>(
    `${replica.url}/api/schedule/full?leagueId=00&season=2025-26`,
  );
  t.is(schedule.status, 200);
  t.truthy(schedule.body.leagueSchedule);
  t.deepEqual(replica.stats().faults, { emptyBody: 2 });
});

test('a foreignGame fault adds the rows of an unrequested game to a Query Tool answer', async (t) => {
  const clean = await replicaFor();
  const replica = await alwaysFaulty('querytool-event-player-FieldGoals', 'foreignGame');
  t.teardown(() => Promise.all([clean.close(), replica.close()]));
  type Answer = { meta: { rowsReturned: number }; players: { gameId: string }[] };
  const requested = finals.slice(1, 3);
  const path = eventPlayerUrl(replica, 'FieldGoals', requested).slice(replica.url.length);
  const faulted = (await getJson<Answer>(replica.url + path)).body;
  const real = (await getJson<Answer>(clean.url + path)).body;
  const foreign = (await getJson<Answer>(eventPlayerUrl(clean, 'FieldGoals', finals.slice(0, 1)))).body;
  // The season's first final game is the first one not requested.
  t.deepEqual(faulted.players, [...real.players, ...foreign.players]);
  t.is(faulted.meta.rowsReturned, real.players.length + foreign.players.length);
  t.deepEqual([...new Set(faulted.players.map((row) => row.gameId))], [...requested, finals[0]]);
});

test('a foreignGame fault answers a one-game legacy call with another game’s payload', async (t) => {
  const replica = await alwaysFaulty('stats-pbp', 'foreignGame');
  t.teardown(() => replica.close());
  const pbp = await getJson<{ game: { gameId: string } }>(`${replica.url}/api/stats/pbp?gameId=${finals[1]}`);
  t.is(pbp.status, 200);
  t.is(pbp.body.game.gameId, finals[0] as string);
  const hustle = await alwaysFaulty('hustlestats-box', 'foreignGame');
  t.teardown(() => hustle.close());
  const response = await fetch(`${hustle.url}/api/hustlestats/${finals[1]}_hustlestats.xml`, {
    headers: HEADERS,
  });
  const xml = await response.text();
  t.is(response.status, 200);
  t.true(xml.includes(finals[0] ?? 'none') && !xml.includes(finals[1] ?? 'none'));
});

test('a renamedStatsKey fault renames MIN, else the first stats key, in every row; not applied without stats', async (t) => {
  const clean = await replicaFor();
  const replica = await alwaysFaulty('*', 'renamedStatsKey');
  t.teardown(() => Promise.all([clean.close(), replica.close()]));
  type Answer = { players: { stats: Record<string, unknown> }[] };
  const path = eventPlayerUrl(replica, 'FieldGoals', finals.slice(0, 1)).slice(replica.url.length);
  const real = (await getJson<Answer>(clean.url + path)).body.players;
  const renamed = (await getJson<Answer>(replica.url + path)).body.players;
  t.is(renamed.length, real.length);
  t.deepEqual(
    renamed.map((row) => Object.keys(row.stats)),
    real.map((row) => Object.keys(row.stats).map((key, index) => (index === 0 ? `${key}_V2` : key))),
  );
  t.deepEqual(
    renamed.map((row) => Object.values(row.stats)),
    real.map((row) => Object.values(row.stats)),
  );
  type Measured = { players: { stats: Record<string, unknown> }[] };
  const trackingPath = queryToolUrl(replica, 'game/player', {
    MeasureType: 'Tracking',
    TeamGrouping: 'Y',
    GameId: finals[0] as string,
  }).slice(replica.url.length);
  const tracked = (await getJson<Measured>(replica.url + trackingPath)).body.players;
  const realTracked = (await getJson<Measured>(clean.url + trackingPath)).body.players;
  t.true(realTracked.length > 0 && realTracked.every((row) => 'MIN' in row.stats));
  t.deepEqual(
    tracked.map((row) => row.stats.MIN_V2),
    realTracked.map((row) => row.stats.MIN),
  );
  t.true(tracked.every((row) => !('MIN' in row.stats)));
  // The box score has no `stats` object: the fault does not apply, and is not counted.
  const box = await getJson<{ game: { gameId: string } }>(
    `${replica.url}/api/stats/boxscore?gameId=${finals[0]}&measureType=Traditional`,
  );
  t.is(box.body.game.gameId, finals[0] as string);
  t.deepEqual(replica.stats().faults, { renamedStatsKey: 2 });
});
