// verify() over a slice of the season. The experiments load a few game days, which leaves the
// season's other final games uncovered by design, so the per-game datasets' `<dataset>.coverage`
// checks are left out (each experiment checks the slice's own coverage); every other check counts.
import type pg from 'pg';
import type { SeasonScope } from '../src/sinks/verifyQueries.ts';
import type { Dataset } from '../src/streams/dataset.ts';
import { isSeasonWide } from '../src/streams/datasets.ts';
import { verify } from '../src/streams/verify.ts';

const SEASON: SeasonScope = { season: '2025-26', seasonType: 'Regular Season' };

/** The failing checks that count, `name: value`, and how many checks counted. */
export async function verifySlice(
  pool: pg.Pool,
  datasets: readonly Dataset[],
  scope: Partial<SeasonScope> = {},
): Promise<{ failures: string[]; checks: number }> {
  const perGame = new Set(
    datasets.filter((dataset) => !isSeasonWide(dataset)).map((dataset) => dataset.name),
  );
  const report = await verify(pool, { ...SEASON, ...scope, datasets });
  const counted = report.checks.filter(
    (check) => !(perGame.has(check.dataset) && check.name === `${check.dataset}.coverage`),
  );
  return {
    failures: counted
      .filter((check) => check.status === 'fail')
      .map((check) => `${check.name}: ${check.value}`),
    checks: counted.length,
  };
}
