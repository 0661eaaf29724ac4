// The CLI refuses bad input before touching the network or the database, with exit 64 or 78 and a
// message that names the problem.
import { spawnSync } from 'node:child_process';
import { fileURLToPath } from 'node:url';
import test from 'ava';

const BIN = fileURLToPath(new URL('../../bin/nba-ingest.js', import.meta.url));

function cli(args: string[], env: Record<string, string | undefined> = {}) {
  const result = spawnSync(process.execPath, [BIN, ...args], {
    env: { ...process.env, NBA_API_KEY: 'k', DATABASE_URL: 'postgres://nobody@127.0.0.1:1/none', ...env },
    encoding: 'utf8',
    timeout: 60_000,
  });
  return { status: result.status, stderr: result.stderr, stdout: result.stdout };
}

test('a game id given as 22500001 is refused with exit 64 and says it needs 10 digits', (t) => {
  const { status, stderr } = cli(['backfill', '--game-ids', '22500001']);
  t.is(status, 64);
  t.regex(stderr, /"22500001" is not a game id: it has 8 digits, a game id has 10/);
});

test('a game id given as abc is refused with exit 64 and says only digits are allowed', (t) => {
  const { status, stderr } = cli(['backfill', '--game-ids', '0022500001,abc']);
  t.is(status, 64);
  t.regex(stderr, /"abc" is not a game id: only digits are allowed/);
});

test('an unknown flag, a bad season and a reversed date range are usage errors', (t) => {
  t.is(cli(['backfill', '--seasn', '2025-26']).status, 64);
  const season = cli(['backfill', '--season', '2025-27']);
  t.is(season.status, 64);
  t.regex(season.stderr, /--season: the second year must follow the first/);
  const dates = cli(['backfill', '--since', '2026-02-01', '--until', '2026-01-01']);
  t.is(dates.status, 64);
  t.regex(dates.stderr, /--since: must not be after --until/);
  const rows = cli(['backfill', '--max-rows', '20000']);
  t.is(rows.status, 64);
  t.regex(rows.stderr, /--max-rows: must be at most 10000/);
  // Below 100 every game's answer is truncated: refused up front, not an internal error later.
  const few = cli(['backfill', '--max-rows', '1']);
  t.is(few.status, 64);
  t.regex(few.stderr, /--max-rows: must be at least 100/);
  const dataset = cli(['backfill', '--datasets', 'shot_chart,lineups']);
  t.is(dataset.status, 64);
  t.regex(dataset.stderr, /unknown dataset lineups/);
});

test('--batch-policy takes planner or fixed; anything else is a usage error naming both', (t) => {
  const { status, stderr } = cli(['backfill', '--batch-policy', 'adaptive']);
  t.is(status, 64);
  t.regex(stderr, /--batch-policy: must be one of planner, fixed/);
});

test('a missing API key is a configuration error (78)', (t) => {
  const { status, stderr } = cli(['backfill'], { NBA_API_KEY: undefined });
  t.is(status, 78);
  t.regex(stderr, /NBA_API_KEY is not set/);
});

test('an unreachable database is reported as unavailable (69) without its password', (t) => {
  const { status, stderr } = cli(['backfill'], { DATABASE_URL: 'postgres://nba:s3cret-pw@127.0.0.1:1/nba' });
  t.is(status, 69);
  t.notRegex(stderr, /s3cret-pw/);
});

test('--help tells the truth about every backfill flag', (t) => {
  const { status, stdout } = cli(['backfill', '--help']);
  t.is(status, 0);
  for (const flag of [
    '--season',
    '--season-type',
    '--datasets',
    '--game-ids',
    '--since',
    '--until',
    '--full-refresh',
    '--dry-run',
    '--json',
    '--batch-policy',
    '--batch-size',
  ]) {
    t.true(stdout.includes(flag), flag);
  }
  t.is(cli([]).status, 64);
  t.is(cli(['frobnicate']).status, 64);
});
