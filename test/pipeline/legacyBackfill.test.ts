// The legacy per-game datasets end to end (boxscore_traditional, play_by_play, players_on_court,
// hustle_box, hustle_events), with the season aggregates and the hybrid advanced box score: a slice of
// the season checked game by game against the replica's generators, hustle feeds published a run
// later, payloads of another game or without players, the real live box score and play-by-play of
// 0022000001 (or one of the same shape built from the replica), and a double-overtime game.
import { existsSync } from 'node:fs';
import { mkdir, mkdtemp, readFile, rm, writeFile } from 'node:fs/promises';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import test from 'ava';
import { legacyBoxScore } from '../../replica/generators/legacyBoxScore.ts';
import { legacyHustle } from '../../replica/generators/legacyHustle.ts';
import { playByPlayActions } from '../../replica/generators/legacyPlayByPlay.ts';
import { playersOnCourtEvents } from '../../replica/generators/legacyPlayersOnCourt.ts';
import { playerAdvancedRows } from '../../replica/generators/playerAdvanced.ts';
import { indexSeason } from '../../replica/seasonIndex.ts';
import { gameTimes } from '../../replica/server/gameTimes.ts';
import type { Replica } from '../../replica/server.ts';
import { defaultDataDir, type Game } from '../../replica/skeleton.ts';
import type { GameId } from '../../src/gameId.ts';
import { UNAVAILABLE_RECHECK_MINUTES } from '../../src/sinks/coverage.ts';
import { advancedBox } from '../../src/streams/advancedBox.ts';
import { boxScoreTraditional } from '../../src/streams/boxScoreTraditional.ts';
import type { Dataset, LegacyDataset } from '../../src/streams/dataset.ts';
import { hustleBox, hustleEvents } from '../../src/streams/hustle.ts';
import { playByPlay } from '../../src/streams/playByPlay.ts';
import { playersOnCourt } from '../../src/streams/playersOnCourt.ts';
import { playerAggregates, teamAggregates } from '../../src/streams/seasonAggregates.ts';
import { verify } from '../../src/streams/verify.ts';
import { createTestDatabase, type TestDatabase, withTestDatabase } from '../support/database.ts';
import { runTestBackfill, startTestReplica, TEST_API_KEY, testSkeleton } from '../support/pipeline.ts';

const skeleton = testSkeleton();
const season = indexSeason(skeleton);
const finalGames = skeleton.games.filter((game) => game.status === 3);
const finalDates = [...new Set(finalGames.map((game) => game.date))].sort();
const latestDate = finalDates.at(-1) as string;
const dayBefore = finalDates.at(-2) as string;
const regulationGames = finalGames.filter((game) => game.periods === 4);

/** The latest dates back to the first that makes ≈45 games: a week or so, ending on the held-back dates. */
const SLICE_GAMES = 45;
const sliceSince = (() => {
  let games = 0;
  for (const date of [...finalDates].reverse()) {
    games += finalGames.filter((game) => game.date === date).length;
    if (games >= SLICE_GAMES) return date;
  }
  return finalDates[0] as string;
})();
const slice = finalGames.filter((game) => game.date >= sliceSince);
const sliceIds = slice.map((game) => game.id);
/** The hustle feeds of the latest two dates are not published yet: 403 on the latest, 404 the day before. */
const heldBack = slice.filter((game) => game.date === latestDate || game.date === dayBefore);
const isHeldBack = (game: Game) => heldBack.includes(game);

const PER_GAME: readonly LegacyDataset[] = [
  boxScoreTraditional,
  playByPlay,
  playersOnCourt,
  hustleBox,
  hustleEvents,
];
const HUSTLE: readonly LegacyDataset[] = [hustleBox, hustleEvents];
const SLICE_DATASETS: readonly Dataset[] = [...PER_GAME, advancedBox, playerAggregates, teamAggregates];
/** The replica's endpoint key of each per-game dataset's one call. */
const ENDPOINT_OF: Readonly<Record<string, string>> = {
  boxscore_traditional: 'stats-boxscore',
  play_by_play: 'stats-pbp',
  players_on_court: 'stats-poc',
  hustle_box: 'hustlestats-box',
  hustle_events: 'hustlestats-events',
};
const REFERENCE_ENDPOINTS = ['schedule-full', 'stats-player-index', 'stats-team-index'];

const db = withTestDatabase(test);
const databases: TestDatabase[] = [];
const fixtureDirs: string[] = [];
const replicas: Replica[] = [];
/** The slice's replica: its stats are asserted, so nothing else calls it. */
let replica: Replica;
/** Where crafted payloads start from: the replica's own answers, never asserted on. */
let payloads: Replica;
test.before(async () => {
  replica = await startTestReplica();
  payloads = await startTestReplica();
  replicas.push(replica, payloads);
});
test.after.always(async () => {
  await Promise.all(replicas.map((started) => started.close()));
  await Promise.all(databases.map((database) => database.drop()));
  await Promise.all(fixtureDirs.map((dir) => rm(dir, { recursive: true, force: true })));
});

async function freshDatabase(): Promise<TestDatabase> {
  const database = await createTestDatabase();
  databases.push(database);
  return database;
}

async function replicaWith(options: Parameters<typeof startTestReplica>[0]): Promise<Replica> {
  const started = await startTestReplica(options);
  replicas.push(started);
  return started;
}

/**
 * A fixtures directory of whole bodies by `<endpointKey>/<name>.json` (a name with an extension as it
 * is: a hustle feed's `<gameId>.xml`), removed after the file.
 */
async function fixturesOf(files: readonly (readonly [key: string, name: string, body: unknown])[]) {
  const dir = await mkdtemp(join(tmpdir(), 'nba-legacy-fixtures-'));
  fixtureDirs.push(dir);
  for (const [key, name, body] of files) {
    await mkdir(join(dir, key), { recursive: true });
    const file = name.includes('.') ? name : `${name}.json`;
    await writeFile(join(dir, key, file), typeof body === 'string' ? body : JSON.stringify(body));
  }
  return dir;
}

// ---- payloads as the legacy endpoints send them ----

interface BoxPlayer {
  personId: number;
  status: string;
  notPlayingReason?: string;
  played: string;
  statistics: { minutes: string; [key: string]: unknown };
  [key: string]: unknown;
}
interface BoxTeam {
  teamId: number;
  score: number;
  teamCity?: string;
  teamName?: string;
  teamTricode?: string;
  statistics: { minutes: string; [key: string]: unknown };
  players: BoxPlayer[];
  [key: string]: unknown;
}
interface BoxScoreBody {
  game: { gameId: string; period?: number; homeTeam: BoxTeam; awayTeam: BoxTeam; [key: string]: unknown };
  [key: string]: unknown;
}
interface PbpAction {
  actionNumber: number;
  orderNumber?: number;
  period: number;
  periodType?: string;
  clock: string;
  teamId?: number | null;
  [key: string]: unknown;
}
interface PbpBody {
  game: { gameId: string; actions: PbpAction[] };
  [key: string]: unknown;
}

/** What the replica answers a legacy one-game call; a fresh copy each time, free to edit. */
async function served<T>(path: string, params: Record<string, string>): Promise<T> {
  const response = await fetch(`${payloads.url}${path}?${new URLSearchParams(params)}`, {
    headers: { 'X-NBA-Api-Key': TEST_API_KEY },
  });
  if (response.status !== 200) throw new Error(`${path} answered ${response.status}`);
  return (await response.json()) as T;
}

