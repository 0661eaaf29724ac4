// verify's rows_without_coverage: rows of a per-game dataset in a game its coverage does not list as
// complete or empty. Opening night is loaded with every per-game dataset and one game of the second
// day with the traditional box score only; then coverage rows are taken away, one at a time.
import test from 'ava';
import type { Replica } from '../../replica/server.ts';
import { boxScoreTraditional } from '../../src/streams/boxScoreTraditional.ts';
import { type Dataset, tablesOf } from '../../src/streams/dataset.ts';
import { DATASETS, isSeasonWide } from '../../src/streams/datasets.ts';
import { type CheckResult, verify } from '../../src/streams/verify.ts';
import { firstGameDays } from '../support/daemon.ts';
import { withTestDatabase } from '../support/database.ts';
import { runTestBackfill, startTestReplica, testSkeleton } from '../support/pipeline.ts';

const db = withTestDatabase(test);
let replica: Replica;
const skeleton = testSkeleton();
const [openingNight = '', secondDay = ''] = firstGameDays(skeleton, 2);
const opening = skeleton.games.filter((game) => game.date === openingNight && game.status === 3);
const traditionalOnly = skeleton.games.find((game) => game.date === secondDay && game.status === 3)?.id ?? '';
const PER_GAME = [...DATASETS.values()].filter((dataset) => !isSeasonWide(dataset));
const SCOPE = { season: '2025-26', seasonType: 'Regular Season', datasets: PER_GAME };

test.before(async () => {
  replica = await startTestReplica();
  const all = await runTestBackfill({
    pool: db.pool,
    replica,
    options: { datasets: PER_GAME, since: openingNight, until: openingNight, concurrency: 4 },
  });
  if (all.exitCode !== 0) throw new Error(`the opening-night backfill failed with ${all.exitCode}`);
  const box = await runTestBackfill({
    pool: db.pool,
    replica,
    options: { datasets: [boxScoreTraditional], gameIds: [traditionalOnly as never] },
  });
  if (box.exitCode !== 0) throw new Error(`the traditional-only backfill failed with ${box.exitCode}`);
});
test.after.always(async () => {
  await replica?.close();
});

async function orphanChecks(): Promise<CheckResult[]> {
  const report = await verify(db.pool, SCOPE);
  return report.checks.filter((check) => check.name.endsWith('.rows_without_coverage'));
}

const count = async (sql: string, params: unknown[]): Promise<number> =>
  (await db.pool.query<{ n: number }>(sql, params)).rows[0]?.n ?? -1;

/** Deletes a coverage row for the length of `work`, then puts it back as it was. */
async function withoutCoverage(dataset: string, gameId: string, work: () => Promise<void>): Promise<void> {
  const { rows } = await db.pool.query(
    'DELETE FROM nba_ingest.coverage WHERE dataset = $1 AND game_id = $2 RETURNING *',
    [dataset, gameId],
  );
  if (rows.length !== 1) throw new Error(`no coverage of ${dataset} for ${gameId} to delete`);
  try {
    await work();
  } finally {
    const columns = Object.keys(rows[0]);
    await db.pool.query(
      `INSERT INTO nba_ingest.coverage (${columns.join(', ')})
       SELECT * FROM json_populate_record(null::nba_ingest.coverage, $1::json)`,
      [JSON.stringify(rows[0])],
    );
  }
}

test.serial(
  'every per-game dataset passes after a backfill, placeholders and shared event tables included',
  async (t) => {
    // The traditional-only game has a roster but no advanced coverage, so no advanced rows at all.
    t.is(
      await count('SELECT count(*)::int AS n FROM nba.boxscores_advanced WHERE game_id = $1', [
        traditionalOnly,
      ]),
      0,
    );
    t.true(
      (await count('SELECT count(*)::int AS n FROM nba.boxscores_traditional WHERE game_id = $1', [
        traditionalOnly,
      ])) > 0,
    );
    t.deepEqual(
      await orphanChecks(),
      PER_GAME.map((dataset) => ({
        name: `${dataset.name}.rows_without_coverage`,
        dataset: dataset.name,
        status: 'pass',
        value: '0 rows in 0 games without complete or empty coverage',
        expected: `no rows in ${tablesOf(dataset)
          .map((spec) => spec.table)
          .join(' + ')} for a game the dataset does not cover`,
        details: [],
      })),
    );
  },
);

/** Each case: a dataset, and the rows of a game it owns, counted by hand. */
const CASES: { dataset: string; rows: string }[] = [
  // A shared table: only the passes of the game are orphaned, not its drives or isolations.
  {
    dataset: 'passes',
    rows: `SELECT count(*)::int AS n FROM nba.querytool_events WHERE game_id = $1 AND event_type = 'TrackingPasses'`,
  },
  // The roster placeholders too: they are derived only for games the advanced box covers.
  {
    dataset: 'advanced_box',
    rows: 'SELECT count(*)::int AS n FROM nba.boxscores_advanced WHERE game_id = $1',
  },
  // Two tables, counted together as coverage counts them.
  {
    dataset: 'boxscore_traditional',
    rows: `SELECT (SELECT count(*) FROM nba.boxscores_traditional WHERE game_id = $1)::int
                + (SELECT count(*) FROM nba.boxscores_traditional_team WHERE game_id = $1)::int AS n`,
  },
];

for (const { dataset, rows } of CASES) {
  test.serial(`a deleted ${dataset} coverage row fails ${dataset}.rows_without_coverage only`, async (t) => {
    const game = opening[opening.length - 1]?.id ?? '';
    const held = await count(rows, [game]);
    t.true(held > 0, `${dataset} holds rows of ${game}`);
    await withoutCoverage(dataset, game, async () => {
      t.deepEqual(
        (await orphanChecks()).filter((check) => check.status !== 'pass'),
        [
          {
            name: `${dataset}.rows_without_coverage`,
            dataset,
            status: 'fail',
            value: `${held} rows in 1 game without complete or empty coverage`,
            expected: `no rows in ${tablesOf(DATASETS.get(dataset) as Dataset)
              .map((spec) => spec.table)
              .join(' + ')} for a game the dataset does not cover`,
            details: [`${game}: ${held} rows, no coverage`],
          },
        ],
      );
    });
    t.deepEqual(
      (await orphanChecks()).filter((check) => check.status !== 'pass'),
      [],
    );
  });
}
