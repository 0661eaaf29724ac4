// What the replica has been asked and how it answered: calls per endpoint key, statuses, rows
// served, faults injected, and a log of recent calls, so tests can assert on upstream traffic.
import type { FaultKind } from './faults.ts';

export interface ReplicaCall {
  endpoint: string;
  /** null when no status was sent (connection reset, hang). */
  status: number | null;
  /** Game ids listed in the request (0 when it had none). */
  gameIds: number;
  /** The names of the query parameters sent, as sent: what a test checks a call never omits. */
  paramNames: string[];
  rowsReturned: number;
  fault: FaultKind | null;
}

export interface ReplicaStats {
  requests: number;
  byEndpoint: Record<string, number>;
  byStatus: Record<string, number>;
  rowsServed: number;
  rowsByEndpoint: Record<string, number>;
  faults: Partial<Record<FaultKind, number>>;
  /** The most recent calls, oldest first (bounded, see CALL_LOG_LIMIT). */
  calls: ReplicaCall[];
}

const CALL_LOG_LIMIT = 10_000;

export class StatsRecorder {
  #stats: ReplicaStats = emptyStats();

  record(call: ReplicaCall): void {
    const stats = this.#stats;
    stats.requests += 1;
    stats.byEndpoint[call.endpoint] = (stats.byEndpoint[call.endpoint] ?? 0) + 1;
    if (call.status !== null) stats.byStatus[call.status] = (stats.byStatus[call.status] ?? 0) + 1;
    stats.rowsServed += call.rowsReturned;
    stats.rowsByEndpoint[call.endpoint] = (stats.rowsByEndpoint[call.endpoint] ?? 0) + call.rowsReturned;
    if (call.fault) stats.faults[call.fault] = (stats.faults[call.fault] ?? 0) + 1;
    stats.calls.push(call);
    if (stats.calls.length > CALL_LOG_LIMIT) stats.calls.shift();
  }

  /** A copy: later calls do not change a snapshot already taken. */
  snapshot(): ReplicaStats {
    return structuredClone(this.#stats);
  }

  reset(): void {
    this.#stats = emptyStats();
  }
}

function emptyStats(): ReplicaStats {
  return {
    requests: 0,
    byEndpoint: {},
    byStatus: {},
    rowsServed: 0,
    rowsByEndpoint: {},
    faults: {},
    calls: [],
  };
}
