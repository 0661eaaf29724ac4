// Entry point to the season skeleton: load the real 2025-26 season from the shared data folder, or
// generate a synthetic one, and sum the totals that generated rows must agree with.
import { existsSync } from 'node:fs';
import { fileURLToPath } from 'node:url';
import { loadRealSkeleton } from './skeleton/realSkeleton.ts';
import { syntheticSkeleton } from './skeleton/syntheticSkeleton.ts';
import type { Skeleton } from './skeleton/types.ts';

export type * from './skeleton/types.ts';

export interface SkeletonOptions {
  /** Folder holding the real data (`swar__nba_api/...`); without it the season is synthetic. */
  dataDir?: string;
  /** Seed of the synthetic season (ignored for the real one). Default 1. */
  seed?: number;
  /** Games in the synthetic season. Default 1230, a full regular season. */
  syntheticGames?: number;
}

/** `../shared/data/real` beside the repository, when that folder exists (independent of the cwd). */
export function defaultDataDir(): string | undefined {
  const dir = fileURLToPath(new URL('../../shared/data/real', import.meta.url));
  return existsSync(dir) ? dir : undefined;
}

export function loadSkeleton(options: SkeletonOptions = {}): Skeleton {
  if (options.dataDir !== undefined) {
    if (!existsSync(options.dataDir)) throw new Error(`data directory ${options.dataDir} does not exist`);
    return loadRealSkeleton(options.dataDir);
  }
  const games = options.syntheticGames ?? 1230;
  if (!Number.isInteger(games) || games < 1)
    throw new Error(`syntheticGames must be a positive integer, got ${games}`);
  return syntheticSkeleton({ seed: options.seed ?? 1, games });
}

export interface GameTeamShooting {
  gameId: string;
  teamId: number;
  fga: number;
  fgm: number;
  fg3a: number;
  fg3m: number;
}

export interface SkeletonTotals {
  games: number;
  fga: number;
  fgm: number;
  fg3a: number;
  fg3m: number;
  /** One entry per game and team, in skeleton game order, home side first. */
  byGameTeam: GameTeamShooting[];
}

/** The field-goal totals a faithful shot chart of this skeleton must reproduce. */
export function skeletonTotals(skeleton: Skeleton): SkeletonTotals {
  const byGameTeam = skeleton.games.flatMap((game) =>
    [game.home, game.away].map(({ teamId, box }) => ({
      gameId: game.id,
      teamId,
      fga: box.fga,
      fgm: box.fgm,
      fg3a: box.fg3a,
      fg3m: box.fg3m,
    })),
  );
  const sum = (pick: (entry: GameTeamShooting) => number) =>
    byGameTeam.reduce((total, entry) => total + pick(entry), 0);
  return {
    games: skeleton.games.length,
    fga: sum((entry) => entry.fga),
    fgm: sum((entry) => entry.fgm),
    fg3a: sum((entry) => entry.fg3a),
    fg3m: sum((entry) => entry.fg3m),
    byGameTeam,
  };
}
