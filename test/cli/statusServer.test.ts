// The daemon's /healthz and /metrics over real HTTP on a free port: status codes and bodies, the
// methods and paths it refuses, a close that does not wait on keep-alive connections, and --http.
import test from 'ava';
import { Agent, request } from 'undici';
import { IngestMetrics } from '../../src/metrics.ts';
import {
  type HealthReport,
  parseListenAddress,
  type StatusServer,
  type StatusServerOptions,
  startStatusServer,
} from '../../src/statusServer.ts';

const metricsOnly = () => new IngestMetrics({ defaultMetrics: false });

async function withServer(
  options: Partial<StatusServerOptions>,
  run: (server: StatusServer) => Promise<void>,
): Promise<void> {
  const server = await startStatusServer({
    host: '127.0.0.1',
    port: 0,
    health: () => ({ healthy: true }),
    metrics: metricsOnly(),
    ...options,
  });
  try {
    await run(server);
  } finally {
    await server.close();
  }
}

/** One request on a connection of its own, its body read whole. */
async function get(url: string, method: 'GET' | 'HEAD' | 'POST' | 'PUT' | 'DELETE' = 'GET') {
  const dispatcher = new Agent({ pipelining: 0 });
  try {
    const response = await request(url, { method, dispatcher });
    return {
      status: response.statusCode,
      headers: response.headers,
      body: await response.body.text(),
    };
  } finally {
    await dispatcher.close();
  }
}

test('/healthz answers 200 and the report as JSON when healthy', async (t) => {
  const report: HealthReport = { healthy: true, role: 'active', lastCycleAt: '2026-01-15T12:00:00.000Z' };
  await withServer({ health: () => report }, async (server) => {
    const response = await get(`${server.url}/healthz`);
    t.is(response.status, 200);
    t.is(response.headers['content-type'], 'application/json; charset=utf-8');
    t.is(response.headers['cache-control'], 'no-store');
    t.deepEqual(JSON.parse(response.body), report);
  });
});

test('/healthz answers 503 and the reasons when unhealthy, also from an async check', async (t) => {
  const report: HealthReport = { healthy: false, reasons: ['database unreachable', 'last cycle 900 s ago'] };
  await withServer({ health: async () => report }, async (server) => {
    const response = await get(`${server.url}/healthz`);
    t.is(response.status, 503);
    t.is(response.headers['content-type'], 'application/json; charset=utf-8');
    t.deepEqual(JSON.parse(response.body), report);
  });
});

test('a health check that throws or rejects is a 503 naming the failure', async (t) => {
  await withServer(
    {
      health: () => {
        throw new Error('pool is closed');
      },
    },
    async (server) => {
      const response = await get(`${server.url}/healthz`);
      t.is(response.status, 503);
      t.deepEqual(JSON.parse(response.body), {
        healthy: false,
        reasons: ['health check failed: pool is closed'],
      });
    },
  );
  await withServer({ health: () => Promise.reject(new Error('timeout expired')) }, async (server) => {
    const response = await get(`${server.url}/healthz`);
    t.is(response.status, 503);
    t.deepEqual(JSON.parse(response.body), {
      healthy: false,
      reasons: ['health check failed: timeout expired'],
    });
  });
});

test('a health check that does not answer in time is a 503', async (t) => {
  await withServer(
    { health: () => new Promise<HealthReport>(() => {}), healthTimeoutMs: 50 },
    async (server) => {
      const response = await get(`${server.url}/healthz`);
      t.is(response.status, 503);
      t.deepEqual(JSON.parse(response.body), {
        healthy: false,
        reasons: ['health check did not answer within 50 ms'],
      });
    },
  );
});

test('/metrics answers the Prometheus text with its content type', async (t) => {
  const metrics = metricsOnly();
  metrics.setGamesPending(7);
  await withServer({ metrics }, async (server) => {
    const response = await get(`${server.url}/metrics`);
    t.is(response.status, 200);
    t.is(response.headers['content-type'], 'text/plain; version=0.0.4; charset=utf-8');
    t.is(response.body, await metrics.text());
    t.true(response.body.split('\n').includes('nba_ingest_games_pending 7'));
  });
});