const servedBoxScore = (game: Game) =>
  served<BoxScoreBody>('/api/stats/boxscore', { gameId: game.id, measureType: 'Traditional' });
const servedPlayByPlay = (game: Game) => served<PbpBody>('/api/stats/pbp', { gameId: game.id });

const playersOf = (box: BoxScoreBody) =>
  [box.game.homeTeam, box.game.awayTeam].flatMap((team) => team.players);

/** `PT24M56.00S` → 24.93: decimal minutes to the hundredth, read here apart from the product's parser. */
function decimalMinutes(duration: string): number {
  const match = /^PT(\d+)M(\d+(?:\.\d+)?)S$/.exec(duration);
  if (!match) throw new Error(`not a duration of minutes and seconds: ${duration}`);
  return Math.round((Number(match[1]) + Number(match[2]) / 60) * 100) / 100;
}

// ---- what the replica serves for a game, from its generators ----

interface RosterRow {
  game_id: string;
  nba_id: number;
  team_id: number;
  status: string;
  not_playing_reason: string | null;
  played: boolean;
  minutes: number | null;
}

/** The rows each legacy table should hold for a game the replica serves. */
function servedRows(game: Game, seed: number) {
  const box = legacyBoxScore(season, game, seed);
  const roster: RosterRow[] = [box.homeTeam, box.awayTeam].flatMap((team) =>
    team.players.map((player) => ({
      game_id: game.id,
      nba_id: player.personId,
      team_id: team.teamId,
      status: player.status,
      not_playing_reason: player.notPlayingReason ?? null,
      played: player.played === '1',
      minutes: player.played === '1' ? decimalMinutes(String(player.statistics.minutes)) : null,
    })),
  );
  const events = playersOnCourtEvents(season, game, seed);
  const hustle = legacyHustle(season, game, seed);
  return {
    roster,
    actions: playByPlayActions(season, game, seed, Date.parse(gameTimes(game).gameDateTimeUTC)),
    onCourt: events.reduce((sum, event) => sum + event.playersPlusMinus.length, 0),
    events: events.length,
    hustlePlayers: hustle.teams.reduce((sum, team) => sum + team.players.length, 0),
    hustleEvents: hustle.events.length,
    advanced: new Set(playerAdvancedRows(season, game, seed).map((row) => row.playerId)),
  };
}

/** Rows of `table` per game among `games`; games without rows are absent, as in the expectations. */
async function rowsPerGame(
  pool: TestDatabase['pool'],
  table: string,
  games: readonly string[],
): Promise<Record<string, number>> {
  const { rows } = await pool.query<{ game_id: string; n: number }>(
    `SELECT game_id, count(*)::int AS n FROM ${table} WHERE game_id = ANY($1::text[]) GROUP BY game_id`,
    [games],
  );
  return Object.fromEntries(rows.map((row) => [row.game_id, row.n]).sort());
}

const perGame = (games: readonly Game[], count: (game: Game) => number): Record<string, number> =>
  Object.fromEntries(
    games
      .map((game) => [game.id, count(game)] as const)
      .filter(([, n]) => n > 0)
      .sort(),
  );

async function coverageOf(pool: TestDatabase['pool'], games: readonly string[]) {
  const { rows } = await pool.query<{
    game_id: string;
    dataset: string;
    status: string;
    reason: string | null;
  }>(
    `SELECT game_id, dataset, status, reason FROM nba_ingest.coverage
      WHERE game_id = ANY($1::text[]) ORDER BY game_id, dataset`,
    [games],
  );
  return rows;
}

// ---- a slice of the season, every legacy dataset ----

const sliceRun = () =>
  runTestBackfill({ pool: db.pool, replica, options: { datasets: SLICE_DATASETS, since: sliceSince } });

