// `nba-ingest replica`: starts the NBA API replica on a local port, prints its URL and serves until
// SIGINT or SIGTERM. Flags map one to one onto startReplica's options.
import { existsSync } from 'node:fs';
import { parseCommandArgs } from '../src/commandArgs.ts';
import { EXIT, ExitError } from '../src/exitCodes.ts';
import { clockStartSchema } from './server/options.ts';
import { startReplica } from './server.ts';
import { defaultDataDir, loadSkeleton, type Skeleton } from './skeleton.ts';

export const REPLICA_USAGE = `Usage: nba-ingest replica [options]

Starts a local replica of the NBA API (https://api.nba.com/v0) and serves until SIGINT or SIGTERM.
The season comes from the real data folder when there is one, otherwise it is synthetic.

Options:
  --data DIR                 real data folder (default: ../shared/data/real beside the repository,
                             when it exists)
  --synthetic                use a seeded synthetic season even when real data exists
  --synthetic-games N        games in the synthetic season (default 1230)
  --seed N                   seed of the generated rows and the synthetic season (default 1)
  --host HOST                address to listen on (default 127.0.0.1)
  --port N                   port to listen on; 0 picks a free one (default 0)
  --fixtures DIR             per-game overrides: DIR/<endpoint-key>/<gameId>.json
  --api-key KEY              require this X-NBA-Api-Key (default: any non-empty key)
  --rate N                   rate limit: requests per second (default: no limit)
  --burst N                  rate limit: bucket size (default: the rate, rounded up)
  --latency-base-ms N        latency per call in ms (default 0)
  --latency-per-row-us N     latency per returned row in microseconds (default 0)
  --hustle-unavailable-days N  the latest N game dates answer the hustle XML feeds with 403/404,
                             "not published yet" (default 2; 0 publishes every game)
  --clock INSTANT            run on a virtual clock starting at INSTANT, an ISO instant with its
                             offset (e.g. 2026-02-20T17:00:00-05:00): games go scheduled, live and
                             final on it (default: real time, every game as the season has it)
  --speed N                  virtual seconds per real second on the clock (default 1; needs --clock)
  -h, --help                 show this help

Exit codes: 0 stopped by a signal, 64 bad flags, 65 unreadable data, 78 cannot listen.`;

export interface ReplicaCommandIo {
  stdout: NodeJS.WritableStream;
  stderr: NodeJS.WritableStream;
  /** Stops the replica like a signal would (tests). */
  stop?: AbortSignal;
}

const usageError = (message: string) => new ExitError(EXIT.usage, message);

export async function replicaCommand(
  args: string[],
  io: ReplicaCommandIo = { stdout: process.stdout, stderr: process.stderr },
): Promise<number> {
  let flags: ReturnType<typeof parseFlags>;
  try {
    flags = parseFlags(args);
  } catch (error) {
    io.stderr.write(
      `nba-ingest replica: ${(error as Error).message}\nRun "nba-ingest replica --help" for usage.\n`,
    );
    return EXIT.usage;
  }
  if (flags.help) {
    io.stdout.write(`${REPLICA_USAGE}\n`);
    return EXIT.ok;
  }
  let skeleton: Skeleton;
  try {
    skeleton = flags.dataDir
      ? loadSkeleton({ dataDir: flags.dataDir })
      : loadSkeleton({ seed: flags.seed, syntheticGames: flags.syntheticGames });
  } catch (error) {
    io.stderr.write(`nba-ingest replica: cannot load the season: ${(error as Error).message}\n`);
    return EXIT.dataError;
  }
  let replica: Awaited<ReturnType<typeof startReplica>>;
  try {
    replica = await startReplica({
      skeleton,
      seed: flags.seed,
      host: flags.host,
      port: flags.port,
      apiKey: flags.apiKey,
      fixturesDir: flags.fixturesDir,
      rateLimit: flags.rateLimit,
      latency: flags.latency,
      hustleUnavailableDays: flags.hustleUnavailableDays,
      clock: flags.clock,
    });
  } catch (error) {
    io.stderr.write(`nba-ingest replica: cannot start: ${(error as Error).message}\n`);
    return EXIT.configuration;
  }
  io.stdout.write(
    `replica listening on ${replica.url} (${skeleton.source} skeleton: ${skeleton.games.length} games)\n`,
  );
  if (replica.clock && flags.clock) {
    io.stdout.write(`virtual clock at ${flags.clock.start}, ${flags.clock.speed}× real time\n`);
  }
  await stopRequested(io.stop);
  await replica.close();
  io.stderr.write('replica stopped\n');
  return EXIT.ok;
}

