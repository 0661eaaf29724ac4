// Experiment 3 of issue 6: terminating the loader's backend mid-COPY or mid-merge, or every
// connection of the database, loses nothing: the run recovers, or exits 75 and a rerun recovers.
import test from 'ava';
import {
  type CaseFigures,
  databaseFaultsProblems,
  reportDatabaseFaults,
  runDatabaseFaults,
} from '../../chaos/databaseFaults.ts';

test('database faults: every run recovers to the fault-free checksums, no COPY left, no broken client reused', async (t) => {
  const figures = await runDatabaseFaults({ gameDays: 10 });
  t.log(reportDatabaseFaults(figures));
  const byName = new Map<string, CaseFigures>(figures.cases.map((c) => [c.name, c]));
  const figure = (name: string): CaseFigures => {
    const found = byName.get(name);
    if (!found) throw new Error(`no case ${name}`);
    return found;
  };
  t.true(figures.finalGames > 0);
  t.deepEqual(databaseFaultsProblems(figures), []);
  for (const c of figures.cases) {
    t.true(c.checksumsEqual, `${c.name}: checksums differ in ${c.differingTables.join(', ')}`);
    t.deepEqual(c.verifyFailures, [], `${c.name}: verify`);
    t.true(c.verifyPassed, `${c.name}: verify passes`);
    t.is(c.copyBackendsLeft, 0, `${c.name}: backends left in COPY`);
    t.is(c.openTransactionsLeft, 0, `${c.name}: backends left idle in a transaction`);
  }
  // A single strike is survived within the run, by the writer's new attempt on a new connection.
  const caughtStatement: Record<string, readonly string[]> = {
    copy: ['COPY'],
    merge: ['merge'],
    restart: [Object.keys(figure('restart').caught)[0] === 'merge' ? 'merge' : 'COPY'],
  };
  for (const name of ['copy', 'merge', 'restart']) {
    const c = figure(name);
    t.is(c.strikes, 1, `${name}: strikes`);
    t.true(c.terminated >= 1, `${name}: backends terminated`);
    t.deepEqual(Object.keys(c.caught), caughtStatement[name], `${name}: statement caught`);
    t.is(c.outcome, 'succeeded', `${name}: outcome`);
    t.is(c.exitCode, 0, `${name}: exit code`);
    t.false(c.rerunNeeded, `${name}: rerun needed`);
    t.true((c.brokenClients ?? 0) >= 1, `${name}: the terminated client saw its error`);
    t.is(c.brokenClientsReused, 0, `${name}: broken clients reused`);
  }
  // The real CLI survives every connection of its database ending at once (it used to crash on an
  // 'error' nobody listened to).
  const restart = figure('cli-restart');
  t.is(restart.strikes, 1);
  t.is(restart.exitCode, 0, restart.message ?? '');
  t.is(restart.outcome, 'succeeded');
  t.false(restart.rerunNeeded);
  // Every COPY of the run terminated: the writer gives up, the CLI says it is safe to rerun, a rerun finishes.
  const persistent = figure('cli-copy-persistent');
  t.true(persistent.strikes >= 4, 'the first batch was struck on each of its 4 attempts');
  t.deepEqual(Object.keys(persistent.caught), ['COPY']);
  t.is(persistent.exitCode, 75);
  t.is(persistent.outcome, 'failed');
  t.regex(persistent.message ?? '', /^nba-ingest: lost the database connection \(.*\); safe to rerun$/);
  t.true(persistent.rerunNeeded);
  t.is(persistent.rerunExitCode, 0);
});
