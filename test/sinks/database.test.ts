import { type ChildProcess, spawn } from 'node:child_process';
import { once } from 'node:events';
import { appendFile, chmod, mkdir, mkdtemp, readFile, rm, writeFile } from 'node:fs/promises';
import { createServer } from 'node:net';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { fileURLToPath } from 'node:url';
import test from 'ava';
import { DatabaseError, openDatabase, redactUrl } from '../../src/sinks/database.ts';
import { serverUrl } from '../support/database.ts';

const REPO = fileURLToPath(new URL('../../', import.meta.url));
let directory = '';

test.before(async () => {
  directory = await mkdtemp(join(tmpdir(), 'nba-embedded-'));
  // As root, PostgreSQL runs as the postgres OS user, which must be able to enter the directory.
  await chmod(directory, 0o755);
});
test.after.always(async () => {
  if (directory) await rm(directory, { recursive: true, force: true });
});

async function unusedPort(): Promise<number> {
  const server = createServer().listen(0, '127.0.0.1');
  await once(server, 'listening');
  const address = server.address();
  server.close();
  return typeof address === 'object' && address ? address.port : 0;
}

test('a password never appears in a redacted URL', (t) => {
  t.is(
    redactUrl(new URL('postgres://nba:s3cr%40t@db.example:5433/nba?sslmode=require&sslpassword=x')),
    'postgres://nba:***@db.example:5433/nba?sslmode=require&sslpassword=***',
  );
  t.is(
    redactUrl(new URL('postgres://postgres@127.0.0.1:5432/test')),
    'postgres://postgres@127.0.0.1:5432/test',
  );
});

test('a URL opens a pool named nba-ingest', async (t) => {
  const database = await openDatabase({ databaseUrl: serverUrl() });
  try {
    t.false(database.embedded);
    const result = await database.pool.query("SELECT current_setting('application_name') AS name");
    t.is(result.rows[0].name, 'nba-ingest');
  } finally {
    await database.close();
    await database.close();
  }
});

test('a URL that is wrong is a configuration error; a server that is down is unavailable', async (t) => {
  const notUrl = await t.throwsAsync(openDatabase({ databaseUrl: 'localhost:5432/nba' }), {
    instanceOf: DatabaseError,
  });
  t.is(notUrl?.kind, 'configuration');
  await t.throwsAsync(openDatabase({ databaseUrl: 'mysql://root@localhost/nba' }), {
    message: 'DATABASE_URL must start with postgres://, not mysql://',
  });

  const missing = new URL(serverUrl());
  missing.pathname = '/nba_no_such_database';
  const noDatabase = await t.throwsAsync(openDatabase({ databaseUrl: missing.href }), {
    instanceOf: DatabaseError,
  });
  t.is(noDatabase?.kind, 'configuration');
  t.is(noDatabase?.message, `the database does not exist (${redactUrl(missing)})`);

  const port = await unusedPort();
  const down = await t.throwsAsync(openDatabase({ databaseUrl: `postgres://nba:pw@127.0.0.1:${port}/nba` }), {
    instanceOf: DatabaseError,
  });
  t.is(down?.kind, 'unavailable');
  t.is(
    down?.message,
    `nothing accepts connections at the database address (postgres://nba:***@127.0.0.1:${port}/nba)`,
  );
});

test.serial(
  'without a URL, embedded PostgreSQL starts on a free port and a second start reuses it',
  async (t) => {
    const dataDir = join(directory, 'postgres');
    const first = await openDatabase({ dataDir });
    let port = '';
    try {
      t.true(first.embedded);
      port = new URL(first.url).port;
      t.not(port, '5432');
      t.regex(first.url, /^postgres:\/\/postgres:\*\*\*@127\.0\.0\.1:\d+\/nba$/);
      const name = await first.pool.query('SELECT current_database() AS name');
      t.is(name.rows[0].name, 'nba');
      await first.pool.query('CREATE TABLE kept (value text)');
      await first.pool.query("INSERT INTO kept VALUES ('from the first run')");
    } finally {
      await first.close();
    }

    const second = await openDatabase({ dataDir });
    try {
      const kept = await second.pool.query('SELECT value FROM kept');
      t.deepEqual(kept.rows, [{ value: 'from the first run' }]);
      // The embedded server checks passwords: a wrong one is a configuration error.
      const wrong = `postgres://postgres:wrong@127.0.0.1:${new URL(second.url).port}/nba`;
      const refused = await t.throwsAsync(openDatabase({ databaseUrl: wrong }), {
        instanceOf: DatabaseError,
      });
      t.is(refused?.kind, 'configuration');
    } finally {
      await second.close();
    }
    t.is((await readFile(`${dataDir}.password`, 'utf8')).trim().length, 24);
  },
);

