import { mkdtemp, readdir, rm, writeFile } from 'node:fs/promises';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import test from 'ava';
import pg from 'pg';
import { DatabaseError } from '../../src/sinks/databaseError.ts';
import { MIGRATIONS_DIRECTORY, migrate } from '../../src/sinks/migrate.ts';
import { createTestDatabase, type TestDatabase } from '../support/database.ts';

const databases: TestDatabase[] = [];
async function freshDatabase(): Promise<TestDatabase> {
  const database = await createTestDatabase({ migrate: false });
  databases.push(database);
  return database;
}
test.after.always(async () => {
  await Promise.all(databases.map((database) => database.drop()));
});

async function scratchDirectory(files: Record<string, string>): Promise<string> {
  const directory = await mkdtemp(join(tmpdir(), 'nba-migrations-'));
  for (const [name, sql] of Object.entries(files)) await writeFile(join(directory, name), sql);
  return directory;
}

test('applies every sql/ migration in order, then nothing on the next run', async (t) => {
  const { pool } = await freshDatabase();
  const files = (await readdir(MIGRATIONS_DIRECTORY)).filter((file) => file.endsWith('.sql')).sort();
  t.deepEqual(files, [
    '001_nba_reference.sql',
    '002_nba_shot_chart.sql',
    '003_nba_ingest.sql',
    '004_nba_tracking_stats.sql',
    '005_nba_game_measures.sql',
    '006_nba_lineups_game.sql',
    '007_nba_querytool_events.sql',
    '008_nba_lineups_season.sql',
    '009_nba_legacy_games.sql',
    '010_nba_season_aggregates.sql',
    '011_nba_ingest_legacy_coverage.sql',
    '012_nba_ingest_finals.sql',
  ]);

  t.deepEqual(await migrate(pool), [
    '001_nba_reference',
    '002_nba_shot_chart',
    '003_nba_ingest',
    '004_nba_tracking_stats',
    '005_nba_game_measures',
    '006_nba_lineups_game',
    '007_nba_querytool_events',
    '008_nba_lineups_season',
    '009_nba_legacy_games',
    '010_nba_season_aggregates',
    '011_nba_ingest_legacy_coverage',
    '012_nba_ingest_finals',
  ]);
  const recorded = await pool.query<{ version: number; name: string; checksum: string }>(
    'SELECT version, name, checksum FROM nba_ingest.schema_migrations ORDER BY version',
  );
  t.deepEqual(
    recorded.rows.map((row) => [row.version, row.name, row.checksum.length]),
    [
      [1, 'nba_reference', 64],
      [2, 'nba_shot_chart', 64],
      [3, 'nba_ingest', 64],
      [4, 'nba_tracking_stats', 64],
      [5, 'nba_game_measures', 64],
      [6, 'nba_lineups_game', 64],
      [7, 'nba_querytool_events', 64],
      [8, 'nba_lineups_season', 64],
      [9, 'nba_legacy_games', 64],
      [10, 'nba_season_aggregates', 64],
      [11, 'nba_ingest_legacy_coverage', 64],
      [12, 'nba_ingest_finals', 64],
    ],
  );
  const tables = await pool.query(
    "SELECT table_schema || '.' || table_name AS name FROM information_schema.tables WHERE table_schema IN ('nba', 'nba_ingest') ORDER BY 1",
  );
  t.deepEqual(
    tables.rows.map((row) => row.name),
    [
      'nba.boxscores_advanced',
      'nba.boxscores_advanced_team',
      'nba.boxscores_traditional',
      'nba.boxscores_traditional_team',
      'nba.defensive_stats',
      'nba.games',
      'nba.hustle_events',
      'nba.hustle_stats',
      'nba.hustle_stats_team',
      'nba.lineup_stats_game',
      'nba.lineup_stats_season',
      'nba.play_by_play',
      'nba.player_stats_aggregated',
      'nba.players',
      'nba.players_on_court',
      'nba.querytool_events',
      'nba.shot_chart',
      'nba.team_stats_aggregated',
      'nba.teams',
      'nba.tracking_stats',
      'nba.violations_player',
      'nba.violations_team',
      'nba_ingest.coverage',
      'nba_ingest.finals',
      'nba_ingest.quarantine',
      'nba_ingest.requests',
      'nba_ingest.runs',
      'nba_ingest.schema_migrations',
      'nba_ingest.season_coverage',
      'nba_ingest.team_coverage',
    ],
  );
  t.deepEqual(await migrate(pool), []);
});

