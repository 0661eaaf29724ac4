import test from 'ava';
import type { Replica } from '../../replica/server.ts';
import { DATASETS } from '../../src/streams/datasets.ts';
import { shotChart } from '../../src/streams/shotChart.ts';
import { type CheckResult, verify } from '../../src/streams/verify.ts';
import { createTestDatabase, withTestDatabase } from '../support/database.ts';
import { runTestBackfill, startTestReplica, testSkeleton } from '../support/pipeline.ts';
import { runVerifyCli, tableChecks } from './runVerify.ts';

// Four games loaded with --game-ids; the schedule in nba.games is cut down to them plus one more
// final game that is never loaded, so a season of five games is quick to verify and to break.
const db = withTestDatabase(test);
let replica: Replica;
const games = testSkeleton()
  .games.slice(0, 5)
  .map((game) => game.id);
const loaded = games.slice(0, 4);
const unloaded = games[4] as string;

test.before(async () => {
  replica = await startTestReplica();
  const summary = await runTestBackfill({ pool: db.pool, replica, options: { gameIds: loaded as never[] } });
  if (summary.exitCode !== 0) throw new Error(`the backfill failed with ${summary.exitCode}`);
  await cutSchedule(games);
});
test.after.always(async () => {
  await replica?.close();
});

const SCOPE = { season: '2025-26', seasonType: 'Regular Season', datasets: [shotChart] };

/** The CLI on the shot chart only: the only dataset these games were loaded for. */
const verifyShotChart = (args: readonly string[] = []) =>
  runVerifyCli(db.url, ['--datasets', 'shot_chart', ...args]);

async function failing(): Promise<CheckResult[]> {
  const report = await verify(db.pool, SCOPE);
  return report.checks.filter((check) => check.status === 'fail');
}

async function rowCount(gameId: string): Promise<number> {
  const { rows } = await db.pool.query<{ row_count: number }>(
    `SELECT row_count FROM nba_ingest.coverage WHERE dataset = 'shot_chart' AND game_id = $1`,
    [gameId],
  );
  return rows[0]?.row_count ?? -1;
}

/** Every backfill writes the whole schedule; this keeps only `keep` of it. */
async function cutSchedule(keep: readonly string[]): Promise<void> {
  await db.pool.query('DELETE FROM nba.games WHERE game_id <> ALL($1::text[])', [keep]);
}

/** Loads the games again (rows and coverage as the replica has them) and cuts the schedule back. */
async function reload(gameIds: readonly string[]): Promise<void> {
  const summary = await runTestBackfill({
    pool: db.pool,
    replica,
    options: { gameIds: gameIds as never[], fullRefresh: true },
  });
  if (summary.exitCode !== 0) throw new Error(`the reload failed with ${summary.exitCode}`);
  await cutSchedule(loaded);
}

test.serial('a final game without coverage fails verify (65) and is named', async (t) => {
  t.deepEqual(await failing(), [
    {
      name: 'shot_chart.coverage',
      dataset: 'shot_chart',
      status: 'fail',
      value: '4/5 final games (80.0%), 1 missing or failed',
      expected: '100% of final games complete or empty',
      details: [`${unloaded}: no coverage`],
    },
  ]);
  const cli = verifyShotChart();
  t.is(cli.status, 65, cli.stderr);
  t.regex(
    cli.stdout,
    /^verify 2025-26 Regular Season \(shot_chart\): FAILED, 8 passed, 1 failed, 1 informational\n/,
  );
  t.true(cli.stdout.includes(`\n        ${unloaded}: no coverage\n`));
  t.deepEqual(
    tableChecks(cli.stdout).filter(([status]) => status === 'FAIL'),
    [['FAIL', 'shot_chart.coverage']],
  );
});

