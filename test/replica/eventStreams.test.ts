// The tracking event streams of `/event/player` (TrackingPasses, DefensiveEvents, TrackingDrives,
// TrackingIsolations, TrackingPostUps): rows only for players who played, volumes per game around the
// SPEC's, eventNumbers shared by several rows, clocks within their periods, and determinism; served
// game by game in GameId order under the same caps as FieldGoals.
import test from 'ava';
import { PLAYER_EVENT_GENERATORS } from '../../replica/generators/eventTypes.ts';
import { gameParticipants } from '../../replica/generators/gameParticipants.ts';
import { periodSeconds } from '../../replica/generators/gameTimeline.ts';
import type { PlayerEventRow } from '../../replica/generators/playerEventRow.ts';
import { indexSeason } from '../../replica/seasonIndex.ts';
import { ENDPOINT_KEYS } from '../../replica/server/endpointKeys.ts';
import type { Replica } from '../../replica/server.ts';
import type { Game } from '../../replica/skeleton.ts';
import {
  assertSameRows,
  eventPlayerUrl,
  getJson,
  HEADERS,
  replicaFor,
  testSkeleton,
} from './replicaTestKit.ts';

const skeleton = testSkeleton();
const season = indexSeason(skeleton);
const games = skeleton.games.filter((game) => game.status === 3);
const SEED = 1;

/** Per event type: the bounds every final game's row count keeps, and the season's mean per game. */
const VOLUMES = {
  TrackingPasses: { min: 450, max: 900, mean: [580, 620], regulationMax: 750 },
  DefensiveEvents: { min: 240, max: 500, mean: [310, 340], regulationMax: 400 },
  TrackingDrives: { min: 100, max: 250, mean: [140, 160], regulationMax: 199 },
  TrackingIsolations: { min: 2, max: 49, mean: [20, 28], regulationMax: 49 },
  TrackingPostUps: { min: 2, max: 49, mean: [16, 24], regulationMax: 49 },
} as const;
type StreamType = keyof typeof VOLUMES;
const TYPES = Object.keys(VOLUMES) as StreamType[];

const generate = (type: StreamType, game: Game, seed: number): PlayerEventRow<object>[] =>
  PLAYER_EVENT_GENERATORS[type](season, game, seed);
/** The season's rows with the tests' seed, generated once per type (a season of passes is 500k rows). */
const cached = new Map<string, PlayerEventRow<object>[]>();
const rowsOf = (type: StreamType, game: Game, seed = SEED): PlayerEventRow<object>[] => {
  if (seed !== SEED) return generate(type, game, seed);
  const key = `${type}:${game.id}`;
  let rows = cached.get(key);
  if (!rows) {
    rows = generate(type, game, seed);
    cached.set(key, rows);
  }
  return rows;
};

