// The NBA API replica: a local HTTP server that answers like https://api.nba.com/v0 from a season
// skeleton. Each request goes through upstream's gates in order — URL length (414), route (404), API
// key (401), rate limit (429), injected faults — then its endpoint, the latency model, and the wire.
// Each request is answered at one instant of the replica's clock (virtual when `clock` is set): its
// Date header, its meta.time and which games are final.
import { createServer, type IncomingMessage, type ServerResponse } from 'node:http';
import type { AddressInfo } from 'node:net';
import { setTimeout as sleep } from 'node:timers/promises';
import { indexSeason } from './seasonIndex.ts';
import { boxscoreEndpoint } from './server/boxscoreEndpoint.ts';
import type { Endpoint, EndpointContext } from './server/endpoint.ts';
import { endpointRouter, requestedGameCount } from './server/endpoint.ts';
import { eventPlayerEndpoint } from './server/eventPlayerEndpoint.ts';
import { faultedReply } from './server/faultReplies.ts';
import { DATA_FAULTS, type FaultKind, FaultPlan, STATUS_FAULTS } from './server/faults.ts';
import { FixtureStore } from './server/fixtures.ts';
import { gameLineupsEndpoint } from './server/gameLineupsEndpoint.ts';
import { gamePlayerEndpoint } from './server/gamePlayerEndpoint.ts';
import { gameTeamEndpoint } from './server/gameTeamEndpoint.ts';
import {
  hustleBoxScoreEndpoint,
  hustleEventsEndpoint,
  hustleFolderEndpoint,
} from './server/hustleEndpoints.ts';
import {
  type FaultsOption,
  type ReplicaOptions,
  resolveFaults,
  resolveReplicaOptions,
} from './server/options.ts';
import { pbpEndpoint } from './server/pbpEndpoint.ts';
import { pocEndpoint } from './server/pocEndpoint.ts';
import { QueryParams } from './server/queryParams.ts';
import { playerIndexEndpoint, teamIndexEndpoint } from './server/referenceIndexEndpoints.ts';
import { type ReplicaStats, StatsRecorder } from './server/replicaStats.ts';
import { errorReply, type Reply } from './server/reply.ts';
import { scheduleEndpoint } from './server/scheduleEndpoint.ts';
import { scoreboardEndpoint } from './server/scoreboardEndpoint.ts';
import { statsPlayerEndpoint, statsTeamEndpoint } from './server/seasonAggregatesEndpoint.ts';
import { seasonLineupsEndpoint } from './server/seasonLineupsEndpoint.ts';
import { type ReplicaClock, SeasonTimeline } from './server/seasonTimeline.ts';
import { TokenBucket } from './server/tokenBucket.ts';
import { VirtualClock } from './server/virtualClock.ts';
import { loadSkeleton, type Skeleton } from './skeleton.ts';

export type { FaultKind } from './server/faults.ts';
export type { PostponedText } from './server/gameProgress.ts';
export type { FaultsOption, ReplicaOptions } from './server/options.ts';
export type { ReplicaCall, ReplicaStats } from './server/replicaStats.ts';
export { type ReplicaClock, revisedSeed } from './server/seasonTimeline.ts';

export interface Replica {
  /** Base URL, e.g. http://127.0.0.1:43123 (paths start with /api/...). */
  url: string;
  skeleton: Skeleton;
  /**
   * The seed of generated rows: generators called with it compute exactly what is served (for a
   * corrected game, with `seedOf(gameId)`).
   */
  seed: number;
  /** The virtual clock and the games' timeline on it; null when the replica runs in real time. */
  clock: ReplicaClock | null;
  stats(): ReplicaStats;
  resetStats(): void;
  /**
   * A stat correction of a game: from the next request on, every per-game payload of it (Query
   * Tool rows, box score, play-by-play, players on court, hustle) is generated anew, still adding up
   * to the skeleton's box totals, and season aggregates change with it. Returns its new revision
   * (1, 2, ...). Throws for a game the season does not have.
   */
  correct(gameId: string): number;
  /**
   * The game never starts: status 1 with `gameStatusText` PPD (or Cancelled) in the scoreboard and
   * the schedule, no data anywhere, out of every season-wide total.
   */
  postpone(gameId: string, text?: 'PPD' | 'Cancelled'): void;
  /**
   * A stale scoreboard: it keeps the game live (status 2, its last period at 0:00, "Q4 0:00") once
   * it is final; the schedule and the data endpoints tell the truth.
   */
  holdLive(gameId: string): void;
  /** Replaces the `faults` option from the next request on (validated the same way; `{}` lifts all). */
  setFaults(faults: FaultsOption): void;
  /** The seed a game's rows are generated with now: `seed`, until `correct` revises it. */
  seedOf(gameId: string): number;
  close(): Promise<void>;
}

