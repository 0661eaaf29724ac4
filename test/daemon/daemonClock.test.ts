// The daemon over the season's first two game days on the replica's virtual clock (1 s = 10 min):
// every game that turns final is committed in every per-game table within the poll interval + 5 s
// of turning final, in one batched call per Query Tool endpoint per cycle; a postponed game is
// recorded and not waited on; a game the scoreboard shows live too long is found final in the
// schedule; a stat correction is picked up at the settle re-fetch, while an unchanged re-fetch writes
// no row; /metrics is Prometheus text; `verify` passes at the end.
import test from 'ava';
import type { Replica } from '../../replica/server.ts';
import type { RunningDaemon } from '../../src/daemonCommand.ts';
import { tablesOf } from '../../src/streams/dataset.ts';
import { DATASETS } from '../../src/streams/datasets.ts';
import { verify } from '../../src/streams/verify.ts';
import {
  easternInstant,
  firstGameDays,
  ingestedGames,
  PER_GAME,
  startTestDaemon,
  waitFor,
} from '../support/daemon.ts';
import { withTestDatabase } from '../support/database.ts';
import { startTestReplica, testSkeleton } from '../support/pipeline.ts';

const db = withTestDatabase(test);
const SPEED = 600;
const POLL_MS = 1000;
const SETTLE = '1h';
const datasets = PER_GAME.map((name) => DATASETS.get(name)).filter((dataset) => dataset !== undefined);

interface Scenario {
  readonly replica: Replica;
  readonly daemon: RunningDaemon;
  readonly days: string[];
  /** Games of the two days that are played (not postponed), by id. */
  readonly played: string[];
  readonly postponed: string;
  readonly heldLive: string;
  readonly corrected: string;
  readonly unchanged: string;
  readonly before: { corrected: string; unchangedRows: string };
  readonly after: { corrected: string; unchangedRows: string };
  readonly metricsText: string;
}

let scenario: Scenario | undefined;

/** Every per-game row of one game, with the transaction that last wrote it (xmin). */
async function rowVersions(gameId: string): Promise<string> {
  const parts: string[] = [];
  for (const spec of datasets.flatMap((dataset) => tablesOf(dataset))) {
    const { rows } = await db.pool.query<{ v: string }>(
      `SELECT coalesce(string_agg(xmin::text || ':' || md5(t::text), ',' ORDER BY md5(t::text)), '') AS v
       FROM ${spec.table} t WHERE game_id = $1`,
      [gameId],
    );
    parts.push(`${spec.table}=${rows[0]?.v ?? ''}`);
  }
  return parts.join('\n');
}

async function boxChecksum(gameId: string): Promise<string> {
  const { rows } = await db.pool.query<{ v: string }>(
    `SELECT md5(coalesce(string_agg(t::text, ',' ORDER BY nba_id), '')) AS v
     FROM (SELECT nba_id, minutes, pts, fga, reb FROM nba.boxscores_traditional WHERE game_id = $1) t`,
    [gameId],
  );
  return rows[0]?.v ?? '';
}

async function refetches(gameId: string): Promise<number> {
  const { rows } = await db.pool.query<{ refetches: number }>(
    'SELECT refetches FROM nba_ingest.finals WHERE game_id = $1',
    [gameId],
  );
  return rows[0]?.refetches ?? -1;
}

