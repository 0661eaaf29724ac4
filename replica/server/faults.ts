// Deterministic fault injection. Whether a request fails, and how, is a pure function of the fault
// seed, the endpoint, the exact URL and how many times that URL has reached this point before, so a
// retried request can succeed and a run sees the same faults whatever order its requests come in.
// The configuration can be replaced at run time (a test black-holes upstream, then lifts it); the
// attempts counted so far are kept.
import { unitFromText } from '../seededRandom.ts';
import { keyCandidates } from './endpointKeys.ts';

/** Status faults answer with that status; `reset` drops the connection without an answer;
 * `truncatedBody` sends the headers and part of the body, then drops it; `hang` never answers. */
export const FAULT_KINDS = ['429', '500', '503', '504', 'reset', 'truncatedBody', 'hang'] as const;
export type FaultKind = (typeof FAULT_KINDS)[number];

export interface FaultConfig {
  rates: Partial<Record<FaultKind, number>>;
  seed: number;
  /** Retry-After sent with an injected 429. */
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