test.serial(
  'a slice ending on the latest date loads every legacy dataset game by game, one call per game and endpoint',
  async (t) => {
    t.true(slice.length >= SLICE_GAMES && slice.length < 80, `${slice.length} games since ${sliceSince}`);
    t.true(heldBack.length > 0 && heldBack.length < slice.length);
    replica.resetStats();
    const summary = await sliceRun();

    t.is(summary.exitCode, 0);
    t.is(summary.finalGames, slice.length);
    const published = slice.length - heldBack.length;
    for (const dataset of PER_GAME) {
      const hustle = HUSTLE.includes(dataset);
      t.like(
        summary.datasets.find((loaded) => loaded.dataset === dataset.name),
        {
          gamesSelected: slice.length,
          gamesLoaded: hustle ? published : slice.length,
          gamesUnavailable: hustle ? heldBack.length : 0,
          gamesFailed: 0,
          calls: slice.length,
          failures: {},
          quarantined: 0,
        },
        dataset.name,
      );
    }
    t.like(
      summary.datasets.find((loaded) => loaded.dataset === advancedBox.name),
      {
        gamesLoaded: slice.length,
        failures: {},
      },
    );
    for (const name of [playerAggregates.name, teamAggregates.name]) {
      t.like(
        summary.datasets.find((loaded) => loaded.dataset === name),
        {
          unit: 'season',
          gamesLoaded: 1,
          failures: {},
        },
      );
    }

    // Upstream saw one call per game and endpoint, and the hustle feeds answered by date.
    const stats = replica.stats();
    for (const [dataset, endpoint] of Object.entries(ENDPOINT_OF)) {
      const statuses: Record<string, number> = {};
      for (const call of stats.calls.filter((c) => c.endpoint === endpoint)) {
        statuses[String(call.status)] = (statuses[String(call.status)] ?? 0) + 1;
      }
      const latest = heldBack.filter((game) => game.date === latestDate).length;
      const expected = HUSTLE.some((hustle) => hustle.name === dataset)
        ? { 200: published, 403: latest, 404: heldBack.length - latest }
        : { 200: slice.length };
      t.deepEqual(statuses, expected, endpoint);
    }
    t.like(stats.byEndpoint, { 'stats-player': 16, 'stats-team': 10 });
    const ledger = await db.pool.query<{ dataset: string; game_id: string; calls: number }>(
      `SELECT dataset, first_game_id AS game_id, count(*)::int AS calls FROM nba_ingest.requests
        WHERE dataset = ANY($1::text[]) GROUP BY dataset, first_game_id ORDER BY dataset, first_game_id`,
      [PER_GAME.map((dataset) => dataset.name)],
    );
    t.deepEqual(
      ledger.rows,
      PER_GAME.map((dataset) => dataset.name)
        .sort()
        .flatMap((dataset) => [...sliceIds].sort().map((game_id) => ({ dataset, game_id, calls: 1 }))),
    );

    // Every table holds what the replica served, game by game.
    const expected = new Map(slice.map((game) => [game.id, servedRows(game, replica.seed)]));
    const of = (game: Game) => expected.get(game.id) as ReturnType<typeof servedRows>;
    const roster = await db.pool.query<RosterRow>(
      `SELECT game_id, nba_id, team_id, status, not_playing_reason, played, minutes::float8 AS minutes
         FROM nba.boxscores_traditional WHERE game_id = ANY($1::text[]) ORDER BY game_id, nba_id`,
      [sliceIds],
    );
    const servedRoster = slice
      .flatMap((game) => of(game).roster)
      .sort((a, b) => a.game_id.localeCompare(b.game_id) || a.nba_id - b.nba_id);
    t.deepEqual(roster.rows, servedRoster);
    t.true(servedRoster.some((row) => row.status === 'INACTIVE' && row.not_playing_reason !== null));
    t.true(servedRoster.some((row) => row.status === 'ACTIVE' && !row.played));
    const pool = db.pool;
    t.deepEqual(
      await rowsPerGame(pool, 'nba.boxscores_traditional_team', sliceIds),
      perGame(slice, () => 2),
    );
    t.deepEqual(
      await rowsPerGame(pool, 'nba.play_by_play', sliceIds),
      perGame(slice, (game) => of(game).actions.length),
    );
    const lastPeriods = await db.pool.query<{ game_id: string; periods: number }>(
      `SELECT game_id, max(period)::int AS periods FROM nba.play_by_play
        WHERE game_id = ANY($1::text[]) GROUP BY game_id ORDER BY game_id`,
      [sliceIds],
    );
    t.deepEqual(
      lastPeriods.rows,
      [...slice]
        .sort((a, b) => a.id.localeCompare(b.id))
        .map((game) => ({ game_id: game.id, periods: game.periods })),
    );
    t.deepEqual(
      await rowsPerGame(pool, 'nba.players_on_court', sliceIds),
      perGame(slice, (game) => 10 * of(game).events),
    );
    t.deepEqual(
      perGame(slice, (game) => of(game).onCourt),
      perGame(slice, (game) => 10 * of(game).events),
    );
    const publishedGames = slice.filter((game) => !isHeldBack(game));
    t.deepEqual(
      await rowsPerGame(pool, 'nba.hustle_stats', sliceIds),
      perGame(publishedGames, (game) => of(game).hustlePlayers),
    );
    t.deepEqual(
      await rowsPerGame(pool, 'nba.hustle_stats_team', sliceIds),
      perGame(publishedGames, () => 2),
    );
    t.deepEqual(
      await rowsPerGame(pool, 'nba.hustle_events', sliceIds),
      perGame(publishedGames, (game) => of(game).hustleEvents),
    );

    // Held-back hustle feeds are unavailable, not failed nor covered; everything else is covered.
    const statusOf = (game: Game, dataset: string) => {
      if (HUSTLE.some((hustle) => hustle.name === dataset) && isHeldBack(game)) {
        return { status: 'unavailable', reason: game.date === latestDate ? 'http_403' : 'http_404' };
      }
      if (dataset === hustleEvents.name && of(game).hustleEvents === 0)
        return { status: 'empty', reason: null };
      return { status: 'complete', reason: null };
    };
    const gameDatasets = [...PER_GAME.map((dataset) => dataset.name), advancedBox.name].sort();
    t.deepEqual(
      await coverageOf(pool, sliceIds),
      [...slice]
        .sort((a, b) => a.id.localeCompare(b.id))
        .flatMap((game) =>
          gameDatasets.map((dataset) => ({ game_id: game.id, dataset, ...statusOf(game, dataset) })),
        ),
    );
    const seasons = await db.pool.query(
      `SELECT dataset, status, final_games FROM nba_ingest.season_coverage ORDER BY dataset`,
    );
    t.deepEqual(seasons.rows, [
      { dataset: playerAggregates.name, status: 'complete', final_games: finalGames.length },
      { dataset: teamAggregates.name, status: 'complete', final_games: finalGames.length },
    ]);

    // The advanced box score holds exactly the traditional roster: placeholders for who did not play.
    const columns = advancedBox.table.columns.map((column) => column.name);
    const blank = columns.slice(columns.indexOf('minutes') + 1).map((column) => `a.${column}`);
    t.true(blank.includes('a.advanced_stats_json') && blank.includes('a.pie'));
    const advanced = await db.pool.query(
      `SELECT coalesce(t.game_id, a.game_id) AS game_id, coalesce(t.nba_id, a.nba_id) AS nba_id,
              t.nba_id IS NOT NULL AS in_roster, a.nba_id IS NOT NULL AS in_advanced,
              a.team_id IS NOT DISTINCT FROM t.team_id AS same_team, a.is_placeholder,
              CASE WHEN a.is_placeholder
                   THEN num_nonnulls(${blank.join(', ')}) = 0 AND a.minutes IS NOT DISTINCT FROM t.minutes
              END AS placeholder_as_roster
         FROM nba.boxscores_traditional t
         FULL JOIN nba.boxscores_advanced a ON a.game_id = t.game_id AND a.nba_id = t.nba_id
        WHERE coalesce(t.game_id, a.game_id) = ANY($1::text[])
        ORDER BY 1, 2`,
      [sliceIds],
    );
    t.deepEqual(
      advanced.rows,
      servedRoster.map((row) => {
        const placeholder = !of(slice.find((game) => game.id === row.game_id) as Game).advanced.has(
          row.nba_id,
        );
        return {
          game_id: row.game_id,
          nba_id: row.nba_id,
          in_roster: true,
          in_advanced: true,
          same_team: true,
          is_placeholder: placeholder,
          placeholder_as_roster: placeholder ? true : null,
        };
      }),
    );
    t.true(
      advanced.rows.some((row) => row.is_placeholder) && advanced.rows.some((row) => !row.is_placeholder),
    );

    const report = await verify(db.pool, {
      season: '2025-26',
      seasonType: 'Regular Season',
      datasets: [boxScoreTraditional, playByPlay, advancedBox],
    });
    const byName = new Map(report.checks.map((check) => [check.name, check]));
    for (const name of [
      'boxscore_traditional.roster_in_advanced_box',
      'advanced_box.advanced_box_in_roster',
      'play_by_play.periods_match_box_minutes',
    ]) {
      t.is(byName.get(name)?.status, 'pass', `${name}: ${byName.get(name)?.value}`);
    }
    t.is(byName.get('play_by_play.periods_match_box_minutes')?.value, `0 of ${slice.length} differ`);
    t.log(
      `${skeleton.source}: ${slice.length} games since ${sliceSince}, ${heldBack.length} with hustle held back, ` +
        `${summary.rows} rows in ${summary.seconds} s`,
    );
  },
);

test.serial(
  'a second run makes no per-game call; the held-back hustle games wait for the recheck',
  async (t) => {
    replica.resetStats();
    const summary = await sliceRun();

    t.is(summary.exitCode, 0);
    for (const dataset of [...PER_GAME, advancedBox]) {
      const hustle = HUSTLE.includes(dataset as LegacyDataset);
      t.like(
        summary.datasets.find((loaded) => loaded.dataset === dataset.name),
        {
          calls: 0,
          gamesLoaded: 0,
          gamesUnavailable: 0,
          gamesSkipped: hustle ? slice.length - heldBack.length : slice.length,
          gamesWaiting: hustle ? heldBack.length : 0,
        },
        dataset.name,
      );
    }
    for (const name of [playerAggregates.name, teamAggregates.name]) {
      t.like(
        summary.datasets.find((loaded) => loaded.dataset === name),
        { calls: 0, gamesSkipped: 1 },
      );
    }
    t.deepEqual(Object.keys(replica.stats().byEndpoint).sort(), REFERENCE_ENDPOINTS);
  },
);

