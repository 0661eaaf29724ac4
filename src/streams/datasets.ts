// The datasets a run can load, by the name used in `--datasets`, coverage and the ledger.
import { advancedBox, advancedBoxTeam } from './advancedBox.ts';
import type { QueryToolDataset } from './dataset.ts';
import { defensive } from './defensive.ts';
import { gameLineups } from './gameLineups.ts';
import { EVENT_STREAMS } from './queryToolEvents.ts';
import { seasonLineups } from './seasonLineups.ts';
import { shotChart } from './shotChart.ts';
import { tracking } from './tracking.ts';
import { violations, violationsTeam } from './violations.ts';

export const DATASETS: ReadonlyMap<string, QueryToolDataset> = new Map(
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
  ].map((dataset) => [dataset.name, dataset]),
);

/** `--datasets shot_chart,…` to declarations; unknown names are reported all at once. */
export function resolveDatasets(list: string): QueryToolDataset[] | { unknown: string[] } {
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
  return names.map((name) => DATASETS.get(name) as QueryToolDataset);
}
