// Secrets at CI size: a backfill of two games with every dataset, the daemon ingesting the first
// game day, the embedded server, help, and every failing run, all with distinctive secrets. None
// is in any output line, status body or stored row; each is found where it was handed over; the
// replica and the daemon's --http listen on 127.0.0.1.
import test from 'ava';
import { reportSecrets, runSecrets, type SecretName, secretsProblems } from '../../chaos/secrets.ts';
import { EXIT } from '../../src/exitCodes.ts';

const SECRETS: readonly SecretName[] = [
  'apiKey',
  'databasePassword',
  'wrongApiKey',
  'baseUrlPassword',
  'embeddedPassword',
];

test('no secret appears in any log line, status body, stored row or error message', async (t) => {
  t.timeout(600_000);
  const figures = await runSecrets({ games: 2, daemonDays: 1, logLevel: 'trace' });
  t.log(reportSecrets(figures));

  t.deepEqual(figures.leaks, []);
  for (const name of SECRETS) {
    t.is(figures.occurrences[name], 0, `${name} leaked`);
    t.true(figures.control[name] > 0, `the search finds ${name} where it was handed over`);
  }

  // Every run ended as its cause calls for, and said something, so was searched.
  t.deepEqual(
    figures.runs.filter((run) => run.exitCode !== run.expected || run.lines === 0),
    [],
  );
  const exitOf = (name: string) => figures.runs.find((run) => run.name === name)?.exitCode;
  t.is(figures.runs.length, 30);
  t.is(exitOf('backfill --json'), EXIT.ok);
  t.is(exitOf('backfill, wrong API key (401)'), EXIT.configuration);
  t.is(exitOf('backfill, database at a closed port (batched)'), EXIT.unavailable);
  t.is(exitOf('backfill, database at an unknown host (batched)'), EXIT.configuration);
  t.is(exitOf('backfill, base URL with credentials (batched)'), EXIT.configuration);
  t.is(exitOf('daemon, database at a closed port'), EXIT.unavailable);
  t.is(exitOf('daemon --http 0'), EXIT.ok);
  t.is(figures.endpointBodies, 5);
  t.true(figures.tables > 0 && figures.rowsSearched > 0);

  t.true(figures.backfillGames > 0);
  t.is(figures.backfillCovered, figures.backfillGames);
  t.true(figures.daemonIngested, 'the daemon ingested its day');
  t.deepEqual(figures.binds, {
    replicaDefault: '127.0.0.1',
    replicaCli: '127.0.0.1',
    daemonBarePort: '127.0.0.1',
    daemonColonPort: '127.0.0.1',
  });
  t.deepEqual(secretsProblems(figures), []);
});
