// Fetches batches and, when the judge says a result is incomplete (truncated, too large, timed out),
// fetches the two halves instead, recursively: the design's `expand` over batches, reporting every
// step as a BatchOutcome so the caller can commit the complete ones and ledger splits and failures.
import { Observable, type OperatorFunction, take } from 'rxjs';

/** What the judge decides about one fetched result. */
export type Verdict =
  | { action: 'accept' }
  | { action: 'split'; reason: string }
  | { action: 'fail'; reason: string };

export interface SplitOnTruncationConfig<B, R> {
  /** Fetches one batch; must emit one value (errors arrive as values too; an `error` ends everything). */
  fetch: (batch: readonly B[]) => Observable<R>;
  /** Decides whether a result is complete, must be split, or fails the batch. */
  judge: (result: R, batch: readonly B[]) => Verdict;
  /**
   * Total fetches one subscription may make (default Infinity). Once spent, every batch still to
   * fetch, halves and source batches alike, becomes `failed` with reason `split_budget_exhausted`.
   */
  maxWork?: number;
  /** Fetches in flight at once (default 1). */
  concurrency?: number;
}

export type BatchOutcome<B, R> =
  | { type: 'complete'; batch: readonly B[]; result: R; depth: number }
  | {
      type: 'split';
      batch: readonly B[];
      result: R;
      reason: string;
      depth: number;
      halves: readonly [readonly B[], readonly B[]];
    }
  | { type: 'failed'; batch: readonly B[]; result: R | undefined; reason: string; depth: number };

/** Reason of a batch that was never fetched because `maxWork` was spent. */
export const SPLIT_BUDGET_EXHAUSTED = 'split_budget_exhausted';

interface PendingBatch<B> {
  readonly batch: readonly B[];
  /** 0 for a source batch, one more for each split above it. */
  readonly depth: number;
}

/**
 * Fetches each source batch and splits it in halves, recursively, while the judge says so.
 *
 * - `accept` → a `complete` outcome.
 * - `split` of n ≥ 2 items → a `split` outcome, then the halves (the first `Math.ceil(n/2)` items,
 *   then the rest) are fetched, left first, before any batch that was waiting (depth first).
 * - `split` of one item → `failed` with reason `${reason}_unsplittable`; `fail` → `failed`.
 * - An empty batch is never fetched and yields no outcome.
 *
 * Every outcome is emitted as soon as it is known. Work is kept in an explicit queue and pumped by
 * a loop, so synchronous fetches do not grow the stack with the amount of work (rxjs `expand`
 * nests a call per buffered value and emits buffered values only when a slot frees). A thrown
 * `fetch` or `judge`, an erroring source or fetch, or a fetch that completes empty, errors the
 * result and unsubscribes every fetch in flight.
 *
 * ```
 * source:    a|                       a = [g1..g8]; judge splits at 8 and 4 games, accepts 2
 * fetches:   [1-8] [1-4] [1,2] [3,4] [5-8] [5,6] [7,8]      (each takes one frame)
 * result:    -SSccSc(c|)              S = split, c = complete
 * ```
 *
 * @example
 * plan$.pipe(
 *   splitOnTruncation({
 *     fetch: (games) =>
 *       request(games).pipe(
 *         map((response) => ({ ok: true, response })),
 *         catchError((error) => of({ ok: false, error })),
 *       ),
 *     judge: (step) =>
 *       !step.ok ? { action: 'fail', reason: 'upstream_error' }
 *       : step.response.rowsReturned >= 9900 ? { action: 'split', reason: 'truncated' }
 *       : { action: 'accept' },
 *     maxWork: 2 * games.length,
 *   }),
 * ); // complete outcomes go to the sink, split and failed ones to the ledger
 */
