// The season every test runs on: the real 2025-26 skeleton when ../shared/data/real exists (CI),
// the seeded synthetic one otherwise (a user's fresh clone). NBA_INGEST_TEST_SYNTHETIC=1 forces the
// synthetic season, so CI also runs the suite as a fresh clone would. Assertions use its own totals.
import { defaultDataDir, loadSkeleton, type Skeleton } from '../../replica/skeleton.ts';

export const FORCED_SYNTHETIC = process.env.NBA_INGEST_TEST_SYNTHETIC === '1';

let cached: Skeleton | undefined;

export function testSkeleton(): Skeleton {
  cached ??= loadSkeleton({ dataDir: FORCED_SYNTHETIC ? undefined : defaultDataDir() });
  return cached;
}
