// The daemon's status endpoints (SPEC §5): GET /healthz answers the health report as JSON, 200 or
// 503, and GET /metrics the Prometheus text. A failing handler answers 500; it never takes the
// daemon down with it.
import { once } from 'node:events';
import { createServer, type IncomingMessage, type ServerResponse } from 'node:http';
import type { AddressInfo } from 'node:net';
import { scrubStrings } from './credentials.ts';
import type { IngestMetrics } from './metrics.ts';

/** The /healthz body; an unhealthy report says why in `reasons`. */
export interface HealthReport {
  readonly healthy: boolean;
  readonly reasons?: readonly string[];
  readonly [key: string]: unknown;
}

export interface StatusServerOptions {
  /** `127.0.0.1` unless told otherwise; `0.0.0.0` (or `::`) for every interface. */
  readonly host: string;
  /** 0 picks a free port; `url` says which. */
  readonly port: number;
  readonly health: () => Promise<HealthReport> | HealthReport;
  readonly metrics: IngestMetrics;
  /** A health check still pending after this long is a failed one (default 5000). */
  readonly healthTimeoutMs?: number;
  /** Told of a handler that failed (answered 500) and of server errors after listening. */
  readonly onError?: (error: unknown) => void;
}

export interface StatusServer {
  /** e.g. `http://127.0.0.1:9464`, with the port actually bound. */
  readonly url: string;
  /** Stops listening, lets requests in flight finish (1 s at most), closes every connection. */
  close(): Promise<void>;
}

const PATHS: ReadonlySet<string> = new Set(['/healthz', '/metrics']);
const ALLOW = 'GET, HEAD';
const CLOSE_GRACE_MS = 1_000;

/**
 * Listens on `host:port` and serves /healthz and /metrics until `close()`. Rejects with the address
 * in the message when it cannot listen (the port is in use, the host is not this machine's).
 *
 * @example
 * const server = await startStatusServer({ host: '127.0.0.1', port: 9464, health, metrics });
 * process.once('SIGTERM', () => void server.close());
 */
export async function startStatusServer(options: StatusServerOptions): Promise<StatusServer> {
  const { host, port, metrics } = options;
  const healthTimeoutMs = options.healthTimeoutMs ?? 5_000;
  if (!Number.isInteger(port) || port < 0 || port > 65_535) {
    throw new RangeError(`status server port must be an integer 0-65535, got ${port}`);
  }
  if (!Number.isFinite(healthTimeoutMs) || healthTimeoutMs <= 0) {
    throw new RangeError(`healthTimeoutMs must be a positive number, got ${healthTimeoutMs}`);
  }
  const onError = options.onError ?? (() => undefined);
  // Responses not yet written out: `close` waits for them before it cuts connections.
  const inFlight = new Set<Promise<void>>();

  const server = createServer((request, response) => {
    const done = new Promise<void>((resolve) => response.once('close', resolve));
    inFlight.add(done);
    void done.then(() => inFlight.delete(done));
    handle(request, response).catch((error: unknown) => {
      onError(error);
      if (!response.headersSent)
        send(response, request, 500, 'text/plain; charset=utf-8', 'internal error\n');
      else response.destroy();
    });
  });

  async function handle(request: IncomingMessage, response: ServerResponse): Promise<void> {
    const path = pathOf(request.url);
    if (!PATHS.has(path)) {
      send(response, request, 404, 'text/plain; charset=utf-8', 'not found\n');
      return;
    }
    if (request.method !== 'GET' && request.method !== 'HEAD') {
      response.setHeader('allow', ALLOW);
      send(response, request, 405, 'text/plain; charset=utf-8', 'method not allowed\n');
      return;
    }
    if (path === '/metrics') {
      send(response, request, 200, metrics.contentType, await metrics.text());
      return;
    }
    // Reasons quote errors (pg's, undici's): a URL in one keeps its host, not its password.
    const report = scrubStrings(await checkHealth(options.health, healthTimeoutMs));
    send(
      response,
      request,
      report.healthy ? 200 : 503,
      'application/json; charset=utf-8',
      `${JSON.stringify(report)}\n`,
    );
  }

  try {
    server.listen(port, host);
    await once(server, 'listening');
  } catch (error) {
    const code = (error as { code?: string }).code;
    const detail = code === 'EADDRINUSE' ? 'the address is already in use' : String(error);
    throw new Error(`status server cannot listen on ${hostPort(host, port)}: ${detail}`, { cause: error });
  }
  server.on('error', onError);
  const address = server.address() as AddressInfo;
  const url = `http://${hostPort(address.address, address.port)}`;

  let closing: Promise<void> | undefined;
  const close = async (): Promise<void> => {
    const closed = new Promise<void>((resolve) => server.close(() => resolve()));
    server.closeIdleConnections();
    let timer: NodeJS.Timeout | undefined;
    const grace = new Promise<void>((resolve) => {
      timer = setTimeout(resolve, CLOSE_GRACE_MS);
    });
    await Promise.race([Promise.allSettled([...inFlight]), grace]);
    clearTimeout(timer);
    // Keep-alive connections would hold `close` open for their idle timeout.
    server.closeAllConnections();
    await closed;
  };
  return {
    url,
    close: () => {
      closing ??= close();
      return closing;
    },
  };
}

