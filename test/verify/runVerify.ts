// Runs `nba-ingest verify` as a user does (bin, a child process) against a test database.
import { type SpawnSyncReturns, spawnSync } from 'node:child_process';
import { fileURLToPath } from 'node:url';

const BIN = fileURLToPath(new URL('../../bin/nba-ingest.js', import.meta.url));

export function runVerifyCli(databaseUrl: string, args: readonly string[] = []): SpawnSyncReturns<string> {
  return spawnSync(process.execPath, [BIN, 'verify', ...args], {
    env: { ...process.env, DATABASE_URL: databaseUrl, LOG_LEVEL: 'silent' },
    encoding: 'utf8',
    timeout: 60_000,
  });
}

/** `[status, check name]` of every check row of the table output (detail lines are indented). */
export function tableChecks(stdout: string): [string, string][] {
  return stdout
    .split('\n')
    .filter((line) => /^(pass|FAIL|info) /.test(line))
    .map((line) => {
      const [status = '', name = ''] = line.split(/\s+/);
      return [status, name];
    });
}
