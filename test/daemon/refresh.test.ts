// `backfill --refresh --days-back N`: today (upstream's US Eastern date) and the N league days before
// it, fetched again whether covered or not; 0 is today only. Refresh, dates and ids leave the
// season-wide datasets out unless asked.
import test from 'ava';
import type { Replica } from '../../replica/server.ts';
import { backfillFlagsSchema, parseFlags } from '../../src/config.ts';
import { backfillSetup } from '../../src/main.ts';
import { shotChart } from '../../src/streams/shotChart.ts';
import { easternInstant, firstGameDays } from '../support/daemon.ts';
import { withTestDatabase } from '../support/database.ts';
import { runTestBackfill, startTestReplica, testSkeleton } from '../support/pipeline.ts';

const db = withTestDatabase(test);
let replica: Replica;
let days: string[];

test.before(async () => {
  days = firstGameDays(testSkeleton(), 3);
  // Noon of the third game day: its games are not played yet, the second day's are final.
  replica = await startTestReplica({
    clock: { start: easternInstant(days[2] as string, '12:00:00'), speed: 1 },
  });
});
test.after.always(async () => {
  await replica?.close();
});

const finalOn = (day: string | undefined) =>
  testSkeleton().games.filter((game) => game.date === day && game.status === 3).length;

test.serial(
  '--days-back 0 is today only; 1 adds the day before; a repeat fetches again and writes nothing',
  async (t) => {
    const refresh = (daysBack: number) =>
      runTestBackfill({
        pool: db.pool,
        replica,
        options: { datasets: [shotChart], refreshDaysBack: daysBack, fullRefresh: true },
      });
    const today = await refresh(0);
    t.is(today.finalGames, 0);
    t.is(today.notFinalGames, finalOn(days[2]));
    const twoDays = await refresh(1);
    t.is(twoDays.finalGames, finalOn(days[1]));
    t.true((twoDays.datasets[0]?.rowsInserted ?? 0) > 0);
    const again = await refresh(1);
    t.is(again.finalGames, finalOn(days[1]));
    t.true((again.datasets[0]?.calls ?? 0) > 0, 'covered games are fetched again');
    t.is(again.datasets[0]?.rowsInserted, 0);
    t.is(again.datasets[0]?.rowsUpdated, 0);
    const { rows } = await db.pool.query<{ args: { refreshDaysBack: number } }>(
      "SELECT args FROM nba_ingest.runs WHERE mode = 'backfill' ORDER BY run_id",
    );
    t.deepEqual(
      rows.map((row) => row.args.refreshDaysBack),
      [0, 1, 1],
    );
  },
);

test('refresh, dates and ids leave season-wide datasets out unless asked; a whole season runs them', (t) => {
  const api = { apiKey: 'k', baseUrl: 'http://127.0.0.1:1' };
  const names = (values: Record<string, unknown>) =>
    backfillSetup(parseFlags(backfillFlagsSchema, values), api).datasets.map((dataset) => dataset.name);
  const seasonWide = ['season_lineups', 'player_aggregates', 'team_aggregates'];
  for (const values of [{ refresh: true }, { since: '2026-02-01' }, { 'game-ids': '0022500001' }]) {
    const chosen = names(values);
    t.true(chosen.includes('shot_chart'), JSON.stringify(values));
    t.deepEqual(
      chosen.filter((name) => seasonWide.includes(name)),
      [],
      JSON.stringify(values),
    );
    t.deepEqual(
      names({ ...values, 'include-season-wide': true }).filter((name) => seasonWide.includes(name)),
      seasonWide,
    );
  }
  t.deepEqual(
    names({}).filter((name) => seasonWide.includes(name)),
    seasonWide,
  );
  t.deepEqual(names({ refresh: true, datasets: 'season_lineups' }), ['season_lineups']);
});
