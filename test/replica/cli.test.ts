import test from 'ava';
import { REPLICA_USAGE, replicaCommand } from '../../replica/cli.ts';
import { capture, HEADERS } from './replicaTestKit.ts';

test('--help prints the usage and exits 0', async (t) => {
  const stdout = capture();
  const stderr = capture();
  t.is(await replicaCommand(['--help'], { stdout: stdout.stream, stderr: stderr.stream }), 0);
  t.is(stdout.text(), `${REPLICA_USAGE}\n`);
  t.is(stderr.text(), '');
});

test('bad flags exit 64 with a message on stderr', async (t) => {
  const cases: Array<[string[], RegExp]> = [
    [['--bogus'], /Unknown option '--bogus'/],
    [['--port', 'eighty'], /--port expects a whole number/],
    [['--rate', '0'], /--rate expects a number above 0/],
    [['--burst', '3'], /--burst needs --rate/],
    [['--data', '/nowhere/at/all'], /--data: no such directory/],
    [['--data', '/tmp', '--synthetic'], /exclude each other/],
  ];
  for (const [args, message] of cases) {
    const stderr = capture();
    t.is(await replicaCommand(args, { stdout: capture().stream, stderr: stderr.stream }), 64, args.join(' '));
    t.regex(stderr.text(), message);
  }
});

test('prints its URL, serves until stopped, then exits 0', async (t) => {
  const stdout = capture();
  const stop = new AbortController();
  const exit = replicaCommand(
    ['--synthetic', '--synthetic-games', '30', '--port', '0', '--api-key', HEADERS['x-nba-api-key']],
    {
      stdout: stdout.stream,
      stderr: capture().stream,
      stop: stop.signal,
    },
  );
  for (let waited = 0; !stdout.text().includes('\n') && waited < 500; waited++) {
    await new Promise((resolve) => setTimeout(resolve, 10));
  }
  const line = stdout.text().trim();
  t.regex(line, /^replica listening on http:\/\/127\.0\.0\.1:\d+ \(synthetic skeleton: 30 games\)$/);
  const url = line.split(' ')[3];
  const response = await fetch(`${url}/api/stats/team/index?leagueId=00&season=2025-26`, {
    headers: HEADERS,
  });
  t.is(response.status, 200);
  t.is(((await response.json()) as { teams: unknown[] }).teams.length, 30);
  stop.abort();
  t.is(await exit, 0);
  await t.throwsAsync(fetch(`${url}/api/stats/team/index`));
});
