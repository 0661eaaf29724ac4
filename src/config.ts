// Configuration of a run from flags and environment, validated once with zod into typed values;
// every problem is reported with the flag or variable that caused it.
import { z } from 'zod';
import { EXIT, ExitError } from './exitCodes.ts';
import { type GameId, gameIdProblem } from './gameId.ts';
import { BATCH_POLICIES } from './streams/batchPlanner.ts';
import type { Dataset } from './streams/dataset.ts';
import { DATASETS, resolveDatasets } from './streams/datasets.ts';
import { MAX_LEGACY_CONCURRENCY } from './streams/legacyStream.ts';

export const SEASON_TYPES = ['Regular Season', 'Playoffs', 'PlayIn', 'Pre Season', 'All Star'] as const;

const seasonLabel = z
  .string()
  .regex(/^\d{4}-\d{2}$/, 'a season is written YYYY-YY, e.g. 2025-26')
  .refine(
    (label) =>
      !/^\d{4}-\d{2}$/.test(label) || (Number(label.slice(0, 4)) + 1) % 100 === Number(label.slice(5)),
    {
      message: 'the second year must follow the first, e.g. 2025-26',
    },
  );

const isoDate = z.iso.date('must be a calendar date written YYYY-MM-DD, e.g. 2026-02-21');

/** A decimal whole number as typed: `0x10`, `1e2` and an empty value are not one. */
const wholeNumber = (min: number, max: number) =>
  z
    .string()
    .regex(/^\s*-?\d+\s*$/, 'must be a whole number written in digits')
    .transform(Number)
    .pipe(z.number().min(min, `must be at least ${min}`).max(max, `must be at most ${max}`));
const positiveInt = (max: number) => wholeNumber(1, max);