/** The report, or a failed one when the check throws or does not answer within `timeoutMs`. */
async function checkHealth(health: StatusServerOptions['health'], timeoutMs: number): Promise<HealthReport> {
  let timer: NodeJS.Timeout | undefined;
  const timeout = new Promise<HealthReport>((resolve) => {
    timer = setTimeout(
      () => resolve(unhealthy(`health check did not answer within ${timeoutMs} ms`)),
      timeoutMs,
    );
  });
  try {
    return await Promise.race([Promise.resolve().then(health), timeout]);
  } catch (error) {
    return unhealthy(`health check failed: ${error instanceof Error ? error.message : String(error)}`);
  } finally {
    clearTimeout(timer);
  }
}

const unhealthy = (reason: string): HealthReport => ({ healthy: false, reasons: [reason] });

function send(
  response: ServerResponse,
  request: IncomingMessage,
  status: number,
  contentType: string,
  body: string,
): void {
  response.statusCode = status;
  response.setHeader('content-type', contentType);
  response.setHeader('content-length', Buffer.byteLength(body));
  response.setHeader('cache-control', 'no-store');
  response.end(request.method === 'HEAD' ? undefined : body);
}

function pathOf(url: string | undefined): string {
  if (url === undefined) return '/';
  const query = url.indexOf('?');
  return query === -1 ? url : url.slice(0, query);
}

/** `host:port`, an IPv6 host in brackets. */
const hostPort = (host: string, port: number): string =>
  host.includes(':') ? `[${host}]:${port}` : `${host}:${port}`;

/** Where `--http 9464` and `--http :9464` listen: this machine only, since the endpoints need no login. */
const DEFAULT_LISTEN_HOST = '127.0.0.1';

/**
 * The `--http` value: `9464` or `:9464` (loopback only), `host:9464`, `0.0.0.0:9464` (every IPv4
 * interface), `[::1]:9464`. Port 0 picks a free one.
 *
 * @example
 * parseListenAddress(':9464');          // { host: '127.0.0.1', port: 9464 }
 * parseListenAddress('0.0.0.0:9464');   // { host: '0.0.0.0', port: 9464 }
 * parseListenAddress('[::1]:9464');     // { host: '::1', port: 9464 }
 */
export function parseListenAddress(value: string): { host: string; port: number } {
  const bad = (why: string) =>
    new Error(
      `listen address "${value}": ${why} (expected [host:]port, e.g. 9464, 127.0.0.1:9464, 0.0.0.0:9464, [::1]:9464)`,
    );
  const trimmed = value.trim();
  if (trimmed.includes('://')) throw bad('a listen address has no scheme');
  const colon = trimmed.lastIndexOf(':');
  if (colon === -1 && !/^\d+$/.test(trimmed)) throw bad('no port');
  const hostPart = colon === -1 ? '' : trimmed.slice(0, colon);
  const portPart = trimmed.slice(colon + 1);
  let host: string;
  if (hostPart === '') host = DEFAULT_LISTEN_HOST;
  else if (hostPart.startsWith('[')) {
    if (!/^\[[0-9A-Fa-f:.]*:[0-9A-Fa-f:.]*(%[\w.-]+)?\]$/.test(hostPart)) throw bad('not an IPv6 address');
    host = hostPart.slice(1, -1);
  } else if (hostPart.includes(':')) throw bad('an IPv6 host goes in brackets');
  else if (!/^[A-Za-z0-9]([A-Za-z0-9.-]*[A-Za-z0-9])?$/.test(hostPart))
    throw bad('not a host name or address');
  else host = hostPart;
  if (portPart === '') throw bad('no port');
  if (!/^\d+$/.test(portPart)) throw bad(`port "${portPart}" is not a number`);
  const port = Number(portPart);
  if (port > 65_535) throw bad(`port ${port} is out of range 0-65535`);
  return { host, port };
}