test.serial('a game whose coverage failed is named with its reason, in date order', async (t) => {
  const failed = loaded[3] as string;
  await db.pool.query(
    `UPDATE nba_ingest.coverage SET status = 'failed', reason = 'http_400' WHERE dataset = 'shot_chart' AND game_id = $1`,
    [failed],
  );
  try {
    const { rows } = await db.pool.query<{ game_id: string }>(
      'SELECT game_id FROM nba.games WHERE game_id = ANY($1::text[]) ORDER BY game_date, game_id',
      [[failed, unloaded]],
    );
    const detail = new Map([
      [failed, `${failed}: failed: http_400`],
      [unloaded, `${unloaded}: no coverage`],
    ]);
    const { rows: held } = await db.pool.query<{ n: number }>(
      'SELECT count(*)::int AS n FROM nba.shot_chart WHERE game_id = $1',
      [failed],
    );
    const [coverage, orphans, ...others] = await failing();
    t.deepEqual(others, []);
    t.is(coverage?.value, '3/5 final games (60.0%), 2 missing or failed');
    t.deepEqual(
      coverage?.details,
      rows.map((row) => detail.get(row.game_id)),
    );
    // Its rows are still there, which failed coverage never vouches for.
    t.deepEqual(orphans, {
      name: 'shot_chart.rows_without_coverage',
      dataset: 'shot_chart',
      status: 'fail',
      value: `${held[0]?.n} rows in 1 game without complete or empty coverage`,
      expected: 'no rows in nba.shot_chart for a game the dataset does not cover',
      details: [`${failed}: ${held[0]?.n} rows, coverage failed: http_400`],
    });
  } finally {
    await db.pool.query(
      `UPDATE nba_ingest.coverage SET status = 'complete', reason = NULL WHERE dataset = 'shot_chart' AND game_id = $1`,
      [failed],
    );
  }
});

test.serial('once every final game is covered verify passes (0)', async (t) => {
  await cutSchedule(loaded);
  t.deepEqual(await failing(), []);
  const cli = verifyShotChart();
  t.is(cli.status, 0, cli.stderr);
  t.true(cli.stdout.includes('pass    shot_chart.coverage               4/4 final games (100.0%)'));
});

test.serial('rows deleted behind complete coverage fail row_counts (65), naming the game', async (t) => {
  const game = loaded[1] as string;
  const expected = await rowCount(game);
  await db.pool.query(
    `DELETE FROM nba.shot_chart WHERE (game_id, event_number) IN
       (SELECT game_id, event_number FROM nba.shot_chart WHERE game_id = $1 ORDER BY event_number DESC LIMIT 5)`,
    [game],
  );

  t.deepEqual(await failing(), [
    {
      name: 'shot_chart.row_counts',
      dataset: 'shot_chart',
      status: 'fail',
      value: '1 of 4 covered games differ',
      expected: 'coverage row_count = rows in nba.shot_chart, per game',
      details: [`${game}: coverage ${expected}, table ${expected - 5}`],
    },
  ]);
  const cli = verifyShotChart();
  t.is(cli.status, 65, cli.stderr);
  t.true(cli.stdout.includes(`\n        ${game}: coverage ${expected}, table ${expected - 5}\n`));

  // All of a game's rows gone: its row count and the shots-per-game range both say so.
  await db.pool.query('DELETE FROM nba.shot_chart WHERE game_id = $1', [game]);
  const both = await failing();
  t.deepEqual(
    both.map((check) => [check.name, check.details]),
    [
      ['shot_chart.row_counts', [`${game}: coverage ${expected}, table 0`]],
      ['shot_chart.shots_per_game', [`${game}: 0 rows`]],
    ],
  );

  await reload([game]);
  t.deepEqual(await failing(), []);
});

