// The batch planner: per (endpoint, measure) it estimates rows per game, seeded from the dataset's
// known figures and refined by every response, and sizes each next batch to fill a target share of
// the truncation threshold, within the URI-length budget and the cost limit learned from 504s.
import { type CallRecord, wasRead } from '../sources/upstreamCall.ts';
import { COST_REASONS } from '../sources/upstreamError.ts';

export type BatchPolicy = 'planner' | 'fixed';
export const BATCH_POLICIES = ['planner', 'fixed'] as const satisfies readonly BatchPolicy[];

export interface PlannerSettings {
  /** Rows at which a response counts as truncated (`QueryToolSource.truncationThreshold`, 9,900). */
  readonly threshold: number;
  /**
   * Share of the threshold a batch is planned to fill. 0.97 plans ≈9,603 of 9,900 rows: the 297
   * rows of headroom are ≈3.7 standard deviations of a 53-game batch (rows per game vary with
   * σ ≈ 11 on the real season, so a batch sum with σ ≈ 11·√53 ≈ 80), and no 53-game run of
   * consecutive real games exceeds 9,706. 0.98 would plan 54 games, whose worst real run reaches
   * 9,894; 0.96 plans 52 from the seed of 180 and ends at 17 calls instead of the floor of 16.
   */
  readonly targetFraction: number;
  /**
   * EWMA weight of one accepted response's rows per game (rows / games of the batch). 0.3 remembers
   * ≈6 batches: it damps the ±1.5 rows/game noise of a 53-game batch mean (the estimate's own
   * spread is ≈0.6) yet brings a seed that is 20% off to within 4% in 5 responses (0.7⁵ ≈ 0.17).
   */
  readonly alpha: number;
  /** Accepted responses, while a cost limit holds, before it is raised again. */
  readonly raiseAfter: number;
  /** How much a raise adds to the cost limit, as a share of it (at least one game). */
  readonly raiseFraction: number;
}

export const DEFAULT_PLANNER_SETTINGS: Omit<PlannerSettings, 'threshold'> = {
  targetFraction: 0.97,
  alpha: 0.3,
  raiseAfter: 5,
  raiseFraction: 0.1,
};

/** What the planner knows about one (endpoint, measure). */
export interface KeyEstimate {
  readonly rowsPerGame: number;
  /** Accepted responses learned from. */
  readonly responses: number;
  readonly truncations: number;
  /** Most games a batch may hold for this key; Infinity until a persistent 504 or timeout. */
  readonly costLimit: number;
  /** Smallest batch that timed out persistently: raises stop below it. */
  readonly costCeiling: number;
  /** Accepted responses since the cost limit last moved. */
  readonly streak: number;
  /** A truncation showed the estimate wrong, not noisy: the next accepted response replaces it. */
  readonly reseed: boolean;
  /**
   * Until that response arrives, no batch may exceed half the truncated one: the estimate from a
   * truncated answer is only a lower bound, and batches planned meanwhile (at concurrency ≥ 2)
   * would otherwise truncate again.
   */
  readonly reseedCap: number;
}

export type PlannerState = ReadonlyMap<string, KeyEstimate>;

/** One call of a dataset as the planner sees it. */
export interface PlannedCall {
  readonly key: string;
  /** The seed, used until the key has an estimate. */
  readonly rowsPerGame: number;
}

export interface PlanRequest {
  readonly calls: readonly PlannedCall[];
  /** Games still to plan; the batch never holds more. */
  readonly remaining: number;
  /** Ids that fit the request line and the endpoint's id limit (`QueryToolSource.maxGameIds`). */
  readonly maxGameIds: number;
  /** Most ids the endpoint takes at all (TeamId: 10); unset when only the URI length limits them. */
  readonly idLimit?: number | undefined;
  /**
   * A fixed size (`--batch-policy fixed`, `--batch-size`): consecutive batches of exactly that, or of
   * `idLimit` when the endpoint takes fewer.
   */
  readonly fixedSize?: number | undefined;
}

/** Which limit decided a batch's size. */
export type BatchBound = 'rows' | 'uri' | 'ids' | 'fixed' | 'remaining';

