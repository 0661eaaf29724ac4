// Shared by the replica tests: the season under test (real when the shared data folder exists,
// synthetic otherwise — the same assertions run on both), and Query Tool URLs as a client builds them.

import { PassThrough } from 'node:stream';
import type { ExecutionContext } from 'ava';
import type { ReplicaOptions } from '../../replica/server/options.ts';
import { type Replica, startReplica } from '../../replica/server.ts';
import { testSkeleton } from '../support/season.ts';

export const API_KEY = 'test-key';
export const HEADERS = { 'x-nba-api-key': API_KEY } as const;

export { FORCED_SYNTHETIC, testSkeleton } from '../support/season.ts';

export function replicaFor(options: Omit<ReplicaOptions, 'skeleton'> = {}): Promise<Replica> {
  return startReplica({ skeleton: testSkeleton(), ...options });
}

/** The shot-chart parameters the product sends (previous-implementation.md Q9), for these games. */
export function eventPlayerUrl(
  replica: Replica,
  eventType: string,
  gameIds: readonly string[],
  extra: Record<string, string> = {},
): string {
  // URLSearchParams writes the commas of the GameId list as %2C, as most HTTP clients do.
  const params = new URLSearchParams({
    LeagueId: '00',
    SeasonYear: '2025-26',
    SeasonType: 'Regular Season',
    PerMode: 'Totals',
    SumScope: 'Event',
    Grouping: 'None',
    TeamGrouping: 'Y',
    EventType: eventType,
    MaxRowsReturned: '10000',
    ...extra,
  });
  if (gameIds.length > 0 && !('GameId' in extra)) params.set('GameId', gameIds.join(','));
  for (const [name, value] of Object.entries(extra)) if (value === '') params.delete(name);
  return `${replica.url}/api/querytool/event/player?${params}`;
}

/** A Query Tool URL with the scope every call carries (2025-26 regular season, 10000 rows). */
export function queryToolUrl(replica: Replica, path: string, params: Record<string, string>): string {
  return `${replica.url}/api/querytool/${path}?${new URLSearchParams({
    LeagueId: '00',
    SeasonYear: '2025-26',
    SeasonType: 'Regular Season',
    Grouping: 'None',
    MaxRowsReturned: '10000',
    ...params,
  })}`;
}

/** A writable stream that keeps what is written to it, for a command's stdout or stderr. */
export function capture() {
  const stream = new PassThrough();
  let text = '';
  stream.on('data', (chunk: Buffer) => {
    text += chunk.toString();
  });
  return { stream, text: () => text };
}

/** GET with the test key (or the given headers): status, headers and the parsed JSON body. */
export async function getJson<T = unknown>(url: string, headers: Record<string, string> = HEADERS) {
  const response = await fetch(url, { headers });
  return { status: response.status, headers: response.headers, body: (await response.json()) as T };
}

/** `count` well-formed regular-season ids the season does not have (they add no rows). */
export function unknownGameIds(count: number): string[] {
  return Array.from({ length: count }, (_, index) => `00225${String(90000 + index).padStart(5, '0')}`);
}

/** Rows as served (through JSON) equal the expected ones; a mismatch names the first differing row.
 * Comparing JSON text keeps 10,000-row checks fast, where a deep diff would take seconds. */
export function assertSameRows(
  t: ExecutionContext,
  actual: readonly unknown[],
  expected: readonly unknown[],
): void {
  const expectedJson = expected.map((row) => JSON.stringify(row));
  const actualJson = actual.map((row) => JSON.stringify(row));
  const first = expectedJson.findIndex((row, index) => row !== actualJson[index]);
  if (first >= 0 || actualJson.length !== expectedJson.length) {
    t.deepEqual(
      { rows: actual.length, first, row: actual[first] },
      { rows: expected.length, first, row: expected[first] },
    );
  } else {
    t.pass();
  }
}