test('HEAD answers like GET without a body', async (t) => {
  await withServer({ health: () => ({ healthy: false, reasons: ['standby'] }) }, async (server) => {
    for (const path of ['/healthz', '/metrics']) {
      const full = await get(`${server.url}${path}`);
      const head = await get(`${server.url}${path}`, 'HEAD');
      t.is(head.status, full.status, path);
      t.is(head.headers['content-type'], full.headers['content-type'], path);
      t.is(head.headers['content-length'], String(Buffer.byteLength(full.body)), path);
      t.is(head.body, '', path);
    }
  });
});

test('other paths are 404, a query string is ignored', async (t) => {
  await withServer({}, async (server) => {
    for (const path of ['/', '/health', '/healthz/', '/metrics/x', '/favicon.ico']) {
      t.is((await get(`${server.url}${path}`)).status, 404, path);
    }
    t.is((await get(`${server.url}/healthz?verbose=1`)).status, 200);
    t.is((await get(`${server.url}/metrics?name[]=x`)).status, 200);
  });
});

test('other methods are 405 with Allow: GET, HEAD', async (t) => {
  await withServer({}, async (server) => {
    for (const method of ['POST', 'PUT', 'DELETE'] as const) {
      const response = await get(`${server.url}/metrics`, method);
      t.is(response.status, 405, method);
      t.is(response.headers.allow, 'GET, HEAD', method);
    }
  });
});

test('a handler that fails answers 500, reports the error, and the server keeps serving', async (t) => {
  class BrokenMetrics extends IngestMetrics {
    override async text(): Promise<string> {
      throw new Error('collector failed');
    }
  }
  const errors: unknown[] = [];
  await withServer(
    { metrics: new BrokenMetrics({ defaultMetrics: false }), onError: (error) => errors.push(error) },
    async (server) => {
      const response = await get(`${server.url}/metrics`);
      t.is(response.status, 500);
      t.is(response.body, 'internal error\n');
      t.deepEqual(
        errors.map((error) => (error as Error).message),
        ['collector failed'],
      );
      t.is((await get(`${server.url}/healthz`)).status, 200);
    },
  );
});

test('close resolves promptly with an idle keep-alive connection open, and stops serving', async (t) => {
  const server = await startStatusServer({
    host: '127.0.0.1',
    port: 0,
    health: () => ({ healthy: true }),
    metrics: metricsOnly(),
  });
  const dispatcher = new Agent({ keepAliveTimeout: 60_000 });
  try {
    const response = await request(`${server.url}/healthz`, { dispatcher });
    t.is(response.statusCode, 200);
    await response.body.text();
    const started = performance.now();
    await server.close();
    t.true(performance.now() - started < 500, `close took ${performance.now() - started} ms`);
    await t.throwsAsync(get(`${server.url}/healthz`), { code: 'ECONNREFUSED' });
    await server.close();
  } finally {
    await dispatcher.destroy();
  }
});

test('close lets a request in flight finish, and cuts one that hangs after a grace period', async (t) => {
  // Each check says when it is asked, so that close() comes while the request is in the handler.
  let asked: () => void = () => {};
  const askedOnce = () =>
    new Promise<void>((resolve) => {
      asked = resolve;
    });
  let answer: (report: HealthReport) => void = () => {};
  const slow = new Promise<HealthReport>((resolve) => {
    answer = resolve;
  });
  const server = await startStatusServer({
    host: '127.0.0.1',
    port: 0,
    health: () => {
      asked();
      return slow;
    },
    metrics: metricsOnly(),
    healthTimeoutMs: 60_000,
  });
  let inHandler = askedOnce();
  const inFlight = get(`${server.url}/healthz`);
  await inHandler;
  const closed = server.close();
  setTimeout(() => answer({ healthy: true, finished: 'during close' }), 50);
  const response = await inFlight;
  t.is(response.status, 200);
  t.deepEqual(JSON.parse(response.body), { healthy: true, finished: 'during close' });
  await closed;

  const hung = await startStatusServer({
    host: '127.0.0.1',
    port: 0,
    health: () => {
      asked();
      return new Promise<HealthReport>(() => {});
    },
    metrics: metricsOnly(),
    healthTimeoutMs: 60_000,
  });
  inHandler = askedOnce();
  const hanging = get(`${hung.url}/healthz`);
  await inHandler;
  const started = performance.now();
  await hung.close();
  const ms = performance.now() - started;
  t.true(ms >= 900 && ms < 3_000, `close took ${ms} ms`);
  await t.throwsAsync(hanging);
});

