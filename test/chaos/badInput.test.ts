// The bad input corpus (chaos/corpus/) served through the replica's fixtures: every case ends as the
// outcome it expects, nothing crashes, and every game and dataset no case touches loads.
import test from 'ava';
import { badInputProblems, loadCorpus, reportBadInput, runBadInput } from '../../chaos/badInput.ts';
import { createTestDatabase } from '../support/database.ts';

test('every crafted payload ends as its expected quarantine reason or error; every other game loads', async (t) => {
  t.timeout(300_000);
  const db = await createTestDatabase();
  try {
    const figures = await runBadInput({ pool: db.pool, cleanGames: 6 });
    t.log(reportBadInput(figures));
    const corpus = await loadCorpus();
    t.is(figures.cases.length, corpus.length);
    t.deepEqual(badInputProblems(figures), []);
    t.deepEqual(
      figures.cases.filter((one) => !one.passed).map((one) => `${one.id}: ${one.actual}`),
      [],
    );
    t.is(figures.crashes, 0, figures.crash ?? '');
    t.deepEqual(figures.otherProblems, []);
    t.is(figures.otherPairsLoaded, figures.otherPairs);
    t.is(figures.unattributed, 0);
    t.deepEqual(figures.verifyFailures, []);
    // The games the corpus fails are data errors.
    t.is(figures.exitCode, 65);
    // Every Query Tool case shared a batch with other games (and so did not sink them).
    t.deepEqual(
      figures.cases
        .filter((one) => one.endpoint.startsWith('querytool-') && one.batchedWith < 2)
        .map((one) => one.id),
      [],
    );
    // The body limit stops the 50 MB body yet leaves a capped real answer four times the room it needs.
    t.true(figures.largestBodyBytes > 50 * 1024 * 1024);
    t.true(figures.largestBodyBytes > figures.maxBodyBytes);
    t.true(figures.largestLegitimateBodyBytes * 4 <= figures.maxBodyBytes);
  } finally {
    await db.drop();
  }
});
