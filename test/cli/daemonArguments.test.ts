// The daemon's and refresh's flags are checked before anything is opened: exit 64 and a message
// that names the flag.
import { spawnSync } from 'node:child_process';
import { fileURLToPath } from 'node:url';
import test from 'ava';
import { parseDuration } from '../../src/config.ts';

const BIN = fileURLToPath(new URL('../../bin/nba-ingest.js', import.meta.url));

function cli(args: string[]) {
  const result = spawnSync(process.execPath, [BIN, ...args], {
    env: { ...process.env, NBA_API_KEY: 'k', DATABASE_URL: 'postgres://nobody@127.0.0.1:1/none' },
    encoding: 'utf8',
    timeout: 60_000,
  });
  return { status: result.status, stderr: result.stderr, stdout: result.stdout };
}

test('durations are written with a unit, or are seconds', (t) => {
  t.is(parseDuration('30s'), 30_000);
  t.is(parseDuration('500ms'), 500);
  t.is(parseDuration('5m'), 300_000);
  t.is(parseDuration('3h'), 10_800_000);
  t.is(parseDuration('1.5'), 1_500);
  t.is(parseDuration('3 days'), undefined);
  t.is(parseDuration('-1s'), undefined);
});

test('bad daemon flags are usage errors that name the flag', (t) => {
  const cases: Array<[string[], RegExp]> = [
    [['--poll', 'soon'], /--poll: "soon" is not a duration/],
    [['--poll', '10ms'], /--poll: must be between 100ms and 1h/],
    [['--settle', '24h,3h'], /--settle: durations must be in ascending order/],
    [['--settle', '3h,tomorrow'], /--settle: "tomorrow": write durations like 3h,24h/],
    [['--http', 'localhost'], /--http: listen address "localhost": no port/],
    [['--http', ':99999'], /--http: /],
    [['--datasets', 'shot_chart,nope'], /--datasets: unknown dataset nope/],
    [['--season', '2025-27'], /--season: the second year must follow the first/],
    [['--shutdown-timeout', '0s'], /--shutdown-timeout: must be between 1s and 10m/],
    [['--datasets', ''], /--datasets: name at least one of shot_chart/],
  ];
  for (const [args, message] of cases) {
    const { status, stderr } = cli(['daemon', ...args]);
    t.is(status, 64, args.join(' '));
    t.regex(stderr, message, args.join(' '));
  }
});

test('--refresh picks its own days: --days-back needs it, and it refuses dates and ids', (t) => {
  const alone = cli(['backfill', '--days-back', '2']);
  t.is(alone.status, 64);
  t.regex(alone.stderr, /--days-back: only applies to --refresh/);
  const dates = cli(['backfill', '--refresh', '--since', '2026-02-01']);
  t.is(dates.status, 64);
  t.regex(dates.stderr, /--refresh: picks its own league days/);
  const negative = cli(['backfill', '--refresh', '--days-back=-1']);
  t.is(negative.status, 64);
  t.regex(negative.stderr, /--days-back: must be at least 0/);
  for (const typed of ['', '0x10', '1e2', '1.5']) {
    const odd = cli(['backfill', '--refresh', `--days-back=${typed}`]);
    t.is(odd.status, 64, typed);
    t.regex(odd.stderr, /--days-back: must be a whole number written in digits/, typed);
  }
});

test('daemon --help tells what it does, its signals, health and metrics', (t) => {
  const { status, stdout } = cli(['daemon', '--help']);
  t.is(status, 0);
  for (const words of ['--poll', '--settle', '--http', 'SIGTERM', '/healthz', '/metrics', 'standby'])
    t.true(stdout.includes(words), words);
});