test('two processes migrating at once apply each migration exactly once', async (t) => {
  const { pool, url } = await freshDatabase();
  const other = new pg.Pool({ connectionString: url });
  try {
    const [first, second] = await Promise.all([migrate(pool), migrate(other)]);
    t.deepEqual([...first, ...second].sort(), [
      '001_nba_reference',
      '002_nba_shot_chart',
      '003_nba_ingest',
      '004_nba_tracking_stats',
      '005_nba_game_measures',
      '006_nba_lineups_game',
      '007_nba_querytool_events',
      '008_nba_lineups_season',
      '009_nba_legacy_games',
      '010_nba_season_aggregates',
      '011_nba_ingest_legacy_coverage',
      '012_nba_ingest_finals',
    ]);
    const count = await pool.query('SELECT count(*)::int AS n FROM nba_ingest.schema_migrations');
    t.is(count.rows[0].n, 12);
  } finally {
    await other.end();
  }
});

test('an applied migration whose file changed is refused with a clear message', async (t) => {
  const { pool } = await freshDatabase();
  const directory = await scratchDirectory({ '001_first.sql': 'CREATE TABLE public.first (id int);\n' });
  try {
    t.deepEqual(await migrate(pool, { directory }), ['001_first']);
    await writeFile(join(directory, '001_first.sql'), 'CREATE TABLE public.first (id bigint);\n');
    const error = await t.throwsAsync(migrate(pool, { directory }), { instanceOf: DatabaseError });
    t.is(error?.kind, 'configuration');
    t.regex(
      error?.message ?? '',
      /^migration 001_first\.sql was changed after it was applied \(checksum [0-9a-f]{12}…/,
    );
    t.regex(error?.message ?? '', /restore it and add a new migration instead$/);
    // Line endings alone are not a change.
    await writeFile(join(directory, '001_first.sql'), 'CREATE TABLE public.first (id int);\r\n');
    t.deepEqual(await migrate(pool, { directory }), []);
  } finally {
    await rm(directory, { recursive: true });
  }
});

test('a failing migration is rolled back and not recorded; the earlier ones stay', async (t) => {
  const { pool } = await freshDatabase();
  const directory = await scratchDirectory({
    '001_good.sql': 'CREATE TABLE public.good (id int);',
    '002_bad.sql': 'CREATE TABLE public.half (id int);\nSELECT no_such_function();',
  });
  try {
    await t.throwsAsync(migrate(pool, { directory }), {
      instanceOf: DatabaseError,
      message: /^migration 002_bad\.sql failed: function no_such_function\(\) does not exist/,
    });
    const recorded = await pool.query('SELECT version FROM nba_ingest.schema_migrations ORDER BY version');
    t.deepEqual(recorded.rows, [{ version: 1 }]);
    const half = await pool.query(
      "SELECT to_regclass('public.half') AS half, to_regclass('public.good') AS good",
    );
    t.deepEqual(half.rows, [{ half: null, good: 'good' }]);
    // The pool is still usable and the lock was released.
    await writeFile(join(directory, '002_bad.sql'), 'CREATE TABLE public.half (id int);');
    t.deepEqual(await migrate(pool, { directory }), ['002_bad']);
  } finally {
    await rm(directory, { recursive: true });
  }
});

test('a database with a migration this version does not have is refused', async (t) => {
  const { pool } = await freshDatabase();
  const directory = await scratchDirectory({ '001_a.sql': 'SELECT 1;', '002_b.sql': 'SELECT 2;' });
  try {
    await migrate(pool, { directory });
    await rm(join(directory, '002_b.sql'));
    await t.throwsAsync(migrate(pool, { directory }), {
      message:
        'the database has migration 002_b.sql applied, which this version of nba-ingest does not have; ' +
        'run a newer nba-ingest or use another database',
    });
  } finally {
    await rm(directory, { recursive: true });
  }
});
