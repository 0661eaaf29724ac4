// The human-readable run summary printed at the end of a backfill (the JSON one is the same object).
import { UNAVAILABLE_RECHECK_MINUTES } from './sinks/coverage.ts';
import type { BackfillSummary, DatasetUnit } from './streams/backfill.ts';

const number = new Intl.NumberFormat('en-US');
const UNITS: Readonly<Record<DatasetUnit, string>> = { game: 'game', team: 'team', season: 'season' };

export function formatSummary(summary: BackfillSummary): string {
  const lines = [
    `${summary.dryRun ? 'dry run' : `run ${summary.runId}`} · ${summary.season} ${summary.seasonType} · ${summary.outcome} (exit ${summary.exitCode})`,
    `final games selected: ${number.format(summary.finalGames)}${summary.notFinalGames ? ` (${summary.notFinalGames} more not final yet)` : ''}`,
  ];
  if (summary.finalGames === 0) {
    lines.push(
      `nothing to load: no final game of ${summary.season} ${summary.seasonType} matches the selection (check --season, --season-type, --since, --until)`,
    );
  }
  for (const d of summary.datasets) {
    const measures = Object.entries(d.callsByMeasure)
      .map(([measure, count]) => `${measure} ${count}`)
      .join(', ');
    lines.push(
      `${d.dataset}: ${number.format(d.gamesLoaded)} ${UNITS[d.unit]}s ${summary.dryRun ? 'fetched and checked (dry run: nothing written)' : 'loaded'}, ${number.format(d.gamesSkipped)} already covered, ${number.format(d.gamesFailed)} failed${d.gamesUnavailable + d.gamesWaiting ? `, ${number.format(d.gamesUnavailable + d.gamesWaiting)} not published upstream yet (asked again ${UNAVAILABLE_RECHECK_MINUTES} min after the last try)` : ''}`,
      `  rows ${number.format(d.rows)} (inserted ${number.format(d.rowsInserted)}, updated ${number.format(d.rowsUpdated)}, unchanged ${number.format(d.rowsUnchanged)})`,
      `  calls ${d.calls}${measures ? ` (${measures})` : ''}, floor ${d.floorCalls.rows} by rows (${d.floorCalls.requests} within request limits), splits ${d.splits}, retries ${d.retries}, throttled waits ${d.throttledWaits}`,
    );
    if (d.droppedUnrequested || d.outOfRange || d.duplicates || d.quarantined) {
      lines.push(
        `  rows of unrequested games dropped ${number.format(d.droppedUnrequested)}, repeated rows kept once ${number.format(d.duplicates)}, values out of range stored as NULL ${number.format(d.outOfRange)}, quarantine entries ${number.format(d.quarantined)}`,
      );
    }
    for (const [reason, rows] of Object.entries(d.dropped))
      lines.push(`  not stored by rule: ${number.format(rows)} row(s), ${reason}`);
    for (const [reason, count] of Object.entries(d.failures))
      lines.push(`  failed: ${number.format(count)} ${UNITS[d.unit]}(s), ${reason}`);
  }
  const stages = Object.entries(summary.stageMs)
    .map(([stage, ms]) => `${stage} ${number.format(ms)} ms`)
    .join(', ');
  lines.push(
    `${summary.calls} upstream calls (${summary.referenceCalls} for teams, players and schedule), ${number.format(summary.rows)} rows in ${summary.seconds.toFixed(1)} s (${number.format(summary.rowsPerSecond)} rows/s), peak RSS ${summary.peakRssMb} MB`,
    `stage time summed over the batches in flight: ${stages}`,
  );
  return `${lines.join('\n')}\n`;
}