// ---- hustle feeds published after a first run ----

test('a hustle feed answered 403 or 404 is asked again after the recheck interval and then loads', async (t) => {
  const dates = finalDates.slice(-3);
  const games = finalGames.filter((game) => dates.includes(game.date));
  const waiting = games.filter((game) => game.date !== dates[0]);
  const ids = games.map((game) => game.id);
  const database = await freshDatabase();
  const unpublished = await replicaWith({});
  const published = await replicaWith({ hustleUnavailableDays: 0 });
  const run = (from: Replica) =>
    runTestBackfill({
      pool: database.pool,
      replica: from,
      options: { datasets: HUSTLE, since: dates[0] as string },
    });

  const first = await run(unpublished);
  t.is(first.exitCode, 0);
  for (const loaded of first.datasets) {
    t.like(loaded, {
      gamesLoaded: games.length - waiting.length,
      gamesUnavailable: waiting.length,
      failures: {},
    });
  }
  // Published now, but asked too recently: left alone.
  const early = await run(published);
  for (const loaded of early.datasets) {
    t.like(loaded, { calls: 0, gamesWaiting: waiting.length, gamesSkipped: games.length - waiting.length });
  }
  t.deepEqual(Object.keys(published.stats().byEndpoint).sort(), REFERENCE_ENDPOINTS);

  const moved = await database.pool.query(
    `UPDATE nba_ingest.coverage SET fetched_at = fetched_at - make_interval(mins => $1)
      WHERE status = 'unavailable'`,
    [UNAVAILABLE_RECHECK_MINUTES + 1],
  );
  t.is(moved.rowCount, 2 * waiting.length);
  published.resetStats();
  const later = await run(published);

  t.is(later.exitCode, 0);
  for (const loaded of later.datasets) {
    t.like(loaded, {
      calls: waiting.length,
      gamesLoaded: waiting.length,
      gamesUnavailable: 0,
      gamesWaiting: 0,
      gamesSkipped: games.length - waiting.length,
    });
  }
  const stats = published.stats();
  for (const endpoint of ['hustlestats-box', 'hustlestats-events']) {
    t.deepEqual(
      stats.calls.filter((call) => call.endpoint === endpoint).map((call) => call.status),
      waiting.map(() => 200),
      endpoint,
    );
  }
  const hustleOf = (game: Game) => legacyHustle(season, game, published.seed);
  t.deepEqual(
    await rowsPerGame(database.pool, 'nba.hustle_stats', ids),
    perGame(games, (game) => hustleOf(game).teams.reduce((sum, team) => sum + team.players.length, 0)),
  );
  t.deepEqual(
    await rowsPerGame(database.pool, 'nba.hustle_stats_team', ids),
    perGame(games, () => 2),
  );
  t.deepEqual(
    await rowsPerGame(database.pool, 'nba.hustle_events', ids),
    perGame(games, (game) => hustleOf(game).events.length),
  );
  const coverage = await coverageOf(database.pool, ids);
  t.deepEqual(
    coverage.filter((row) => row.status !== 'complete' && row.status !== 'empty'),
    [],
  );
  t.is(coverage.length, 2 * games.length);
  // Each waiting game was asked twice in all (not published, then published), the others once.
  const ledger = await database.pool.query<{ game_id: string; calls: number }>(
    `SELECT first_game_id AS game_id, count(*)::int AS calls FROM nba_ingest.requests
      WHERE dataset = $1 GROUP BY first_game_id ORDER BY first_game_id`,
    [hustleBox.name],
  );
  t.deepEqual(
    ledger.rows,
    [...games]
      .sort((a, b) => a.id.localeCompare(b.id))
      .map((game) => ({ game_id: game.id, calls: waiting.includes(game) ? 2 : 1 })),
  );
});

// ---- payloads that cannot be stored under the game ----

/** Traditional box score rows (players, teams) stored per game among `games`. */
async function boxRows(pool: TestDatabase['pool'], games: readonly Game[]) {
  const ids = games.map((game) => game.id);
  return {
    players: await rowsPerGame(pool, 'nba.boxscores_traditional', ids),
    teams: await rowsPerGame(pool, 'nba.boxscores_traditional_team', ids),
  };
}

test('a box score of another game, or of the game with a third team, is an identity mismatch; the rest loads', async (t) => {
  const [swapped, intruded, other, ...clean] = regulationGames.slice(0, 6) as [Game, Game, Game, ...Game[]];
  const third = skeleton.teams.find(
    (team) => team.id !== intruded.home.teamId && team.id !== intruded.away.teamId,
  )?.id;
  if (third === undefined) return t.fail('no third team');
  const foreign = await servedBoxScore(other);
  const withThirdTeam = await servedBoxScore(intruded);
  withThirdTeam.game.awayTeam.teamId = third;
  const dir = await fixturesOf([
    ['stats-boxscore', swapped.id, foreign],
    ['stats-boxscore', intruded.id, withThirdTeam],
  ]);
  const database = await freshDatabase();
  const games = [swapped, intruded, other, ...clean];

  const summary = await runTestBackfill({
    pool: database.pool,
    replica: await replicaWith({ fixturesDir: dir }),
    options: { datasets: [boxScoreTraditional], gameIds: games.map((game) => game.id as GameId) },
  });

  t.is(summary.exitCode, 65);
  t.like(summary.datasets[0], {
    gamesLoaded: games.length - 2,
    gamesFailed: 2,
    failures: { identity_mismatch: 2 },
    quarantined: 2,
  });
  const loaded = [other, ...clean];
  const rosterOf = (game: Game) => {
    const box = legacyBoxScore(season, game, payloads.seed);
    return box.homeTeam.players.length + box.awayTeam.players.length;
  };
  // The other game's rows are its own, once: none were stored under the game that was sent them.
  t.deepEqual(await boxRows(database.pool, games), {
    players: perGame(loaded, rosterOf),
    teams: perGame(loaded, () => 2),
  });
  t.is(rosterOf(other), playersOf(foreign).length);
  const coverage = await coverageOf(
    database.pool,
    games.map((game) => game.id),
  );
  t.deepEqual(
    coverage.filter((row) => row.status !== 'complete'),
    [swapped, intruded]
      .sort((a, b) => a.id.localeCompare(b.id))
      .map((game) => ({
        game_id: game.id,
        dataset: boxScoreTraditional.name,
        status: 'failed',
        reason: 'identity_mismatch',
      })),
  );
  const quarantined = await database.pool.query<{ game_id: string; reason: string; detail: string }>(
    `SELECT game_id, reason, detail FROM nba_ingest.quarantine WHERE dataset = $1 ORDER BY game_id`,
    [boxScoreTraditional.name],
  );
  const detail = new Map(quarantined.rows.map((row) => [row.game_id, row.detail]));
  t.deepEqual(
    quarantined.rows.map((row) => [row.game_id, row.reason]),
    [swapped.id, intruded.id].sort().map((id) => [id, 'identity_mismatch']),
  );
  t.is(detail.get(swapped.id), `game.gameId is ${other.id}, not the requested ${swapped.id}`);
  t.regex(detail.get(intruded.id) ?? '', new RegExp(`\\b${third}\\b.*does not play in ${intruded.id}`));
});