test.serial('rows that break the shot-chart sanity rules are named by key', async (t) => {
  const game = loaded[0] as string;
  const { rows } = await db.pool.query<{ event_number: number; y: number }>(
    `UPDATE nba.shot_chart SET x = NULL, shot_type = NULL
      WHERE game_id = $1 AND event_number = (SELECT min(event_number) FROM nba.shot_chart WHERE game_id = $1)
      RETURNING event_number, y`,
    [game],
  );
  const shot = rows[0];
  const { rows: total } = await db.pool.query<{ n: number }>('SELECT count(*)::int AS n FROM nba.shot_chart');

  t.deepEqual(
    (await failing()).map((check) => [check.name, check.value, check.details]),
    [
      [
        'shot_chart.x_y',
        `1 of ${total[0]?.n} rows`,
        [`${game}: key ${game}/${shot?.event_number}: x=NULL y=${shot?.y}`],
      ],
      [
        'shot_chart.shot_type',
        `1 of ${total[0]?.n} rows`,
        [`${game}: key ${game}/${shot?.event_number}: shot_type=NULL`],
      ],
    ],
  );

  await reload([game]);
  t.deepEqual(await failing(), []);
});

test.serial('a committed response of the season at the truncation threshold fails verify (65)', async (t) => {
  const newRun = async (season: string) => {
    const { rows } = await db.pool.query<{ run_id: string }>(
      `INSERT INTO nba_ingest.runs (mode, args) VALUES ('backfill', $1) RETURNING run_id`,
      [{ season, seasonType: 'Regular Season' }],
    );
    return Number(rows[0]?.run_id);
  };
  // A run of another season at the threshold is that season's business: it is not counted here.
  const otherSeason = await newRun('2024-25');
  await db.pool.query(
    `INSERT INTO nba_ingest.requests
       (run_id, dataset, endpoint, measure, game_count, status, rows_returned, max_rows, truncated, attempt,
        action, duration_ms, requested_at)
     VALUES ($1, 'shot_chart', '/api/querytool/event/player', 'FieldGoals', 4, 200, 9950, 10000, false, 1,
             'accepted', 12.5, now())`,
    [otherSeason],
  );
  const runId = await newRun('2025-26');
  const crafted = [
    // [measure, rows_returned, max_rows, truncated, action]
    ['FieldGoals', 9_900, 10_000, false, 'accepted'], // floor(0.99 × 10,000) = 9,900: at the threshold
    ['FieldGoals', 9_899, 10_000, false, 'accepted'], // one below
    ['TrackingShots', 99, 100, false, 'accepted'], // floor(0.99 × 100) = 99
    ['FieldGoals', 10_000, 10_000, true, 'split'], // truncated, split and never committed
  ] as const;
  const ids: number[] = [];
  for (const [measure, rowsReturned, maxRows, truncated, action] of crafted) {
    const { rows } = await db.pool.query<{ request_id: string }>(
      `INSERT INTO nba_ingest.requests
         (run_id, dataset, endpoint, measure, game_count, first_game_id, last_game_id, status, rows_returned,
          max_rows, truncated, attempt, action, duration_ms, requested_at)
       VALUES ($1, 'shot_chart', '/api/querytool/event/player', $2, 4, $3, $4, 200, $5, $6, $7, 1, $8, 12.5, now())
       RETURNING request_id`,
      [runId, measure, loaded[0], loaded[3], rowsReturned, maxRows, truncated, action],
    );
    ids.push(Number(rows[0]?.request_id));
  }
  const { rows: committed } = await db.pool.query<{ n: number }>(
    `SELECT count(*)::int AS n FROM nba_ingest.requests
      WHERE dataset = 'shot_chart' AND action = 'accepted' AND run_id <> $1`,
    [otherSeason],
  );
  const span = `4 games ${loaded[0]}…${loaded[3]}`;

  const report = await verify(db.pool, SCOPE);
  t.deepEqual(
    report.checks.filter((check) => check.status !== 'pass'),
    [
      {
        name: 'shot_chart.truncated_responses',
        dataset: 'shot_chart',
        status: 'fail',
        value: `2 of ${committed[0]?.n} committed responses`,
        expected: 'no accepted response with rows_returned >= floor(0.99 × max_rows)',
        details: [
          `request ${ids[0]} (run ${runId}): /api/querytool/event/player FieldGoals 9900/10000 rows, ${span}`,
          `request ${ids[2]} (run ${runId}): /api/querytool/event/player TrackingShots 99/100 rows, ${span}`,
        ],
      },
      {
        name: 'shot_chart.cap_hits_last_run',
        dataset: 'shot_chart',
        status: 'info',
        value: `run ${runId}: 1 of 4 responses truncated`,
        expected: 'informational: splits on truncation cost calls',
        details: [
          '/api/querytool/event/player FieldGoals: 1 of 3 truncated',
          '/api/querytool/event/player TrackingShots: 0 of 1 truncated',
        ],
      },
    ],
  );
  const cli = verifyShotChart();
  t.is(cli.status, 65, cli.stderr);
  t.true(cli.stdout.includes(`\n        request ${ids[0]} (run ${runId}): `));
});

