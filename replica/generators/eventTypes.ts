// The `/event/player` event types the replica can serve, each with its row generator. Adding an
// event type means writing its generator and listing it here.
import type { SeasonIndex } from '../seasonIndex.ts';
import type { Game } from '../skeleton.ts';
import { defensiveEventRows } from './defensiveEvents.ts';
import { fieldGoalRows } from './fieldGoals.ts';
import type { PlayerEventRow } from './playerEventRow.ts';
import { trackingDriveRows } from './trackingDrives.ts';
import { trackingIsolationRows, trackingPostUpRows } from './trackingMatchups.ts';
import { trackingPassRows } from './trackingPasses.ts';
import { trackingShotRows } from './trackingShots.ts';

export type EventRowGenerator = (season: SeasonIndex, game: Game, seed: number) => PlayerEventRow<object>[];

export const PLAYER_EVENT_GENERATORS = {
  FieldGoals: fieldGoalRows,
  TrackingShots: trackingShotRows,
  TrackingPasses: trackingPassRows,
  DefensiveEvents: defensiveEventRows,
  TrackingDrives: trackingDriveRows,
  TrackingIsolations: trackingIsolationRows,
  TrackingPostUps: trackingPostUpRows,
} as const satisfies Record<string, EventRowGenerator>;

export type PlayerEventType = keyof typeof PLAYER_EVENT_GENERATORS;