test('a final game whose box score lists no players fails as no_rows_for_final_game and stores nothing', async (t) => {
  const [empty, ...clean] = regulationGames.slice(6, 9) as [Game, ...Game[]];
  const box = await servedBoxScore(empty);
  box.game.homeTeam.players = [];
  box.game.awayTeam.players = [];
  const dir = await fixturesOf([['stats-boxscore', empty.id, box]]);
  const database = await freshDatabase();
  const games = [empty, ...clean];

  const summary = await runTestBackfill({
    pool: database.pool,
    replica: await replicaWith({ fixturesDir: dir }),
    options: { datasets: [boxScoreTraditional], gameIds: games.map((game) => game.id as GameId) },
  });

  t.is(summary.exitCode, 65);
  t.like(summary.datasets[0], {
    gamesLoaded: clean.length,
    gamesFailed: 1,
    failures: { no_rows_for_final_game: 1 },
  });
  const stored = await boxRows(database.pool, [empty]);
  t.deepEqual(stored, { players: {}, teams: {} });
  t.deepEqual(
    (await boxRows(database.pool, clean)).teams,
    perGame(clean, () => 2),
  );
  const coverage = await coverageOf(database.pool, [empty.id]);
  t.deepEqual(coverage, [
    {
      game_id: empty.id,
      dataset: boxScoreTraditional.name,
      status: 'failed',
      reason: 'no_rows_for_final_game',
    },
  ]);
  const quarantined = await database.pool.query(
    'SELECT game_id, reason FROM nba_ingest.quarantine WHERE dataset = $1',
    [boxScoreTraditional.name],
  );
  t.deepEqual(quarantined.rows, [{ game_id: empty.id, reason: 'no_rows_for_final_game' }]);
});

// ---- the real live box score and play-by-play of 0022000001 ----

const LIVE_GAME = '0022000001';
const BKN = 1610612751;
const GSW = 1610612744;

const LIVE_DIR = (() => {
  const dataDir = skeleton.source === 'real' ? defaultDataDir() : undefined;
  const dir = dataDir && join(dataDir, 'dblackrun__pbpstats', 'game_0022000001_2020-21');
  return dir && existsSync(join(dir, 'live_boxscore_0022000001.json')) ? dir : undefined;
})();

/**
 * The live box score and play-by-play of 0022000001 as text to serve verbatim: the real files, or
 * (without them) a regulation game of the replica relabelled as 0022000001, GSW at BKN.
 */
async function livePayloads(): Promise<{ box: string; pbp: string }> {
  if (LIVE_DIR) {
    return {
      box: await readFile(join(LIVE_DIR, 'live_boxscore_0022000001.json'), 'utf8'),
      pbp: await readFile(join(LIVE_DIR, 'live_playbyplay_0022000001.json'), 'utf8'),
    };
  }
  const game = regulationGames[9] as Game;
  const teamIds = new Map([
    [game.home.teamId, BKN],
    [game.away.teamId, GSW],
  ]);
  const box = await servedBoxScore(game);
  box.game.gameId = LIVE_GAME;
  box.game.homeTeam.teamId = BKN;
  box.game.awayTeam.teamId = GSW;
  const pbp = await servedPlayByPlay(game);
  pbp.game.gameId = LIVE_GAME;
  for (const action of pbp.game.actions) {
    if (action.teamId) action.teamId = teamIds.get(action.teamId) ?? action.teamId;
  }
  return { box: JSON.stringify(box), pbp: JSON.stringify(pbp) };
}

test('the live box score and play-by-play of 0022000001 load whole: roster, reasons, minutes, 4 periods', async (t) => {
  const live = await livePayloads();
  const box = JSON.parse(live.box) as BoxScoreBody;
  const pbp = JSON.parse(live.pbp) as PbpBody;
  const { homeTeam, awayTeam } = box.game;
  const schedule = {
    leagueSchedule: {
      seasonYear: '2020-21',
      leagueId: '00',
      gameDates: [
        {
          gameDate: '12/22/2020 00:00:00',
          games: [
            {
              gameId: LIVE_GAME,
              gameCode: '20201222/GSWBKN',
              gameStatus: 3,
              gameStatusText: 'Final',
              gameDateEst: '2020-12-22T00:00:00Z',
              gameDateTimeUTC: '2020-12-23T00:00:00Z',
              homeTeam: { teamId: BKN, score: homeTeam.score },
              awayTeam: { teamId: GSW, score: awayTeam.score },
            },
          ],
        },
      ],
    },
  };
  const teams = {
    leagueId: '00',
    teams: [
      { teamId: GSW, teamCity: 'Golden State', teamName: 'Warriors', teamAbbreviation: 'GSW' },
      { teamId: BKN, teamCity: 'Brooklyn', teamName: 'Nets', teamAbbreviation: 'BKN' },
    ],
  };
  const dir = await fixturesOf([
    ['stats-boxscore', LIVE_GAME, live.box],
    ['stats-pbp', LIVE_GAME, live.pbp],
    ['schedule-full', '2020-21', schedule],
    ['stats-team-index', '2020-21', teams],
  ]);
  const database = await freshDatabase();

  const summary = await runTestBackfill({
    pool: database.pool,
    replica: await replicaWith({ fixturesDir: dir }),
    options: { season: '2020-21', datasets: [boxScoreTraditional, playByPlay] },
  });

  t.is(summary.exitCode, 0);
  t.is(summary.finalGames, 1);
  const scheduled = await database.pool.query(
    `SELECT to_char(game_date, 'YYYY-MM-DD') AS date, home_team_id, away_team_id, season_label FROM nba.games`,
  );
  t.deepEqual(scheduled.rows, [
    { date: '2020-12-22', home_team_id: BKN, away_team_id: GSW, season_label: '2020-21' },
  ]);
  for (const loaded of summary.datasets) t.like(loaded, { gamesLoaded: 1, failures: {} }, loaded.dataset);

  // Every roster player of both teams, inactive ones with their reasons.
  const perTeam = await database.pool.query(
    `SELECT team_id, count(*)::int AS players, (count(*) FILTER (WHERE status = 'INACTIVE'))::int AS inactive
       FROM nba.boxscores_traditional WHERE game_id = $1 GROUP BY team_id ORDER BY team_id`,
    [LIVE_GAME],
  );
  const counted = [awayTeam, homeTeam].map((team) => ({
    team_id: team.teamId,
    players: team.players.length,
    inactive: team.players.filter((player) => player.status === 'INACTIVE').length,
  }));
  t.deepEqual(perTeam.rows, counted);
  if (LIVE_DIR) {
    t.deepEqual(counted, [
      { team_id: GSW, players: 17, inactive: 4 },
      { team_id: BKN, players: 17, inactive: 2 },
    ]);
  }
  const idle = await database.pool.query(
    `SELECT nba_id, status, not_playing_reason, minutes FROM nba.boxscores_traditional
      WHERE game_id = $1 AND (NOT played OR status = 'INACTIVE') ORDER BY nba_id`,
    [LIVE_GAME],
  );
  const didNotPlay = playersOf(box)
    .filter((player) => player.played === '0' || player.status === 'INACTIVE')
    .sort((a, b) => a.personId - b.personId);
  t.true(didNotPlay.length > 0 && didNotPlay.every((player) => player.notPlayingReason));
  t.deepEqual(
    idle.rows,
    didNotPlay.map((player) => ({
      nba_id: player.personId,
      status: player.status,
      not_playing_reason: player.notPlayingReason,
      minutes: null,
    })),
  );

  // Minutes in decimal minutes, as the file's durations say.
  const sampled = LIVE_DIR
    ? [201142, 201939, 1629617]
    : playersOf(box)
        .filter((player) => player.played === '1')
        .slice(0, 3)
        .map((player) => player.personId);
  const minutes = await database.pool.query<{ nba_id: number; minutes: number }>(
    `SELECT nba_id, minutes::float8 AS minutes FROM nba.boxscores_traditional
      WHERE game_id = $1 AND nba_id = ANY($2::int[]) ORDER BY nba_id`,
    [LIVE_GAME, sampled],
  );
  const fromFile = playersOf(box)
    .filter((player) => sampled.includes(player.personId))
    .sort((a, b) => a.personId - b.personId)
    .map((player) => ({ nba_id: player.personId, minutes: decimalMinutes(player.statistics.minutes) }));
  t.deepEqual(minutes.rows, fromFile);
  // Durant PT24M56.00S, Curry PT30M19.00S, Perry PT07M46.00S.
  if (LIVE_DIR)
    t.deepEqual(
      fromFile.map((row) => row.minutes),
      [24.93, 30.32, 7.77],
    );
  const teamMinutes = await database.pool.query(
    'SELECT team_id, minutes::float8 AS minutes FROM nba.boxscores_traditional_team WHERE game_id = $1 ORDER BY team_id',
    [LIVE_GAME],
  );
  t.deepEqual(teamMinutes.rows, [
    { team_id: GSW, minutes: 240 },
    { team_id: BKN, minutes: 240 },
  ]);

  // Every action, four periods.
  const actions = await database.pool.query(
    'SELECT count(*)::int AS actions, max(period) AS periods FROM nba.play_by_play WHERE game_id = $1',
    [LIVE_GAME],
  );
  const lastPeriod = Math.max(...pbp.game.actions.map((action) => action.period));
  t.deepEqual(actions.rows, [{ actions: pbp.game.actions.length, periods: lastPeriod }]);
  t.is(lastPeriod, 4);
  if (LIVE_DIR) t.is(pbp.game.actions.length, 610);

  const report = await verify(database.pool, {
    season: '2020-21',
    seasonType: 'Regular Season',
    datasets: [boxScoreTraditional, playByPlay],
  });
  t.like(
    report.checks.find((check) => check.name === 'play_by_play.periods_match_box_minutes'),
    {
      status: 'pass',
      value: '0 of 1 differ',
    },
  );
});

