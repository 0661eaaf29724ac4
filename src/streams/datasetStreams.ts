// Runs a run's datasets side by side: Query Tool datasets in batches planned lazily, `concurrency`
// at a time; legacy per-game datasets one game per call, as many at a time as keep the shared rate
// limit busy; season-wide legacy datasets once each. All under the one rate limiter of the host.
import { merge, type Observable } from 'rxjs';
import { mergeOnDemand, takingTurns } from '../operators/mergeOnDemand.ts';
import { type Dataset, isLegacy } from './dataset.ts';
import { type LegacyStreamContext, legacyGameCursor, seasonCursor } from './legacyStream.ts';
import { type BatchCursor, batchCursor, type QueryToolStreamContext } from './queryToolStream.ts';
import type { DatasetWork as DatasetWorkOf } from './telemetry.ts';

export type DatasetWork = DatasetWorkOf<Dataset>;

export type DatasetStreamsContext = QueryToolStreamContext &
  Omit<LegacyStreamContext, keyof QueryToolStreamContext> & {
    /** One-game legacy calls in flight; unset, as many as keep the rate limit busy (LatencyTracker). */
    readonly legacyConcurrency?: number | undefined;
  };

/**
 * Emits once per finished batch and completes when every batch is written. A batch is planned only
 * when a slot frees — taking turns between the datasets that still have ids — so each is sized from
 * every response the planner has learned from so far.
 */
export function runDatasetStreams(
  works: readonly DatasetWork[],
  context: DatasetStreamsContext,
  /** Checked before each batch is planned; false stops taking new batches while those in flight finish. */
  keepGoing: () => boolean = () => true,
): Observable<unknown> {
  const batched: BatchCursor[] = [];
  const perGame: BatchCursor[] = [];
  for (const work of works.filter((candidate) => candidate.ids.length > 0)) {
    const { dataset } = work;
    if (!isLegacy(dataset)) batched.push(batchCursor({ ...work, dataset }, context));
    else if (dataset.unit === 'season') batched.push(seasonCursor({ ...work, dataset }, context));
    else perGame.push(legacyGameCursor({ ...work, dataset }, context));
  }
  return merge(
    pool(batched, context.concurrency, keepGoing),
    pool(perGame, context.legacyConcurrency ?? (() => context.latency.slots()), keepGoing),
  );
}

/** The cursors' batches, taking turns, at most `concurrency` running at once. */
function pool(
  cursors: readonly BatchCursor[],
  concurrency: number | (() => number),
  keepGoing: () => boolean,
): Observable<unknown> {
  const next = takingTurns(
    cursors.map((cursor) => () => {
      const batch = cursor.next();
      return batch ? { cursor, batch } : undefined;
    }),
  );
  return mergeOnDemand({
    pull: () => (keepGoing() ? next() : undefined),
    project: ({ cursor, batch }) => cursor.run(batch),
    concurrency,
  });
}
