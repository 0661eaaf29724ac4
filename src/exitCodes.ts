// Exit codes (sysexits, SPEC §5) and the error that carries one from wherever a run fails to main.
import { isConnectionLost } from './sinks/connectionLoss.ts';
import { DatabaseError } from './sinks/databaseError.ts';

export const EXIT = {
  ok: 0,
  usage: 64,
  dataError: 65,
  unavailable: 69,
  internal: 70,
  temporaryFailure: 75,
  configuration: 78,
  interrupted: 130,
} as const;

export type ExitCode = (typeof EXIT)[keyof typeof EXIT];

/** A failure the user should see as one clear message and an exit code, without a stack trace. */
export class ExitError extends Error {
  readonly exitCode: ExitCode;
  constructor(exitCode: ExitCode, message: string) {
    super(message);
    this.name = 'ExitError';
    this.exitCode = exitCode;
  }
}

/**
 * The exit code of a run that ended in `error`: the code an ExitError carries, 78 or 69 for a
 * database that cannot be used, 75 for a connection lost mid-run (safe to rerun), 70 for a bug.
 */
export function exitCodeOf(error: unknown): ExitCode {
  if (error instanceof ExitError) return error.exitCode;
  if (error instanceof DatabaseError)
    return error.kind === 'configuration' ? EXIT.configuration : EXIT.unavailable;
  if (isConnectionLost(error)) return EXIT.temporaryFailure;
  return EXIT.internal;
}

/**
 * The exit code for games that failed, by reason: a rejected API key or a missing endpoint (a wrong
 * base URL) is configuration, an unreachable or unresolvable host is unavailability, throttling and persistent 5xx are temporary (safe to rerun),
 * anything else (schema, truncation that cannot be split, 400) is a data error.
 * Calls refused by an open circuit breaker (`circuit_open`) are unavailability too, and so are the
 * timeouts and 5xx beside them: they are the failures that opened it.
 */
export function exitCodeForFailures(reasons: readonly string[]): ExitCode {
  if (reasons.length === 0) return EXIT.ok;
  // 401/403: the key is rejected; 404: no such endpoint, so the base URL is wrong.
  if (reasons.some((reason) => /http_40[134]/.test(reason))) return EXIT.configuration;
  const unavailable = /connection_refused|connect_timeout|host_not_found|circuit_open/;
  if (reasons.every((reason) => unavailable.test(reason))) return EXIT.unavailable;
  const temporary =
    /throttled|http_429|persistent_|http_5\d\d|timeout|connection_|body_incomplete|split_budget/;
  const retryable = (reason: string) => unavailable.test(reason) || temporary.test(reason);
  if (reasons.includes('circuit_open') && reasons.every(retryable)) return EXIT.unavailable;
  if (reasons.every((reason) => temporary.test(reason))) return EXIT.temporaryFailure;
  return EXIT.dataError;
}