// ---- a double-overtime game ----

test('a double-overtime game: team minutes 290, periods 5 and 6 in the play-by-play, verify agrees', async (t) => {
  const game = regulationGames[10] as Game;
  const box = await servedBoxScore(game);
  box.game.period = 6;
  box.game.homeTeam.statistics.minutes = 'PT290M00.00S';
  box.game.awayTeam.statistics.minutes = 'PT290M00.00S';
  const pbp = await servedPlayByPlay(game);
  const { actions } = pbp.game;
  // The last five minutes of the fourth, played twice more as the overtimes.
  const closing = actions.filter((action) => action.period === 4 && decimalMinutes(action.clock) <= 5);
  const regulation = actions.length;
  let number = Math.max(...actions.map((action) => action.actionNumber));
  let order = Math.max(...actions.map((action) => action.orderNumber ?? 0));
  for (const period of [5, 6]) {
    for (const action of closing) {
      number += 1;
      order += 1;
      actions.push({ ...action, actionNumber: number, orderNumber: order, period, periodType: 'OVERTIME' });
    }
  }
  const dir = await fixturesOf([
    ['stats-boxscore', game.id, box],
    ['stats-pbp', game.id, pbp],
  ]);
  const database = await freshDatabase();

  const summary = await runTestBackfill({
    pool: database.pool,
    replica: await replicaWith({ fixturesDir: dir }),
    options: { datasets: [boxScoreTraditional, playByPlay], gameIds: [game.id as GameId] },
  });

  t.is(summary.exitCode, 0);
  t.true(closing.length > 0);
  const teamMinutes = await database.pool.query(
    'SELECT minutes::float8 AS minutes FROM nba.boxscores_traditional_team WHERE game_id = $1',
    [game.id],
  );
  t.deepEqual(teamMinutes.rows, [{ minutes: 290 }, { minutes: 290 }]);
  const periods = await database.pool.query(
    `SELECT period, count(*)::int AS actions FROM nba.play_by_play WHERE game_id = $1 AND period > 4
      GROUP BY period ORDER BY period`,
    [game.id],
  );
  t.deepEqual(periods.rows, [
    { period: 5, actions: closing.length },
    { period: 6, actions: closing.length },
  ]);
  t.deepEqual(await rowsPerGame(database.pool, 'nba.play_by_play', [game.id]), {
    [game.id]: regulation + 2 * closing.length,
  });
  const report = await verify(database.pool, {
    season: '2025-26',
    seasonType: 'Regular Season',
    datasets: [boxScoreTraditional, playByPlay],
  });
  t.like(
    report.checks.find((check) => check.name === 'play_by_play.periods_match_box_minutes'),
    {
      status: 'pass',
      value: '0 of 1 differ',
    },
  );
});

// ---- repeated keys, refused documents, season calls, coverage of every table, corrections ----

test('a play-by-play with two actions under one actionNumber keeps the last, counts one duplicate and notes it; the game is complete', async (t) => {
  const [repeated, ...clean] = regulationGames.slice(11, 14) as [Game, ...Game[]];
  const pbp = await servedPlayByPlay(repeated);
  const { actions } = pbp.game;
  const at = Math.floor(actions.length / 2);
  const earlier = actions[at - 1] as PbpAction;
  const later = actions[at] as PbpAction;
  later.actionNumber = earlier.actionNumber;
  t.notDeepEqual(earlier, later);
  const dir = await fixturesOf([['stats-pbp', repeated.id, pbp]]);
  const database = await freshDatabase();
  const games = [repeated, ...clean];

  const summary = await runTestBackfill({
    pool: database.pool,
    replica: await replicaWith({ fixturesDir: dir }),
    options: { datasets: [playByPlay], gameIds: games.map((game) => game.id as GameId) },
  });

  t.is(summary.exitCode, 0);
  t.like(summary.datasets[0], {
    gamesLoaded: games.length,
    gamesFailed: 0,
    failures: {},
    duplicates: 1,
    quarantined: 1,
  });
  const actionsOf = (game: Game) =>
    playByPlayActions(season, game, payloads.seed, Date.parse(gameTimes(game).gameDateTimeUTC)).length;
  t.deepEqual(
    await rowsPerGame(
      database.pool,
      'nba.play_by_play',
      games.map((game) => game.id),
    ),
    perGame(games, (game) => (game === repeated ? actions.length - 1 : actionsOf(game))),
  );
  const kept = await database.pool.query(
    'SELECT order_number::int AS order_number, action FROM nba.play_by_play WHERE game_id = $1 AND action_number = $2',
    [repeated.id, earlier.actionNumber],
  );
  t.deepEqual(kept.rows, [{ order_number: later.orderNumber ?? null, action: later }]);
  const coverage = await database.pool.query(
    `SELECT game_id, status, row_count FROM nba_ingest.coverage WHERE dataset = $1 ORDER BY game_id`,
    [playByPlay.name],
  );
  t.deepEqual(
    coverage.rows,
    [...games]
      .sort((a, b) => a.id.localeCompare(b.id))
      .map((game) => ({
        game_id: game.id,
        status: 'complete',
        row_count: game === repeated ? actions.length - 1 : actionsOf(game),
      })),
  );
  const quarantined = await database.pool.query(
    'SELECT game_id, reason, detail FROM nba_ingest.quarantine WHERE dataset = $1',
    [playByPlay.name],
  );
  t.deepEqual(quarantined.rows, [
    {
      game_id: repeated.id,
      reason: 'duplicate_key',
      detail: "1 row(s) repeated an earlier row's key; the last of each was kept",
    },
  ]);
});