const ENDPOINTS: readonly Endpoint[] = [
  eventPlayerEndpoint,
  gamePlayerEndpoint,
  scheduleEndpoint,
  scoreboardEndpoint,
  teamIndexEndpoint,
  playerIndexEndpoint,
  gameTeamEndpoint,
  gameLineupsEndpoint,
  seasonLineupsEndpoint,
  boxscoreEndpoint,
  pbpEndpoint,
  pocEndpoint,
  hustleBoxScoreEndpoint,
  hustleEventsEndpoint,
  // After the two feeds: the router tries file patterns in this order.
  hustleFolderEndpoint,
  statsPlayerEndpoint,
  statsTeamEndpoint,
];
const JSON_TYPE = 'application/json; charset=utf-8';

export async function startReplica(options: ReplicaOptions = {}): Promise<Replica> {
  const resolved = resolveReplicaOptions(options);
  const skeleton =
    resolved.skeleton ??
    loadSkeleton({ dataDir: resolved.dataDir, seed: resolved.seed, syntheticGames: resolved.syntheticGames });
  const season = indexSeason(skeleton);
  const clock = resolved.clock
    ? new VirtualClock(new Date(resolved.clock.start), resolved.clock.speed)
    : null;
  const timeline = new SeasonTimeline(season, resolved.seed, clock);
  const shared = {
    season,
    seed: resolved.seed,
    options: resolved,
    fixtures: new FixtureStore(resolved.fixturesDir),
  };
  const route = endpointRouter(ENDPOINTS);
  const bucket = resolved.rateLimit
    ? new TokenBucket(resolved.rateLimit.ratePerSecond, resolved.rateLimit.burst)
    : null;
  const faults = new FaultPlan(resolved.faults);
  const stats = new StatsRecorder();
  const closing = new AbortController();

  async function serve(request: IncomingMessage, response: ServerResponse): Promise<void> {
    const now = timeline.now();
    const rawUrl = request.url ?? '/';
    const target = new URL(rawUrl, 'http://replica.invalid');
    const params = new QueryParams(target.searchParams);
    const endpoint = route(target.pathname);
    const endpointKey = endpoint ? endpoint.keyOf(params) : 'unknown';
    const gameIds = requestedGameCount(endpoint, target.pathname, params);
    const paramNames = Object.keys(params.asSent());
    const finish = (reply: Reply, fault: FaultKind | null = null) => {
      stats.record({
        endpoint: endpointKey,
        status: reply.status,
        gameIds,
        paramNames,
        rowsReturned: reply.rows,
        fault,
      });
      if (fault === 'truncatedBody' || fault === 'stalledBody') sendPart(response, reply, now, fault);
      else send(response, reply, now);
    };
    const waitFor = async (rows: number) => {
      const ms = resolved.latency.baseMs + (rows * resolved.latency.perRowUs) / 1000;
      if (ms > 0) await sleep(ms, undefined, { signal: closing.signal });
    };

    const length = decodedLength(rawUrl);
    if (length > resolved.maxUrlLength) {
      return finish(
        errorReply(414, { uri: [`request target is ${length} bytes, more than ${resolved.maxUrlLength}`] }),
      );
    }
    if (!endpoint) return finish(errorReply(404, { path: [`no endpoint at ${target.pathname}`] }));
    if (request.method !== 'GET') {
      return finish(
        errorReply(405, { method: [`${request.method} is not allowed; use GET`] }, { allow: 'GET' }),
      );
    }
    const key = request.headers['x-nba-api-key'];
    const keyValid =
      typeof key === 'string' && key !== '' && (resolved.apiKey === undefined || key === resolved.apiKey);
    if (!keyValid) return finish(errorReply(401, { 'X-NBA-Api-Key': ['missing or invalid API key'] }));
    const admission = bucket?.take() ?? { admitted: true };
    if (!admission.admitted) {
      const retryAfter = String(admission.retryAfterSeconds);
      return finish(errorReply(429, { rateLimit: ['rate limit exceeded'] }, { 'retry-after': retryAfter }));
    }

    const fault = faults.decide(endpointKey, endpoint.path, rawUrl);
    if (fault && (fault.kind === 'reset' || fault.kind === 'hang')) {
      stats.record({
        endpoint: endpointKey,
        status: null,
        gameIds,
        paramNames,
        rowsReturned: 0,
        fault: fault.kind,
      });
      // A hung request stays open until the client gives up or the replica closes.
      if (fault.kind === 'reset') request.socket.destroy();
      return;
    }
    const faultStatus = fault ? STATUS_FAULTS[fault.kind] : undefined;
    if (fault && faultStatus !== undefined) {
      await waitFor(0);
      const headers =
        faultStatus === 429 ? { 'retry-after': retryAfter(fault.kind, fault.config, now) } : undefined;
      return finish(errorReply(faultStatus, { fault: [`injected ${faultStatus}`] }, headers), fault.kind);
    }

    const host = request.headers.host ?? `${resolved.host}:${resolved.port}`;
    const context: EndpointContext = { ...shared, now: () => now, state: timeline.at(now) };
    const endpointRequest = { url: `http://${host}${rawUrl}`, path: target.pathname, params, endpointKey };
    let reply: Reply;
    try {
      reply = await endpoint.handle(endpointRequest, context);
    } catch (error) {
      reply = errorReply(500, { server: [error instanceof Error ? error.message : String(error)] });
    }
    if (fault && DATA_FAULTS.has(fault.kind)) {
      const faulted = await faultedReply(fault.kind, reply, { endpoint, request: endpointRequest, context });
      await waitFor(reply.rows);
      // A data fault with nothing to change in this answer is not injected: the real one goes out.
      return finish(faulted ?? reply, faulted ? fault.kind : null);
    }
    await waitFor(reply.rows);
    finish(reply, fault?.kind ?? null);
  }

  // Idle keep-alive connections stay open a minute: a server that closes one as a busy client reuses
  // it (Node's default is 5 s) makes the client's request fail with a reset that upstream never sends.
  const server = createServer({ maxHeaderSize: 64 * 1024, keepAliveTimeout: 60_000 }, (request, response) => {
    serve(request, response).catch((error: unknown) => {
      // Only a closing replica cuts a latency wait short; anything else is a replica bug.
      if (!closing.signal.aborted)
        response.destroy(error instanceof Error ? error : new Error(String(error)));
    });
  });
  await new Promise<void>((resolve, reject) => {
    server.once('error', reject);
    server.listen(resolved.port, resolved.host, () => {
      server.off('error', reject);
      resolve();
    });
  });
  const { port } = server.address() as AddressInfo;

  return {
    url: `http://${resolved.host}:${port}`,
    skeleton,
    seed: resolved.seed,
    clock: timeline.replicaClock(),
    stats: () => stats.snapshot(),
    resetStats: () => stats.reset(),
    correct: (gameId) => timeline.correct(gameId),
    postpone: (gameId, text = 'PPD') => timeline.postpone(gameId, text),
    holdLive: (gameId) => timeline.holdLive(gameId),
    setFaults: (next) => faults.configure(resolveFaults(next)),
    seedOf: (gameId) => timeline.seedOf(gameId),
    close: () =>
      new Promise<void>((resolve, reject) => {
        closing.abort();
        server.close((error) => (error ? reject(error) : resolve()));
        server.closeAllConnections();
      }),
  };
}

