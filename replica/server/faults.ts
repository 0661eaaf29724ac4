// Deterministic fault injection. Whether a request fails, and how, is a pure function of the fault
// seed, the endpoint, the exact URL and how many times that URL has reached this point before, so a
// retried request can succeed and a run sees the same faults whatever order its requests come in.
// The configuration can be replaced at run time (a test black-holes upstream, then lifts it); the
// attempts counted so far are kept.
import { unitFromText } from '../seededRandom.ts';
import { keyCandidates } from './endpointKeys.ts';

/**
 * Transport and status faults: a status answers with it (`429` with Retry-After in seconds,
 * `429Date` as an HTTP date); `reset` drops the connection without an answer; `truncatedBody` sends
 * the headers and part of the body, then drops it; `stalledBody` sends them and stops, the
 * connection left open; `hang` never answers.
 *
 * Data faults answer 200 with a wrong body: `htmlPage` an HTML error page; on a per-game data
 * endpoint (see `faultReplies.ts`) `emptyBody` a bare `{}`, `foreignGame` rows of a game that was
 * not requested (a one-game endpoint: that game's payload instead), `renamedStatsKey` one measure
 * of every row's `stats` renamed (schema drift: `MIN` → `MIN_V2`, else the first key). A data fault that does not apply to a request (no
 * per-game rows to change) is not injected.
 *
 * New kinds go at the end: a kind's share of the draw follows the ones before it, so appending one
 * leaves the faults of existing configurations where they were.
 */
export const FAULT_KINDS = [
  '429',
  '500',
  '503',
  '504',
  'reset',
  'truncatedBody',
  'hang',
  '429Date',
  '502',
  'stalledBody',
  'htmlPage',
  'emptyBody',
  'foreignGame',
  'renamedStatsKey',
] as const;
export type FaultKind = (typeof FAULT_KINDS)[number];

/** Faults answered with a status and an error body, by the status. */
export const STATUS_FAULTS: Partial<Record<FaultKind, number>> = {
  '429': 429,
  '429Date': 429,
  '500': 500,
  '502': 502,
  '503': 503,
  '504': 504,
};

/** Faults that replace or change a 200 answer's body. */
export const DATA_FAULTS: ReadonlySet<FaultKind> = new Set([
  'htmlPage',
  'emptyBody',
  'foreignGame',
  'renamedStatsKey',
]);

export interface FaultConfig {
  rates: Partial<Record<FaultKind, number>>;
  seed: number;
  /** Retry-After sent with an injected 429 (`429Date`: the replica's now plus this many seconds). */
  retryAfterSeconds: number;
}

export class FaultPlan {
  #configs: Readonly<Record<string, FaultConfig>>;
  readonly #attemptsByUrl = new Map<string, number>();

  constructor(configs: Readonly<Record<string, FaultConfig>>) {
    this.#configs = configs;
  }

  /** Replaces the configuration from the next request on. */
  configure(configs: Readonly<Record<string, FaultConfig>>): void {
    this.#configs = configs;
  }

  /** The fault for this request, or null; counts the attempt either way. */
  decide(endpointKey: string, path: string, url: string): { kind: FaultKind; config: FaultConfig } | null {
    const configKey = keyCandidates(endpointKey, path).find((key) => this.#configs[key] !== undefined);
    const config = configKey === undefined ? undefined : this.#configs[configKey];
    if (!config) return null;
    const attempt = this.#attemptsByUrl.get(url) ?? 0;
    this.#attemptsByUrl.set(url, attempt + 1);
    const draw = unitFromText(`${config.seed}|${endpointKey}|${url}|${attempt}`);
    let threshold = 0;
    for (const kind of FAULT_KINDS) {
      threshold += config.rates[kind] ?? 0;
      if (draw < threshold) return { kind, config };
    }
    return null;
  }
}