for (const type of TYPES) {
  test(`${type}: every final game's rows are of players who played, for their own team, within the volume bounds`, (t) => {
    const bounds = VOLUMES[type];
    const wrong: string[] = [];
    let total = 0;
    for (const game of games) {
      const rows = rowsOf(type, game);
      total += rows.length;
      const limit = game.periods === 4 ? bounds.regulationMax : bounds.max;
      if (rows.length < bounds.min || rows.length > limit) wrong.push(`${game.id}: ${rows.length} rows`);
      const teamOf = new Map(
        gameParticipants(season, game, SEED).map((p) => [p.entry.player.id, p.side.teamId]),
      );
      for (const row of rows) {
        if (teamOf.get(row.playerId) !== row.teamId) wrong.push(`${game.id}: player ${row.playerId}`);
        if (row.gameId !== game.id || row.gameDate !== game.date)
          wrong.push(`${game.id}: labelled ${row.gameId}`);
      }
    }
    t.deepEqual(wrong.slice(0, 5), []);
    const mean = total / games.length;
    t.true(mean >= bounds.mean[0] && mean <= bounds.mean[1], `${type}: ${mean.toFixed(1)} rows per game`);
  });

  test(`${type}: eventNumbers are digit strings that several rows share, in game order with the clock inside its period`, (t) => {
    const wrong: string[] = [];
    for (const game of games) {
      const rows = rowsOf(type, game);
      const perEvent = new Map<string, number>();
      let previous = 0;
      for (const row of rows) {
        perEvent.set(row.eventNumber, (perEvent.get(row.eventNumber) ?? 0) + 1);
        const number = Number(row.eventNumber);
        if (!/^\d+$/.test(row.eventNumber) || number < previous) wrong.push(`${game.id}: ${row.eventNumber}`);
        previous = number;
        const inPeriod = row.period >= 1 && row.period <= game.periods;
        if (!inPeriod || row.gameClock <= 0 || row.gameClock >= periodSeconds(row.period))
          wrong.push(`${game.id}: period ${row.period} clock ${row.gameClock}`);
        if (!Number.isInteger(row.x) || !Number.isInteger(row.y))
          wrong.push(`${game.id}: at ${row.x},${row.y}`);
      }
      // Several rows per play: the event numbers repeat in every game.
      const shared = [...perEvent.values()].filter((count) => count > 1).length;
      if (shared === 0) wrong.push(`${game.id}: no eventNumber has two rows`);
      if (perEvent.size >= rows.length)
        wrong.push(`${game.id}: ${perEvent.size} events for ${rows.length} rows`);
    }
    t.deepEqual(wrong.slice(0, 5), []);
  });

  test(`${type}: rows are a pure function of (season, game, seed)`, (t) => {
    for (const game of games.slice(0, 20)) t.deepEqual(generate(type, game, SEED), rowsOf(type, game));
    const first = games[0] as Game;
    t.notDeepEqual(rowsOf(type, first, 2), rowsOf(type, first, 1));
    t.notDeepEqual(rowsOf(type, games[1] as Game), rowsOf(type, first));
  });
}

test('stats agree with the play: passes come in passer/receiver pairs, one defensive flag per row, drives and one-on-ones add up', (t) => {
  const wrong: string[] = [];
  type Stats = Record<string, number>;
  for (const game of games.slice(0, 100)) {
    const passes = rowsOf('TrackingPasses', game) as PlayerEventRow<Stats>[];
    for (let index = 0; index < passes.length; index += 2) {
      const [passer, receiver] = [passes[index], passes[index + 1]];
      const paired =
        passer?.stats.PASSES_MADE === 1 &&
        receiver?.stats.PASSES_RECEIVED === 1 &&
        passer.eventNumber === receiver.eventNumber &&
        passer.teamId === receiver.teamId &&
        passer.playerId !== receiver.playerId &&
        passer.stats.PASS_TO_PLAYER_ID === receiver.playerId &&
        receiver.stats.PASS_FROM_PLAYER_ID === passer.playerId &&
        (passer.stats.AST ?? 0) <= (passer.stats.POTENTIAL_AST ?? 0);
      if (!paired) wrong.push(`${game.id} pass ${index}`);
    }
    for (const row of rowsOf('DefensiveEvents', game) as PlayerEventRow<Stats>[]) {
      if (Object.values(row.stats).reduce((sum, value) => sum + value, 0) !== 1)
        wrong.push(`${game.id} defense`);
    }
    for (const { stats } of rowsOf('TrackingDrives', game) as PlayerEventRow<Stats>[]) {
      const outcomes =
        (stats.DRIVE_FGA ?? 0) + (stats.DRIVE_PASSES ?? 0) + (stats.DRIVE_TOV ?? 0) + (stats.DRIVE_PF ?? 0);
      if (
        outcomes !== 1 ||
        (stats.DRIVE_FGM ?? 0) > (stats.DRIVE_FGA ?? 0) ||
        stats.DRIVE_PTS !== 2 * (stats.DRIVE_FGM ?? 0)
      )
        wrong.push(`${game.id} drive ${JSON.stringify(stats)}`);
    }
    for (const type of ['TrackingIsolations', 'TrackingPostUps'] as const) {
      const rows = rowsOf(type, game) as PlayerEventRow<Stats>[];
      for (let index = 0; index < rows.length; index += 2) {
        const [ball, defender] = [rows[index], rows[index + 1]];
        const matched =
          ball?.stats.OFFENSE === 1 &&
          defender?.stats.DEFENSE === 1 &&
          ball.eventNumber === defender.eventNumber &&
          ball.teamId !== defender.teamId &&
          ball.stats.PTS === defender.stats.PTS &&
          (ball.stats.FGM ?? 0) <= (ball.stats.FGA ?? 0);
        if (!matched) wrong.push(`${game.id} ${type} ${index}`);
      }
    }
  }
  t.deepEqual(wrong.slice(0, 5), []);
});

