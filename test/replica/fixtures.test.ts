import { mkdir, mkdtemp, rm, writeFile } from 'node:fs/promises';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import test from 'ava';
import { fieldGoalRows } from '../../replica/generators/fieldGoals.ts';
import { indexSeason } from '../../replica/seasonIndex.ts';
import type { Replica } from '../../replica/server.ts';
import { eventPlayerUrl, getJson, HEADERS, replicaFor, testSkeleton } from './replicaTestKit.ts';

const skeleton = testSkeleton();
const season = indexSeason(skeleton);
const [gameA, gameB, gameC, gameD, gameE, gameF] = skeleton.games.map((game) => game.id) as [
  string,
  string,
  string,
  string,
  string,
  string,
];
const foreignRows = [
  { gameId: gameB, eventNumber: '7', playerId: 1, teamId: 2, stats: { FGM: 1 } },
  { gameId: gameB, eventNumber: '9', playerId: 1, teamId: 2, stats: { FGM: 0 } },
];
const objectRows = [{ gameId: gameE, eventNumber: '1', playerId: 3, teamId: 4, stats: {} }];
const HTML = '<html><body><h1>Service Unavailable</h1></body></html>';

let fixturesDir: string;
let replica: Replica;
test.before(async () => {
  fixturesDir = await mkdtemp(join(tmpdir(), 'replica-fixtures-'));
  const fieldGoals = join(fixturesDir, 'querytool-event-player-FieldGoals');
  await mkdir(fieldGoals, { recursive: true });
  await writeFile(join(fieldGoals, `${gameA}.json`), JSON.stringify(foreignRows));
  await writeFile(join(fieldGoals, `${gameC}.json`), HTML);
  await writeFile(join(fieldGoals, `${gameD}.json`), '{}');
  await writeFile(
    join(fieldGoals, `${gameE}.json`),
    JSON.stringify({ meta: { rowsReturned: 1 }, players: objectRows }),
  );
  await mkdir(join(fixturesDir, 'schedule-full'));
  await writeFile(join(fixturesDir, 'schedule-full', '2025-26.json'), '{"leagueSchedule":');
  replica = await replicaFor({ fixturesDir });
});
test.after.always(async () => {
  await replica.close();
  await rm(fixturesDir, { recursive: true, force: true });
});

async function fieldGoalsBody(gameIds: string[]) {
  const response = await fetch(eventPlayerUrl(replica, 'FieldGoals', gameIds), { headers: HEADERS });
  return { status: response.status, text: await response.text() };
}

test('a fixture array replaces the game rows as they are, even rows of another game', async (t) => {
  const { body } = await getJson<{ meta: { rowsReturned: number }; players: unknown[] }>(
    eventPlayerUrl(replica, 'FieldGoals', [gameA]),
  );
  t.deepEqual(body.players, foreignRows);
  t.is(body.meta.rowsReturned, 2);
});

test('fixture rows take their place in GameId order beside generated games', async (t) => {
  const generated = (id: string) => {
    const game = season.gamesById.get(id);
    return game ? JSON.parse(JSON.stringify(fieldGoalRows(season, game, replica.seed))) : [];
  };
  const { body } = await getJson<{ players: unknown[] }>(
    eventPlayerUrl(replica, 'FieldGoals', [gameF, gameA, gameB]),
  );
  t.deepEqual(body.players, [...generated(gameF), ...foreignRows, ...generated(gameB)]);
});

test('an object holding the players key also replaces the rows', async (t) => {
  const { body } = await getJson<{ players: unknown[] }>(eventPlayerUrl(replica, 'FieldGoals', [gameE]));
  t.deepEqual(body.players, objectRows);
});

test('any other fixture is the verbatim body, status 200, whenever the request lists its game', async (t) => {
  t.deepEqual(await fieldGoalsBody([gameC]), { status: 200, text: HTML });
  t.deepEqual(await fieldGoalsBody([gameB, gameA, gameC]), { status: 200, text: HTML });
  t.deepEqual(await fieldGoalsBody([gameD]), { status: 200, text: '{}' });
});

test('fixtures apply to their endpoint key only', async (t) => {
  const { body } = await getJson<{ players: Array<{ gameId: string }> }>(
    eventPlayerUrl(replica, 'TrackingShots', [gameC]),
  );
  t.true(body.players.length > 0);
  t.true(body.players.every((row) => row.gameId === gameC));
});

test('a fixture written while the replica runs is served from the next request', async (t) => {
  const late = join(fixturesDir, 'querytool-event-player-TrackingShots');
  await mkdir(late, { recursive: true });
  await writeFile(join(late, `${gameF}.json`), '[]');
  const { body } = await getJson<{ meta: { rowsReturned: number } }>(
    eventPlayerUrl(replica, 'TrackingShots', [gameF]),
  );
  t.is(body.meta.rowsReturned, 0);
});

test('the schedule can be overridden as a whole body', async (t) => {
  const response = await fetch(`${replica.url}/api/schedule/full?leagueId=00&season=2025-26`, {
    headers: HEADERS,
  });
  t.is(response.status, 200);
  t.is(await response.text(), '{"leagueSchedule":');
});
