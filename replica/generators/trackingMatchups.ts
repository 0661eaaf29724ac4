// TrackingIsolations and TrackingPostUps rows of `/event/player` for one game: each play is a
// one-on-one, two rows on its eventNumber — the player with the ball and his defender — with the
// play's outcome on both. About 25 isolation rows and 20 post-up rows a game. Pure in (season, game, seed).
import type { SeasonIndex } from '../seasonIndex.ts';
import type { SeededRandom } from '../seededRandom.ts';
import type { Game } from '../skeleton.ts';
import {
  type EventStreamShape,
  eventStreamRows,
  type Flag,
  flag,
  type PlayRow,
  type PlayTeams,
  pickPlayer,
  pointAround,
} from './eventStream.ts';
import type { PlayerEventRow } from './playerEventRow.ts';
import type { CourtPoint } from './shotLocation.ts';

/** The play from both sides: OFFENSE 1 on the ball handler's row, DEFENSE 1 on his defender's. */
export interface MatchupStats {
  OFFENSE: Flag;
  DEFENSE: Flag;
  FGA: Flag;
  /** At most FGA. */
  FGM: Flag;
  /** 2 for a made two, 3 for a made three, else 0. */
  PTS: number;
  TOV: Flag;
  /** A shooting foul drawn by the ball handler. */
  PF: Flag;
}

export type MatchupRow = PlayerEventRow<MatchupStats>;

interface MatchupShape {
  eventType: string;
  playsPerGame: number;
  /** Where the one-on-one starts. */
  spot(random: SeededRandom): CourtPoint;
  threeShare: number;
}

function matchupShape(matchup: MatchupShape): EventStreamShape<MatchupStats> {
  return {
    eventType: matchup.eventType,
    playsPerGame: matchup.playsPerGame,
    // Teams isolate and post up by style, much more in some games than in others.
    spread: 0.4,
    play(random: SeededRandom, { offense, defense }: PlayTeams): PlayRow<MatchupStats>[] {
      const shot = random.chance(0.7);
      const three = shot && random.chance(matchup.threeShare);
      const made = shot && random.chance(three ? 0.36 : 0.48);
      const foul = !shot && random.chance(0.4);
      const outcome = {
        FGA: flag(shot),
        FGM: flag(made),
        PTS: made ? (three ? 3 : 2) : 0,
        TOV: flag(!shot && !foul),
        PF: flag(foul),
      };
      const point = matchup.spot(random);
      return [
        { player: pickPlayer(random, offense), point, stats: { OFFENSE: 1, DEFENSE: 0, ...outcome } },
        { player: pickPlayer(random, defense), point, stats: { OFFENSE: 0, DEFENSE: 1, ...outcome } },
      ];
    },
  };
}

const isolations = matchupShape({
  eventType: 'TrackingIsolations',
  // 12 plays × 2 rows ≈ 24 rows a game (SPEC §2.1: under 50, even in four overtimes).
  playsPerGame: 12,
  spot: (random) => pointAround(random, random.between(200, 270), 80),
  threeShare: 0.35,
});

const postUps = matchupShape({
  eventType: 'TrackingPostUps',
  // 10 plays × 2 rows ≈ 20 rows a game (SPEC §2.1: under 50).
  playsPerGame: 10,
  // The low and mid post, either side of the lane.
  spot: (random) => ({ x: random.int(50, 130) * (random.chance(0.5) ? -1 : 1), y: random.int(-20, 120) }),
  threeShare: 0,
});

export function trackingIsolationRows(season: SeasonIndex, game: Game, seed: number): MatchupRow[] {
  return eventStreamRows(isolations, season, game, seed);
}

export function trackingPostUpRows(season: SeasonIndex, game: Game, seed: number): MatchupRow[] {
  return eventStreamRows(postUps, season, game, seed);
}