/** The hustle box score XML the replica serves for a game, as text. */
async function servedHustleBox(game: Game): Promise<string> {
  const response = await fetch(`${payloads.url}/api/hustlestats/${game.id}_hustlestats.xml`, {
    headers: { 'X-NBA-Api-Key': TEST_API_KEY },
  });
  if (response.status !== 200)
    throw new Error(`the hustle box score of ${game.id} answered ${response.status}`);
  return response.text();
}

test('a hustle box score declaring a document type fails its own game as a schema mismatch; the run goes on', async (t) => {
  const [laughs, external, ...clean] = regulationGames.slice(14, 18) as [Game, Game, ...Game[]];
  const lol = Array.from({ length: 9 }, (_, i) => `<!ENTITY lol${i + 1} "${`&lol${i};`.repeat(10)}">`);
  // Billion laughs after the XML declaration; an external entity as the very first thing of the file.
  const laughsBody = (await servedHustleBox(laughs))
    .replace('?>\n', `?>\n<!DOCTYPE HustleStatsBoxScore [<!ENTITY lol0 "lol">${lol.join('')}]>\n`)
    .replace('First_Name="', 'First_Name="&lol9;');
  const externalBody = `<!DOCTYPE HustleStatsBoxScore [<!ENTITY home SYSTEM "file:///etc/passwd">]>\n${(
    await servedHustleBox(external)
  )
    .replace(/^<\?xml[^>]*\?>\n/, '')
    .replace('First_Name="', 'First_Name="&home;')}`;
  t.true(laughsBody.includes('&lol9;') && externalBody.startsWith('<!DOCTYPE HustleStatsBoxScore ['));
  const dir = await fixturesOf([
    ['hustlestats-box', `${laughs.id}.xml`, laughsBody],
    ['hustlestats-box', `${external.id}.xml`, externalBody],
  ]);
  const database = await freshDatabase();
  const games = [laughs, external, ...clean];
  const ids = games.map((game) => game.id);
  const upstream = await replicaWith({ fixturesDir: dir });

  const summary = await runTestBackfill({
    pool: database.pool,
    replica: upstream,
    options: { datasets: HUSTLE, gameIds: ids as GameId[] },
  });

  t.is(summary.exitCode, 65);
  const [box, events] = summary.datasets;
  t.like(box, {
    dataset: hustleBox.name,
    calls: games.length,
    gamesLoaded: clean.length,
    gamesFailed: 2,
    failures: { schema_mismatch: 2 },
    quarantined: 2,
  });
  t.like(events, { dataset: hustleEvents.name, gamesFailed: 0, failures: {} });
  const hustleOf = (game: Game) => legacyHustle(season, game, upstream.seed);
  t.deepEqual(
    await rowsPerGame(database.pool, 'nba.hustle_stats', ids),
    perGame(clean, (game) => hustleOf(game).teams.reduce((sum, team) => sum + team.players.length, 0)),
  );
  t.deepEqual(
    await rowsPerGame(database.pool, 'nba.hustle_stats_team', ids),
    perGame(clean, () => 2),
  );
  t.deepEqual(
    await rowsPerGame(database.pool, 'nba.hustle_events', ids),
    perGame(games, (game) => hustleOf(game).events.length),
  );
  const coverage = await coverageOf(database.pool, ids);
  t.deepEqual(
    coverage.filter((row) => row.dataset === hustleBox.name && row.status !== 'complete'),
    [laughs, external]
      .sort((a, b) => a.id.localeCompare(b.id))
      .map((game) => ({
        game_id: game.id,
        dataset: hustleBox.name,
        status: 'failed',
        reason: 'schema_mismatch',
      })),
  );
  const quarantined = await database.pool.query(
    `SELECT game_id, reason, detail, payload->>'text' AS text FROM nba_ingest.quarantine
      WHERE dataset = $1 ORDER BY game_id`,
    [hustleBox.name],
  );
  const bodyOf = new Map([
    [laughs.id, laughsBody],
    [external.id, externalBody],
  ]);
  t.deepEqual(
    quarantined.rows,
    [laughs.id, external.id].sort().map((id) => ({
      game_id: id,
      reason: 'schema_mismatch',
      detail: 'a document type declaration, which the feed never has',
      text: bodyOf.get(id),
    })),
  );
});

test('the season aggregates count each call once: 16 player and 10 team calls, as the ledger records them', async (t) => {
  const database = await freshDatabase();
  const upstream = await replicaWith({});

  const summary = await runTestBackfill({
    pool: database.pool,
    replica: upstream,
    options: { datasets: [playerAggregates, teamAggregates] },
  });

  t.is(summary.exitCode, 0);
  const expected = [
    { dataset: playerAggregates.name, calls: 16 },
    { dataset: teamAggregates.name, calls: 10 },
  ];
  t.deepEqual(
    summary.datasets.map((loaded) => ({ dataset: loaded.dataset, calls: loaded.calls })),
    expected,
  );
  for (const loaded of summary.datasets) {
    t.like(loaded, { unit: 'season', gamesLoaded: 1, failures: {} }, loaded.dataset);
    const byMeasure = Object.values(loaded.callsByMeasure).reduce((sum, n) => sum + n, 0);
    t.is(byMeasure, loaded.calls, loaded.dataset);
  }
  t.is(summary.calls, summary.referenceCalls + 26);
  const ledger = await database.pool.query(
    `SELECT dataset, count(*)::int AS calls FROM nba_ingest.requests
      WHERE dataset = ANY($1::text[]) GROUP BY dataset ORDER BY dataset`,
    [expected.map((row) => row.dataset)],
  );
  t.deepEqual(
    ledger.rows,
    [...expected].sort((a, b) => a.dataset.localeCompare(b.dataset)),
  );
  t.like(upstream.stats().byEndpoint, { 'stats-player': 16, 'stats-team': 10 });
});