test.serial('--json parses and holds the same checks, in the same order, as the table', (t) => {
  const table = verifyShotChart();
  const json = verifyShotChart(['--json']);
  t.is(json.status, 65, json.stderr);
  t.is(table.status, 65, table.stderr);

  const report = JSON.parse(json.stdout) as {
    season: string;
    seasonType: string;
    datasets: string[];
    passed: boolean;
    counts: Record<string, number>;
    checks: { name: string; status: string; value: string; expected: string; details: string[] }[];
  };
  t.is(report.season, '2025-26');
  t.is(report.seasonType, 'Regular Season');
  t.deepEqual(report.datasets, ['shot_chart']);
  t.false(report.passed);
  t.deepEqual(report.counts, { pass: 8, fail: 1, info: 1 });
  t.deepEqual(
    report.checks.map((check) => [check.status === 'fail' ? 'FAIL' : check.status, check.name]),
    tableChecks(table.stdout),
  );
  for (const check of report.checks) {
    t.true(table.stdout.includes(check.value), check.name);
    for (const detail of check.details) t.true(table.stdout.includes(`        ${detail}\n`), detail);
  }
});

test('a bad flag, season or dataset exits 64 with a message naming it', (t) => {
  const cases: [string[], RegExp][] = [
    [['--bogus'], /Unknown option '--bogus'/],
    [['--season', '2025-27'], /--season: the second year must follow the first/],
    [['--season-type', 'Summer'], /--season-type: /],
    [
      ['--datasets', 'shot_chart,nope'],
      new RegExp(`--datasets: unknown dataset nope \\(known: ${[...DATASETS.keys()].join(', ')}\\)`),
    ],
    [['extra'], /unexpected argument "extra"/],
  ];
  for (const [args, message] of cases) {
    const result = runVerifyCli(db.url, args);
    t.is(result.status, 64, args.join(' '));
    t.regex(result.stderr, message);
    t.is(result.stdout, '');
  }
});

test('a database without the schema fails with 78 and is left untouched', async (t) => {
  const empty = await createTestDatabase({ migrate: false });
  try {
    const result = runVerifyCli(empty.url, ['--datasets', 'shot_chart,season_lineups']);
    t.is(result.status, 78, result.stderr);
    t.regex(
      result.stderr,
      /^nba-ingest: the database has no nba-ingest schema to verify \(missing: nba\.games, nba\.lineup_stats_season, nba\.shot_chart, nba_ingest\.coverage, nba_ingest\.requests, nba_ingest\.runs, nba_ingest\.team_coverage\); run "nba-ingest migrate"/,
    );
    const { rows } = await empty.pool.query(
      `SELECT nspname FROM pg_namespace WHERE nspname IN ('nba', 'nba_ingest')`,
    );
    t.deepEqual(rows, []);
  } finally {
    await empty.drop();
  }
});

test('verify --help prints its options and exits 0', (t) => {
  const result = runVerifyCli(db.url, ['--help']);
  t.is(result.status, 0, result.stderr);
  t.regex(result.stdout, /^Usage: nba-ingest verify \[options\]\n/);
  t.true(
    result.stdout.includes(
      `  --datasets LIST           comma list of datasets (default: all of ${[...DATASETS.keys()].join(', ')})\n`,
    ),
  );
});
