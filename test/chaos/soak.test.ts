// The soak experiment at CI size: the daemon as a child process over the season's first two
// virtual days with 5% of upstream calls faulted ingests every final game of those days, passes
// `verify`, and exits 0 on SIGTERM. Its memory figures are logged, not judged: the month judges them.
import test from 'ava';
import { reportSoak, runSoak, soakProblems } from '../../chaos/soak.ts';
import { addDays } from '../../src/streams/leagueDay.ts';
import { firstGameDays } from '../support/daemon.ts';
import { testSkeleton } from '../support/pipeline.ts';

const DAYS = 2;

test('two virtual days with 5% faults: every final game ingested, verify passes, SIGTERM exits 0', async (t) => {
  const skeleton = testSkeleton();
  const [first] = firstGameDays(skeleton, 1);
  const last = addDays(first as string, DAYS - 1);
  const finals = skeleton.games.filter(
    (game) => game.status === 3 && game.date >= (first as string) && game.date <= last,
  );

  const figures = await runSoak({ days: DAYS, speed: 3000, faultRate: 0.05 });
  t.log(reportSoak(figures));
  t.deepEqual(soakProblems(figures), []);

  t.is(figures.gamesFinal, finals.length);
  t.is(figures.gamesIngested, finals.length);
  t.deepEqual(figures.missing, []);
  t.deepEqual(figures.verifyFailed, []);
  t.true(figures.verifyPassed);
  t.is(figures.exitCode, 0);
  t.true(Object.values(figures.faults).reduce((sum, n) => sum + (n ?? 0), 0) > 0, 'faults were injected');
  t.deepEqual(
    figures.memory.map((day) => day.day),
    [1, 2],
  );
  for (const day of figures.memory) t.true(day.rssKb > 0 && day.peakRssKb >= day.rssKb, `day ${day.day}`);
});
