import { spawnSync } from 'node:child_process';
import { fileURLToPath } from 'node:url';
import test from 'ava';
import { withTestDatabase } from '../support/database.ts';

const BIN = fileURLToPath(new URL('../../bin/nba-ingest.js', import.meta.url));
const db = withTestDatabase(test, { migrate: false });

function migrate() {
  return spawnSync(process.execPath, [BIN, 'migrate'], {
    env: { ...process.env, DATABASE_URL: db.url, LOG_LEVEL: 'silent' },
    encoding: 'utf8',
    timeout: 60_000,
  });
}

test.serial('nba-ingest migrate applies every migration once, then reports the schema up to date', (t) => {
  const first = migrate();
  t.is(first.status, 0, first.stderr);
  t.is(
    first.stdout,
    'applied: 001_nba_reference, 002_nba_shot_chart, 003_nba_ingest, 004_nba_tracking_stats, ' +
      '005_nba_game_measures, 006_nba_lineups_game, 007_nba_querytool_events, 008_nba_lineups_season, ' +
      '009_nba_legacy_games, 010_nba_season_aggregates, 011_nba_ingest_legacy_coverage, 012_nba_ingest_finals\n',
  );
  const second = migrate();
  t.is(second.status, 0, second.stderr);
  t.is(second.stdout, 'schema is up to date\n');
});