export interface BatchDecision {
  readonly games: number;
  readonly bound: BatchBound;
  /** Most games the binding limit allows; `games` is below it when the remainder is spread evenly. */
  readonly limit: number;
  /** The call that binds: the one with the most rows per game. */
  readonly key: string;
  readonly rowsPerGame: number;
}

export type PlannerFeedback =
  | { readonly type: 'accepted'; readonly key: string; readonly games: number; readonly rows: number }
  /** `rowsReturned` of a truncated response is a lower bound of the batch's rows. */
  | {
      readonly type: 'truncated';
      readonly key: string;
      readonly games: number;
      readonly rowsReturned: number;
    }
  | { readonly type: 'costly'; readonly key: string; readonly games: number };

/** The planner's key of a call: its endpoint and its measure (EventType or MeasureType). */
export function plannerKey(call: { readonly path: string; readonly measure: string | null }): string {
  return call.measure === null ? call.path : `${call.path} ${call.measure}`;
}

/** The state with a seeded estimate for every call that has none yet. */
export function withSeeds(state: PlannerState, calls: readonly PlannedCall[]): PlannerState {
  if (calls.every((call) => state.has(call.key))) return state;
  const next = new Map(state);
  for (const call of calls) {
    if (next.has(call.key)) continue;
    if (!(Number.isFinite(call.rowsPerGame) && call.rowsPerGame > 0)) {
      throw new RangeError(`${call.key}: the rows-per-game seed must be above 0, got ${call.rowsPerGame}`);
    }
    next.set(call.key, {
      rowsPerGame: call.rowsPerGame,
      responses: 0,
      truncations: 0,
      costLimit: Number.POSITIVE_INFINITY,
      costCeiling: Number.POSITIVE_INFINITY,
      streak: 0,
      reseed: false,
      reseedCap: Number.POSITIVE_INFINITY,
    });
  }
  return next;
}

/**
 * The size of the next batch. The largest count of games that every call's estimate puts within
 * `targetFraction` of the threshold, the URI budget and every call's cost limit allow is the
 * limit; the remaining games are then spread evenly over as many batches of at most that size as
 * they need, so the batch count is the same but no batch runs closer to the cap than it must.
 */
export function planBatch(
  state: PlannerState,
  settings: PlannerSettings,
  request: PlanRequest,
): BatchDecision {
  const { calls, remaining, maxGameIds, fixedSize } = request;
  if (!(Number.isInteger(remaining) && remaining >= 1)) {
    throw new RangeError(`planBatch: remaining must be a positive integer, got ${remaining}`);
  }
  const binding = bindingCall(state, calls);
  const base = { key: binding.key, rowsPerGame: binding.estimate.rowsPerGame };
  if (fixedSize !== undefined) {
    if (!(Number.isInteger(fixedSize) && fixedSize >= 1)) {
      throw new RangeError(`planBatch: a fixed batch size must be a positive integer, got ${fixedSize}`);
    }
    // A fixed size may exceed the URI budget (a 414 splits it), never the endpoint's id limit (a 400).
    const size = Math.min(fixedSize, request.idLimit ?? Infinity);
    const bound: BatchBound = size < fixedSize ? 'ids' : 'fixed';
    return size >= remaining
      ? { ...base, games: remaining, bound: 'remaining', limit: size }
      : { ...base, games: size, bound, limit: size };
  }
  const target = settings.targetFraction * settings.threshold;
  let limit: { games: number; bound: BatchBound } = {
    games: Math.max(1, Math.floor(target / binding.estimate.rowsPerGame)),
    bound: 'rows',
  };
  const tighter = (games: number, bound: BatchBound) => {
    if (games < limit.games) limit = { games: Math.max(1, games), bound };
  };
  tighter(maxGameIds, 'uri');
  // A call's cost limit does not bound the batch: the source sends that call in chunks (chunkLimit).
  for (const call of calls) tighter(estimateOf(state, call.key).reseedCap, 'rows');
  if (remaining <= limit.games) return { ...base, games: remaining, bound: 'remaining', limit: limit.games };
  const batches = Math.ceil(remaining / limit.games);
  return { ...base, games: Math.ceil(remaining / batches), bound: limit.bound, limit: limit.games };
}

