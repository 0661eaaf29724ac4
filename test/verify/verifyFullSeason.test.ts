// The acceptance of a whole season: a backfill of every registered dataset, then `verify` passes every
// check of every dataset with 100% coverage of final games (teams, or the season, for season-wide
// datasets; hustle feeds the replica has not published for the latest two dates are listed, not
// failed), the cross-source checks included, and a second run makes no per-game call at all.
import test from 'ava';
import type { Replica } from '../../replica/server.ts';
import { skeletonTotals } from '../../replica/skeleton.ts';
import { DATASETS } from '../../src/streams/datasets.ts';
import { shotChart } from '../../src/streams/shotChart.ts';
import { tracking } from '../../src/streams/tracking.ts';
import { verify } from '../../src/streams/verify.ts';
import { withTestDatabase } from '../support/database.ts';
import { runTestBackfill, startTestReplica, testSkeleton } from '../support/pipeline.ts';
import { runVerifyCli, tableChecks } from './runVerify.ts';

const db = withTestDatabase(test);
let replica: Replica;
test.before(async () => {
  replica = await startTestReplica();
  const summary = await runTestBackfill({
    pool: db.pool,
    replica,
    options: { datasets: [...DATASETS.values()], concurrency: 4 },
  });
  if (summary.exitCode !== 0) throw new Error(`the season backfill failed with ${summary.exitCode}`);
});
test.after.always(async () => {
  await replica?.close();
});

const SCOPE = { season: '2025-26', seasonType: 'Regular Season', datasets: [shotChart] };

test.serial(
  'after a full season backfill every check passes with 100% coverage of final games',
  async (t) => {
    const totals = skeletonTotals(testSkeleton());
    const { rows } = await db.pool.query<{ responses: number; run_id: string }>(
      `SELECT count(*)::int AS responses, max(run_id) AS run_id FROM nba_ingest.requests WHERE dataset = 'shot_chart'`,
    );
    const ledger = rows[0];

    const report = await verify(db.pool, SCOPE);

    t.true(report.passed);
    t.deepEqual(report.counts, { pass: 9, fail: 0, info: 1 });
    const byName = new Map(report.checks.map((check) => [check.name, check]));
    t.deepEqual(byName.get('shot_chart.coverage'), {
      name: 'shot_chart.coverage',
      dataset: 'shot_chart',
      status: 'pass',
      value: `${totals.games}/${totals.games} final games (100.0%)`,
      expected: '100% of final games complete or empty',
      details: [],
    });
    t.is(byName.get('shot_chart.row_counts')?.value, `0 of ${totals.games} covered games differ`);
    t.is(
      byName.get('shot_chart.rows_without_coverage')?.value,
      '0 rows in 0 games without complete or empty coverage',
    );
    t.is(
      byName.get('shot_chart.truncated_responses')?.value,
      `0 of ${ledger?.responses} committed responses`,
    );
    t.is(
      byName.get('shot_chart.cap_hits_last_run')?.value,
      `run ${ledger?.run_id}: 0 of ${ledger?.responses} responses truncated`,
    );
    t.is(
      byName.get('shot_chart.fg_pct')?.value,
      `${((totals.fgm / totals.fga) * 100).toFixed(1)}% of ${totals.fga} rows`,
    );
    for (const name of ['period', 'x_y', 'shot_type']) {
      t.is(byName.get(`shot_chart.${name}`)?.value, `0 of ${totals.fga} rows`, name);
    }
    t.regex(
      byName.get('shot_chart.shots_per_game')?.value ?? '',
      new RegExp(`^0 of ${totals.games} games outside`),
    );
    if (testSkeleton().source === 'real') {
      t.is(byName.get('shot_chart.shots_per_game')?.value, '0 of 844 games outside (fewest 146, most 219)');
      t.is(byName.get('shot_chart.fg_pct')?.value, '46.9% of 150670 rows');
    }
  },
);

test.serial(
  'nba-ingest verify exits 0 with every check of every dataset passing, one table row each',
  async (t) => {
    const totals = skeletonTotals(testSkeleton());
    const names = [...DATASETS.keys()];
    const report = await verify(db.pool, { ...SCOPE, datasets: [...DATASETS.values()] });
    const result = runVerifyCli(db.url);

    t.deepEqual(
      report.checks.filter((check) => check.status === 'fail'),
      [],
    );
    t.is(result.status, 0, result.stderr);
    t.is(
      result.stdout.split('\n')[0],
      `verify 2025-26 Regular Season (${names.join(', ')}): passed, ${report.counts.pass} passed, 0 failed, ${report.counts.info} informational`,
    );
    const final = testSkeleton().games.filter((game) => game.status === 3);
    const lastDates = [...new Set(final.map((game) => game.date))].sort().slice(-2);
    const unpublished = final.filter((game) => lastDates.includes(game.date)).length;
    for (const name of names) {
      const coverage = report.checks.find((check) => check.name === `${name}.coverage`)?.value ?? '';
      if (name.startsWith('hustle_')) {
        const published = final.length - unpublished;
        t.is(
          coverage,
          `${published}/${final.length} final games (${((published / final.length) * 100).toFixed(1)}%), ` +
            `${unpublished} not published upstream yet (asked again by a later run)`,
          name,
        );
      } else if (name.endsWith('_aggregates')) {
        t.is(coverage, `complete as of ${final.length} of ${final.length} final games`, name);
      } else t.regex(coverage, /^(\d+)\/\1 (final games|teams) \(100\.0%\)$/, name);
    }
    for (const name of [
      'boxscore_traditional.roster_in_advanced_box',
      'advanced_box.advanced_box_in_roster',
      'shot_chart.shots_match_box_totals',
      'play_by_play.periods_match_box_minutes',
    ]) {
      t.is(report.checks.find((check) => check.name === name)?.status, 'pass', name);
    }
    t.regex(
      result.stdout,
      new RegExp(`pass +shot_chart\\.coverage +${totals.games}/${totals.games} final games \\(100\\.0%\\)`),
    );
    t.deepEqual(
      tableChecks(result.stdout),
      report.checks.map((check) => [check.status, check.name]),
    );
    t.true(report.checks.some((check) => check.name === 'tracking.tracked_players_in_advanced_box'));
  },
);

test.serial('a second run of every dataset makes no per-game or season-wide call', async (t) => {
  replica.resetStats();
  const summary = await runTestBackfill({
    pool: db.pool,
    replica,
    options: { datasets: [...DATASETS.values()] },
  });
  t.is(summary.exitCode, 0);
  t.true(summary.datasets.every((dataset) => dataset.calls === 0 && dataset.gamesLoaded === 0));
  // Only the reference lists (teams, players, schedule), which every run reads.
  t.deepEqual([...new Set(replica.stats().calls.map((call) => call.endpoint))].sort(), [
    'schedule-full',
    'stats-player-index',
    'stats-team-index',
  ]);
});

test.serial('the tracking checks pass with 100% coverage and 10–40 players per game', async (t) => {
  const games = testSkeleton().games.filter((game) => game.status === 3).length;
  const report = await verify(db.pool, { ...SCOPE, datasets: [tracking] });
  t.true(report.passed);
  t.deepEqual(report.counts, { pass: 8, fail: 0, info: 1 });
  const byName = new Map(report.checks.map((check) => [check.name, check]));
  t.is(byName.get('tracking.coverage')?.value, `${games}/${games} final games (100.0%)`);
  t.regex(byName.get('tracking.players_per_game')?.value ?? '', new RegExp(`^0 of ${games} games outside`));
});
