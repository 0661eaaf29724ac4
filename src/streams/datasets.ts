// The datasets a run can load, by the name used in `--datasets`, coverage and the ledger.
import { advancedBox, advancedBoxTeam } from './advancedBox.ts';
import { boxScoreTraditional } from './boxScoreTraditional.ts';
import type { Dataset } from './dataset.ts';
import { defensive } from './defensive.ts';
import { gameLineups } from './gameLineups.ts';
import { hustleBox, hustleEvents } from './hustle.ts';
import { playByPlay } from './playByPlay.ts';
import { playersOnCourt } from './playersOnCourt.ts';
import { EVENT_STREAMS } from './queryToolEvents.ts';
import { playerAggregates, teamAggregates } from './seasonAggregates.ts';
import { seasonLineups } from './seasonLineups.ts';
import { shotChart } from './shotChart.ts';
import { tracking } from './tracking.ts';
import { violations, violationsTeam } from './violations.ts';

export const DATASETS: ReadonlyMap<string, Dataset> = new Map(
  [
    shotChart,
    tracking,
    advancedBox,
    advancedBoxTeam,
    defensive,
    violations,
    violationsTeam,
    gameLineups,
    ...EVENT_STREAMS,
    seasonLineups,
    boxScoreTraditional,
    playByPlay,
    playersOnCourt,
    hustleBox,
    hustleEvents,
    playerAggregates,
    teamAggregates,
  ].map((dataset) => [dataset.name, dataset]),
);

/** `--datasets shot_chart,…` to declarations; unknown names are reported all at once. */
export function resolveDatasets(list: string): Dataset[] | { unknown: string[] } {
  const names = [
    ...new Set(
      list
        .split(',')
        .map((name) => name.trim())
        .filter(Boolean),
    ),
  ];
  const unknown = names.filter((name) => !DATASETS.has(name));
  if (unknown.length > 0 || names.length === 0) return { unknown: unknown.length > 0 ? unknown : [list] };
  return names.map((name) => DATASETS.get(name) as Dataset);
}

/**
 * Season-wide datasets (season lineups in TeamId batches, the aggregates) cost the same calls
 * whatever games a run selects: they belong in season backfills, not in a refresh or the daemon's
 * per-game loop (seed notes).
 */
export function isSeasonWide(dataset: Dataset): boolean {
  return dataset.unit === 'team' || dataset.unit === 'season';
}

/** Every dataset, or — for runs over some games only — those loaded per game. */
export function defaultDatasets(options: { readonly seasonWide: boolean }): Dataset[] {
  return [...DATASETS.values()].filter((dataset) => options.seasonWide || !isSeasonWide(dataset));
}