/**
 * The state after one piece of feedback:
 * - `accepted`: rowsPerGame ← alpha·(rows / games) + (1 − alpha)·rowsPerGame; while a cost limit
 *   holds, every `raiseAfter` accepted responses raise it by `raiseFraction` (the host may have
 *   recovered, and the next batch probes it), never above 90% of the smallest size that timed out.
 * - `truncated`: rowsPerGame ← max(rowsPerGame, rowsReturned / games), the least the truth can be;
 *   and since the estimate was wrong rather than noisy, the next accepted response (a half of the
 *   split batch, usually) replaces it instead of being averaged in (alpha 1 once), so the batches
 *   after a truncation are sized from a measurement, not from an average still dragged low; until
 *   then no batch exceeds half the truncated one.
 * - `costly` (a persistent 504 or timeout): the cost limit drops to the larger half of the request;
 *   the source then sends that call in chunks within it, the batch's other calls unaffected.
 */
export function learn(
  state: PlannerState,
  settings: PlannerSettings,
  feedback: PlannerFeedback,
): PlannerState {
  const current = estimateOf(state, feedback.key);
  if (!(Number.isInteger(feedback.games) && feedback.games >= 1)) return state;
  const next = new Map(state);
  next.set(feedback.key, updated(current, settings, feedback));
  return next;
}

function updated(current: KeyEstimate, settings: PlannerSettings, feedback: PlannerFeedback): KeyEstimate {
  switch (feedback.type) {
    case 'accepted': {
      const observed = feedback.rows / feedback.games;
      const alpha = current.reseed ? 1 : settings.alpha;
      const rowsPerGame = alpha * observed + (1 - alpha) * current.rowsPerGame;
      const next = {
        ...current,
        rowsPerGame,
        responses: current.responses + 1,
        reseed: false,
        reseedCap: Number.POSITIVE_INFINITY,
      };
      if (!Number.isFinite(current.costLimit)) return next;
      const streak = current.streak + 1;
      if (streak < settings.raiseAfter) return { ...next, streak };
      const raised = current.costLimit + Math.max(1, Math.floor(current.costLimit * settings.raiseFraction));
      const highest = Math.max(current.costLimit, Math.floor(current.costCeiling * COST_PROBE_CEILING));
      return { ...next, costLimit: Math.min(raised, highest), streak: 0 };
    }
    case 'truncated':
      return {
        ...current,
        rowsPerGame: Math.max(current.rowsPerGame, feedback.rowsReturned / feedback.games),
        truncations: current.truncations + 1,
        reseed: true,
        reseedCap: Math.min(current.reseedCap, Math.max(1, Math.floor(feedback.games / 2))),
      };
    case 'costly': {
      const half = Math.max(1, Math.ceil(feedback.games / 2));
      return {
        ...current,
        costLimit: Math.min(current.costLimit, half),
        costCeiling: Math.min(current.costCeiling, feedback.games),
        streak: 0,
      };
    }
  }
}

/**
 * Raises of a cost limit stop at this share of the smallest size that timed out: probing closer
 * would win a few ids per request at the price of a 504 and its retries.
 */
const COST_PROBE_CEILING = 0.9;

/** The most ids one request of `key` may carry: its cost limit, Infinity until a persistent 504. */
export function chunkLimit(state: PlannerState, key: string): number {
  return state.get(key)?.costLimit ?? Number.POSITIVE_INFINITY;
}

/**
 * What a (sub-)batch's upstream attempts teach: every accepted response, every truncated one, and
 * every call that still timed out after its retries and so split the batch.
 */
export function feedbackOf(calls: readonly CallRecord[]): PlannerFeedback[] {
  const feedback: PlannerFeedback[] = [];
  for (const call of calls) {
    const key = plannerKey({ path: call.endpoint, measure: call.measure });
    const games = call.gameCount;
    if (call.truncated && call.rowsReturned !== null) {
      feedback.push({ type: 'truncated', key, games, rowsReturned: call.rowsReturned });
    } else if (wasRead(call) && call.rowsReturned !== null) {
      // A quarantined answer still says how many rows that many games come to.
      feedback.push({ type: 'accepted', key, games, rows: call.rowsReturned });
    } else if (
      call.action === 'split' &&
      call.errorKind === 'transient' &&
      COST_REASONS.has(call.reason ?? '')
    ) {
      feedback.push({ type: 'costly', key, games });
    }
  }
  return feedback;
}

