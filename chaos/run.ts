// `npm run chaos`: the long variants of the experiments that `npm test` runs small (test/chaos/):
// the fault matrix, crash and resume, database faults, the bad-input corpus and the secrets search
// over more games, more points and more faults; `--soak` runs the daemon over a simulated month.
// Prints each experiment's figures and exits 1 when any experiment saw a problem.
import { parseArgs } from 'node:util';
import { startThrowawayPostgres } from '../src/sinks/embeddedPostgres.ts';
import { createTestDatabase } from '../test/support/database.ts';
import { badInputProblems, reportBadInput, runBadInput } from './badInput.ts';
import { crashResumeProblems, reportCrashResume, runCrashResume } from './crashResume.ts';
import { databaseFaultsProblems, reportDatabaseFaults, runDatabaseFaults } from './databaseFaults.ts';
import { faultMatrixProblems, reportFaultMatrix, runFaultMatrix } from './faultMatrix.ts';
import { reportSecrets, runSecrets, secretsProblems } from './secrets.ts';
import { reportSoak, runSoak, soakProblems } from './soak.ts';

const USAGE = `Usage: npm run chaos [-- --soak] [--only NAMES] [--seed N] [--days N]

Runs the long variants of the loss experiments against DATABASE_URL's server (or a throwaway
embedded PostgreSQL when it is unset) and the replica, and prints their figures.

  (default)     fault matrix, crash and resume, database faults, bad input, secrets
  --soak        only the soak: the daemon over a simulated month with 5% faults
  --only NAMES  a comma list of: faults, crash, database, corpus, secrets, soak
  --seed N      the seed of faults and crash points (default: each experiment's own)
  --days N      game days the experiment covers (soak: simulated days, default 30)

Exit 0 when every experiment held, 1 when one saw a problem, 64 for bad arguments.
`;

/** One experiment: its long run, answering its report and the problems it saw. */
interface Experiment {
  readonly name: string;
  readonly title: string;
  run(settings: Settings): Promise<{ report: string; problems: readonly string[] }>;
}

interface Settings {
  readonly seed: number | undefined;
  readonly days: number | undefined;
  readonly log: (line: string) => void;
}

const EXPERIMENTS: readonly Experiment[] = [
  {
    name: 'faults',
    title: 'Fault matrix: 20% of calls faulted, every kind',
    async run({ seed, days }) {
      const figures = await runFaultMatrix({ days: days ?? 7, ...(seed === undefined ? {} : { seed }) });
      return { report: reportFaultMatrix(figures), problems: faultMatrixProblems(figures) };
    },
  },
  {
    name: 'crash',
    title: 'Crash and resume: kill -9 at seeded points',
    async run({ seed, days, log }) {
      const figures = await runCrashResume({
        days: days ?? 3,
        points: 10,
        migrationPoints: 2,
        log,
        ...(seed === undefined ? {} : { seed }),
      });
      return { report: reportCrashResume(figures), problems: crashResumeProblems(figures) };
    },
  },
  {
    name: 'database',
    title: 'Database faults: backends terminated mid-COPY, mid-merge, all at once',
    async run({ days }) {
      const figures = await runDatabaseFaults({ gameDays: days ?? 10 });
      return { report: reportDatabaseFaults(figures), problems: databaseFaultsProblems(figures) };
    },
  },
  {
    name: 'corpus',
    title: 'Bad input corpus',
    async run() {
      const database = await createTestDatabase();
      try {
        const figures = await runBadInput({ pool: database.pool, cleanGames: 30 });
        return { report: reportBadInput(figures), problems: badInputProblems(figures) };
      } finally {
        await database.drop();
      }
    },
  },
  {
    name: 'secrets',
    title: 'Secrets: the API key and database password in every output',
    async run({ days }) {
      const figures = await runSecrets({ games: 20, daemonDays: days ?? 2 });
      return { report: reportSecrets(figures), problems: secretsProblems(figures) };
    },
  },
  {
    name: 'soak',
    title: 'Soak: the daemon over a simulated month, 5% faults',
    async run({ seed, days, log }) {
      const figures = await runSoak({
        days: days ?? 30,
        progress: log,
        ...(seed === undefined ? {} : { seed }),
      });
      return { report: reportSoak(figures), problems: soakProblems(figures) };
    },
  },
];

