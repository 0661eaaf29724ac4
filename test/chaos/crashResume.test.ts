// Experiment 2 at CI size: the CLI's backfill of opening night, every per-game dataset, killed with
// SIGKILL at 10 seeded request points and one point during migrate, each rerun to completion.
import test from 'ava';
import {
  crashPlan,
  crashResumeProblems,
  reportCrashResume,
  runCrashResume,
} from '../../chaos/crashResume.ts';

test('a backfill killed at any point and rerun ends in the uninterrupted run’s database', async (t) => {
  const figures = await runCrashResume({ points: 10, migrationPoints: 1, seed: 2, days: 1 });
  t.log(reportCrashResume(figures));
  t.deepEqual(crashResumeProblems(figures), []);

  t.is(figures.uninterruptedExit, 0);
  // The slice is one day of a season: verifySlice leaves out the coverage of its other games, and
  // nothing else fails.
  t.deepEqual(figures.baselineVerifyFailures, []);
  t.is(figures.points.length, 11);
  t.deepEqual(
    figures.points.map((point) => point.point.kind),
    ['migration', ...Array<string>(10).fill('request')],
  );
  for (const point of figures.points) {
    const at = `${point.point.kind} ${point.point.at}`;
    t.true(point.killed, at);
    t.is(point.rerunExit, 0, at);
    t.is(point.rerunOutcome, 'succeeded', at);
    t.true(point.checksumsEqual, `${at}: ${point.differingTables.join(', ')}`);
    t.true(point.coverageEqual, at);
    t.deepEqual(point.verifyFailures, figures.baselineVerifyFailures, at);
    t.is(point.runsLeftRunning, 0, at);
    // A run killed once it was recorded is shown interrupted after the rerun, never succeeded.
    if (point.killedOutcome !== null) {
      t.is(point.killedOutcome, 'running', at);
      t.is(point.killedOutcomeAfterRerun, 'interrupted', at);
    }
  }
  // Request points come after migrate and the run's start: each killed run is on record.
  t.true(
    figures.points
      .filter((point) => point.point.kind === 'request')
      .every((point) => point.killedOutcome === 'running'),
  );
});

test('crash points are drawn by seed: distinct, in range, ascending, the same on every call', (t) => {
  const plan = crashPlan(2, 28, 12, 10, 1);
  t.deepEqual(plan, crashPlan(2, 28, 12, 10, 1));
  t.notDeepEqual(plan, crashPlan(3, 28, 12, 10, 1));
  const requests = plan.filter((point) => point.kind === 'request').map((point) => point.at);
  const migrations = plan.filter((point) => point.kind === 'migration').map((point) => point.at);
  t.is(requests.length, 10);
  t.is(new Set(requests).size, 10);
  t.true(
    requests.every((at, index) => at >= 1 && at < 28 && (index === 0 || at > (requests[index - 1] ?? 0))),
  );
  t.is(migrations.length, 1);
  t.true((migrations[0] ?? 0) >= 1 && (migrations[0] ?? 0) < 12);
  // Fewer candidates than points: every candidate once.
  t.deepEqual(
    crashPlan(2, 4, 12, 10, 0).map((point) => point.at),
    [1, 2, 3],
  );
});