test("coverage counts a box score's team rows too: one deleted after the load fails boxscore_traditional.row_counts for that game", async (t) => {
  const games = regulationGames.slice(18, 21);
  const database = await freshDatabase();
  const upstream = await replicaWith({});

  const summary = await runTestBackfill({
    pool: database.pool,
    replica: upstream,
    options: { datasets: [boxScoreTraditional], gameIds: games.map((game) => game.id as GameId) },
  });

  t.is(summary.exitCode, 0);
  const rosterOf = (game: Game) => {
    const box = legacyBoxScore(season, game, upstream.seed);
    return box.homeTeam.players.length + box.awayTeam.players.length;
  };
  const coverage = await database.pool.query(
    'SELECT game_id, row_count FROM nba_ingest.coverage WHERE dataset = $1 ORDER BY game_id',
    [boxScoreTraditional.name],
  );
  t.deepEqual(
    coverage.rows,
    [...games]
      .sort((a, b) => a.id.localeCompare(b.id))
      .map((game) => ({ game_id: game.id, row_count: rosterOf(game) + 2 })),
  );
  const rowCounts = async () => {
    const report = await verify(database.pool, {
      season: '2025-26',
      seasonType: 'Regular Season',
      datasets: [boxScoreTraditional],
    });
    return report.checks.find((check) => check.name === 'boxscore_traditional.row_counts');
  };
  t.like(await rowCounts(), { status: 'pass', value: `0 of ${games.length} covered games differ` });

  const damaged = games[1] as Game;
  const deleted = await database.pool.query(
    'DELETE FROM nba.boxscores_traditional_team WHERE game_id = $1 AND team_id = $2',
    [damaged.id, damaged.away.teamId],
  );
  t.is(deleted.rowCount, 1);
  const after = await rowCounts();
  t.like(after, { status: 'fail', value: `1 of ${games.length} covered games differ` });
  t.deepEqual(after?.details, [
    `${damaged.id}: coverage ${rosterOf(damaged) + 2}, table ${rosterOf(damaged) + 1}`,
  ]);
});

test('a box score refetched with fullRefresh after a correction stores exactly its new facts, and placeholders follow its minutes', async (t) => {
  const game = regulationGames[21] as Game;
  const box = await servedBoxScore(game);
  const roster = playersOf(box);
  // A bench player who played, and one who did not: the correction swaps them.
  const benched = roster.find((player) => player.played === '1' && player.starter === '0');
  const called = roster.find((player) => player.played === '0');
  if (!benched || !called) return t.fail('no bench player who played, or none who did not');
  const [playedStats, idleStats] = [benched.statistics, called.statistics];
  // As first served, benched by the coach, with a description a stale row would keep.
  Object.assign(called, {
    status: 'ACTIVE',
    notPlayingReason: 'DNP_COACH',
    notPlayingDescription: "Coach's Decision",
  });
  // The Query Tool lists neither (one had not played; its correction of the other came first): both
  // have placeholders, which carry the traditional minutes.
  const advancedRows = playerAdvancedRows(season, game, payloads.seed).filter(
    (row) => row.playerId !== benched.personId,
  );
  t.is(advancedRows.length, roster.filter((player) => player.played === '1').length - 1);
  const dir = await fixturesOf([
    ['stats-boxscore', game.id, box],
    ['querytool-game-player-Advanced', game.id, advancedRows],
  ]);
  const upstream = await replicaWith({ fixturesDir: dir });
  const database = await freshDatabase();
  const run = (datasets: readonly Dataset[], fullRefresh: boolean) =>
    runTestBackfill({
      pool: database.pool,
      replica: upstream,
      options: { datasets, gameIds: [game.id as GameId], fullRefresh },
    });
  const ids = [benched.personId, called.personId].sort((a, b) => a - b);
  const placeholders = async () =>
    (
      await database.pool.query(
        `SELECT nba_id, is_placeholder, minutes::float8 AS minutes FROM nba.boxscores_advanced
          WHERE game_id = $1 AND nba_id = ANY($2::int[]) ORDER BY nba_id`,
        [game.id, ids],
      )
    ).rows;
  const placeholder = (nbaId: number, minutes: number | null) => ({
    nba_id: nbaId,
    is_placeholder: true,
    minutes,
  });
  const byId = (a: { nba_id: number }, b: { nba_id: number }) => a.nba_id - b.nba_id;

  const first = await run([boxScoreTraditional, advancedBox], false);
  t.is(first.exitCode, 0);
  t.deepEqual(
    await placeholders(),
    [
      placeholder(benched.personId, decimalMinutes(playedStats.minutes)),
      placeholder(called.personId, null),
    ].sort(byId),
  );

  // The correction: the benched player did not play after all, the called-up one did (no reason).
  const dropped: BoxPlayer = {
    ...benched,
    played: '0',
    notPlayingReason: 'DNP_COACH',
    notPlayingDescription: "Coach's Decision",
    statistics: idleStats,
  };
  const playing: BoxPlayer = {
    ...called,
    played: '1',
    notPlayingReason: undefined,
    notPlayingDescription: undefined,
    statistics: playedStats,
  };
  const corrected = new Map([dropped, playing].map((player) => [player.personId, player]));
  for (const side of [box.game.homeTeam, box.game.awayTeam]) {
    side.players = side.players.map((player) => corrected.get(player.personId) ?? player);
  }
  await writeFile(join(dir, 'stats-boxscore', `${game.id}.json`), JSON.stringify(box));
  const second = await run([boxScoreTraditional], true);

  t.is(second.exitCode, 0);
  t.like(second.datasets[0], { calls: 1, gamesLoaded: 1, failures: {} });
  const stored = await database.pool.query(
    `SELECT nba_id, status, not_playing_reason, not_playing_description, played, minutes::float8 AS minutes,
            pts, traditional_stats_json
       FROM nba.boxscores_traditional WHERE game_id = $1 AND nba_id = ANY($2::int[]) ORDER BY nba_id`,
    [game.id, ids],
  );
  t.deepEqual(
    stored.rows,
    [
      {
        nba_id: benched.personId,
        status: 'ACTIVE',
        not_playing_reason: 'DNP_COACH',
        not_playing_description: "Coach's Decision",
        played: false,
        minutes: null,
        pts: idleStats.points ?? null,
        traditional_stats_json: idleStats,
      },
      {
        nba_id: called.personId,
        status: 'ACTIVE',
        not_playing_reason: null,
        not_playing_description: null,
        played: true,
        minutes: decimalMinutes(playedStats.minutes),
        pts: playedStats.points ?? null,
        traditional_stats_json: playedStats,
      },
    ].sort(byId),
  );
  // The rest of the roster as the corrected box score has it.
  const whole = await database.pool.query<RosterRow>(
    `SELECT game_id, nba_id, team_id, status, not_playing_reason, played, minutes::float8 AS minutes
       FROM nba.boxscores_traditional WHERE game_id = $1 ORDER BY nba_id`,
    [game.id],
  );
  t.deepEqual(
    whole.rows,
    [box.game.homeTeam, box.game.awayTeam]
      .flatMap((side) =>
        side.players.map((player) => ({
          game_id: game.id,
          nba_id: player.personId,
          team_id: side.teamId,
          status: player.status,
          not_playing_reason: player.notPlayingReason ?? null,
          played: player.played === '1',
          minutes: player.played === '1' ? decimalMinutes(player.statistics.minutes) : null,
        })),
      )
      .sort(byId),
  );
  t.deepEqual(
    await placeholders(),
    [
      placeholder(benched.personId, null),
      placeholder(called.personId, decimalMinutes(playedStats.minutes)),
    ].sort(byId),
  );
});
