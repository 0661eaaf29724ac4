#!/usr/bin/env node
// `npm test`: lint (biome) and typecheck (tsc), stopping at the first failure, then ava against
// DATABASE_URL, or, when it is unset, against a throwaway embedded PostgreSQL in a temp directory
// that is removed at the end. Extra arguments go to ava; the exit code is ava's. Without test files
// named, ava runs three times: the suite; then, alone, the files that assert elapsed time (the
// daemon's final-to-committed latency), which should measure the product, not the test files
// running beside them; then the loss experiments (test/chaos/), which keep the machine busy for
// minutes (CLI processes started, killed and rerun).
import { spawn } from 'node:child_process';
import { readFileSync } from 'node:fs';
import { join } from 'node:path';
import { fileURLToPath } from 'node:url';

const root = fileURLToPath(new URL('..', import.meta.url));
const tool = (path) => join(root, 'node_modules', path);
const SIGNAL_CODES = { SIGINT: 130, SIGTERM: 143 };
const TIMED = ['test/daemon/daemonClock.test.ts'];
const EXPERIMENTS = 'test/chaos';

let child;
let interrupted;
let server;

/** Runs a node script to completion with inherited output; answers its exit code. */
function run(args, env = process.env) {
  return new Promise((resolve) => {
    child = spawn(process.execPath, args, { cwd: root, env, stdio: 'inherit' });
    child.on('error', (error) => {
      console.error(error.message);
      resolve(1);
    });
    child.on('exit', (code, signal) => {
      child = undefined;
      resolve(code ?? (SIGNAL_CODES[signal] || 1));
    });
  });
}

async function cleanUp() {
  await server?.stop();
  server = undefined;
}

for (const signal of Object.keys(SIGNAL_CODES)) {
  process.on(signal, () => {
    interrupted = signal;
    // A terminal's Ctrl-C reaches the child too; a signal sent to this process alone is passed on.
    if (child) child.kill(signal);
    else cleanUp().finally(() => process.exit(SIGNAL_CODES[signal]));
  });
}

async function main() {
  const checks = [
    ['biome check', [tool('@biomejs/biome/bin/biome'), 'check', '.']],
    ['tsc --noEmit', [tool('typescript/bin/tsc'), '--noEmit', '-p', '.']],
  ];
  for (const [name, args] of checks) {
    const code = await run(args);
    if (interrupted) return SIGNAL_CODES[interrupted];
    if (code !== 0) {
      console.error(`npm test: ${name} failed (exit ${code}); no tests were run`);
      return code;
    }
  }

  const env = { ...process.env };
  if (!env.DATABASE_URL) {
    // The sinks' own embedded-Postgres code, loaded through tsx as bin/nba-ingest.js does.
    const { register } = await import('tsx/esm/api');
    register();
    const { startThrowawayPostgres } = await import('../src/sinks/embeddedPostgres.ts');
    server = await startThrowawayPostgres('nba-ingest-test-');
    env.DATABASE_URL = server.url;
    console.log(`npm test: no DATABASE_URL, so a throwaway embedded PostgreSQL runs on port ${server.port}`);
  }
  const ava = tool('ava/entrypoints/cli.mjs');
  const args = process.argv.slice(2);
  if (args.some((arg) => !arg.startsWith('-'))) return run([ava, ...args], env);
  const { files } = JSON.parse(readFileSync(join(root, 'package.json'), 'utf8')).ava;
  const phases = [[...files, ...TIMED.map((file) => `!${file}`), `!${EXPERIMENTS}`], TIMED, [EXPERIMENTS]];
  let exitCode = 0;
  for (const patterns of phases) {
    const code = await run([ava, ...args, ...patterns], env);
    if (interrupted) return SIGNAL_CODES[interrupted];
    if (exitCode === 0) exitCode = code;
  }
  return exitCode;
}

let exitCode = 1;
try {
  exitCode = await main();
} catch (error) {
  console.error(`npm test: ${error instanceof Error ? error.message : String(error)}`);
} finally {
  await cleanUp();
}
process.exitCode = interrupted ? SIGNAL_CODES[interrupted] : exitCode;