test.before(async () => {
  const skeleton = testSkeleton();
  const days = firstGameDays(skeleton, 2);
  const dayGames = (day: string | undefined) =>
    skeleton.games.filter((game) => game.date === day && game.status === 3).map((game) => game.id);
  const [first, second] = [dayGames(days[0]), dayGames(days[1])];
  if (first.length === 0 || second.length < 3) throw new Error(`too few games on ${days.join(', ')}`);
  const postponed = second[0] as string;
  const heldLive = second[1] as string;
  const corrected = first[0] as string;
  const unchanged = (first[1] ?? second[2]) as string;
  const played = [...first, ...second].filter((id) => id !== postponed);

  const replica = await startTestReplica({
    clock: { start: easternInstant(days[0] as string, '18:40:00'), speed: SPEED },
    hustleUnavailableDays: 0,
  });
  replica.postpone(postponed);
  replica.holdLive(heldLive);
  const daemon = await startTestDaemon(
    db.pool,
    replica,
    { poll: `${POLL_MS}ms`, settle: SETTLE, datasets: PER_GAME.join(',') },
    { listen: { host: '127.0.0.1', port: 0 } },
  );
  try {
    // Before the settle re-fetch: the corrected game's box as first loaded (then corrected
    // upstream), the unchanged game's rows with the transactions that wrote them.
    const snapshot = async (gameId: string, take: () => Promise<string>) => {
      await waitFor(
        `${gameId} ingested`,
        async () => (await ingestedGames(db.pool)).has(gameId),
        120_000,
        50,
      );
      if ((await refetches(gameId)) !== 0)
        throw new Error(`${gameId} was re-fetched before the test could look`);
      return take();
    };
    const [correctedBefore, unchangedBefore] = await Promise.all([
      snapshot(corrected, async () => {
        const box = await boxChecksum(corrected);
        replica.correct(corrected);
        return box;
      }),
      snapshot(unchanged, () => rowVersions(unchanged)),
    ]);
    await waitFor(
      'every played game ingested and re-fetched once',
      async () => {
        const ingested = await ingestedGames(db.pool);
        if (!played.every((id) => ingested.has(id))) return false;
        const { rows } = await db.pool.query<{ n: number }>(
          'SELECT count(*)::int AS n FROM nba_ingest.finals WHERE game_id = ANY($1::text[]) AND refetches >= 1',
          [played],
        );
        return rows[0]?.n === played.length;
      },
      240_000,
      200,
    );
    const metricsText = await (await fetch(`${daemon.url}/metrics`)).text();
    scenario = {
      replica,
      daemon,
      days,
      played,
      postponed,
      heldLive,
      corrected,
      unchanged,
      before: { corrected: correctedBefore, unchangedRows: unchangedBefore },
      after: { corrected: await boxChecksum(corrected), unchangedRows: await rowVersions(unchanged) },
      metricsText,
    };
  } finally {
    daemon.stop();
    await daemon.done;
    await replica.close();
  }
});

const current = (): Scenario => {
  if (!scenario) throw new Error('the scenario did not run');
  return scenario;
};

test('every game that turns final is committed within the poll interval + 5 s, one call per Query Tool endpoint per cycle', async (t) => {
  const { replica, played, heldLive } = current();
  const clock = replica.clock;
  if (!clock) throw new Error('the replica has no clock');
  const { rows: runs } = await db.pool.query<{ run_id: string; ended_at: Date; game_ids: string[] }>(
    `SELECT run_id, ended_at, ARRAY(SELECT jsonb_array_elements_text(args->'gameIds')) AS game_ids
     FROM nba_ingest.runs WHERE mode = 'daemon' AND outcome = 'succeeded' ORDER BY run_id`,
  );
  const committed = new Map<string, number>();
  for (const run of runs)
    for (const id of run.game_ids) if (!committed.has(id)) committed.set(id, run.ended_at.getTime());
  const latencies: Array<[string, number]> = [];
  for (const id of played) {
    if (id === heldLive) continue; // found through the schedule, four hours after tip-off
    const finalAt = clock.finalAt(id);
    if (!finalAt) throw new Error(`${id} never turns final`);
    latencies.push([id, (committed.get(id) ?? Number.POSITIVE_INFINITY) - clock.wallTimeOf(finalAt)]);
  }
  const sorted = latencies.map(([, ms]) => ms).sort((a, b) => a - b);
  const quantile = (q: number) => sorted[Math.min(sorted.length - 1, Math.floor(q * sorted.length))];
  t.log(
    `final→committed over ${sorted.length} games: p50 ${quantile(0.5)} ms, p95 ${quantile(0.95)} ms, max ${sorted.at(-1)} ms`,
  );
  const { rows: durations } = await db.pool.query<{ mode: string; games: number; ms: number }>(
    `SELECT mode, jsonb_array_length(coalesce(args->'gameIds', '[]')) AS games,
            round(extract(epoch FROM ended_at - started_at) * 1000)::int AS ms
     FROM nba_ingest.runs ORDER BY run_id`,
  );
  t.log(`runs (mode games ms): ${durations.map((run) => `${run.mode} ${run.games} ${run.ms}`).join('; ')}`);
  t.deepEqual(
    latencies.filter(([, ms]) => ms > POLL_MS + 5000).map(([id, ms]) => `${id}: ${ms} ms`),
    [],
  );

  const { rows: calls } = await db.pool.query<{
    run_id: string;
    endpoint: string;
    measure: string;
    calls: number;
    games: number;
  }>(
    `SELECT q.run_id, q.endpoint, coalesce(q.measure, '') AS measure, count(*)::int AS calls, max(q.game_count)::int AS games
     FROM nba_ingest.requests q JOIN nba_ingest.runs r USING (run_id)
     WHERE r.mode = 'daemon' AND q.endpoint LIKE '/api/querytool/%'
     GROUP BY 1, 2, 3`,
  );
  t.true(calls.length > 0);
  const gamesOf = new Map(runs.map((run) => [run.run_id, run.game_ids.length]));
  for (const call of calls) {
    t.is(call.calls, 1, `run ${call.run_id} ${call.endpoint} ${call.measure}`);
    t.is(call.games, gamesOf.get(call.run_id) ?? -1, `run ${call.run_id} ${call.endpoint} ${call.measure}`);
  }
});

