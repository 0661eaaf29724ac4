// Secrets never leave the process: a URL's password is scrubbed from logged errors and /healthz
// reasons, a base URL that carries credentials is refused without being echoed, and the status
// server listens on loopback unless told otherwise.
import { mkdtemp, readFile, rm } from 'node:fs/promises';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import test from 'ava';
import { readEnvironment } from '../../src/config.ts';
import { scrubCredentials, scrubStrings } from '../../src/credentials.ts';
import { EXIT, ExitError } from '../../src/exitCodes.ts';
import { createLogger } from '../../src/logger.ts';
import { IngestMetrics } from '../../src/metrics.ts';
import { parseListenAddress, startStatusServer } from '../../src/statusServer.ts';

const PASSWORD = 'Pw:@/x9%!q';
const ENCODED = encodeURIComponent(PASSWORD);

test('scrubCredentials keeps scheme, user and host of a URL and drops its password', (t) => {
  t.is(
    scrubCredentials(`connect postgres://etl:${ENCODED}@db.internal:5432/nba failed`),
    'connect postgres://etl:***@db.internal:5432/nba failed',
  );
  t.is(scrubCredentials('http://user:s3cret@api.example/v0/x?a=1'), 'http://user:***@api.example/v0/x?a=1');
  t.is(scrubCredentials('http://:s3cret@host/'), 'http://:***@host/');
  // A password typed with a raw @ runs to the authority's last one.
  t.is(scrubCredentials('postgres://etl:p@ss@db/nba'), 'postgres://etl:***@db/nba');
  t.is(
    scrubCredentials('postgres://etl@db/nba?password=s3cret&ssl=1'),
    'postgres://etl@db/nba?password=***&ssl=1',
  );
  t.is(scrubCredentials('postgres://etl@db/nba'), 'postgres://etl@db/nba');
  t.is(
    scrubCredentials('HTTP 401 from /api/querytool/event/player'),
    'HTTP 401 from /api/querytool/event/player',
  );
});

test('scrubStrings scrubs every string of a nested value and keeps the rest', (t) => {
  t.deepEqual(
    scrubStrings({
      reasons: ['down: postgres://a:b@h/d'],
      n: 3,
      ok: false,
      none: null,
      at: { url: 'http://u:p@h/' },
    }),
    { reasons: ['down: postgres://a:***@h/d'], n: 3, ok: false, none: null, at: { url: 'http://u:***@h/' } },
  );
});

test('an error logged with a URL password in its message, stack and cause is written without it', async (t) => {
  const directory = await mkdtemp(join(tmpdir(), 'nba-log-'));
  try {
    const file = join(directory, 'run.log');
    const logger = createLogger({ level: 'trace', file });
    const cause = new Error(`getaddrinfo failed for postgres://etl:${ENCODED}@db/nba`);
    const error = new Error(`cannot reach postgres://etl:${ENCODED}@db/nba`, { cause });
    logger.error({ err: error }, 'cycle failed');
    logger.warn({ err: `lost http://user:${ENCODED}@db/x` }, 'as text');
    logger.info({ databaseUrl: `postgres://etl:${ENCODED}@db/nba`, apiKey: 'key-1' }, 'by path');
    logger.flush();
    await new Promise((resolve) => setTimeout(resolve, 200));
    const text = await readFile(file, 'utf8');
    const lines = text.trim().split('\n');
    t.is(lines.length, 3);
    t.false(text.includes(ENCODED));
    t.false(text.includes(PASSWORD));
    t.false(text.includes('key-1'));
    const [first, second, third] = lines.map((line) => JSON.parse(line));
    // pino's serialiser joins the causes' messages and stacks into the error's own.
    t.is(
      first.err.message,
      'cannot reach postgres://etl:***@db/nba: getaddrinfo failed for postgres://etl:***@db/nba',
    );
    t.true((first.err.stack as string).startsWith('Error: cannot reach postgres://etl:***@db/nba\n'));
    t.true(
      (first.err.stack as string).includes(
        'caused by: Error: getaddrinfo failed for postgres://etl:***@db/nba\n',
      ),
    );
    t.is(second.err, 'lost http://user:***@db/x');
    t.is(third.databaseUrl, '[redacted]');
    t.is(third.apiKey, '[redacted]');
  } finally {
    await rm(directory, { recursive: true, force: true });
  }
});

test('NBA_API_BASE_URL with a user or password is a configuration error that does not echo them', (t) => {
  for (const url of [`http://user:${ENCODED}@api.example/v0`, 'https://onlyuser@api.example/v0']) {
    const error = t.throws(() => readEnvironment({ NBA_API_BASE_URL: url }), { instanceOf: ExitError });
    t.is(error?.exitCode, EXIT.configuration);
    t.is(
      error?.message,
      'NBA_API_BASE_URL: must not carry a user or password (user:password@…): the API key goes in NBA_API_KEY',
    );
  }
  t.is(
    readEnvironment({ NBA_API_BASE_URL: 'http://127.0.0.1:8080' }).NBA_API_BASE_URL,
    'http://127.0.0.1:8080',
  );
});

test('/healthz reasons that quote a URL password are served without it', async (t) => {
  const server = await startStatusServer({
    ...parseListenAddress('0'),
    health: () => ({
      healthy: false,
      reasons: [`the database is unreachable: postgres://etl:${ENCODED}@db/nba`],
    }),
    metrics: new IngestMetrics({ defaultMetrics: false }),
  });
  try {
    t.regex(server.url, /^http:\/\/127\.0\.0\.1:\d+$/);
    const response = await fetch(`${server.url}/healthz`);
    t.is(response.status, 503);
    t.deepEqual(await response.json(), {
      healthy: false,
      reasons: ['the database is unreachable: postgres://etl:***@db/nba'],
    });
  } finally {
    await server.close();
  }
});