export const environmentSchema = z.object({
  DATABASE_URL: z
    .string()
    .regex(/^postgres(ql)?:\/\//, 'must be a postgres:// or postgresql:// URL')
    .optional(),
  NBA_API_KEY: z.string().min(1, 'is empty').optional(),
  NBA_API_BASE_URL: z
    .url({ protocol: /^https?$/, error: 'must be an http:// or https:// URL, e.g. https://api.nba.com/v0' })
    // The client would drop them without a word (and a log line could print them): said, not sent.
    .refine((url) => !hasCredentials(url), {
      message: 'must not carry a user or password (user:password@…): the API key goes in NBA_API_KEY',
    })
    .default('https://api.nba.com/v0'),
  NBA_INGEST_DATA_DIR: z.string().min(1).optional(),
  LOG_LEVEL: z.enum(['trace', 'debug', 'info', 'warn', 'error', 'fatal', 'silent']).optional(),
});
export type Environment = z.output<typeof environmentSchema>;

function hasCredentials(text: string): boolean {
  try {
    const url = new URL(text);
    return url.username !== '' || url.password !== '';
  } catch {
    return false;
  }
}

/** How any run talks to upstream and loads: shared by backfill and the daemon. */
const INGEST_FLAGS = {
  'batch-policy': z
    .enum(BATCH_POLICIES, { error: `must be one of ${BATCH_POLICIES.join(', ')}` })
    .default('planner'),
  'batch-size': positiveInt(300).optional(),
  concurrency: positiveInt(16).default(2),
  // Unset: the run sizes it from the rate limit and the calls' latency.
  'legacy-concurrency': positiveInt(MAX_LEGACY_CONCURRENCY).optional(),
  // Below 100 rows even one game's answer is truncated (a game has ≈22 to ≈600 rows per measure).
  'max-rows': wholeNumber(100, 10_000).default(10_000),
  rate: z.coerce.number({ error: 'must be a number' }).positive('must be above 0').default(10),
  burst: positiveInt(1000).default(5),
  'log-level': z.enum(['trace', 'debug', 'info', 'warn', 'error', 'fatal', 'silent']).optional(),
  'log-file': z.string().min(1).optional(),
};

export const backfillFlagsSchema = z
  .object({
    season: seasonLabel.default('2025-26'),
    'season-type': z.enum(SEASON_TYPES).default('Regular Season'),
    // Unset: every dataset for a whole season, the per-game ones for some games (backfillSetup).
    datasets: z.string().optional(),
    'include-season-wide': z.boolean().default(false),
    'game-ids': z.string().optional(),
    since: isoDate.optional(),
    until: isoDate.optional(),
    refresh: z.boolean().default(false),
    // 0 is today only, never "the default".
    'days-back': wholeNumber(0, 366).optional(),
    'full-refresh': z.boolean().default(false),
    'dry-run': z.boolean().default(false),
    json: z.boolean().default(false),
    ...INGEST_FLAGS,
  })
  .refine((flags) => !(flags.since && flags.until && flags.since > flags.until), {
    message: 'must not be after --until',
    path: ['since'],
  })
  .refine((flags) => !(flags['game-ids'] && (flags.since || flags.until)), {
    message: 'cannot be combined with --since/--until',
    path: ['game-ids'],
  })
  .refine((flags) => !(flags.refresh && (flags['game-ids'] || flags.since || flags.until)), {
    message: 'picks its own league days: it cannot be combined with --game-ids, --since or --until',
    path: ['refresh'],
  })
  .refine((flags) => flags['days-back'] === undefined || flags.refresh, {
    message: 'only applies to --refresh',
    path: ['days-back'],
  });
export type BackfillFlags = z.output<typeof backfillFlagsSchema>;

const DURATION_UNITS_MS: Readonly<Record<string, number>> = { ms: 1, s: 1_000, m: 60_000, h: 3_600_000 };

/** `30s`, `500ms`, `5m`, `3h`; a bare number is seconds. */
export function parseDuration(text: string): number | undefined {
  const match = /^\s*(\d+(?:\.\d+)?)\s*(ms|s|m|h)?\s*$/.exec(text);
  if (!match) return undefined;
  return Number(match[1]) * (DURATION_UNITS_MS[match[2] ?? 's'] ?? 1000);
}

/** The largest whole unit: 100ms, 1s, 10m, 1h. */
function formatDuration(ms: number): string {
  for (const [unit, size] of [
    ['h', 3_600_000],
    ['m', 60_000],
    ['s', 1_000],
  ] as const)
    if (ms >= size && ms % size === 0) return `${ms / size}${unit}`;
  return `${ms}ms`;
}

const duration = (min: number, max: number) =>
  z.string().transform((text, context) => {
    const ms = parseDuration(text);
    if (ms === undefined) {
      context.addIssue({
        code: 'custom',
        message: `"${text}" is not a duration: write e.g. 500ms, 30s, 5m or 3h`,
      });
      return z.NEVER;
    }
    if (ms < min || ms > max) {
      context.addIssue({
        code: 'custom',
        message: `must be between ${formatDuration(min)} and ${formatDuration(max)}`,
      });
      return z.NEVER;
    }
    return ms;
  });

/** `--settle 3h,24h`: ascending re-fetch delays after a game is final; `none` for no re-fetch. */
const settleList = z.string().transform((text, context) => {
  if (text.trim() === 'none') return [];
  const parts = text.split(',').map((part) => part.trim());
  const values = parts.map(parseDuration);
  const bad = parts.filter((_, index) => values[index] === undefined || (values[index] ?? 0) <= 0);
  if (bad.length > 0) {
    context.addIssue({
      code: 'custom',
      message: `${bad.map((part) => `"${part}"`).join(', ')}: write durations like 3h,24h (or none)`,
    });
    return z.NEVER;
  }
  const ms = values as number[];
  if (ms.some((value, index) => index > 0 && value <= (ms[index - 1] ?? 0))) {
    context.addIssue({ code: 'custom', message: 'durations must be in ascending order, e.g. 3h,24h' });
    return z.NEVER;
  }
  return ms;
});

export const daemonFlagsSchema = z.object({
  // Unset: the season on the scoreboards, so a new season is picked up without a restart.
  season: seasonLabel.optional(),
  datasets: z.string().optional(),
  poll: duration(100, 3_600_000).default(30_000),
  settle: settleList.default([3 * 3_600_000, 24 * 3_600_000]),
  http: z.string().min(1).optional(),
  'shutdown-timeout': duration(1_000, 600_000).default(30_000),
  ...INGEST_FLAGS,
});
export type DaemonFlags = z.output<typeof daemonFlagsSchema>;

/** Readable zod problems: `--flag: message` or `VARIABLE: message`. */
export function describeIssues(error: z.ZodError, prefix: (key: string) => string): string {
  return error.issues
    .map((issue) => {
      const key = issue.path.map(String).join('.');
      return key ? `${prefix(key)}: ${issue.message}` : issue.message;
    })
    .join('\n');
}

export function readEnvironment(env: NodeJS.ProcessEnv): Environment {
  const parsed = environmentSchema.safeParse(env);
  if (!parsed.success)
    throw new ExitError(
      EXIT.configuration,
      describeIssues(parsed.error, (key) => key),
    );
  return parsed.data;
}

/** The key every command that calls upstream needs; its absence is a configuration error. */
export function requireApiKey(env: Environment): string {
  if (!env.NBA_API_KEY)
    throw new ExitError(EXIT.configuration, 'NBA_API_KEY is not set: the API needs it as X-NBA-Api-Key');
  return env.NBA_API_KEY;
}

export function parseFlags<S extends z.ZodType>(schema: S, values: Record<string, unknown>): z.output<S> {
  const parsed = schema.safeParse(values);
  if (!parsed.success)
    throw new ExitError(
      EXIT.usage,
      describeIssues(parsed.error, (key) => `--${key}`),
    );
  return parsed.data;
}

/** `--datasets shot_chart,tracking`: the declarations, or a usage error naming the unknown ones. */
export function parseDatasetList(list: string): Dataset[] {
  if (list.trim() === '')
    throw new ExitError(EXIT.usage, `--datasets: name at least one of ${[...DATASETS.keys()].join(', ')}`);
  const datasets = resolveDatasets(list);
  if ('unknown' in datasets) {
    throw new ExitError(
      EXIT.usage,
      `--datasets: unknown dataset ${datasets.unknown.join(', ')} (known: ${[...DATASETS.keys()].join(', ')})`,
    );
  }
  return datasets;
}

/** `--game-ids 0022500001,0022500002`: every id checked, all problems reported at once. */
export function parseGameIdList(list: string): GameId[] {
  const ids = list
    .split(',')
    .map((id) => id.trim())
    .filter((id) => id.length > 0);
  if (ids.length === 0) throw new ExitError(EXIT.usage, '--game-ids: give at least one game id');
  const problems = ids.map(gameIdProblem).filter((problem): problem is string => problem !== undefined);
  if (problems.length > 0) throw new ExitError(EXIT.usage, `--game-ids: ${problems.join('; ')}`);
  return [...new Set(ids)] as GameId[];
}