function parseFlags(args: string[]) {
  const values = parseCommandArgs(args, {
    data: { type: 'string' },
    synthetic: { type: 'boolean' },
    'synthetic-games': { type: 'string' },
    seed: { type: 'string' },
    host: { type: 'string' },
    port: { type: 'string' },
    fixtures: { type: 'string' },
    'api-key': { type: 'string' },
    rate: { type: 'string' },
    burst: { type: 'string' },
    'latency-base-ms': { type: 'string' },
    'latency-per-row-us': { type: 'string' },
    'hustle-unavailable-days': { type: 'string' },
    clock: { type: 'string' },
    speed: { type: 'string' },
    help: { type: 'boolean', short: 'h' },
  }) as Partial<Record<string, string>> & { synthetic?: boolean; help?: boolean };
  if (values.synthetic && values.data !== undefined)
    throw usageError('--data and --synthetic exclude each other');
  if (values.data !== undefined && !existsSync(values.data))
    throw usageError(`--data: no such directory ${values.data}`);
  if (values.fixtures !== undefined && !existsSync(values.fixtures)) {
    throw usageError(`--fixtures: no such directory ${values.fixtures}`);
  }
  if (values.burst !== undefined && values.rate === undefined) throw usageError('--burst needs --rate');
  if (values.speed !== undefined && values.clock === undefined) throw usageError('--speed needs --clock');
  if (values.clock !== undefined && !clockStartSchema.safeParse(values.clock).success) {
    throw usageError(
      `--clock expects an ISO instant with its offset, e.g. 2026-02-20T17:00:00-05:00, got "${values.clock}"`,
    );
  }
  const speed = number(values.speed, '--speed', { above: 0 }) ?? 1;
  const rate = number(values.rate, '--rate', { above: 0 });
  const burst = number(values.burst, '--burst', { integer: true, min: 1 });
  return {
    help: values.help === true,
    dataDir: values.synthetic ? undefined : (values.data ?? defaultDataDir()),
    syntheticGames: number(values['synthetic-games'], '--synthetic-games', { integer: true, min: 1 }),
    seed: number(values.seed, '--seed', { integer: true }) ?? 1,
    host: values.host ?? '127.0.0.1',
    port: number(values.port, '--port', { integer: true, min: 0, max: 65535 }) ?? 0,
    fixturesDir: values.fixtures,
    apiKey: values['api-key'],
    rateLimit:
      rate === undefined ? null : { ratePerSecond: rate, burst: burst ?? Math.max(1, Math.ceil(rate)) },
    latency: {
      baseMs: number(values['latency-base-ms'], '--latency-base-ms', { min: 0 }) ?? 0,
      perRowUs: number(values['latency-per-row-us'], '--latency-per-row-us', { min: 0 }) ?? 0,
    },
    hustleUnavailableDays: number(values['hustle-unavailable-days'], '--hustle-unavailable-days', {
      integer: true,
      min: 0,
    }),
    clock: values.clock === undefined ? undefined : { start: values.clock, speed },
  };
}

function number(
  text: string | undefined,
  flag: string,
  rules: { integer?: boolean; min?: number; max?: number; above?: number },
): number | undefined {
  if (text === undefined) return undefined;
  const value = Number(text);
  const fits =
    text.trim() !== '' &&
    Number.isFinite(value) &&
    (!rules.integer || Number.isInteger(value)) &&
    (rules.min === undefined || value >= rules.min) &&
    (rules.above === undefined || value > rules.above) &&
    (rules.max === undefined || value <= rules.max);
  if (!fits) {
    const kind = rules.integer ? 'a whole number' : 'a number';
    const range =
      rules.above !== undefined
        ? ` above ${rules.above}`
        : rules.min !== undefined || rules.max !== undefined
          ? ` in [${rules.min ?? '-∞'}, ${rules.max ?? '∞'}]`
          : '';
    throw usageError(`${flag} expects ${kind}${range}, got "${text}"`);
  }
  return value;
}

function stopRequested(stop: AbortSignal | undefined): Promise<void> {
  return new Promise((resolve) => {
    const done = () => {
      process.off('SIGINT', done);
      process.off('SIGTERM', done);
      stop?.removeEventListener('abort', done);
      resolve();
    };
    process.once('SIGINT', done);
    process.once('SIGTERM', done);
    if (stop?.aborted) done();
    else stop?.addEventListener('abort', done);
  });
}