test('as measured upstream, 16 games of passes and 30 of defensive events stay under 9,900 rows; 17 and 31 exceed it', (t) => {
  // previous-implementation.md §4.3: "17 triggers split regressions", "31 triggers split regressions".
  const byDate = [...games].sort((a, b) => a.date.localeCompare(b.date) || a.id.localeCompare(b.id));
  const batchesOver = (type: StreamType, size: number) => {
    const counts = byDate.map((game) => rowsOf(type, game).length);
    let over = 0;
    let batches = 0;
    for (let start = 0; start + size <= counts.length; start += size) {
      batches += 1;
      if (counts.slice(start, start + size).reduce((sum, n) => sum + n, 0) >= 9_900) over += 1;
    }
    return over / batches;
  };
  for (const [type, safe] of [
    ['TrackingPasses', 16],
    ['DefensiveEvents', 30],
  ] as const) {
    const underSafe = batchesOver(type, safe);
    const overOneMore = batchesOver(type, safe + 1);
    t.true(
      underSafe <= 0.05,
      `${type}: ${(underSafe * 100).toFixed(1)}% of ${safe}-game batches reach 9,900`,
    );
    t.true(
      overOneMore >= 0.8,
      `${type}: ${(overOneMore * 100).toFixed(1)}% of ${safe + 1}-game batches reach 9,900`,
    );
  }
});

let replica: Replica;
test.before(async () => {
  replica = await replicaFor();
});
test.after.always(() => replica.close());

test('each event type is served game by game in GameId order, exactly as generated, under its own endpoint key', async (t) => {
  const requested = games
    .slice(3, 7)
    .map((game) => game.id)
    .reverse();
  for (const type of TYPES) {
    t.true(ENDPOINT_KEYS.includes(`querytool-event-player-${type}`), type);
    const { status, body } = await getJson<{ meta: { rowsReturned: number }; players: unknown[] }>(
      eventPlayerUrl(replica, type, requested),
      HEADERS,
    );
    t.is(status, 200, type);
    const expected = requested.flatMap((id) => rowsOf(type, season.gamesById.get(id) as Game, replica.seed));
    assertSameRows(t, body.players, expected);
    t.is(body.meta.rowsReturned, expected.length);
  }
});

test('TrackingPasses truncates silently at the cap: 20 games of 500 rows or more return exactly 10000', async (t) => {
  const requested = games.slice(0, 20).map((game) => game.id);
  const all = requested.flatMap((id) =>
    rowsOf('TrackingPasses', season.gamesById.get(id) as Game, replica.seed),
  );
  t.true(all.length > 10_000, `${all.length} rows in 20 games`);
  const { body } = await getJson<{ meta: { rowsReturned: number }; players: unknown[] }>(
    eventPlayerUrl(replica, 'TrackingPasses', requested),
    HEADERS,
  );
  t.is(body.meta.rowsReturned, 10_000);
  assertSameRows(t, body.players, all.slice(0, 10_000));
});