function parse(): { only: Set<string>; settings: Settings } | null {
  let values: ReturnType<typeof parseFlags>['values'];
  try {
    values = parseFlags().values;
  } catch (error) {
    process.stderr.write(`${error instanceof Error ? error.message : String(error)}\n\n${USAGE}`);
    process.exit(64);
  }
  if (values.help) return null;
  const names = new Set(EXPERIMENTS.map((experiment) => experiment.name));
  const only = values.only
    ? new Set(values.only.split(',').map((name) => name.trim()))
    : values.soak
      ? new Set(['soak'])
      : new Set([...names].filter((name) => name !== 'soak'));
  const unknown = [...only].filter((name) => !names.has(name));
  const seed = wholeNumber('--seed', values.seed);
  const days = wholeNumber('--days', values.days);
  if (unknown.length > 0) usageError(`unknown experiment ${unknown.join(', ')}`);
  if (days === 0) usageError('--days is at least 1');
  return { only, settings: { seed, days, log: (line) => process.stdout.write(`  ${line}\n`) } };
}

function parseFlags() {
  return parseArgs({
    options: {
      soak: { type: 'boolean', default: false },
      only: { type: 'string' },
      seed: { type: 'string' },
      days: { type: 'string' },
      help: { type: 'boolean', short: 'h', default: false },
    },
  });
}

function wholeNumber(flag: string, text: string | undefined): number | undefined {
  if (text === undefined) return undefined;
  if (!/^\d{1,9}$/.test(text)) usageError(`${flag} takes a whole number, not "${text}"`);
  return Number(text);
}

function usageError(message: string): never {
  process.stderr.write(`npm run chaos: ${message}\n\n${USAGE}`);
  process.exit(64);
}

/** DATABASE_URL's server, or a throwaway embedded PostgreSQL the experiments create databases on. */
async function databaseServer(): Promise<() => Promise<void>> {
  if (process.env.DATABASE_URL) return async () => undefined;
  const embedded = await startThrowawayPostgres('nba-ingest-chaos-');
  process.env.DATABASE_URL = embedded.url;
  // Ctrl-C: the embedded server and its directory still go.
  process.once('SIGINT', () => {
    embedded.stop().finally(() => process.exit(130));
  });
  return () => embedded.stop();
}

async function main(): Promise<number> {
  const parsed = parse();
  if (parsed === null) {
    process.stdout.write(USAGE);
    return 0;
  }
  const stop = await databaseServer();
  const verdicts: { name: string; problems: readonly string[]; seconds: number }[] = [];
  try {
    for (const experiment of EXPERIMENTS.filter((candidate) => parsed.only.has(candidate.name))) {
      process.stdout.write(`\n== ${experiment.title}\n`);
      const started = performance.now();
      let outcome: { report: string; problems: readonly string[] };
      try {
        outcome = await experiment.run(parsed.settings);
      } catch (error) {
        outcome = {
          report: '',
          problems: [`did not finish: ${error instanceof Error ? error.stack : String(error)}`],
        };
      }
      const seconds = Math.round((performance.now() - started) / 1000);
      process.stdout.write(`${outcome.report}\n`);
      for (const problem of outcome.problems) process.stdout.write(`PROBLEM ${problem}\n`);
      verdicts.push({ name: experiment.name, problems: outcome.problems, seconds });
    }
  } finally {
    await stop();
  }
  process.stdout.write('\n== summary\n');
  for (const verdict of verdicts) {
    const held = verdict.problems.length === 0 ? 'held' : `${verdict.problems.length} problem(s)`;
    process.stdout.write(`${verdict.name.padEnd(9)} ${held.padEnd(14)} ${verdict.seconds} s\n`);
  }
  return verdicts.every((verdict) => verdict.problems.length === 0) ? 0 : 1;
}

process.exitCode = await main();
