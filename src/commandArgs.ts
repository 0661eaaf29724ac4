// Command-line arguments of every subcommand: node:util parseArgs, strict, with mistakes reported
// as usage errors (exit 64) in the CLI's own words.
import { parseArgs } from 'node:util';
import { EXIT, ExitError } from './exitCodes.ts';

/** node:util parseArgs with usage errors as exit 64. */
export function parseCommandArgs(
  args: readonly string[],
  options: NonNullable<Parameters<typeof parseArgs>[0]>['options'],
): Record<string, unknown> {
  try {
    const { values, positionals } = parseArgs({
      args: [...args],
      options,
      strict: true,
      allowPositionals: true,
    });
    if (positionals.length > 0) throw new ExitError(EXIT.usage, `unexpected argument "${positionals[0]}"`);
    return values;
  } catch (error) {
    if (error instanceof ExitError) throw error;
    throw new ExitError(EXIT.usage, error instanceof Error ? error.message : String(error));
  }
}

/** The options of every command that talks to upstream and loads: backfill and the daemon. */
export const INGEST_OPTIONS = {
  datasets: { type: 'string' },
  'batch-policy': { type: 'string' },
  'batch-size': { type: 'string' },
  concurrency: { type: 'string' },
  'legacy-concurrency': { type: 'string' },
  'max-rows': { type: 'string' },
  rate: { type: 'string' },
  burst: { type: 'string' },
  'log-level': { type: 'string' },
  'log-file': { type: 'string' },
  help: { type: 'boolean', short: 'h' },
} as const;
