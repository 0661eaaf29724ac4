// The contract between the server and its endpoints: what a handler receives (the parsed request
// and the replica's read-only context) and what it returns (a Reply value).
import type { SeasonIndex } from '../seasonIndex.ts';
import type { FixtureStore } from './fixtures.ts';
import type { ResolvedReplicaOptions } from './options.ts';
import type { QueryParams } from './queryParams.ts';
import type { Reply } from './reply.ts';

export interface EndpointRequest {
  /** Absolute URL as received, echoed in `meta.request`. */
  url: string;
  path: string;
  params: QueryParams;
  endpointKey: string;
}

export interface EndpointContext {
  season: SeasonIndex;
  seed: number;
  options: ResolvedReplicaOptions;
  fixtures: FixtureStore;
  now: () => Date;
}

export interface Endpoint {
  path: string;
  /** The endpoint key of a request (adds the event type on the Query Tool). */
  keyOf(params: QueryParams): string;
  handle(request: EndpointRequest, context: EndpointContext): Promise<Reply>;
}

/** Comma list of game ids as sent, blanks dropped. */
export function gameIdList(params: QueryParams, name = 'GameId'): string[] {
  return (params.get(name) ?? '')
    .split(',')
    .map((id) => id.trim())
    .filter((id) => id !== '');
}

/** A whole-body override for endpoints that are not per game (`<key>/<season or date>.json`). */
export async function bodyFixture(
  context: EndpointContext,
  endpointKey: string,
  name: string,
): Promise<Reply | undefined> {
  const fixture = (await context.fixtures.find(endpointKey, [name])).get(name);
  return fixture?.kind === 'verbatim' ? { status: 200, body: fixture.body, rows: 0 } : undefined;
}