test('a postponed game is recorded and not waited on; a game shown live too long is found final in the schedule', async (t) => {
  const { postponed, heldLive } = current();
  const { rows } = await db.pool.query<{ game_status: number; game_status_text: string }>(
    'SELECT game_status, game_status_text FROM nba.games WHERE game_id = $1',
    [postponed],
  );
  t.deepEqual(rows[0], { game_status: 1, game_status_text: 'PPD' });
  const finals = await db.pool.query('SELECT 1 FROM nba_ingest.finals WHERE game_id = $1', [postponed]);
  t.is(finals.rowCount, 0);
  t.true((await ingestedGames(db.pool)).has(heldLive));
});

test('a correction upstream is picked up at the settle re-fetch; an unchanged re-fetch writes no row', async (t) => {
  const { before, after, corrected } = current();
  t.not(after.corrected, before.corrected, `${corrected}'s box score changed after the correction`);
  t.is(after.unchangedRows, before.unchangedRows);
  t.true(after.unchangedRows.length > 0);
});

test('/metrics is Prometheus text with the daemon metrics', (t) => {
  const { metricsText } = current();
  const names = new Set<string>();
  for (const line of metricsText.split('\n')) {
    if (line === '' || line.startsWith('#')) continue;
    const match =
      /^([a-zA-Z_:][a-zA-Z0-9_:]*)(\{(?:[a-zA-Z_][a-zA-Z0-9_]*="(?:[^"\\]|\\.)*",?)*\})? (-?[0-9.e+-]+|NaN|\+Inf|-Inf)$/.exec(
        line,
      );
    t.truthy(match, `not exposition format: ${line}`);
    if (match?.[1]) names.add(match[1]);
  }
  for (const name of [
    'nba_ingest_upstream_calls_total',
    'nba_ingest_rows_merged_total',
    'nba_ingest_games_pending',
    'nba_ingest_last_final_ingested_timestamp_seconds',
    'nba_ingest_loop_lag_seconds',
  ])
    t.true(names.has(name), name);
  t.notRegex(metricsText, /00225\d{5}/, 'no game id in a label');
});

test('verify passes on what the daemon loaded', async (t) => {
  const report = await verify(db.pool, { season: '2025-26', seasonType: 'Regular Season', datasets });
  const failed = report.checks.filter((check) => check.status === 'fail');
  t.deepEqual(
    failed.map((check) => `${check.name}: ${check.value}`),
    [],
  );
  t.true(report.passed);
});
