// The real CLI (bin/nba-ingest.js) as a child process, against a test database and an upstream, the
// way tests and the chaos experiments start it: its stderr (the JSON log) handed over line by line
// and kept whole, as a bounded tail, or not at all (a month of daemon log is tens of megabytes).
import { type ChildProcess, spawn } from 'node:child_process';
import { fileURLToPath } from 'node:url';
import { TEST_API_KEY } from './pipeline.ts';

export const BIN = fileURLToPath(new URL('../../bin/nba-ingest.js', import.meta.url));

export interface CliOptions {
  readonly databaseUrl: string;
  /** NBA_API_BASE_URL: the replica, or a proxy in front of it. */
  readonly baseUrl: string;
  /** LOG_LEVEL of the child (default info). */
  readonly logLevel?: string;
  /** Told each complete line of stderr as it arrives. */
  readonly onLine?: (line: string) => void;
  /** How much of stderr log() keeps: its last `keepLog` characters (default all; 0 keeps none). */
  readonly keepLog?: number;
}

/** How the process ended: its exit code (null when a signal ended it) and that signal. */
export interface CliExit {
  readonly code: number | null;
  readonly signal: NodeJS.Signals | null;
}

export interface CliProcess {
  readonly child: ChildProcess;
  readonly exit: Promise<CliExit>;
  /** Its stderr so far, as much of it as `keepLog` keeps. */
  log(): string;
}

/** `nba-ingest <args>` with DATABASE_URL, NBA_API_BASE_URL, the test API key and LOG_LEVEL set. */
export function spawnCli(args: readonly string[], options: CliOptions): CliProcess {
  const child = spawn(process.execPath, [BIN, ...args], {
    env: {
      ...process.env,
      DATABASE_URL: options.databaseUrl,
      NBA_API_BASE_URL: options.baseUrl,
      NBA_API_KEY: TEST_API_KEY,
      LOG_LEVEL: options.logLevel ?? 'info',
    },
    stdio: ['ignore', 'ignore', 'pipe'],
  });
  const keep = options.keepLog ?? Number.POSITIVE_INFINITY;
  const { onLine } = options;
  let log = '';
  let partial = '';
  child.stderr?.setEncoding('utf8');
  child.stderr?.on('data', (text: string) => {
    if (keep > 0) log = keep === Number.POSITIVE_INFINITY ? log + text : (log + text).slice(-keep);
    if (!onLine) return;
    const lines = (partial + text).split('\n');
    partial = lines.pop() ?? '';
    for (const line of lines) onLine(line);
  });
  const exit = new Promise<CliExit>((resolve) =>
    child.on('exit', (code, signal) => resolve({ code, signal })),
  );
  return { child, exit, log: () => log };
}