test.serial('a stale postmaster.pid left by a killed run does not stop the next start', async (t) => {
  const dataDir = join(directory, 'postgres');
  // pid 1 is alive but is not a postgres process, as after a container restart
  await writeFile(join(dataDir, 'postmaster.pid'), `1\n${dataDir}\n1700000000\n5432\n`);
  const database = await openDatabase({ dataDir });
  try {
    const result = await database.pool.query('SELECT count(*)::int AS n FROM kept');
    t.is(result.rows[0].n, 1);
  } finally {
    await database.close();
  }
});

test.serial('a server orphaned by a killed process is stopped and started afresh', async (t) => {
  const dataDir = join(directory, 'postgres');
  const holder = holdEmbedded(dataDir);
  const [line] = (await once(holder.stdout ?? holder, 'data')) as [Buffer];
  t.regex(line.toString(), /^READY \d+/);
  holder.kill('SIGKILL');
  await once(holder, 'exit');
  const orphan = Number((await readFile(join(dataDir, 'postmaster.pid'), 'utf8')).split('\n')[0]);
  t.notThrows(() => process.kill(orphan, 0));

  const database = await openDatabase({ dataDir });
  try {
    t.throws(() => process.kill(orphan, 0), { code: 'ESRCH' });
    const result = await database.pool.query('SELECT count(*)::int AS n FROM kept');
    t.is(result.rows[0].n, 1);
  } finally {
    await database.close();
  }
});

test.serial(
  'a data directory PostgreSQL cannot start in fails with the reason, without hanging',
  async (t) => {
    const dataDir = join(directory, 'broken');
    const database = await openDatabase({ dataDir });
    await database.close();
    await appendFile(join(dataDir, 'postgresql.conf'), '\nbogus_setting = 1\n');
    const error = await t.throwsAsync(openDatabase({ dataDir }), { instanceOf: DatabaseError });
    t.is(error?.kind, 'configuration');
    t.regex(
      error?.message ?? '',
      /^could not start PostgreSQL in .*broken: .*unrecognized configuration parameter "bogus_setting"/,
    );

    await writeFile(join(directory, 'not-a-cluster', 'notes.txt'), 'mine', { flag: 'w' }).catch(async () => {
      await mkdir(join(directory, 'not-a-cluster'));
      await writeFile(join(directory, 'not-a-cluster', 'notes.txt'), 'mine');
    });
    await t.throwsAsync(openDatabase({ dataDir: join(directory, 'not-a-cluster') }), {
      message: `${join(directory, 'not-a-cluster')} is not empty and is not a PostgreSQL data directory`,
    });
  },
);

/** Another process that starts the embedded server in `dataDir`, says READY, and waits to be killed. */
function holdEmbedded(dataDir: string): ChildProcess {
  const module = new URL('../../src/sinks/embeddedPostgres.ts', import.meta.url).href;
  const script =
    `const { startEmbeddedPostgres } = await import(${JSON.stringify(module)});` +
    `const server = await startEmbeddedPostgres({ dataDir: ${JSON.stringify(dataDir)} });` +
    "console.log('READY', server.port); setInterval(() => {}, 1000);";
  return spawn(process.execPath, ['--import', 'tsx', '--input-type=module', '-e', script], {
    cwd: REPO,
    stdio: ['ignore', 'pipe', 'inherit'],
  });
}
