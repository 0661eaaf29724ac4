// Experiment 5, secrets: runs the real CLI (backfill, dry run, verify, help, the daemon, and runs that
// fail on purpose) with a distinctive API key and database password, then searches every output
// line, the status endpoints and every row of the tool's tables for them; and reads where the
// replica and the daemon's --http actually listen.
import { type ChildProcessByStdio, type ChildProcessWithoutNullStreams, spawn } from 'node:child_process';
import { randomBytes } from 'node:crypto';
import { chmodSync, mkdirSync, mkdtempSync, readFileSync, rmSync, writeFileSync } from 'node:fs';
import { createServer } from 'node:net';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import type { Readable } from 'node:stream';
import { fileURLToPath } from 'node:url';
import pg from 'pg';
import { type Replica, startReplica } from '../replica/server.ts';
import { EXIT } from '../src/exitCodes.ts';
import { gamesToLoad } from '../src/sinks/coverage.ts';
import { BIN } from '../test/support/cli.ts';
import { allLoaded, easternInstant, firstGameDays, PER_GAME, waitFor } from '../test/support/daemon.ts';
import { createTestDatabase, serverUrl, type TestDatabase } from '../test/support/database.ts';
import { testSkeleton } from '../test/support/pipeline.ts';

/** Runs on DATABASE_URL's server, as createTestDatabase does: its user must create roles and databases. */
export interface SecretsOptions {
  /** Final games the backfill loads, every dataset (default 2; fewer if the first days have fewer). */
  readonly games?: number;
  /** Game days already final when the daemon starts; it ingests the last one (default 1). */
  readonly daemonDays?: number;
  /** Log level of every run: the most verbose exercises every log path (default trace). */
  readonly logLevel?: 'trace' | 'debug';
  /** Longest wait for one process or for the daemon to ingest its day (default 120 s). */
  readonly timeoutMs?: number;
  /**
   * Also start the embedded PostgreSQL (no DATABASE_URL) once, to search for its generated
   * password (default true; about 15 s).
   */
  readonly embedded?: boolean;
  /** Writes each run's output there, secrets masked, to read what was searched. */
  readonly transcriptDir?: string;
}

export type SecretName =
  | 'apiKey'
  | 'databasePassword'
  | 'wrongApiKey'
  | 'baseUrlPassword'
  | 'embeddedPassword';

/** One place a secret was found; `sample` has every secret masked, so a report never leaks it. */
export interface Leak {
  readonly secret: SecretName;
  readonly place: string;
  readonly sample: string;
}

export interface RunOutcome {
  readonly name: string;
  readonly exitCode: number | null;
  /** What the run's cause calls for; null for a log file, which has no exit. */
  readonly expected: number | null;
  readonly lines: number;
  readonly ms: number;
}

export interface SecretsFigures {
  /** Spellings searched per secret: as is, percent-encoded, form-encoded. */
  readonly forms: Readonly<Record<SecretName, number>>;
  readonly runs: readonly RunOutcome[];
  readonly outputLines: number;
  readonly endpointBodies: number;
  readonly tables: number;
  readonly textColumns: number;
  readonly rowsSearched: number;
  readonly occurrences: Readonly<Record<SecretName, number>>;
  /**
   * The same search over what the runs were handed (environment values, arguments) and, through
   * the table query, over one row holding it: every secret must be found there, or the search is blind.
   */
  readonly control: Readonly<Record<SecretName, number>>;
  readonly leaks: readonly Leak[];
  /** Games the backfill was asked for and the games every per-game dataset covers after it. */
  readonly backfillGames: number;
  /** Games final on the replica's clock when the runs start: verify passes once all are loaded. */
  readonly finalsBeforeClock: number;
  readonly backfillCovered: number;
  readonly daemonGames: number;
  readonly daemonIngested: boolean;
  /** Addresses found listening (from /proc/net/tcp*, not from the process's own word). */
  readonly binds: Readonly<
    Record<'replicaDefault' | 'replicaCli' | 'daemonBarePort' | 'daemonColonPort', string>
  >;
}

const SECRET_NAMES: readonly SecretName[] = [
  'apiKey',
  'databasePassword',
  'wrongApiKey',
  'baseUrlPassword',
  'embeddedPassword',
];

/**
 * Secrets with characters a URL must encode (`+ / = : @ %`), so that the encoded spellings differ
 * from the raw ones and a URL that carries one is really exercised; none needs JSON escaping.
 */