export function splitOnTruncation<B, R>(
  config: SplitOnTruncationConfig<B, R>,
): OperatorFunction<readonly B[], BatchOutcome<B, R>> {
  const { fetch, judge, maxWork, concurrency } = normalise(config);
  return (source) =>
    new Observable<BatchOutcome<B, R>>((subscriber) => {
      const planned: PendingBatch<B>[] = []; // source batches, first come first served
      const halves: PendingBatch<B>[] = []; // a stack: the newest split's left half is on top
      let active = 0;
      let work = 0;
      let sourceDone = false;
      let pumping = false;

      const settle = ({ batch, depth }: PendingBatch<B>, result: R): void => {
        const verdict = judge(result, batch);
        if (verdict.action === 'accept') {
          subscriber.next({ type: 'complete', batch, result, depth });
        } else if (verdict.action === 'fail') {
          subscriber.next({ type: 'failed', batch, result, reason: verdict.reason, depth });
        } else if (batch.length < 2) {
          subscriber.next({ type: 'failed', batch, result, reason: `${verdict.reason}_unsplittable`, depth });
        } else {
          const cut = Math.ceil(batch.length / 2);
          const split = [batch.slice(0, cut), batch.slice(cut)] as const;
          halves.push({ batch: split[1], depth: depth + 1 }, { batch: split[0], depth: depth + 1 });
          subscriber.next({ type: 'split', batch, result, reason: verdict.reason, depth, halves: split });
        }
      };

      const start = (pending: PendingBatch<B>): void => {
        if (work >= maxWork) {
          const { batch, depth } = pending;
          subscriber.next({
            type: 'failed',
            batch,
            result: undefined,
            reason: SPLIT_BUDGET_EXHAUSTED,
            depth,
          });
          return;
        }
        work += 1;
        active += 1;
        let received: { readonly result: R } | undefined;
        // A subscription added to the subscriber is unsubscribed with it, and drops out of it by
        // itself once finished; one that finished synchronously is not added at all.
        subscriber.add(
          fetch(pending.batch)
            .pipe(take(1))
            .subscribe({
              next: (result) => {
                received = { result };
              },
              error: (error: unknown) => subscriber.error(error),
              complete: () => {
                active -= 1;
                if (received === undefined) {
                  subscriber.error(new Error('splitOnTruncation: fetch completed without a result'));
                  return;
                }
                try {
                  settle(pending, received.result);
                } catch (error) {
                  subscriber.error(error);
                  return;
                }
                pump();
              },
            }),
        );
      };

      // Starts work while there are free slots. A fetch that settles synchronously calls pump again
      // from inside start(); that nested call returns at once and this loop carries on instead.
      const pump = (): void => {
        if (pumping) return;
        pumping = true;
        try {
          while (!subscriber.closed && active < concurrency) {
            const next = halves.pop() ?? planned.shift();
            if (next === undefined) break;
            start(next);
          }
        } catch (error) {
          subscriber.error(error);
        } finally {
          pumping = false;
        }
        if (sourceDone && active === 0 && halves.length === 0 && planned.length === 0) subscriber.complete();
      };

      subscriber.add(
        source.subscribe({
          next: (batch) => {
            if (batch.length === 0 || subscriber.closed) return;
            planned.push({ batch, depth: 0 });
            pump();
          },
          error: (error: unknown) => subscriber.error(error),
          complete: () => {
            sourceDone = true;
            pump();
          },
        }),
      );
    });
}

function normalise<B, R>(config: SplitOnTruncationConfig<B, R>): Required<SplitOnTruncationConfig<B, R>> {
  const { fetch, judge, maxWork = Number.POSITIVE_INFINITY, concurrency = 1 } = config;
  if (!(maxWork === Number.POSITIVE_INFINITY || (Number.isInteger(maxWork) && maxWork >= 0))) {
    throw new RangeError(
      `splitOnTruncation: maxWork must be an integer of at least 0 or Infinity, got ${maxWork}`,
    );
  }
  if (!(concurrency === Number.POSITIVE_INFINITY || (Number.isInteger(concurrency) && concurrency >= 1))) {
    throw new RangeError(
      `splitOnTruncation: concurrency must be an integer of at least 1 or Infinity, got ${concurrency}`,
    );
  }
  return { fetch, judge, maxWork, concurrency };
}
