// Who played in a game, and for how long: about 11 players per team drawn from the team's roster
// (weighted by games played), with decimal minutes that add up exactly to the team's MIN in the box
// (to the hundredth), no player above the game's length. Every `/game/player` measure builds on it,
// so a player has a row in one measure exactly when he has one in the others.
import type { RosterEntry, SeasonIndex } from '../seasonIndex.ts';
import { SeededRandom } from '../seededRandom.ts';
import type { Game, GameSide } from '../skeleton.ts';

export interface Participant {
  side: GameSide;
  entry: RosterEntry;
  /** Decimal minutes, two places. */
  minutes: number;
}

const MIN_PLAYERS = 10;
const MAX_PLAYERS = 12;

/** Home players first, then away, each side in roster (player id) order. Pure in (season, game, seed). */
export function gameParticipants(season: SeasonIndex, game: Game, seed: number): Participant[] {
  const random = new SeededRandom(`Participants:${seed}:${game.id}`);
  return [game.home, game.away].flatMap((side) => sideParticipants(season, game, side, random));
}

function sideParticipants(
  season: SeasonIndex,
  game: Game,
  side: GameSide,
  random: SeededRandom,
): Participant[] {
  const entries = season.rosters.get(side.teamId)?.entries ?? [];
  const count = Math.min(entries.length, random.int(MIN_PLAYERS, MAX_PLAYERS));
  const weights = entries.map((entry) => entry.season.gp);
  const chosen: number[] = [];
  while (chosen.length < count) {
    const index = random.weightedIndex(weights);
    if (index < 0) break;
    chosen.push(index);
    weights[index] = 0;
  }
  chosen.sort((a, b) => a - b);
  const players = chosen.map((index) => entries[index] as RosterEntry);
  const minuteWeights = players.map(
    ({ season: s }) => Math.max(1, s.min / Math.max(1, s.gp)) * random.between(0.8, 1.2),
  );
  const hundredths = splitHundredths(Math.round(side.box.min * 100), minuteWeights, game.periods);
  return players.map((entry, index) => ({ side, entry, minutes: (hundredths[index] ?? 0) / 100 }));
}

/**
 * `total` hundredths of a minute in proportion to `weights` (largest remainder, so the parts add up
 * exactly), each part at most the game's length: a capped player's excess goes to the others.
 */
function splitHundredths(total: number, weights: readonly number[], periods: number): number[] {
  const cap = (48 + 5 * Math.max(0, periods - 4)) * 100;
  const parts = weights.map(() => 0);
  const capped = new Set<number>();
  let remaining = total;
  for (let round = 0; round < weights.length && remaining > 0; round++) {
    const open = weights.map((_, index) => index).filter((index) => !capped.has(index));
    const sum = open.reduce((acc, index) => acc + (weights[index] ?? 0), 0);
    if (open.length === 0 || sum <= 0) break;
    const exact = open.map((index) => (remaining * (weights[index] ?? 0)) / sum);
    const floors = exact.map(Math.floor);
    let left = remaining - floors.reduce((acc, value) => acc + value, 0);
    const order = exact
      .map((value, at) => [value - (floors[at] ?? 0), at] as const)
      .sort((a, b) => b[0] - a[0]);
    for (const [, at] of order) {
      if (left <= 0) break;
      floors[at] = (floors[at] ?? 0) + 1;
      left -= 1;
    }
    remaining = 0;
    open.forEach((index, at) => {
      const next = (parts[index] ?? 0) + (floors[at] ?? 0);
      if (next > cap) {
        remaining += next - cap;
        parts[index] = cap;
        capped.add(index);
      } else parts[index] = next;
    });
  }
  return parts;
}