/** Length of path + query once percent-decoded, so `,` and `%2C` in a GameId list cost the same. */
function decodedLength(rawUrl: string): number {
  try {
    return Buffer.byteLength(decodeURIComponent(rawUrl));
  } catch {
    return Buffer.byteLength(rawUrl);
  }
}

/** The Date header is the replica's now (virtual on a clock): a client reads upstream's time from it. */
function send(response: ServerResponse, reply: Reply, now: Date): void {
  if (response.destroyed) return;
  response.writeHead(reply.status, {
    'content-type': JSON_TYPE,
    'content-length': Buffer.byteLength(reply.body),
    date: now.toUTCString(),
    ...reply.headers,
  });
  response.end(reply.body);
}

/** Retry-After of an injected 429: delay-seconds, or (`429Date`) an HTTP date on the replica's clock. */
function retryAfter(kind: FaultKind, config: { retryAfterSeconds: number }, now: Date): string {
  if (kind !== '429Date') return String(config.retryAfterSeconds);
  return new Date(now.getTime() + config.retryAfterSeconds * 1000).toUTCString();
}

/**
 * Headers announce the whole body and half of it is written; then `truncatedBody` cuts the
 * connection, `stalledBody` sends nothing more and leaves it open (until the client gives up or
 * the replica closes).
 */
function sendPart(
  response: ServerResponse,
  reply: Reply,
  now: Date,
  fault: 'truncatedBody' | 'stalledBody',
): void {
  if (response.destroyed) return;
  const body = Buffer.from(reply.body);
  response.writeHead(reply.status, {
    'content-type': JSON_TYPE,
    'content-length': body.length,
    date: now.toUTCString(),
    ...reply.headers,
  });
  const half = body.subarray(0, Math.floor(body.length / 2));
  if (fault === 'stalledBody') response.write(half);
  else response.write(half, () => response.destroy());
}
