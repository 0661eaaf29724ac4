// The one classifier of upstream failures: every HTTP status, transport error and malformed body
// becomes an UpstreamError whose `kind` decides the action (wait, split, retry, fail) downstream.
import type { ClassifiedError, ErrorKind } from '../operators/errorKind.ts';

export class UpstreamError extends Error implements ClassifiedError {
  readonly kind: ErrorKind;
  /** HTTP status, or null when no response arrived (reset, timeout, refused). */
  readonly status: number | null;
  /** Short machine-readable cause, e.g. `http_414`, `connection_reset`, `not_json`. */
  readonly reason: string;
  readonly retryAfterMs?: number;

  constructor(
    kind: ErrorKind,
    reason: string,
    status: number | null,
    message: string,
    retryAfterMs?: number,
  ) {
    super(message);
    this.name = 'UpstreamError';
    this.kind = kind;
    this.reason = reason;
    this.status = status;
    if (retryAfterMs !== undefined) this.retryAfterMs = retryAfterMs;
  }
}

/** The error kind an HTTP status stands for (SPEC §4). */
export function kindOfStatus(status: number): ErrorKind {
  if (status === 429) return 'throttled';
  if (status === 414) return 'size';
  if (status >= 500) return 'transient';
  if (status === 408) return 'transient';
  return 'permanent';
}

/**
 * Milliseconds to wait according to a Retry-After header: either delay-seconds or an HTTP-date.
 * Returns undefined when absent or unreadable, so the caller falls back to its own backoff.
 */
export function parseRetryAfter(header: string | string[] | undefined, nowMs: number): number | undefined {
  const value = Array.isArray(header) ? header[0] : header;
  if (value === undefined || value.trim() === '') return undefined;
  const trimmed = value.trim();
  if (/^\d+(\.\d+)?$/.test(trimmed)) return Math.round(Number(trimmed) * 1000);
  const at = Date.parse(trimmed);
  if (Number.isNaN(at)) return undefined;
  return Math.max(0, at - nowMs);
}

/** Failures that say a query was too expensive for the host, not that the host had a hiccup. */
export const COST_REASONS: ReadonlySet<string> = new Set(['http_504', 'headers_timeout', 'body_timeout']);

/** Whether `error` is one of COST_REASONS. */
export const isCostly = (error: unknown): boolean =>
  error instanceof UpstreamError && COST_REASONS.has(error.reason);

const TRANSPORT_REASONS: Readonly<Record<string, string>> = {
  UND_ERR_CONNECT_TIMEOUT: 'connect_timeout',
  UND_ERR_HEADERS_TIMEOUT: 'headers_timeout',
  UND_ERR_BODY_TIMEOUT: 'body_timeout',
  UND_ERR_SOCKET: 'connection_reset',
  ECONNRESET: 'connection_reset',
  ECONNREFUSED: 'connection_refused',
  // The host's name does not resolve: a wrong NBA_API_BASE_URL or no network.
  ENOTFOUND: 'host_not_found',
  EAI_AGAIN: 'host_not_found',
  EPIPE: 'connection_reset',
  UND_ERR_CLOSED: 'connection_closed',
  UND_ERR_RES_CONTENT_LENGTH_MISMATCH: 'body_incomplete',
};

/** A transport-level failure (no usable response) as an UpstreamError; everything here is transient. */
export function fromTransportError(error: unknown): UpstreamError {
  if (error instanceof UpstreamError) return error;
  const code = (error as { code?: string } | null)?.code ?? '';
  const cause = (error as { cause?: { code?: string } } | null)?.cause?.code ?? '';
  const reason = TRANSPORT_REASONS[code] ?? TRANSPORT_REASONS[cause] ?? 'transport_error';
  const message = error instanceof Error ? error.message : String(error);
  return new UpstreamError('transient', reason, null, `${reason}: ${message}`);
}