test('a port in use rejects with a message naming host:port', async (t) => {
  await withServer({}, async (server) => {
    const port = Number(new URL(server.url).port);
    await t.throwsAsync(
      startStatusServer({
        host: '127.0.0.1',
        port,
        health: () => ({ healthy: true }),
        metrics: metricsOnly(),
      }),
      { message: `status server cannot listen on 127.0.0.1:${port}: the address is already in use` },
    );
  });
});

test('the url names the port bound, an IPv6 host in brackets', async (t) => {
  await withServer({}, async (server) => {
    t.regex(server.url, /^http:\/\/127\.0\.0\.1:\d+$/);
    t.not(new URL(server.url).port, '0');
  });
  await withServer({ host: '::1' }, async (server) => {
    t.regex(server.url, /^http:\/\/\[::1\]:\d+$/);
    t.is((await get(`${server.url}/healthz`)).status, 200);
  });
});

test('a port outside 0-65535 is refused before listening', async (t) => {
  await t.throwsAsync(
    startStatusServer({
      host: '127.0.0.1',
      port: 70_000,
      health: () => ({ healthy: true }),
      metrics: metricsOnly(),
    }),
    { message: 'status server port must be an integer 0-65535, got 70000' },
  );
});

test('parseListenAddress reads port and :port as loopback only, host:port and [ipv6]:port', (t) => {
  t.deepEqual(parseListenAddress('9464'), { host: '127.0.0.1', port: 9464 });
  t.deepEqual(parseListenAddress(':9464'), { host: '127.0.0.1', port: 9464 });
  t.deepEqual(parseListenAddress('0'), { host: '127.0.0.1', port: 0 });
  t.deepEqual(parseListenAddress('0.0.0.0:9464'), { host: '0.0.0.0', port: 9464 });
  t.deepEqual(parseListenAddress('127.0.0.1:9464'), { host: '127.0.0.1', port: 9464 });
  t.deepEqual(parseListenAddress('localhost:0'), { host: 'localhost', port: 0 });
  t.deepEqual(parseListenAddress('[::1]:9464'), { host: '::1', port: 9464 });
  t.deepEqual(parseListenAddress('[::]:65535'), { host: '::', port: 65535 });
  t.deepEqual(parseListenAddress('metrics.internal:9100'), { host: 'metrics.internal', port: 9100 });
});

test('parseListenAddress refuses a value without a port, a bad port or a bad host', (t) => {
  const refuses = (value: string, why: string) =>
    t.throws(() => parseListenAddress(value), {
      message: `listen address "${value}": ${why} (expected [host:]port, e.g. 9464, 127.0.0.1:9464, 0.0.0.0:9464, [::1]:9464)`,
    });
  refuses('99999', 'port 99999 is out of range 0-65535');
  refuses('-1', 'no port');
  refuses('localhost', 'no port');
  refuses('localhost:', 'no port');
  refuses(':', 'no port');
  refuses(':65536', 'port 65536 is out of range 0-65535');
  refuses(':99999999', 'port 99999999 is out of range 0-65535');
  refuses(':http', 'port "http" is not a number');
  refuses(':-1', 'port "-1" is not a number');
  refuses(':94.64', 'port "94.64" is not a number');
  refuses('::1:9464', 'an IPv6 host goes in brackets');
  refuses('[localhost]:9464', 'not an IPv6 address');
  refuses('[]:9464', 'not an IPv6 address');
  refuses('local host:9464', 'not a host name or address');
  refuses('http://localhost:9464', 'a listen address has no scheme');
});
