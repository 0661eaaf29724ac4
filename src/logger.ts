// The process logger: pino JSON lines on stderr (or a file), with secrets redacted by path and
// URLs scrubbed of credentials, configured once at start.
import { closeSync, mkdirSync, openSync } from 'node:fs';
import { dirname } from 'node:path';
import pino, { type Logger } from 'pino';
import { scrubStrings } from './credentials.ts';
import { EXIT, ExitError } from './exitCodes.ts';

export interface LoggerOptions {
  readonly level: string;
  readonly file?: string | undefined;
}

/** Paths are compiled once by pino; they never come from input. */
const REDACT_PATHS = [
  'apiKey',
  '*.apiKey',
  'password',
  '*.password',
  'databaseUrl',
  '*.databaseUrl',
  'connectionString',
  '*.connectionString',
  'headers["x-nba-api-key"]',
  '*.headers["x-nba-api-key"]',
  'err.*.headers["x-nba-api-key"]',
];

export function createLogger(options: LoggerOptions): Logger {
  if (options.file) checkLogFile(options.file);
  const destination = options.file
    ? pino.destination({ dest: options.file, mkdir: true, sync: false })
    : pino.destination(2);
  return pino(
    {
      level: options.level,
      base: { pid: process.pid },
      redact: { paths: REDACT_PATHS, censor: '[redacted]' },
      // Errors are the one place a library's words reach a line: a URL in them loses its password.
      serializers: { err: scrubbedError },
      timestamp: pino.stdTimeFunctions.isoTime,
    },
    destination,
  );
}

/** pino's error serialiser (type, message, stack, cause, own properties), then every string scrubbed. */
function scrubbedError(value: unknown): unknown {
  return scrubStrings(value instanceof Error ? pino.stdSerializers.err(value) : value);
}

/** Fails at start, with the flag's name, rather than as an unhandled stream error mid-run. */
export function checkLogFile(file: string): void {
  try {
    mkdirSync(dirname(file), { recursive: true });
    closeSync(openSync(file, 'a'));
  } catch (error) {
    const reason = (error as NodeJS.ErrnoException).code ?? String(error);
    throw new ExitError(EXIT.usage, `--log-file: cannot write ${file} (${reason})`);
  }
}