function estimateOf(state: PlannerState, key: string): KeyEstimate {
  const estimate = state.get(key);
  if (!estimate) throw new Error(`the batch planner has no estimate for ${key}: seed it with withSeeds`);
  return estimate;
}

function bindingCall(state: PlannerState, calls: readonly PlannedCall[]) {
  let binding: { key: string; estimate: KeyEstimate } | undefined;
  for (const call of calls) {
    const estimate = estimateOf(state, call.key);
    if (!binding || estimate.rowsPerGame > binding.estimate.rowsPerGame)
      binding = { key: call.key, estimate };
  }
  if (!binding) throw new Error('planBatch: a dataset makes at least one call');
  return binding;
}

/** Request-target bytes a batch may use: 100 under the API's ≈3.5 KB (the replica's 3,500) for headroom. */
export const DEFAULT_URI_BUDGET_BYTES = 3_400;

export interface BatchPlannerOptions {
  readonly policy: BatchPolicy;
  /** `--batch-size`: a fixed size under either policy. */
  readonly batchSize?: number | undefined;
  readonly settings: PlannerSettings;
  readonly uriBudgetBytes?: number;
}

/** A planner's final knowledge of one key, for the run's telemetry (JSON: no Infinity). */
export interface EstimateReport {
  readonly rowsPerGame: number;
  readonly responses: number;
  readonly truncations: number;
  readonly costLimit: number | null;
}

/**
 * The planner of one run, shared by its datasets: the pure functions above around the one piece
 * of state they thread. The estimates are learned under either policy; only `planner` uses them.
 */
export class BatchPlanner {
  readonly policy: BatchPolicy;
  readonly uriBudgetBytes: number;
  readonly #batchSize: number | undefined;
  readonly #settings: PlannerSettings;
  #state: PlannerState = new Map();

  constructor(options: BatchPlannerOptions) {
    const { policy, batchSize, settings, uriBudgetBytes = DEFAULT_URI_BUDGET_BYTES } = options;
    const { targetFraction, alpha, threshold } = settings;
    if (!(targetFraction > 0 && targetFraction <= 1)) {
      throw new RangeError(`BatchPlanner: targetFraction must be in (0, 1], got ${targetFraction}`);
    }
    if (!(alpha > 0 && alpha <= 1))
      throw new RangeError(`BatchPlanner: alpha must be in (0, 1], got ${alpha}`);
    if (!(Number.isInteger(threshold) && threshold >= 1)) {
      throw new RangeError(`BatchPlanner: threshold must be a positive integer, got ${threshold}`);
    }
    this.policy = policy;
    this.uriBudgetBytes = uriBudgetBytes;
    this.#batchSize = batchSize;
    this.#settings = settings;
  }

  /** The next batch of a dataset whose fixed size (the `fixed` policy's) is `fixedBatchSize`. */
  plan(request: Omit<PlanRequest, 'fixedSize'> & { readonly fixedBatchSize: number }): BatchDecision {
    this.#state = withSeeds(this.#state, request.calls);
    const fixedSize = this.#batchSize ?? (this.policy === 'fixed' ? request.fixedBatchSize : undefined);
    return planBatch(this.#state, this.#settings, { ...request, fixedSize });
  }

  /** The most ids one request of the call may carry (`QueryToolSourceConfig.chunkLimit`). */
  chunkLimit(call: { readonly path: string; readonly measure: string | null }): number {
    return chunkLimit(this.#state, plannerKey(call));
  }

  /** Learns from a (sub-)batch's upstream attempts. */
  learn(calls: readonly CallRecord[]): void {
    for (const feedback of feedbackOf(calls)) {
      if (this.#state.has(feedback.key)) this.#state = learn(this.#state, this.#settings, feedback);
    }
  }

  estimates(): Record<string, EstimateReport> {
    return Object.fromEntries(
      [...this.#state].map(([key, estimate]) => [
        key,
        {
          rowsPerGame: Math.round(estimate.rowsPerGame * 100) / 100,
          responses: estimate.responses,
          truncations: estimate.truncations,
          costLimit: Number.isFinite(estimate.costLimit) ? estimate.costLimit : null,
        },
      ]),
    );
  }
}
