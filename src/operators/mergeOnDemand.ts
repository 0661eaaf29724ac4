// Runs work items that are asked for only when a slot is free: `mergeMap` over a sequence that is
// pulled lazily, so each item can be decided from what the items before it taught (a batch sized
// from the responses so far). At most `concurrency` items run at once; nothing is buffered.
import { from, Observable, type ObservableInput } from 'rxjs';

export interface MergeOnDemandConfig<T, R> {
  /**
   * The next item, or `undefined` when there is none (or no more should be started). Called only
   * when fewer than `concurrency` items run; once it answers `undefined` it is never called again.
   */
  readonly pull: () => T | undefined;
  /** The work of one item; its values are merged into the result. */
  readonly project: (item: T) => ObservableInput<R>;
  /**
   * Items running at once (default 1); a function is asked before each pull, so the bound can follow
   * what the items show (e.g. latency) while they run.
   */
  readonly concurrency?: number | (() => number);
}

/**
 * Pulls an item whenever a slot is free, subscribes to its projection, and merges the values.
 * Completes when `pull` has answered `undefined` and every running item has completed.
 *
 * ```
 * concurrency 2; items a, b, c; each item's work:  --x|
 * pull:    a, b at 0 · c at 3 (a completed) · undefined at 3 (b completed)
 * result:  x, x at 2 (a, b); x at 5 (c); complete at 6
 * ```
 *
 * A throwing `pull` or `project`, or an erroring item, errors the result and unsubscribes every
 * running item. An item that completes synchronously frees its slot at once; a loop (not
 * recursion) keeps pulling, so a long run of synchronous items does not grow the stack.
 *
 * @example
 * // Sizes each batch when a slot frees, e.g. from what earlier responses showed.
 * let next = 0;
 * mergeOnDemand({
 *   pull: () => (next < games.length ? games.slice(next, (next += nextBatchSize())) : undefined),
 *   project: (batch) => fetchAndStore(batch),
 *   concurrency: 2,
 * });
 */
export function mergeOnDemand<T, R>(config: MergeOnDemandConfig<T, R>): Observable<R> {
  const { pull, project, concurrency } = normalise(config);
  const slots = typeof concurrency === 'function' ? () => checked(concurrency()) : () => concurrency;
  return new Observable<R>((subscriber) => {
    let active = 0;
    let exhausted = false;
    let pumping = false;

    // Fills the free slots. An item that completes synchronously calls pump again from inside
    // subscribe(); that nested call returns at once and this loop carries on instead.
    const pump = (): void => {
      if (pumping) return;
      pumping = true;
      try {
        while (!exhausted && !subscriber.closed && active < slots()) {
          const item = pull();
          if (item === undefined) {
            exhausted = true;
            break;
          }
          active += 1;
          // Added to the subscriber so unsubscribing the result tears it down; a finished inner
          // subscription drops out of it by itself.
          subscriber.add(
            from(project(item)).subscribe({
              next: (value) => subscriber.next(value),
              error: (error: unknown) => subscriber.error(error),
              complete: () => {
                active -= 1;
                pump();
              },
            }),
          );
        }
      } catch (error) {
        subscriber.error(error);
        return;
      } finally {
        pumping = false;
      }
      if (exhausted && active === 0) subscriber.complete();
    };

    pump();
  });
}

function normalise<T, R>(config: MergeOnDemandConfig<T, R>): Required<MergeOnDemandConfig<T, R>> {
  const { pull, project, concurrency = 1 } = config;
  return {
    pull,
    project,
    concurrency: typeof concurrency === 'function' ? concurrency : checked(concurrency),
  };
}

function checked(concurrency: number): number {
  if (!(concurrency === Number.POSITIVE_INFINITY || (Number.isInteger(concurrency) && concurrency >= 1))) {
    throw new RangeError(
      `mergeOnDemand: concurrency must be an integer of at least 1 or Infinity, got ${concurrency}`,
    );
  }
  return concurrency;
}

/**
 * One `pull` for mergeOnDemand over several sources of items, asked in turn: each call asks the
 * source after the one that answered last, skips those that answer `undefined` (never asking them
 * again), and answers `undefined` once every source has.
 *
 * ```
 * sources a (a1, a2, a3) and b (b1):  a1, b1, a2, a3, undefined
 * ```
 */
export function takingTurns<T>(sources: readonly (() => T | undefined)[]): () => T | undefined {
  const open = [...sources];
  let turn = 0;
  return () => {
    while (open.length > 0) {
      const at = turn % open.length;
      const item = (open[at] as () => T | undefined)();
      if (item !== undefined) {
        turn = at + 1;
        return item;
      }
      open.splice(at, 1);
      turn = at;
    }
    return undefined;
  };
}
