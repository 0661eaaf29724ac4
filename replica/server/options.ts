// The replica's options: one zod schema with every default in one place, validated once when the
// replica starts, with messages that name the offending option.
import { z } from 'zod';
import type { Skeleton } from '../skeleton.ts';
import { ENDPOINT_KEYS } from './endpointKeys.ts';
import { FAULT_KINDS, type FaultKind } from './faults.ts';

const rate = z.number().min(0).max(1);

/**
 * Games one query may cover before upstream times out (504), by endpoint key: `/game/lineups
 * MeasureType=Advanced` with 100+ games per batch timed out live (seed notes). Options add to these;
 * null lifts one.
 */
export const DEFAULT_COST_LIMITS: Readonly<Record<string, number>> = {
  'querytool-game-lineups-Advanced': 100,
};

const faultConfigSchema = z
  .object({
    rates: z.strictObject(
      Object.fromEntries(FAULT_KINDS.map((kind) => [kind, rate.optional()])) as Record<
        FaultKind,
        z.ZodOptional<typeof rate>
      >,
    ),
    seed: z.number().int().default(0),
    retryAfterSeconds: z.number().int().min(1).default(1),
  })
  .refine(
    (config) => Object.values(config.rates).reduce((sum: number, value) => sum + (value ?? 0), 0) <= 1,
    {
      message: 'fault rates add up to more than 1',
    },
  );

/** A record keyed by endpoint key; unknown keys are reported by name with the list of known ones. */
function byEndpointKey<Value extends z.ZodType>(value: Value, allowAny: boolean) {
  return z.record(z.string(), value).superRefine((record, context) => {
    for (const key of Object.keys(record)) {
      if (ENDPOINT_KEYS.includes(key) || (allowAny && key === '*')) continue;
      context.addIssue({
        code: 'custom',
        path: [key],
        message: `unknown endpoint key "${key}"; known keys: ${ENDPOINT_KEYS.join(', ')}${allowAny ? ', *' : ''}`,
      });
    }
  });
}

/** Faults by endpoint key (`*` for every endpoint), as the `faults` option and `setFaults` take them. */
export const faultsSchema = byEndpointKey(faultConfigSchema, true);
export type FaultsOption = z.input<typeof faultsSchema>;

export function resolveFaults(faults: FaultsOption): z.output<typeof faultsSchema> {
  const result = faultsSchema.safeParse(faults);
  if (!result.success) throw new Error(`invalid replica faults:\n${z.prettifyError(result.error)}`);
  return result.data;
}

/** An instant with its offset: 2026-02-20T17:00:00-05:00 or 2026-02-20T22:00:00Z. */
export const clockStartSchema = z.iso.datetime({
  offset: true,
  error: 'clock.start is an ISO instant with an offset, e.g. 2026-02-20T17:00:00-05:00',
});

const clockSchema = z.strictObject({
  /** The virtual instant the replica starts at. */
  start: clockStartSchema,
  /** Virtual seconds per real second. */
  speed: z
    .number({ error: 'clock.speed is a number of virtual seconds per real second' })
    .positive({ error: 'clock.speed is above 0 (virtual seconds per real second)' })
    .finite({ error: 'clock.speed is a finite number' })
    .default(1),
});

function isSkeleton(value: unknown): value is Skeleton {
  const candidate = value as Partial<Skeleton> | null;
  return (
    typeof candidate === 'object' &&
    candidate !== null &&
    Array.isArray(candidate.games) &&
    Array.isArray(candidate.teams) &&
    Array.isArray(candidate.players)
  );
}

export const replicaOptionsSchema = z
  .strictObject({
    /** A skeleton already loaded (tests share one); otherwise one is loaded from `dataDir`. */
    skeleton: z
      .custom<Skeleton>(isSkeleton, { message: 'expected a skeleton from loadSkeleton()' })
      .optional(),
    /** Real data folder; without it and without `skeleton`, the season is synthetic. */
    dataDir: z.string().min(1).optional(),
    /** Seeds generated rows (and the synthetic season). */
    seed: z.number().int().default(1),
    syntheticGames: z.number().int().positive().optional(),
    host: z.string().min(1).default('127.0.0.1'),
    port: z.number().int().min(0).max(65535).default(0),
    /** When set, X-NBA-Api-Key must equal it; when unset, any non-empty key is accepted. */
    apiKey: z.string().min(1).optional(),
    /** Longest request target (path + query, percent-decoded) before 414. */
    maxUrlLength: z.number().int().positive().default(3500),
    hardCap: z.number().int().positive().default(10000),
    /** Cap per endpoint key when MaxRowsReturned is omitted (event/player: 10000 unless set here). */
    defaultCaps: byEndpointKey(z.number().int().positive(), false).default({}),
    rateLimit: z
      .strictObject({ ratePerSecond: z.number().positive(), burst: z.number().int().positive() })
      .nullable()
      .default(null),
    latency: z
      .strictObject({ baseMs: z.number().min(0).default(0), perRowUs: z.number().min(0).default(0) })
      .default({ baseMs: 0, perRowUs: 0 }),
    faults: faultsSchema.default({}),
    /** Most games per query before a 504, by endpoint key, over DEFAULT_COST_LIMITS (null: no limit). */
    costLimits: byEndpointKey(z.number().int().positive().nullable(), false)
      .default({})
      .transform((limits): Record<string, number | null> => ({ ...DEFAULT_COST_LIMITS, ...limits })),
    /** Lineups `/season/lineups` without TeamId returns at most: a league-wide top-N by minutes. */
    leagueLineupsTopN: z.number().int().positive().default(2000),
    fixturesDir: z.string().min(1).optional(),
    /**
     * The hustle XML feeds publish a game later than the box score: the games of this many latest
     * dates with final games answer 403 and 404 (alternately, latest first); 0 serves every game.
     */
    hustleUnavailableDays: z.number().int().min(0).default(2),
    /**
     * A virtual clock: now is `start` plus the real time since the replica started times `speed`,
     * and games go scheduled, live and final on it. Without one every game is as the skeleton says.
     */
    clock: clockSchema.optional(),
  })
  .refine((options) => Object.values(options.defaultCaps).every((cap) => cap <= options.hardCap), {
    message: 'a default cap is above hardCap',
    path: ['defaultCaps'],
  });

export type ReplicaOptions = z.input<typeof replicaOptionsSchema>;
export type ResolvedReplicaOptions = z.output<typeof replicaOptionsSchema>;

export function resolveReplicaOptions(options: ReplicaOptions): ResolvedReplicaOptions {
  const result = replicaOptionsSchema.safeParse(options);
  if (!result.success) throw new Error(`invalid replica options:\n${z.prettifyError(result.error)}`);
  return result.data;
}
