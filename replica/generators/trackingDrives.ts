// TrackingDrives rows of `/event/player` for one game: one row per drive, by a player of the team with
// the ball, one or two drives per play, about 150 rows a game; each drive ends in a shot, a pass, a
// turnover or a foul drawn. Pure in (season, game, seed).
import type { SeasonIndex } from '../seasonIndex.ts';
import type { Game } from '../skeleton.ts';
import {
  type EventStreamShape,
  eventStreamRows,
  type Flag,
  flag,
  type PlayRow,
  pickPlayer,
  pointAround,
} from './eventStream.ts';
import type { PlayerEventRow } from './playerEventRow.ts';

export interface DriveStats {
  DRIVES: 1;
  DRIVE_FGA: Flag;
  /** At most DRIVE_FGA. */
  DRIVE_FGM: Flag;
  /** 2 for a made drive, else 0. */
  DRIVE_PTS: number;
  DRIVE_PASSES: Flag;
  DRIVE_TOV: Flag;
  DRIVE_PF: Flag;
}

export type TrackingDriveRow = PlayerEventRow<DriveStats>;

const OUTCOMES = ['shot', 'pass', 'turnover', 'foul'] as const;
const OUTCOME_WEIGHTS = [0.45, 0.4, 0.07, 0.08];

const shape: EventStreamShape<DriveStats> = {
  eventType: 'TrackingDrives',
  // 110 plays × 1.35 drives ≈ 150 rows a game (SPEC §2.1: under 200).
  playsPerGame: 110,
  spread: 0.1,
  play(random, { offense }) {
    const drives = random.chance(0.35) ? 2 : 1;
    const rows: PlayRow<DriveStats>[] = [];
    for (let drive = 0; drive < drives; drive++) {
      const outcome = OUTCOMES[random.weightedIndex(OUTCOME_WEIGHTS)];
      const made = outcome === 'shot' && random.chance(0.52);
      rows.push({
        player: pickPlayer(random, offense),
        // Where the drive starts: on the perimeter.
        point: pointAround(random, random.between(170, 260), 85),
        stats: {
          DRIVES: 1,
          DRIVE_FGA: flag(outcome === 'shot'),
          DRIVE_FGM: flag(made),
          DRIVE_PTS: made ? 2 : 0,
          DRIVE_PASSES: flag(outcome === 'pass'),
          DRIVE_TOV: flag(outcome === 'turnover'),
          DRIVE_PF: flag(outcome === 'foul'),
        },
      });
    }
    return rows;
  },
};

export function trackingDriveRows(season: SeasonIndex, game: Game, seed: number): TrackingDriveRow[] {
  return eventStreamRows(shape, season, game, seed);
}
