// The datasets a run can load, by the name used in `--datasets`, coverage and the ledger.
import type { QueryToolDataset } from './dataset.ts';
import { shotChart } from './shotChart.ts';
import { tracking } from './tracking.ts';

export const DATASETS: ReadonlyMap<string, QueryToolDataset> = new Map(
  [shotChart, tracking].map((dataset) => [dataset.name, dataset]),
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