function makeSecrets(): Record<Exclude<SecretName, 'embeddedPassword'>, string> {
  const tag = () => randomBytes(6).toString('hex');
  return {
    apiKey: `nbaKey+${tag()}/Zx=`,
    databasePassword: `Pw:@/${tag()}%!q`,
    wrongApiKey: `wrongKey+${tag()}/Qy=`,
    baseUrlPassword: `urlPw:${tag()}@z`,
  };
}

/** Every spelling a secret may take in a log line or a stored value. */
function spellings(secret: string): string[] {
  const form = new URLSearchParams({ s: secret }).toString().slice(2);
  return [...new Set([secret, encodeURIComponent(secret), form])];
}

/** Counts the secrets' spellings in any text it is shown, and keeps each find with the secrets masked. */
class Search {
  readonly leaks: Leak[] = [];
  readonly occurrences: Record<SecretName, number> = {
    apiKey: 0,
    databasePassword: 0,
    wrongApiKey: 0,
    baseUrlPassword: 0,
    embeddedPassword: 0,
  };
  readonly #forms: ReadonlyMap<SecretName, readonly string[]>;

  /** A secret left out (the embedded server's, when it was not started) has no spelling. */
  constructor(secrets: Partial<Record<SecretName, string>>) {
    this.#forms = new Map(
      SECRET_NAMES.map((name) => {
        const secret = secrets[name];
        return [name, secret === undefined ? [] : spellings(secret)];
      }),
    );
  }

  get allForms(): string[] {
    return [...this.#forms.values()].flat();
  }

  formCounts(): Record<SecretName, number> {
    return Object.fromEntries(
      SECRET_NAMES.map((name) => [name, this.#forms.get(name)?.length ?? 0]),
    ) as Record<SecretName, number>;
  }

  /** Counts every occurrence of every spelling in `text`. */
  scan(text: string, place: string): void {
    for (const [name, forms] of this.#forms) {
      let found = 0;
      for (const form of forms) found += text.split(form).length - 1;
      if (found === 0) continue;
      this.occurrences[name] += found;
      this.leaks.push({ secret: name, place, sample: this.mask(text).slice(0, 240) });
    }
  }

  mask(text: string): string {
    let masked = text;
    for (const [name, forms] of this.#forms)
      for (const form of [...forms].sort((a, b) => b.length - a.length))
        masked = masked.split(form).join(`<${name}>`);
    return masked;
  }
}

interface CliRun {
  readonly ms: number;
  readonly exitCode: number | null;
  readonly stdout: string;
  readonly stderr: string;
}

/** Variables of the parent that would change what the child does; the runs set their own. */
const OWN_VARIABLES = ['DATABASE_URL', 'NBA_API_KEY', 'NBA_API_BASE_URL', 'LOG_LEVEL', 'TEST_LOG_LEVEL'];

/** The parent's environment less OWN_VARIABLES, plus `env`; an empty value leaves a variable unset. */
function childEnv(env: Readonly<Record<string, string>>): NodeJS.ProcessEnv {
  const merged: NodeJS.ProcessEnv = { ...process.env };
  for (const name of OWN_VARIABLES) delete merged[name];
  for (const [name, value] of Object.entries(env)) {
    if (value === '') delete merged[name];
    else merged[name] = value;
  }
  return merged;
}

interface Spawned {
  readonly output: () => CliRun;
  readonly exit: Promise<CliRun>;
  kill(signal: NodeJS.Signals): void;
}

function spawnCli(
  args: readonly string[],
  env: Readonly<Record<string, string>>,
  timeoutMs: number,
): Spawned {
  const child = spawn(process.execPath, [BIN, ...args], {
    cwd: ROOT,
    env: childEnv(env),
    stdio: ['ignore', 'pipe', 'pipe'],
  });
  return collect(child, timeoutMs);
}

/** A child's stdout and stderr gathered, and killed after `timeoutMs`. */
function collect(
  child: ChildProcessWithoutNullStreams | ChildProcessByStdio<null, Readable, Readable>,
  timeoutMs: number,
): Spawned {
  let stdout = '';
  let stderr = '';
  child.stdout.on('data', (chunk: Buffer) => {
    stdout += chunk.toString();
  });
  child.stderr.on('data', (chunk: Buffer) => {
    stderr += chunk.toString();
  });
  const started = Date.now();
  const timer = setTimeout(() => child.kill('SIGKILL'), timeoutMs);
  const exit = new Promise<CliRun>((resolve) =>
    child.on('close', (code) => {
      clearTimeout(timer);
      resolve({ exitCode: code, stdout, stderr, ms: Date.now() - started });
    }),
  );
  return {
    output: () => ({ exitCode: null, stdout, stderr, ms: Date.now() - started }),
    exit,
    kill: (signal) => child.kill(signal),
  };
}

/**
 * Commands that stop before opening a pool or a logger (help, configuration and connection
 * errors) run in one process through the CLI's main(), each with its own argv and environment:
 * one start of tsx instead of one per case on a shared machine. Their output is what main gave
 * process.stdout and process.stderr; the results go out as one JSON array.
 */
const BATCH_DRIVER = `
import { register } from 'tsx/esm/api';
register();
const { main } = await import(process.env.NBA_SECRETS_MAIN);
const cases = JSON.parse(process.env.NBA_SECRETS_CASES);
const base = { ...process.env };
const own = { stdout: process.stdout.write.bind(process.stdout), stderr: process.stderr.write.bind(process.stderr) };
const results = [];
for (const { args, env } of cases) {
  for (const name of Object.keys(process.env)) delete process.env[name];
  Object.assign(process.env, base);
  for (const [name, value] of Object.entries(env)) {
    if (value === '') delete process.env[name];
    else process.env[name] = value;
  }
  const out = { stdout: '', stderr: '' };
  process.stdout.write = (chunk) => ((out.stdout += String(chunk)), true);
  process.stderr.write = (chunk) => ((out.stderr += String(chunk)), true);
  const started = Date.now();
  const exitCode = await main(args);
  process.stdout.write = own.stdout;
  process.stderr.write = own.stderr;
  results.push({ ...out, exitCode, ms: Date.now() - started });
}
own.stdout(JSON.stringify(results));
`;
const MAIN = new URL('../src/main.ts', import.meta.url).href;
const ROOT = fileURLToPath(new URL('..', import.meta.url));

interface BatchCase {
  readonly name: string;
  readonly args: readonly string[];
  readonly env: Readonly<Record<string, string>>;
  readonly expected: number;
}

/** A backfill that fails on purpose: its cause in the environment, the exit code it calls for. */
interface FailingRun {
  readonly name: string;
  readonly expected: number;
  readonly env: Readonly<Record<string, string>>;
  /** It gets as far as calling upstream, so opens a logger: it runs in its own process. */
  readonly callsUpstream?: boolean;
}

/** Runs `cases` through BATCH_DRIVER; a driver that fails is answered as one run with its output. */
async function runBatch(
  cases: readonly BatchCase[],
  timeoutMs: number,
): Promise<Array<{ name: string; run: CliRun; expected: number }>> {
  const child = spawn(process.execPath, ['--input-type=module', '-e', BATCH_DRIVER], {
    cwd: ROOT,
    env: childEnv({
      NBA_SECRETS_MAIN: MAIN,
      NBA_SECRETS_CASES: JSON.stringify(cases.map(({ args, env }) => ({ args, env }))),
    }),
    stdio: ['ignore', 'pipe', 'pipe'],
  });
  const spawned = collect(child, timeoutMs);
  const driver = await spawned.exit;
  try {
    const results = JSON.parse(driver.stdout) as CliRun[];
    if (driver.exitCode === 0 && results.length === cases.length)
      return results.map((run, index) => ({
        name: cases[index]?.name ?? String(index),
        run,
        expected: cases[index]?.expected ?? EXIT.ok,
      }));
  } catch {
    // answered below
  }
  return [{ name: 'batch driver (failed)', run: driver, expected: EXIT.ok }];
}

/** The addresses a TCP port is listened on, as the kernel lists them (Linux; empty elsewhere). */
function listeningAddresses(port: number): string[] {
  const found: string[] = [];
  for (const [file, v6] of [
    ['/proc/net/tcp', false],
    ['/proc/net/tcp6', true],
  ] as const) {
    let text: string;
    try {
      text = readFileSync(file, 'utf8');
    } catch {
      continue;
    }
    for (const line of text.split('\n').slice(1)) {
      const fields = line.trim().split(/\s+/);
      const [address, portHex] = (fields[1] ?? '').split(':');
      if (fields[3] !== '0A' || address === undefined || Number.parseInt(portHex ?? '', 16) !== port)
        continue;
      found.push(v6 ? ipv6(address) : ipv4(address));
    }
  }
  return [...new Set(found)].sort();
}

/** /proc/net/tcp writes an IPv4 address as one little-endian 32-bit word in hex. */
const ipv4 = (hex: string): string =>
  [6, 4, 2, 0].map((at) => Number.parseInt(hex.slice(at, at + 2), 16)).join('.');

/** …and an IPv6 address as four of them; the URL parser writes it in its short form. */
function ipv6(hex: string): string {
  const bytes = [0, 8, 16, 24].flatMap((word) =>
    [6, 4, 2, 0].map((at) => hex.slice(word + at, word + at + 2)),
  );
  const groups = [0, 2, 4, 6, 8, 10, 12, 14].map((at) => `${bytes[at]}${bytes[at + 1]}`);
  return new URL(`http://[${groups.join(':')}]/`).hostname.slice(1, -1);
}

const portOf = (url: string): number => Number(new URL(url).port);

const bindOf = (url: string | undefined): string =>
  url === undefined ? 'not listening' : listeningAddresses(portOf(url)).join(',') || 'not found';

/** A port nothing listens on: bound, read, released. */
async function closedPort(): Promise<number> {
  const server = createServer();
  await new Promise<void>((resolve) => server.listen(0, '127.0.0.1', resolve));
  const address = server.address();
  await new Promise<void>((resolve) => server.close(() => resolve()));
  return typeof address === 'object' && address ? address.port : 1;
}

export async function runSecrets(options: SecretsOptions = {}): Promise<SecretsFigures> {
  const logLevel = options.logLevel ?? 'trace';
  const timeoutMs = options.timeoutMs ?? 120_000;
  const secrets = makeSecrets();
  const runs: RunOutcome[] = [];
  // Searched at the end, once the embedded server's password is known too.
  const outputs: Array<{ name: string; run: CliRun }> = [];
  const bodies: Array<{ place: string; text: string }> = [];
  // Every argument and environment value handed to a child: the search's control.
  const handedOver: string[] = [];
  const start = (args: readonly string[], env: Record<string, string>): Spawned => {
    handedOver.push(...args, ...Object.values(env));
    return spawnCli(args, env, timeoutMs);
  };
  const record = (name: string, run: CliRun, expected: number | null): CliRun => {
    outputs.push({ name, run });
    runs.push({ name, exitCode: run.exitCode, expected, lines: linesOf(run).length, ms: run.ms });
    return run;
  };
  const endpoint = async (url: string, place: string): Promise<void> => {
    const response = await fetch(url);
    const headers = [...response.headers].map(([name, value]) => `${name}: ${value}`).join('\n');
    bodies.push({ place, text: `${headers}\n\n${await response.text()}` });
  };

  const skeleton = testSkeleton();
  const daemonDays = options.daemonDays ?? 1;
  const days = firstGameDays(skeleton, daemonDays + 1);
  const clockDay = days[daemonDays] as string;
  const finalsOn = (day: string | undefined) =>
    skeleton.games.filter((game) => game.date === day && game.status === 3).map((game) => game.id);
  const backfillIds = days
    .slice(0, daemonDays)
    .flatMap(finalsOn)
    .slice(0, options.games ?? 2);
  const daemonIds = finalsOn(days[daemonDays - 1]);

  const role = `nba_secrets_${randomBytes(4).toString('hex')}`;
  const admin = new pg.Client({ connectionString: serverUrl() });
  await admin.connect();
  const dataDir = mkdtempSync(join(tmpdir(), 'nba-secrets-'));
  // As root the embedded server runs as the postgres OS user, which must enter this directory.
  chmodSync(dataDir, 0o755);
  const databases: TestDatabase[] = [];
  let replica: Replica | undefined;
  const stopDaemons: Spawned[] = [];
  try {
    await admin.query(`CREATE ROLE ${role} LOGIN PASSWORD ${admin.escapeLiteral(secrets.databasePassword)}`);
    const ownedDatabase = async () => {
      const database = await createTestDatabase({ migrate: false });
      databases.push(database);
      await admin.query(`ALTER DATABASE "${database.name}" OWNER TO ${role}`);
      return database;
    };
    const backfillDb = await ownedDatabase();
    const daemonDb = await ownedDatabase();
    // As production passes it: the password, percent-encoded, in DATABASE_URL.
    const roleUrl = (database: TestDatabase, where?: { host?: string; port?: number }) => {
      const url = new URL(database.url);
      url.username = role;
      url.password = encodeURIComponent(secrets.databasePassword);
      if (where?.host) url.hostname = where.host;
      if (where?.port) url.port = String(where.port);
      return url.href;
    };

    replica = await startReplica({
      skeleton,
      apiKey: secrets.apiKey,
      clock: { start: easternInstant(clockDay, '12:00:00'), speed: 1 },
      hustleUnavailableDays: 0,
    });
    const binds = {
      replicaDefault: bindOf(replica.url),
      replicaCli: '',
      daemonBarePort: '',
      daemonColonPort: '',
    };
    const env = (overrides: Record<string, string> = {}) => ({
      DATABASE_URL: roleUrl(backfillDb),
      NBA_API_KEY: secrets.apiKey,
      NBA_API_BASE_URL: (replica as Replica).url,
      NBA_INGEST_DATA_DIR: join(dataDir, 'postgres'),
      LOG_LEVEL: logLevel,
      ...overrides,
    });
    const cli = async (
      name: string,
      args: readonly string[],
      expected: number,
      overrides?: Record<string, string>,
    ) => record(name, await start(args, env(overrides)).exit, expected);
    const loud = ['--log-level', logLevel, '--rate', '1000', '--burst', '100'];
    const ids = ['--game-ids', backfillIds.join(',')];

    // Without DATABASE_URL: the embedded server, its password generated, its log at the same level.
    const embeddedDir = join(dataDir, 'embedded');
    const embedded =
      options.embedded === false
        ? undefined
        : cli('migrate, embedded PostgreSQL', ['migrate'], EXIT.ok, {
            DATABASE_URL: '',
            NBA_INGEST_DATA_DIR: embeddedDir,
          });

    await cli('migrate', ['migrate'], EXIT.ok);
    await cli('backfill --json', ['backfill', ...ids, '--include-season-wide', '--json', ...loud], EXIT.ok);
    const logFile = join(dataDir, 'dry-run.log');
    await cli(
      'backfill --dry-run --json --log-file',
      [
        'backfill',
        ...ids,
        '--include-season-wide',
        '--full-refresh',
        '--dry-run',
        '--json',
        '--log-file',
        logFile,
        ...loud,
      ],
      EXIT.ok,
    );
    record(
      'backfill --dry-run log file',
      {
        exitCode: null,
        ms: 0,
        stdout: readFileSync(logFile, 'utf8'),
        stderr: '',
      },
      null,
    );
    // Verify passes once every game final on the clock is loaded, and fails (65) while some are not.
    const allFinals = backfillIds.length === days.slice(0, daemonDays).flatMap(finalsOn).length;
    await cli('verify', ['verify', '--json'], allFinals ? EXIT.ok : EXIT.dataError);
    const uncovered = await gamesToLoad(backfillDb.pool, PER_GAME, backfillIds, 0);

    const closed = await closedPort();
    const baseUrlWith = (host: string) =>
      `http://apiuser:${encodeURIComponent(secrets.baseUrlPassword)}@${host}/`;
    const replicaHost = new URL(replica.url).host;
    // Each fails on purpose, with the exit code its cause calls for (SPEC §5).
    const failing: FailingRun[] = [
      {
        name: 'wrong API key (401)',
        expected: EXIT.configuration,
        env: { NBA_API_KEY: secrets.wrongApiKey },
        callsUpstream: true,
      },
      {
        name: 'upstream at a closed port',
        expected: EXIT.unavailable,
        env: { NBA_API_BASE_URL: `http://127.0.0.1:${closed}/` },
        callsUpstream: true,
      },
      {
        name: 'database at a closed port',
        expected: EXIT.unavailable,
        env: { DATABASE_URL: roleUrl(backfillDb, { port: closed }) },
      },
      {
        name: 'database password in the query string',
        expected: EXIT.unavailable,
        env: {
          DATABASE_URL: `postgres://${role}@127.0.0.1:${closed}/${backfillDb.name}?password=${encodeURIComponent(secrets.databasePassword)}`,
        },
      },
      {
        // Not percent-encoded, as a hurried user writes it: the URL parser encodes its : and @.
        name: 'database password written raw',
        expected: EXIT.unavailable,
        env: {
          DATABASE_URL: `postgres://${role}:${secrets.baseUrlPassword}@127.0.0.1:${closed}/${backfillDb.name}`,
        },
      },
      {
        name: 'database at an unknown host',
        expected: EXIT.configuration,
        env: { DATABASE_URL: roleUrl(backfillDb, { host: 'no-such-host.invalid' }) },
      },
      {
        name: 'database URL that is not a URL',
        expected: EXIT.configuration,
        env: { DATABASE_URL: roleUrl(backfillDb).replace(/:(\d+)\//, ':$1:x/') },
      },
      {
        name: 'database URL of another scheme',
        expected: EXIT.configuration,
        env: { DATABASE_URL: roleUrl(backfillDb).replace(/^postgres/, 'mysql') },
      },
      {
        name: 'database refusing the user',
        expected: EXIT.configuration,
        env: { DATABASE_URL: roleUrl(backfillDb).replace(`//${role}:`, `//${role}_unknown:`) },
      },
      {
        name: 'base URL with credentials',
        expected: EXIT.configuration,
        env: { NBA_API_BASE_URL: baseUrlWith(replicaHost) },
      },
      {
        name: 'base URL with credentials, not http',
        expected: EXIT.configuration,
        env: { NBA_API_BASE_URL: baseUrlWith(replicaHost).replace(/^http/, 'ftp') },
      },
      {
        name: 'base URL with credentials and no host',
        expected: EXIT.configuration,
        env: { NBA_API_BASE_URL: baseUrlWith('') },
      },
    ];
    const failingArgs = ['backfill', ...ids, '--datasets', 'shot_chart', '--full-refresh', '--json', ...loud];
    // Help and version open nothing, yet every secret is in the environment.
    const help = [
      ['--help'],
      ['--version'],
      ['backfill', '--help'],
      ['daemon', '--help'],
      ['verify', '--help'],
      ['migrate', '--help'],
      ['replica', '--help'],
    ].map((args) => ({ name: args.join(' '), args, env: env(), expected: EXIT.ok }));
    const batch: BatchCase[] = [
      ...help,
      { name: 'no-such-command', args: ['no-such-command'], env: env(), expected: EXIT.usage },
      ...failing
        .filter((run) => !run.callsUpstream)
        .map((run) => ({
          name: `backfill, ${run.name}`,
          args: failingArgs,
          env: env(run.env),
          expected: run.expected,
        })),
    ];
    handedOver.push(...batch.flatMap(({ args, env }) => [...args, ...Object.values(env)]));
    for (const { name, run, expected } of await runBatch(batch, timeoutMs))
      record(`${name} (batched)`, run, expected);
    for (const run of failing.filter((run) => run.callsUpstream))
      await cli(`backfill, ${run.name}`, failingArgs, run.expected, run.env);
    await cli('daemon, database at a closed port', ['daemon', '--http', '0', ...loud], EXIT.unavailable, {
      DATABASE_URL: roleUrl(daemonDb, { port: closed }),
    });

    // The daemon as run in production, its status server on a bare port: it ingests the last day.
    const daemonArgs = ['daemon', '--poll', '300ms', '--settle', 'none', '--datasets', PER_GAME.join(',')];
    const statusUrl = (daemon: Spawned) =>
      waitFor(
        'the status server address in the log',
        () => /"url":"(http:[^"]+)","msg":"serving \/healthz/.exec(daemon.output().stderr)?.[1],
        timeoutMs,
      );
    const daemon = start([...daemonArgs, '--http', '0', ...loud], env({ DATABASE_URL: roleUrl(daemonDb) }));
    stopDaemons.push(daemon);
    const daemonUrl = await statusUrl(daemon);
    binds.daemonBarePort = bindOf(daemonUrl);
    await endpoint(`${daemonUrl}/healthz`, 'daemon /healthz while starting');
    const daemonIngested = await waitFor(
      'the daemon to ingest its day',
      () => allLoaded(daemonDb.pool, daemonIds),
      timeoutMs,
      200,
    ).catch(() => false);
    await endpoint(`${daemonUrl}/healthz`, 'daemon /healthz');
    await endpoint(`${daemonUrl}/metrics`, 'daemon /metrics');
    daemon.kill('SIGTERM');
    record('daemon --http 0', await daemon.exit, EXIT.ok);

    // A daemon whose key upstream refuses: unhealthy, and says why without the key.
    const refused = start(
      [...daemonArgs, '--http', ':0', ...loud],
      env({ DATABASE_URL: roleUrl(daemonDb), NBA_API_KEY: secrets.wrongApiKey }),
    );
    stopDaemons.push(refused);
    const refusedUrl = await statusUrl(refused);
    binds.daemonColonPort = bindOf(refusedUrl);
    await waitFor(
      'the refused daemon to fail a cycle',
      () => /cycle failed|batch failed|payload rejected/.test(refused.output().stderr),
      timeoutMs,
    ).catch(() => undefined);
    await endpoint(`${refusedUrl}/healthz`, 'refused daemon /healthz');
    await endpoint(`${refusedUrl}/metrics`, 'refused daemon /metrics');
    refused.kill('SIGTERM');
    record('daemon --http :0, wrong API key', await refused.exit, EXIT.ok);

    // The replica CLI as a user starts it, with the key on its command line.
    const replicaCli = start(
      ['replica', '--synthetic', '--synthetic-games', '40', '--port', '0', '--api-key', secrets.apiKey],
      env(),
    );
    stopDaemons.push(replicaCli);
    const replicaCliUrl = await waitFor(
      'the replica CLI to print its URL',
      () => /listening on (http:\S+)/.exec(replicaCli.output().stdout)?.[1],
      timeoutMs,
    );
    binds.replicaCli = bindOf(replicaCliUrl);
    replicaCli.kill('SIGTERM');
    record('replica CLI', await replicaCli.exit, EXIT.ok);

    await embedded;
    const embeddedPassword =
      options.embedded === false ? undefined : readFileSync(`${embeddedDir}.password`, 'utf8').trim();
    const search = new Search({ ...secrets, embeddedPassword });
    let outputLines = 0;
    for (const { name, run } of outputs) {
      for (const { stream, number, line } of linesOf(run)) {
        outputLines++;
        search.scan(line, `${name} ${stream} line ${number}`);
      }
    }
    for (const { place, text } of bodies) search.scan(text, place);
    const stored = await searchTables([backfillDb, daemonDb], search);
    if (options.transcriptDir) writeTranscripts(options.transcriptDir, outputs, bodies, search);
    const control = new Search({ ...secrets, embeddedPassword });
    const given = [...handedOver, embeddedPassword ?? ''].join(' ');
    control.scan(given, 'handed over');
    await searchRows(backfillDb, '(VALUES ($1::text)) AS t', [given], control, 'control');
    return {
      forms: search.formCounts(),
      runs,
      outputLines,
      endpointBodies: bodies.length,
      ...stored,
      occurrences: search.occurrences,
      control: control.occurrences,
      leaks: search.leaks,
      backfillGames: backfillIds.length,
      finalsBeforeClock: days.slice(0, daemonDays).flatMap(finalsOn).length,
      backfillCovered: backfillIds.length - uncovered.length,
      daemonGames: daemonIds.length,
      daemonIngested: daemonIngested === true,
      binds,
    };
  } finally {
    for (const child of stopDaemons) child.kill('SIGKILL');
    await replica?.close();
    for (const database of databases) await database.drop();
    await admin.query(`DROP ROLE IF EXISTS ${role}`).catch(() => undefined);
    await admin.end();
    rmSync(dataDir, { recursive: true, force: true });
  }
}

/** A run's non-empty output lines, numbered per stream. */
function linesOf(run: CliRun): Array<{ stream: string; number: number; line: string }> {
  return (['stdout', 'stderr'] as const).flatMap((stream) =>
    run[stream]
      .split('\n')
      .map((line, index) => ({ stream, number: index + 1, line }))
      .filter(({ line }) => line.trim() !== ''),
  );
}

function writeTranscripts(
  directory: string,
  outputs: ReadonlyArray<{ name: string; run: CliRun }>,
  bodies: ReadonlyArray<{ place: string; text: string }>,
  search: Search,
): void {
  mkdirSync(directory, { recursive: true });
  const file = (index: number, name: string) =>
    join(directory, `${String(index + 1).padStart(2, '0')}-${name.replace(/[^\w-]+/g, '_')}.txt`);
  outputs.forEach(({ name, run }, index) => {
    writeFileSync(file(index, name), search.mask(`${run.stdout}\n--- stderr ---\n${run.stderr}`));
  });
  bodies.forEach(({ place, text }, index) => {
    writeFileSync(file(outputs.length + index, place), search.mask(text));
  });
}

/** Every row of every table of the tool's schemas, as the row's text: every column, whatever its type. */
async function searchTables(
  databases: readonly TestDatabase[],
  search: Search,
): Promise<{ tables: number; textColumns: number; rowsSearched: number }> {
  let tables = 0;
  let textColumns = 0;
  let rowsSearched = 0;
  for (const database of databases) {
    const { rows } = await database.pool.query<{ schema: string; table: string; text_columns: number }>(
      `SELECT c.table_schema AS schema, c.table_name AS table,
              count(*) FILTER (WHERE c.data_type IN ('text', 'character varying', 'character', 'json', 'jsonb', 'ARRAY', 'USER-DEFINED'))::int AS text_columns
         FROM information_schema.columns c
         JOIN information_schema.tables t USING (table_schema, table_name)
        WHERE c.table_schema IN ('nba', 'nba_ingest') AND t.table_type = 'BASE TABLE'
        GROUP BY 1, 2 ORDER BY 1, 2`,
    );
    for (const { schema, table, text_columns } of rows) {
      tables++;
      textColumns += text_columns;
      const name = `${pg.escapeIdentifier(schema)}.${pg.escapeIdentifier(table)}`;
      const count = await database.pool.query<{ n: number }>(`SELECT count(*)::int AS n FROM ${name}`);
      rowsSearched += count.rows[0]?.n ?? 0;
      await searchRows(database, `${name} t`, [], search, `${schema}.${table}`);
    }
  }
  return { tables, textColumns, rowsSearched };
}

/** Rows of `from` (alias t) whose text holds a spelling of a secret, scanned; `values` bind $1… first. */
async function searchRows(
  database: TestDatabase,
  from: string,
  values: readonly string[],
  search: Search,
  place: string,
): Promise<void> {
  const forms = search.allForms;
  const where = forms.map((_, index) => `strpos(r, $${values.length + index + 1}) > 0`).join(' OR ');
  const found = await database.pool.query<{ r: string }>(
    `SELECT r FROM (SELECT t::text AS r FROM ${from}) AS s WHERE ${where}`,
    [...values, ...forms],
  );
  for (const row of found.rows) search.scan(row.r, place);
}

/** What went against the experiment's claims, in words; empty when every one held. */
export function secretsProblems(figures: SecretsFigures): string[] {
  const problems: string[] = [];
  for (const name of SECRET_NAMES) {
    if (figures.occurrences[name] > 0) problems.push(`${name} found ${figures.occurrences[name]} times`);
    if (figures.control[name] === 0)
      problems.push(`the search does not find ${name} where it was handed over`);
  }
  for (const leak of figures.leaks) problems.push(`${leak.secret} in ${leak.place}: ${leak.sample}`);
  for (const run of figures.runs) {
    if (run.exitCode !== run.expected)
      problems.push(`${run.name} exited ${run.exitCode}, expected ${run.expected}`);
    if (run.lines === 0) problems.push(`${run.name} printed nothing to search`);
  }
  if (figures.backfillGames === 0 || figures.backfillCovered !== figures.backfillGames)
    problems.push(`the backfill covered ${figures.backfillCovered} of ${figures.backfillGames} games`);
  if (!figures.daemonIngested) problems.push(`the daemon did not ingest its ${figures.daemonGames} games`);
  for (const [what, address] of Object.entries(figures.binds))
    if (address !== '127.0.0.1') problems.push(`${what} listens on ${address}, not 127.0.0.1`);
  return problems;
}

export function reportSecrets(figures: SecretsFigures): string {
  const lines = [
    'secrets: occurrences of each secret in every place searched (expected 0)',
    `  places: ${figures.runs.length} CLI runs, ${figures.outputLines} output lines, ${figures.endpointBodies} endpoint bodies, ${figures.tables} tables (${figures.textColumns} text/json columns, ${figures.rowsSearched} rows)`,
    `  backfill: ${figures.backfillCovered}/${figures.backfillGames} games (of ${figures.finalsBeforeClock} final) covered by every per-game dataset; daemon ingested its ${figures.daemonGames} games: ${figures.daemonIngested}`,
    '  secret               spellings  occurrences  control (found where handed over)',
    ...SECRET_NAMES.map(
      (name) =>
        `  ${name.padEnd(20)} ${String(figures.forms[name]).padStart(9)}  ${String(figures.occurrences[name]).padStart(11)}  ${String(figures.control[name]).padStart(7)}`,
    ),
    '  run                                                        exit (expected)  lines      ms',
    ...figures.runs.map(
      (run) =>
        `  ${run.name.padEnd(58)} ${String(run.exitCode).padStart(4)} ${`(${run.expected ?? '-'})`.padStart(10)}  ${String(run.lines).padStart(5)}  ${String(run.ms).padStart(6)}`,
    ),
    '  listening on',
    ...Object.entries(figures.binds).map(([what, address]) => `  ${what.padEnd(20)} ${address}`),
  ];
  for (const leak of figures.leaks.slice(0, 20))
    lines.push(`  LEAK ${leak.secret} in ${leak.place}: ${leak.sample}`);
  return lines.join('\n');
}
