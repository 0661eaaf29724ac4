// The fault matrix at CI size: the season's first two game days, every dataset, 20% of calls
// faulted over every kind. The faulted database ends equal to the fault-free one, table by table;
// every fault is in the ledger with the action taken; nothing is covered that is not in the tables.
import test from 'ava';
import { faultMatrixProblems, reportFaultMatrix, runFaultMatrix } from '../../chaos/faultMatrix.ts';
import { FAULT_KINDS } from '../../replica/server/faults.ts';
import { EXIT } from '../../src/exitCodes.ts';

test('under 20% faults of every kind a backfill, rerun while games fail, equals the fault-free run', async (t) => {
  t.timeout(600_000);
  const figures = await runFaultMatrix({ days: 2, rate: 0.2, seed: 6, maxRuns: 4, batchSize: 2 });
  t.log(reportFaultMatrix(figures));
  t.deepEqual(faultMatrixProblems(figures), []);

  t.is(figures.cleanExitCode, EXIT.ok);
  t.is(figures.cleanFailedAttempts, 0);
  t.deepEqual(figures.cleanVerifyFailures, []);
  // Every kind was injected at least once.
  t.deepEqual(
    FAULT_KINDS.filter((kind) => figures.injected[kind] === 0),
    [],
  );
  // Every injected fault is one ledger row of its signature, and nothing else failed.
  for (const trace of figures.traces) t.is(trace.inLedger, trace.injected, `${trace.kind} in the ledger`);
  t.deepEqual(figures.unexplained, []);
  t.not(figures.runsNeeded, null, 'a rerun loaded what the faulted runs failed');
  t.deepEqual(
    figures.tables.filter((table) => !table.equal).map((table) => table.table),
    [],
  );
  t.deepEqual(figures.uncovered, []);
  t.deepEqual(figures.verifyFailures, []);
});
